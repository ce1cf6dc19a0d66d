//! Connecting a workspace to the GitHub App, and choosing its repositories.
//!
//! An owner or admin asks to connect; the answer is the App's installation page with a
//! `state` bound to their session and workspace (single use, ten minutes). GitHub sends the
//! browser back to `/api/github/setup` with an `installation_id` and an OAuth `code`; the
//! installation id is never trusted as given: the server exchanges the code for a user token,
//! asks GitHub which installations that user can access, drops the token, and links the
//! installation only if it is among them. Only the installation id is stored.

use super::repositories::{Items, RepositoryOut};
use super::WorkspaceParam;
use crate::auth::{Caller, Need};
use crate::error::{ApiError, ApiResult, ErrorReply};
use crate::time::rfc3339;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferret_store::github::{self as store, ConnectState, NewGithubRepository};
use ferret_store::queue::{JobQueue, SqlJobQueue};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How long a connect request waits for GitHub's redirect.
const CONNECT_STATE_SECS: i64 = 600;

fn app(state: &AppState) -> ApiResult<&Arc<crate::github_app::GithubApp>> {
    state
        .github
        .as_ref()
        .ok_or_else(|| ApiError::conflict("no GitHub App is configured on this server"))
}

/// Where to send the user to install the App.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectStart {
    /// The App's installation page; the `state` in it works once, for this session.
    install_url: String,
    expires_at: String,
}

/// Start connecting GitHub (owners and admins, from a signed-in session).
#[utoipa::path(post, path = "/api/workspaces/{workspace}/github/connect", tag = "github",
    params(WorkspaceParam),
    responses(
        (status = 201, description = "Send the user to `install_url`", body = ConnectStart),
        (status = 409, description = "No GitHub App is configured", body = ErrorReply),
    ))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Response> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let session = caller.require_session()?.to_string();
    let github = app(&state)?;
    if !github.can_prove_access() {
        return Err(ApiError::conflict(
            "the GitHub App needs a client id and secret to connect workspaces",
        ));
    }
    let secret = crate::crypto::new_secret("");
    let install_url = github
        .install_url(&secret)
        .ok_or_else(|| ApiError::conflict("the GitHub App needs an app_slug"))?;
    let expires_at = crate::time::now() + CONNECT_STATE_SECS;
    store::create_connect_state(
        &state.db,
        &crate::crypto::sha256_hex(secret.as_bytes()),
        &ConnectState {
            workspace_id: ws,
            user_id: caller.user_id.clone(),
            session_hash: session,
        },
        expires_at,
    )
    .await?;
    let body = ConnectStart {
        install_url,
        expires_at: rfc3339(expires_at),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// What GitHub's redirect after an installation carries.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SetupQuery {
    pub installation_id: i64,
    /// `install` or `update`.
    pub setup_action: Option<String>,
    /// The OAuth code proving who the user is on GitHub.
    pub code: Option<String>,
    /// The state from `install_url`.
    pub state: String,
}

/// A workspace now connected to an installation.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Connected {
    pub workspace_id: String,
    pub installation_id: i64,
    pub account: String,
}

/// Finish connecting: GitHub's redirect after the installation.
///
/// Links the installation only when GitHub confirms that the signed-in user can access it,
/// and only for the session and workspace that started the request.
#[utoipa::path(get, path = "/api/github/setup", tag = "github",
    params(SetupQuery),
    responses(
        (status = 200, description = "Connected", body = Connected),
        (status = 403, description = "Unknown, used or expired state; another session; or no access to this installation", body = ErrorReply),
        (status = 409, description = "No GitHub App is configured", body = ErrorReply),
    ))]
pub async fn setup(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SetupQuery>,
) -> ApiResult<Json<Connected>> {
    let session = caller.require_session()?.to_string();
    let github = app(&state)?.clone();
    let now = crate::time::now();
    let request = store::take_connect_state(
        &state.db,
        &crate::crypto::sha256_hex(query.state.as_bytes()),
        now,
    )
    .await?;
    let refused =
        || ApiError::forbidden("this connect request is unknown, used or expired: start again");
    let request = request.ok_or_else(refused)?;
    if request.session_hash != session || request.user_id != caller.user_id {
        return Err(refused());
    }
    // Still an admin of the workspace?
    caller
        .in_workspace(&state, &request.workspace_id, Need::ADMIN)
        .await?;
    let code = query
        .code
        .filter(|c| !c.is_empty() && c.len() <= 200)
        .ok_or_else(|| {
            ApiError::forbidden(
                "GitHub sent no authorization code: enable \"Request user authorization (OAuth) during installation\" for the App",
            )
        })?;
    let installation = github
        .prove_access(code, query.installation_id)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "github access check failed");
            ApiError::forbidden("GitHub did not confirm your access to this installation")
        })?
        .ok_or_else(|| {
            ApiError::forbidden("your GitHub account cannot access this installation")
        })?;
    if store::installation(&state.db, installation.id)
        .await?
        .is_none()
    {
        // The redirect can arrive before the `installation` webhook.
        store::installation_created(
            &state.db,
            &store::Installation {
                installation_id: installation.id,
                account_login: installation.account_login.chars().take(100).collect(),
                account_type: installation.account_type.chars().take(20).collect(),
            },
            now,
            &caller.actor(),
        )
        .await?;
    }
    store::connect(
        &state.db,
        &request.workspace_id,
        installation.id,
        now,
        &caller.actor(),
    )
    .await?;
    Ok(Json(Connected {
        workspace_id: request.workspace_id,
        installation_id: installation.id,
        account: installation.account_login,
    }))
}

/// An installation connected to the workspace.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstallationOut {
    pub installation_id: i64,
    pub account: String,
    pub account_type: String,
    pub suspended: bool,
    pub connected_by: Option<String>,
    pub connected_at: String,
}

/// The GitHub installations connected to the workspace.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/github/installations", tag = "github",
    params(WorkspaceParam),
    responses((status = 200, description = "Installations", body = Items<InstallationOut>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Items<InstallationOut>>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let items = store::connections(&state.db, &ws)
        .await?
        .into_iter()
        .map(|c| InstallationOut {
            installation_id: c.installation.installation_id,
            account: c.installation.account_login,
            account_type: c.installation.account_type,
            suspended: c.suspended,
            connected_by: c.connected_by,
            connected_at: rfc3339(c.connected_at),
        })
        .collect();
    Ok(Json(Items::new(items)))
}

/// A repository an installation can access, as GitHub lists it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailableRepository {
    /// GitHub's repository id.
    pub github_repo_id: i64,
    /// `owner/name`.
    pub full_name: String,
    pub default_branch: Option<String>,
    pub private: bool,
}

/// The repositories a connected installation can access (owners and admins), to choose which
/// to scan. Listed by GitHub with a token that may only read metadata, dropped at once.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/github/installations/{installation}/repositories", tag = "github",
    params(WorkspaceParam, ("installation" = i64, Path, description = "GitHub's installation id")),
    responses(
        (status = 200, description = "Repositories", body = Items<AvailableRepository>),
        (status = 409, description = "No GitHub App is configured, or GitHub could not list them", body = ErrorReply),
    ))]
pub async fn available_repositories(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, installation)): Path<(String, i64)>,
) -> ApiResult<Json<Items<AvailableRepository>>> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let github = app(&state)?.clone();
    let connected = store::connections(&state.db, &ws)
        .await?
        .iter()
        .any(|c| c.installation.installation_id == installation);
    if !connected {
        return Err(ApiError::not_found());
    }
    let items = github
        .installation_repositories(installation)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "listing an installation's repositories failed");
            ApiError::conflict("GitHub could not list the installation's repositories")
        })?
        .into_iter()
        .map(|r| AvailableRepository {
            github_repo_id: r.id,
            full_name: r.full_name,
            default_branch: r.default_branch,
            private: r.private,
        })
        .collect();
    Ok(Json(Items::new(items)))
}

/// Disconnect an installation from the workspace (owners and admins).
///
/// Its repositories here stop at once — their queued and running scans are cancelled — and
/// their data is deleted after the configured grace period. Other workspaces keep theirs.
#[utoipa::path(delete, path = "/api/workspaces/{workspace}/github/installations/{installation}", tag = "github",
    params(WorkspaceParam, ("installation" = i64, Path, description = "GitHub's installation id")),
    responses((status = 204, description = "Disconnected")))]
pub async fn disconnect(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, installation)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let delete_after = crate::time::now() + state.config.github.deletion_grace_days * 86_400;
    let repositories =
        store::disconnect(&state.db, &ws, installation, delete_after, &caller.actor()).await?;
    let queue = SqlJobQueue::new(state.db.clone());
    for repository in &repositories {
        queue
            .cancel_subject(&store::repository_subject(installation, repository))
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A repository of a connected installation to scan.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewGithubRepositoryIn {
    pub installation_id: i64,
    /// GitHub's repository id.
    pub github_repo_id: i64,
    /// `owner/name`.
    #[schema(max_length = 200)]
    pub full_name: String,
    #[schema(max_length = 255)]
    pub default_branch: String,
}

/// Add a repository of a connected installation (owners and admins).
///
/// GitHub must confirm that the repository belongs to the installation.
#[utoipa::path(post, path = "/api/workspaces/{workspace}/github/repositories", tag = "github",
    params(WorkspaceParam), request_body = NewGithubRepositoryIn,
    responses(
        (status = 201, description = "Added", body = RepositoryOut),
        (status = 403, description = "The repository is not in the installation", body = ErrorReply),
        (status = 409, description = "Name taken, or no GitHub App key configured", body = ErrorReply),
    ))]
pub async fn add_repository(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<NewGithubRepositoryIn>,
) -> ApiResult<Response> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let github = app(&state)?.clone();
    let full_name = body.full_name.trim();
    let valid_name = full_name.len() <= 200
        && full_name.split('/').count() == 2
        && full_name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    let branch = body.default_branch.trim();
    if !valid_name
        || branch.is_empty()
        || branch.len() > 255
        || branch.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(ApiError::invalid(
            "full_name must be owner/name and default_branch a branch name",
        ));
    }
    let connected = store::connections(&state.db, &ws)
        .await?
        .iter()
        .any(|c| c.installation.installation_id == body.installation_id);
    if !connected {
        return Err(ApiError::not_found());
    }
    let belongs = github
        .repository_in_installation(body.installation_id, body.github_repo_id)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "github repository check failed");
            ApiError::conflict("GitHub could not confirm the repository; check the App key")
        })?;
    if !belongs {
        return Err(ApiError::forbidden(
            "the repository is not part of this installation",
        ));
    }
    let now = crate::time::now();
    let id = store::add_repository(
        &state.db,
        &ws,
        &NewGithubRepository {
            installation_id: body.installation_id,
            github_repo_id: body.github_repo_id,
            full_name,
            default_branch: branch,
        },
        now,
        &caller.actor(),
    )
    .await?;
    let repository = ferret_store::repositories::list(&state.db, &ws)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(RepositoryOut::from(repository))).into_response())
}
