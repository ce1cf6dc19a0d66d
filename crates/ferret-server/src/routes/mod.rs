//! The HTTP API, one module per resource, and the list of routes.
//!
//! Each handler carries its OpenAPI description (`#[utoipa::path]`: method, path, parameters,
//! body, responses); [`api`] registers handlers through `utoipa_axum::routes!`, which takes the
//! path and method from that description. The router and the description therefore come from
//! the same list: a route cannot be served without being documented, nor documented without
//! being served. [`crate::openapi`] adds the conventions every operation shares and serves the
//! result at `/api/openapi.json`.

pub mod account;
pub mod audit_log;
pub mod findings;
pub mod github;
pub mod github_connect;
pub mod jobs;
pub mod members;
pub mod overview;
pub mod repositories;
pub mod tokens;
pub mod workspaces;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::Json;
use axum::Router;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Ordinary requests are small; only scan uploads may be large.
const SMALL_BODY: usize = 64 * 1024;

/// Every route of the API with its description. `upload_limit` bounds scan uploads (bytes).
pub fn api(upload_limit: usize) -> OpenApiRouter<AppState> {
    let upload_limit = DefaultBodyLimit::max(upload_limit);
    OpenApiRouter::with_openapi(crate::openapi::base())
        .routes(routes!(health))
        .routes(routes!(crate::openapi::serve))
        .routes(routes!(account::signup))
        .routes(routes!(account::login))
        .routes(routes!(account::logout))
        .routes(routes!(account::session))
        .routes(routes!(account::me))
        .routes(routes!(account::change_password))
        .routes(routes!(account::delete_account))
        .routes(routes!(account::sessions))
        .routes(routes!(account::revoke_session))
        .routes(routes!(account::revoke_other_sessions))
        .routes(routes!(members::accept_invitation))
        .routes(routes!(repositories::upload_with_token).layer(upload_limit))
        .routes(routes!(workspaces::list, workspaces::create))
        .routes(routes!(
            workspaces::show,
            workspaces::update,
            workspaces::remove
        ))
        .routes(routes!(workspaces::transfer))
        .routes(routes!(members::list))
        .routes(routes!(members::change_role, members::remove))
        .routes(routes!(members::list_invitations, members::invite))
        .routes(routes!(members::revoke_invitation))
        .routes(routes!(
            workspaces::list_integrations,
            workspaces::create_integration
        ))
        .routes(routes!(
            workspaces::delete_integration,
            workspaces::replace_integration_url
        ))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(repositories::list, repositories::create))
        .routes(routes!(repositories::remove))
        .routes(routes!(repositories::list_scans))
        .routes(routes!(repositories::upload).layer(upload_limit))
        .routes(routes!(findings::list))
        .routes(routes!(overview::overview))
        .routes(routes!(findings::show, findings::triage))
        .routes(routes!(findings::history))
        .routes(routes!(audit_log::list))
        .routes(routes!(audit_log::verify))
        .routes(routes!(audit_log::export))
        .routes(routes!(github::receive).layer(DefaultBodyLimit::max(github::MAX_DELIVERY_BYTES)))
        .routes(routes!(github_connect::start))
        .routes(routes!(github_connect::setup))
        .routes(routes!(github_connect::list))
        .routes(routes!(github_connect::disconnect))
        .routes(routes!(github_connect::add_repository))
        .routes(routes!(github_connect::available_repositories))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::scan_now))
        .layer(DefaultBodyLimit::max(SMALL_BODY))
}

/// The API router, ready to serve.
pub fn router(state: AppState) -> Router {
    let (router, _) = api(state.config.max_upload_bytes).split_for_parts();
    crate::dashboard::with_pages(router).with_state(state)
}

/// `GET /api/health`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// Always `ok` when the server answers.
    status: &'static str,
    version: &'static str,
}

/// Liveness: the server answers, and with which version.
#[utoipa::path(get, path = "/api/health", tag = "server", security(()),
    responses((status = 200, description = "The server is up", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The `{workspace}` path parameter, as documented (handlers read it with `Path`).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct WorkspaceParam {
    /// Workspace id (`ws_…`); a workspace the caller is not in answers 404.
    #[param(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_]+$")]
    workspace: String,
}

/// Page parameters shared by listings.
pub fn page_bounds(page: Option<u32>, per_page: Option<u32>) -> (i64, i64, i64) {
    let per_page = per_page.unwrap_or(50).clamp(1, 500) as i64;
    let page = page.unwrap_or(1).clamp(1, 1_000_000) as i64;
    (page, per_page, (page - 1) * per_page)
}
