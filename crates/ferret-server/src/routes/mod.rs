//! The HTTP API, one module per resource. `/api/openapi.json` describes every route.

pub mod account;
pub mod audit_log;
pub mod findings;
pub mod members;
pub mod repositories;
pub mod tokens;
pub mod workspaces;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{delete, get, patch, post, put};
use axum::Router;

/// Ordinary requests are small; only scan uploads may be large.
const SMALL_BODY: usize = 64 * 1024;

/// The OpenAPI 3 description of this API.
pub const OPENAPI: &str = include_str!("../openapi.json");

pub fn router(state: AppState) -> Router {
    let upload_limit = DefaultBodyLimit::max(state.config.max_upload_bytes);
    let ws = "/api/workspaces/{workspace}";
    Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/auth/signup", post(account::signup))
        .route("/api/auth/login", post(account::login))
        .route("/api/auth/logout", post(account::logout))
        .route("/api/auth/session", get(account::session))
        .route("/api/me", get(account::me))
        .route("/api/account/password", put(account::change_password))
        .route("/api/account", delete(account::delete_account))
        .route("/api/invitations/accept", post(members::accept_invitation))
        .route(
            "/api/scans",
            post(repositories::upload_with_token).layer(upload_limit),
        )
        .route(
            "/api/workspaces",
            get(workspaces::list).post(workspaces::create),
        )
        .route(
            ws,
            get(workspaces::show)
                .patch(workspaces::update)
                .delete(workspaces::remove),
        )
        .route(&format!("{ws}/transfer"), post(workspaces::transfer))
        .route(&format!("{ws}/members"), get(members::list))
        .route(
            &format!("{ws}/members/{{user}}"),
            patch(members::change_role).delete(members::remove),
        )
        .route(
            &format!("{ws}/invitations"),
            get(members::list_invitations).post(members::invite),
        )
        .route(
            &format!("{ws}/invitations/{{invitation}}"),
            delete(members::revoke_invitation),
        )
        .route(
            &format!("{ws}/integrations"),
            get(workspaces::list_integrations).post(workspaces::create_integration),
        )
        .route(
            &format!("{ws}/integrations/{{integration}}"),
            delete(workspaces::delete_integration).put(workspaces::replace_integration_url),
        )
        .route(
            &format!("{ws}/tokens"),
            get(tokens::list).post(tokens::create),
        )
        .route(&format!("{ws}/tokens/{{token}}"), delete(tokens::revoke))
        .route(
            &format!("{ws}/repositories"),
            get(repositories::list).post(repositories::create),
        )
        .route(
            &format!("{ws}/repositories/{{repository}}"),
            delete(repositories::remove),
        )
        .route(
            &format!("{ws}/scans"),
            get(repositories::list_scans)
                .post(repositories::upload)
                .layer(upload_limit),
        )
        .route(&format!("{ws}/findings"), get(findings::list))
        .route(
            &format!("{ws}/findings/{{finding}}"),
            get(findings::show).patch(findings::triage),
        )
        .route(&format!("{ws}/audit"), get(audit_log::list))
        .layer(DefaultBodyLimit::max(SMALL_BODY))
        .with_state(state)
}

/// `GET /api/health`.
#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

async fn health() -> impl IntoResponse {
    axum::Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// Page parameters shared by listings.
pub fn page_bounds(page: Option<u32>, per_page: Option<u32>) -> (i64, i64, i64) {
    let per_page = per_page.unwrap_or(50).clamp(1, 500) as i64;
    let page = page.unwrap_or(1).clamp(1, 1_000_000) as i64;
    (page, per_page, (page - 1) * per_page)
}
