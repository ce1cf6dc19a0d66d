//! Workspaces (personal and team), their settings, ownership transfer and integrations.

use super::repositories::Items;
use super::WorkspaceParam;
use crate::auth::{AuthKind, Caller, Need, Role};
use crate::error::{ApiError, ApiResult, ErrorReply};
use crate::time::rfc3339;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferret_store::workspaces::{self as store, IntegrationRecord, WorkspaceRecord};
use serde::{Deserialize, Serialize};

/// Checks a display name: 1-100 characters, no control characters.
pub fn check_display_name(field: &str, name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "{field} must be 1-100 characters on one line"
        )));
    }
    Ok(name.to_string())
}

/// A workspace as the caller sees it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceOut {
    pub id: String,
    pub name: String,
    pub personal: bool,
    pub role: String,
    pub created_at: String,
    /// When hosted scans' check runs fail: `high` (a new high or critical finding), `any`
    /// (any new finding) or `never` (neutral).
    pub check_policy: String,
    /// Days of history kept (0: everything).
    pub retention_days: i64,
}

impl From<WorkspaceRecord> for WorkspaceOut {
    fn from(w: WorkspaceRecord) -> Self {
        WorkspaceOut {
            id: w.id,
            name: w.name,
            personal: w.personal,
            role: w.role,
            created_at: rfc3339(w.created_at),
            check_policy: w.check_policy,
            retention_days: w.retention_days,
        }
    }
}

/// The caller's workspaces (a token sees only its own).
#[utoipa::path(get, path = "/api/workspaces", tag = "workspaces",
    responses((status = 200, description = "Workspaces", body = Items<WorkspaceOut>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Items<WorkspaceOut>>> {
    let bound = match &caller.auth {
        AuthKind::Token { workspace_id, .. } => Some(workspace_id.as_str()),
        AuthKind::Session { .. } => None,
    };
    let items = store::list_for_member(&state.db, &caller.user_id)
        .await?
        .into_iter()
        .filter(|w| bound.is_none_or(|b| w.id == b))
        .map(WorkspaceOut::from)
        .collect();
    Ok(Json(Items::new(items)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewWorkspace {
    pub name: String,
}

/// Create a team workspace owned by the caller.
#[utoipa::path(post, path = "/api/workspaces", tag = "workspaces",
    request_body = NewWorkspace,
    responses((status = 201, description = "Created", body = WorkspaceOut)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewWorkspace>,
) -> ApiResult<Response> {
    let created = create_workspace(&state, &caller, &body).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// [`create`]'s operation, for the dashboard's form.
pub async fn create_workspace(
    state: &AppState,
    caller: &Caller,
    body: &NewWorkspace,
) -> ApiResult<WorkspaceOut> {
    caller.require_session()?;
    let name = check_display_name("name", &body.name)?;
    let workspace = store::create(&state.db, &name, &caller.user_id, &caller.actor()).await?;
    Ok(WorkspaceOut::from(workspace))
}

/// One workspace, with the caller's role in it.
#[utoipa::path(get, path = "/api/workspaces/{workspace}", tag = "workspaces",
    params(WorkspaceParam),
    responses((status = 200, description = "The workspace", body = WorkspaceOut)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<WorkspaceOut>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let workspace = store::get_for_member(&state.db, &ws, &caller.user_id).await?;
    Ok(Json(workspace.into()))
}

/// Settings to change; those left out stay as they are.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct WorkspaceSettings {
    #[serde(default)]
    pub name: Option<String>,
    /// `high`, `any` or `never`.
    #[serde(default)]
    pub check_policy: Option<String>,
    /// Days of history kept: older scans, and findings fixed longer ago, are deleted (hourly).
    /// 0 keeps everything (the default); at most 3650.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 3650)]
    pub retention_days: Option<i64>,
}

/// Change a workspace's settings (admins and owners).
#[utoipa::path(patch, path = "/api/workspaces/{workspace}", tag = "workspaces",
    params(WorkspaceParam), request_body = WorkspaceSettings,
    responses((status = 200, description = "The workspace as changed", body = WorkspaceOut)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<WorkspaceSettings>,
) -> ApiResult<Json<WorkspaceOut>> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let name = body
        .name
        .as_deref()
        .map(|name| check_display_name("name", name))
        .transpose()?;
    store::update_settings(
        &state.db,
        &ws,
        &store::SettingsChange {
            name: name.as_deref(),
            check_policy: body.check_policy.as_deref(),
            retention_days: body.retention_days,
        },
        &caller.actor(),
    )
    .await?;
    let workspace = store::get_for_member(&state.db, &ws, &caller.user_id).await?;
    Ok(Json(workspace.into()))
}

/// Delete a team workspace and everything in it (owners only).
///
/// Personal workspaces go with their account.
#[utoipa::path(delete, path = "/api/workspaces/{workspace}", tag = "workspaces",
    params(WorkspaceParam),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "A personal workspace", body = ErrorReply),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::OWNER).await?;
    if store::is_personal(&state.db, &ws).await? {
        return Err(ApiError::conflict(
            "a personal workspace is deleted with its account",
        ));
    }
    store::delete(&state.db, &ws, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Transfer {
    pub user_id: String,
}

/// Hand ownership to another member; the caller (an owner) becomes an admin.
#[utoipa::path(post, path = "/api/workspaces/{workspace}/transfer", tag = "workspaces",
    params(WorkspaceParam), request_body = Transfer,
    responses(
        (status = 204, description = "Transferred"),
        (status = 409, description = "A personal workspace", body = ErrorReply),
    ))]
pub async fn transfer(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<Transfer>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::OWNER).await?;
    if body.user_id == caller.user_id {
        return Err(ApiError::invalid("you already own this workspace"));
    }
    if store::is_personal(&state.db, &ws).await? {
        return Err(ApiError::conflict(
            "personal workspaces cannot be transferred",
        ));
    }
    if crate::auth::member_role(&state, &ws, &body.user_id)
        .await?
        .is_none()
    {
        return Err(ApiError::invalid(
            "the new owner must be a member of the workspace",
        ));
    }
    store::transfer(
        &state.db,
        &ws,
        &caller.user_id,
        &body.user_id,
        &caller.actor(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An integration as the API returns it: the URL only says where it points (it is a
/// credential, sealed at rest).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationOut {
    id: String,
    kind: String,
    name: String,
    url: String,
    created_at: String,
}

fn integration_out(state: &AppState, r: IntegrationRecord) -> IntegrationOut {
    let url = crate::sealed::open(&state.key, &r.id, &r.sealed_url)
        .map(|u| crate::sealed::mask_url(&u))
        .unwrap_or_else(|| "*****".into());
    IntegrationOut {
        id: r.id,
        kind: r.kind,
        name: r.name,
        url,
        created_at: rfc3339(r.created_at),
    }
}

/// A workspace's integrations (their URLs masked).
#[utoipa::path(get, path = "/api/workspaces/{workspace}/integrations", tag = "integrations",
    params(WorkspaceParam),
    responses((status = 200, description = "Integrations", body = Items<IntegrationOut>)))]
pub async fn list_integrations(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Items<IntegrationOut>>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let items = store::integrations(&state.db, &ws)
        .await?
        .into_iter()
        .map(|r| integration_out(&state, r))
        .collect();
    Ok(Json(Items::new(items)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewIntegration {
    pub kind: String,
    pub name: String,
    pub url: String,
}

/// Add an integration (admins and owners); its URL is sealed at rest and never read back.
#[utoipa::path(post, path = "/api/workspaces/{workspace}/integrations", tag = "integrations",
    params(WorkspaceParam), request_body = NewIntegration,
    responses((status = 201, description = "Added", body = IntegrationOut)))]
pub async fn create_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<NewIntegration>,
) -> ApiResult<Response> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    if !["webhook", "slack", "github"].contains(&body.kind.as_str()) {
        return Err(ApiError::invalid("kind must be webhook, slack or github"));
    }
    let name = check_display_name("name", &body.name)?;
    let url = check_integration_url(&body.url)?;
    let record = store::add_integration(
        &state.db,
        &ws,
        &body.kind,
        &name,
        |id| crate::sealed::seal(&state.key, id, url),
        &caller.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(integration_out(&state, record))).into_response())
}

fn check_integration_url(url: &str) -> ApiResult<&str> {
    let url = url.trim();
    if !url.starts_with("https://")
        || url.len() > 2048
        || url.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(ApiError::invalid(
            "url must be an https:// URL of at most 2048 characters",
        ));
    }
    Ok(url)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReplaceIntegrationUrl {
    pub url: String,
}

/// Replace an integration's URL (admins and owners; it is never read back).
#[utoipa::path(put, path = "/api/workspaces/{workspace}/integrations/{integration}", tag = "integrations",
    params(WorkspaceParam, ("integration" = String, Path, description = "Integration id")),
    request_body = ReplaceIntegrationUrl,
    responses((status = 204, description = "Replaced")))]
pub async fn replace_integration_url(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
    Json(body): Json<ReplaceIntegrationUrl>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let url = check_integration_url(&body.url)?;
    let sealed = crate::sealed::seal(&state.key, &id, url);
    store::replace_integration_url(&state.db, &ws, &id, &sealed, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Seals integration URLs stored in plain text by earlier versions (at start).
pub async fn seal_legacy_integrations(state: &AppState) -> Result<u64, ferret_store::StoreError> {
    store::reseal_integrations(&state.db, |id, stored| {
        (!crate::sealed::is_sealed(stored)).then(|| crate::sealed::seal(&state.key, id, stored))
    })
    .await
}

/// Remove an integration (admins and owners).
#[utoipa::path(delete, path = "/api/workspaces/{workspace}/integrations/{integration}", tag = "integrations",
    params(WorkspaceParam, ("integration" = String, Path, description = "Integration id")),
    responses((status = 204, description = "Removed")))]
pub async fn delete_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    store::remove_integration(&state.db, &ws, &id, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Roles a caller may hand out: only owners create owners.
pub fn may_grant(caller_role: Role, role: Role) -> bool {
    role < Role::Owner || caller_role == Role::Owner
}
