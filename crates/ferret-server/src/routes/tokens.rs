//! API tokens: per user and workspace, scoped, expiring, shown once, stored as a hash.

use crate::audit;
use crate::auth::{Caller, Need, Role, Scope};
use crate::crypto::{self, API_TOKEN_PREFIX};
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

/// `GET /api/workspaces/{workspace}/tokens`: the caller's tokens; admins see everyone's.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Value>> {
    let role = caller.in_workspace(&state, &ws, Need::READ).await?;
    let sql = "SELECT t.id, t.name, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, \
               t.user_id, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.workspace_id = $1";
    let rows = if role >= Role::Admin {
        sqlx::query(&format!("{sql} ORDER BY t.created_at, t.id"))
            .bind(&ws)
            .fetch_all(state.db.pool())
            .await?
    } else {
        sqlx::query(&format!(
            "{sql} AND t.user_id = $2 ORDER BY t.created_at, t.id"
        ))
        .bind(&ws)
        .bind(&caller.user_id)
        .fetch_all(state.db.pool())
        .await?
    };
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.get::<String, _>("id"),
                "name": r.get::<String, _>("name"),
                "user_id": r.get::<String, _>("user_id"),
                "user_email": r.get::<String, _>("email"),
                "scopes": r.get::<String, _>("scopes").split_whitespace().collect::<Vec<_>>(),
                "created_at": rfc3339(r.get("created_at")),
                "expires_at": rfc3339(r.get("expires_at")),
                "last_used_at": r.get::<Option<i64>, _>("last_used_at").map(rfc3339),
                "revoked_at": r.get::<Option<i64>, _>("revoked_at").map(rfc3339),
            })
        })
        .collect();
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize)]
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// `POST /api/workspaces/{workspace}/tokens`: needs a signed-in session; the token is in the
/// response and nowhere else.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<NewToken>,
) -> ApiResult<Response> {
    let role = caller.in_workspace(&state, &ws, Need::READ).await?;
    caller.require_session()?;
    let name = super::workspaces::check_display_name("name", &body.name)?;
    if body.scopes.is_empty() || body.scopes.len() > Scope::ALL.len() {
        return Err(ApiError::invalid(
            "scopes must list at least one of findings:read, findings:write, scans:write, admin",
        ));
    }
    let mut scopes = Vec::new();
    for text in &body.scopes {
        let scope = Scope::parse(text)
            .ok_or_else(|| ApiError::invalid(format!("unknown scope {text:?}")))?;
        if role < scope.min_role() {
            return Err(ApiError::forbidden(format!(
                "your role cannot hold the {text} scope"
            )));
        }
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    let days = body
        .expires_in_days
        .unwrap_or(state.config.token_default_days);
    if days < 1 || days > state.config.token_max_days {
        return Err(ApiError::invalid(format!(
            "expires_in_days must be between 1 and {}",
            state.config.token_max_days
        )));
    }
    let token = crypto::new_secret(API_TOKEN_PREFIX);
    let id = crypto::new_id("tok");
    let now = crate::time::now();
    let expires_at = now + days * 86_400;
    let scope_text = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut tx = state.db.write().await?;
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, workspace_id, name, token_hash, scopes, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&caller.user_id)
    .bind(&ws)
    .bind(&name)
    .bind(crypto::sha256_hex(token.as_bytes()))
    .bind(&scope_text)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx.tx)
    .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "token.create",
        Some(&id),
        json!({"scopes": scope_text, "expires_at": expires_at}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": id, "name": name, "token": token,
            "scopes": scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "created_at": rfc3339(now), "expires_at": rfc3339(expires_at),
        })),
    )
        .into_response())
}

/// `DELETE /api/workspaces/{workspace}/tokens/{token}`: your own, or anyone's as an admin.
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::SELF_SERVICE).await?;
    let owner: String =
        sqlx::query("SELECT user_id FROM api_tokens WHERE id = $1 AND workspace_id = $2")
            .bind(&id)
            .bind(&ws)
            .fetch_optional(state.db.pool())
            .await?
            .ok_or_else(ApiError::not_found)?
            .get("user_id");
    if owner != caller.user_id {
        caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    }
    let mut tx = state.db.write().await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(crate::time::now())
        .bind(&id)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "token.revoke",
        Some(&id),
        json!({"owner": owner}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
