//! Workspaces (personal and team), their settings, ownership transfer and integrations.

use crate::audit;
use crate::auth::{AuthKind, Caller, Need, Role};
use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::time::rfc3339;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::Row;

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

fn workspace_json(row: &sqlx::any::AnyRow) -> Value {
    let personal: Option<String> = row.get("personal_of");
    json!({
        "id": row.get::<String, _>("id"),
        "name": row.get::<String, _>("name"),
        "personal": personal.is_some(),
        "role": row.get::<String, _>("role"),
        "created_at": rfc3339(row.get("created_at")),
    })
}

/// `GET /api/workspaces`: the caller's workspaces (a token sees only its own).
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let rows = sqlx::query(
        "SELECT w.id, w.name, w.personal_of, w.created_at, m.role FROM workspaces w \
         JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = $1 ORDER BY w.created_at, w.id",
    )
    .bind(&caller.user_id)
    .fetch_all(state.db.pool())
    .await?;
    let bound = match &caller.auth {
        AuthKind::Token { workspace_id, .. } => Some(workspace_id.as_str()),
        AuthKind::Session { .. } => None,
    };
    let items: Vec<Value> = rows
        .iter()
        .filter(|r| bound.is_none_or(|b| r.get::<String, _>("id") == b))
        .map(workspace_json)
        .collect();
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize)]
pub struct NewWorkspace {
    pub name: String,
}

/// `POST /api/workspaces`: a team workspace owned by the caller.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewWorkspace>,
) -> ApiResult<Response> {
    caller.require_session()?;
    let name = check_display_name("name", &body.name)?;
    let id = crypto::new_id("ws");
    let now = crate::time::now();
    let mut tx = state.db.write().await?;
    sqlx::query(
        "INSERT INTO workspaces (id, name, personal_of, created_at) VALUES ($1, $2, NULL, $3)",
    )
    .bind(&id)
    .bind(&name)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)")
        .bind(&id)
        .bind(&caller.user_id)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&id),
        "workspace.create",
        Some(&id),
        json!({}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "name": name, "personal": false, "role": "owner", "created_at": rfc3339(now)})),
    )
        .into_response())
}

async fn load(state: &AppState, workspace_id: &str, user_id: &str) -> ApiResult<sqlx::any::AnyRow> {
    sqlx::query(
        "SELECT w.id, w.name, w.personal_of, w.created_at, m.role FROM workspaces w \
         JOIN memberships m ON m.workspace_id = w.id WHERE w.id = $1 AND m.user_id = $2",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(ApiError::not_found)
}

/// `GET /api/workspaces/{workspace}`.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    Ok(Json(workspace_json(
        &load(&state, &ws, &caller.user_id).await?,
    )))
}

#[derive(Deserialize)]
pub struct WorkspaceSettings {
    pub name: String,
}

/// `PATCH /api/workspaces/{workspace}`: settings (admins and owners).
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<WorkspaceSettings>,
) -> ApiResult<Json<Value>> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let name = check_display_name("name", &body.name)?;
    let mut tx = state.db.write().await?;
    sqlx::query("UPDATE workspaces SET name = $1 WHERE id = $2")
        .bind(&name)
        .bind(&ws)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "workspace.settings",
        Some(&ws),
        json!({}),
    )
    .await?;
    Ok(Json(workspace_json(
        &load(&state, &ws, &caller.user_id).await?,
    )))
}

async fn is_personal(state: &AppState, ws: &str) -> ApiResult<bool> {
    let row = sqlx::query("SELECT personal_of FROM workspaces WHERE id = $1")
        .bind(ws)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(row.get::<Option<String>, _>("personal_of").is_some())
}

/// `DELETE /api/workspaces/{workspace}`: owners only; personal workspaces go with the account.
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::OWNER).await?;
    if is_personal(&state, &ws).await? {
        return Err(ApiError::conflict(
            "a personal workspace is deleted with its account",
        ));
    }
    let mut tx = state.db.write().await?;
    super::account::delete_workspace_rows(&mut tx.tx, &ws).await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "workspace.delete",
        Some(&ws),
        json!({}),
    )
    .await?;
    state.db.purge_deleted().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct Transfer {
    pub user_id: String,
}

/// `POST /api/workspaces/{workspace}/transfer`: the caller (an owner) hands ownership to another
/// member and becomes an admin.
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
    if is_personal(&state, &ws).await? {
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
    let mut tx = state.db.write().await?;
    sqlx::query("UPDATE memberships SET role = 'owner' WHERE workspace_id = $1 AND user_id = $2")
        .bind(&ws)
        .bind(&body.user_id)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query("UPDATE memberships SET role = 'admin' WHERE workspace_id = $1 AND user_id = $2")
        .bind(&ws)
        .bind(&caller.user_id)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "workspace.transfer",
        Some(&body.user_id),
        json!({"from": caller.user_id}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/workspaces/{workspace}/integrations`.
pub async fn list_integrations(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let rows = sqlx::query("SELECT id, kind, name, url, created_at FROM integrations WHERE workspace_id = $1 ORDER BY created_at, id")
        .bind(&ws)
        .fetch_all(state.db.pool())
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            // The URL is a credential (a webhook): only where it points is shown.
            let id: String = r.get("id");
            let url = crate::sealed::open(&state.key, &id, &r.get::<String, _>("url"))
                .map(|u| crate::sealed::mask_url(&u))
                .unwrap_or_else(|| "*****".into());
            json!({"id": id, "kind": r.get::<String, _>("kind"),
                   "name": r.get::<String, _>("name"), "url": url,
                   "created_at": rfc3339(r.get("created_at"))})
        })
        .collect();
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize)]
pub struct NewIntegration {
    pub kind: String,
    pub name: String,
    pub url: String,
}

/// `POST /api/workspaces/{workspace}/integrations`: admins and owners only.
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
    let id = crypto::new_id("int");
    let now = crate::time::now();
    let mut tx = state.db.write().await?;
    sqlx::query("INSERT INTO integrations (id, workspace_id, kind, name, url, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(&ws)
        .bind(&body.kind)
        .bind(&name)
        .bind(crate::sealed::seal(&state.key, &id, url))
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "integration.create",
        Some(&id),
        json!({"kind": body.kind}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "kind": body.kind, "name": name,
                    "url": crate::sealed::mask_url(url), "created_at": rfc3339(now)})),
    )
        .into_response())
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

#[derive(Deserialize)]
pub struct ReplaceIntegrationUrl {
    pub url: String,
}

/// `PUT /api/workspaces/{workspace}/integrations/{integration}`: admins replace the URL (it is
/// never read back).
pub async fn replace_integration_url(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
    Json(body): Json<ReplaceIntegrationUrl>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let url = check_integration_url(&body.url)?;
    let mut tx = state.db.write().await?;
    let updated =
        sqlx::query("UPDATE integrations SET url = $1 WHERE id = $2 AND workspace_id = $3")
            .bind(crate::sealed::seal(&state.key, &id, url))
            .bind(&id)
            .bind(&ws)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
    if updated == 0 {
        return Err(ApiError::not_found());
    }
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "integration.replace_url",
        Some(&id),
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Seals integration URLs stored in plain text by earlier versions (at start).
pub async fn seal_legacy_integrations(state: &AppState) -> Result<u64, sqlx::Error> {
    let rows = sqlx::query("SELECT id, url FROM integrations")
        .fetch_all(state.db.pool())
        .await?;
    let mut sealed = 0;
    for row in rows {
        let (id, url): (String, String) = (row.get("id"), row.get("url"));
        if crate::sealed::is_sealed(&url) {
            continue;
        }
        let mut tx = state.db.write().await?;
        sqlx::query("UPDATE integrations SET url = $1 WHERE id = $2 AND url = $3")
            .bind(crate::sealed::seal(&state.key, &id, &url))
            .bind(&id)
            .bind(&url)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        sealed += 1;
    }
    Ok(sealed)
}

/// `DELETE /api/workspaces/{workspace}/integrations/{integration}`: admins and owners only.
pub async fn delete_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let mut tx = state.db.write().await?;
    let deleted = sqlx::query("DELETE FROM integrations WHERE id = $1 AND workspace_id = $2")
        .bind(&id)
        .bind(&ws)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(ApiError::not_found());
    }
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "integration.delete",
        Some(&id),
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Roles a caller may hand out: only owners create owners.
pub fn may_grant(caller_role: Role, role: Role) -> bool {
    role < Role::Owner || caller_role == Role::Owner
}
