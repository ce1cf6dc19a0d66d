//! API tokens: per user and workspace, scoped, expiring, shown once, stored as a hash.

use super::repositories::Items;
use super::WorkspaceParam;
use crate::auth::{Caller, Need, Role, Scope};
use crate::crypto::{self, API_TOKEN_PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::time::rfc3339;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

/// A token as listed (never its secret).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub user_id: String,
    pub user_email: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// API tokens: the caller's own; admins see everyone's.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/tokens", tag = "tokens",
    params(WorkspaceParam),
    responses((status = 200, description = "Tokens (never their values)", body = Items<TokenOut>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<super::repositories::Items<TokenOut>>> {
    let role = caller.in_workspace(&state, &ws, Need::READ).await?;
    let only_user = (role < Role::Admin).then_some(caller.user_id.as_str());
    let items = ferret_store::tokens::list(&state.db, &ws, only_user)
        .await?
        .into_iter()
        .map(|t| TokenOut {
            id: t.id,
            name: t.name,
            user_id: t.user_id,
            user_email: t.user_email,
            scopes: t.scopes,
            created_at: rfc3339(t.created_at),
            expires_at: rfc3339(t.expires_at),
            last_used_at: t.last_used_at.map(rfc3339),
            revoked_at: t.revoked_at.map(rfc3339),
        })
        .collect();
    Ok(Json(super::repositories::Items::new(items)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// A new token: the only time its secret is shown.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatedToken {
    pub id: String,
    pub name: String,
    pub token: String,
    pub scopes: Vec<&'static str>,
    pub created_at: String,
    pub expires_at: String,
}

/// Create an API token bound to this workspace (from a signed-in session).
///
/// The token's value is in this response and nowhere else; the server keeps only its hash.
#[utoipa::path(post, path = "/api/workspaces/{workspace}/tokens", tag = "tokens",
    params(WorkspaceParam), request_body = NewToken,
    responses((status = 201, description = "Created; `token` is shown only here", body = CreatedToken)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<NewToken>,
) -> ApiResult<Response> {
    let created = create_token(&state, &caller, &ws, &body).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// [`create`]'s operation, for the dashboard's form.
pub async fn create_token(
    state: &AppState,
    caller: &Caller,
    ws: &str,
    body: &NewToken,
) -> ApiResult<CreatedToken> {
    let role = caller.in_workspace(state, ws, Need::READ).await?;
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
    let now = crate::time::now();
    let expires_at = now + days * 86_400;
    let scope_names: Vec<&'static str> = scopes.iter().map(|s| s.as_str()).collect();
    let token_hash = crypto::sha256_hex(token.as_bytes());
    let id = ferret_store::tokens::create(
        &state.db,
        ws,
        &ferret_store::tokens::NewToken {
            user_id: &caller.user_id,
            name: &name,
            token_hash: &token_hash,
            scopes: &scope_names,
            created_at: now,
            expires_at,
        },
        &caller.actor(),
    )
    .await?;
    let created = CreatedToken {
        id,
        name,
        token,
        scopes: scope_names,
        created_at: rfc3339(now),
        expires_at: rfc3339(expires_at),
    };
    Ok(created)
}

/// Revoke a token: your own, or anyone's as an admin.
#[utoipa::path(delete, path = "/api/workspaces/{workspace}/tokens/{token}", tag = "tokens",
    params(WorkspaceParam, ("token" = String, Path, description = "Token id (not its value)")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::SELF_SERVICE).await?;
    let owner = ferret_store::tokens::owner(&state.db, &ws, &id).await?;
    if owner != caller.user_id {
        caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    }
    ferret_store::tokens::revoke(&state.db, &ws, &id, &owner, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
