//! Members, roles and invitations of team workspaces.
//!
//! Owners and admins manage members; only owners grant or take away ownership; the last owner
//! can neither leave nor be demoted. Invitations are single-use, expiring, bound to an email
//! address and stored as hashes.

use super::workspaces::may_grant;
use crate::audit;
use crate::auth::{Caller, Need, Role};
use crate::crypto::{self, INVITE_TOKEN_PREFIX};
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

/// `GET /api/workspaces/{workspace}/members`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let rows = sqlx::query(
        "SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 ORDER BY m.created_at, u.id",
    )
    .bind(&ws)
    .fetch_all(state.db.pool())
    .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"user_id": r.get::<String, _>("id"), "email": r.get::<String, _>("email"),
                   "role": r.get::<String, _>("role"), "joined_at": rfc3339(r.get("created_at"))})
        })
        .collect();
    Ok(Json(json!({"items": items})))
}

async fn owner_count(conn: &mut sqlx::AnyConnection, ws: &str) -> Result<i64, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = $1 AND role = 'owner'",
    )
    .bind(ws)
    .fetch_one(&mut *conn)
    .await?
    .get("n"))
}

#[derive(Deserialize)]
pub struct RoleChange {
    pub role: String,
}

fn parse_role(text: &str) -> ApiResult<Role> {
    Role::parse(text).ok_or_else(|| ApiError::invalid("role must be owner, admin or member"))
}

/// `PATCH /api/workspaces/{workspace}/members/{user}`.
pub async fn change_role(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, user)): Path<(String, String)>,
    Json(body): Json<RoleChange>,
) -> ApiResult<Json<Value>> {
    let my_role = caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let role = parse_role(&body.role)?;
    let current = crate::auth::member_role(&state, &ws, &user)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !may_grant(my_role, role) || (current == Role::Owner && my_role != Role::Owner) {
        return Err(ApiError::forbidden(
            "only owners grant or change the owner role",
        ));
    }
    let mut tx = state.db.write().await?;
    if current == Role::Owner && role != Role::Owner && owner_count(&mut tx.tx, &ws).await? <= 1 {
        return Err(ApiError::conflict("a workspace needs at least one owner"));
    }
    sqlx::query("UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3")
        .bind(role.as_str())
        .bind(&ws)
        .bind(&user)
        .execute(&mut *tx.tx)
        .await?;
    if role < Role::Admin {
        // Admin-scoped tokens of a demoted member stop working at once.
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE workspace_id = $2 AND user_id = $3 AND scopes LIKE '%admin%' AND revoked_at IS NULL")
            .bind(crate::time::now())
            .bind(&ws)
            .bind(&user)
            .execute(&mut *tx.tx)
            .await?;
    }
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "member.role",
        Some(&user),
        json!({"from": current.as_str(), "to": role.as_str()}),
    )
    .await?;
    Ok(Json(json!({"user_id": user, "role": role.as_str()})))
}

/// `DELETE /api/workspaces/{workspace}/members/{user}`: admins remove members; anyone may leave.
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let leaving = user == caller.user_id;
    let my_role = caller
        .in_workspace(
            &state,
            &ws,
            if leaving {
                Need::SELF_SERVICE
            } else {
                Need::ADMIN
            },
        )
        .await?;
    let target = crate::auth::member_role(&state, &ws, &user)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !leaving && target == Role::Owner && my_role != Role::Owner {
        return Err(ApiError::forbidden("only owners remove owners"));
    }
    let personal: Option<String> = sqlx::query("SELECT personal_of FROM workspaces WHERE id = $1")
        .bind(&ws)
        .fetch_one(state.db.pool())
        .await?
        .get("personal_of");
    if personal.is_some() {
        return Err(ApiError::conflict("nobody can leave a personal workspace"));
    }
    let mut tx = state.db.write().await?;
    if target == Role::Owner && owner_count(&mut tx.tx, &ws).await? <= 1 {
        return Err(ApiError::conflict(
            "the last owner cannot leave: transfer ownership first",
        ));
    }
    sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(&ws)
        .bind(&user)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query("DELETE FROM api_tokens WHERE workspace_id = $1 AND user_id = $2")
        .bind(&ws)
        .bind(&user)
        .execute(&mut *tx.tx)
        .await?;
    let action = if leaving {
        "member.leave"
    } else {
        "member.remove"
    };
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        action,
        Some(&user),
        json!({"role": target.as_str()}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct NewInvitation {
    pub email: String,
    pub role: String,
}

/// `POST /api/workspaces/{workspace}/invitations`: returns the invitation token once.
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<NewInvitation>,
) -> ApiResult<Response> {
    let my_role = caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let email = super::account::normalize_email(&body.email)?;
    let role = parse_role(&body.role)?;
    if !may_grant(my_role, role) {
        return Err(ApiError::forbidden("only owners invite owners"));
    }
    let personal: Option<String> = sqlx::query("SELECT personal_of FROM workspaces WHERE id = $1")
        .bind(&ws)
        .fetch_one(state.db.pool())
        .await?
        .get("personal_of");
    if personal.is_some() {
        return Err(ApiError::conflict(
            "personal workspaces have no other members; create a team workspace",
        ));
    }
    let token = crypto::new_secret(INVITE_TOKEN_PREFIX);
    let id = crypto::new_id("inv");
    let now = crate::time::now();
    let expires_at = now + state.config.invitation_days * 86_400;
    let mut tx = state.db.write().await?;
    sqlx::query(
        "INSERT INTO invitations (id, workspace_id, email, role, token_hash, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&ws)
    .bind(&email)
    .bind(role.as_str())
    .bind(crypto::sha256_hex(token.as_bytes()))
    .bind(&caller.user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx.tx)
    .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "invitation.create",
        Some(&id),
        json!({"email": email, "role": role.as_str()}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "email": email, "role": role.as_str(), "token": token, "expires_at": rfc3339(expires_at)})),
    )
        .into_response())
}

/// `GET /api/workspaces/{workspace}/invitations`: pending invitations.
pub async fn list_invitations(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let rows = sqlx::query(
        "SELECT id, email, role, created_at, expires_at FROM invitations \
         WHERE workspace_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at, id",
    )
    .bind(&ws)
    .bind(crate::time::now())
    .fetch_all(state.db.pool())
    .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"id": r.get::<String, _>("id"), "email": r.get::<String, _>("email"),
                   "role": r.get::<String, _>("role"), "created_at": rfc3339(r.get("created_at")),
                   "expires_at": rfc3339(r.get("expires_at"))})
        })
        .collect();
    Ok(Json(json!({"items": items})))
}

/// `DELETE /api/workspaces/{workspace}/invitations/{invitation}`.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let mut tx = state.db.write().await?;
    let n = sqlx::query(
        "DELETE FROM invitations WHERE id = $1 AND workspace_id = $2 AND accepted_at IS NULL",
    )
    .bind(&id)
    .bind(&ws)
    .execute(&mut *tx.tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(ApiError::not_found());
    }
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "invitation.revoke",
        Some(&id),
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct Accept {
    pub token: String,
}

/// `POST /api/invitations/accept`: the signed-in user whose email was invited joins.
pub async fn accept_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<Accept>,
) -> ApiResult<Json<Value>> {
    caller.require_session()?;
    let now = crate::time::now();
    let mut tx = state.db.write().await?;
    // Single use: the update succeeds for exactly one request.
    let row = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 WHERE token_hash = $2 AND accepted_at IS NULL \
         AND expires_at > $1 AND email = $3 RETURNING workspace_id, role",
    )
    .bind(now)
    .bind(crypto::sha256_hex(body.token.trim().as_bytes()))
    .bind(&caller.email)
    .fetch_optional(&mut *tx.tx)
    .await?
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "invitation not found, expired, used, or for another email",
        )
    })?;
    let ws: String = row.get("workspace_id");
    let role: String = row.get("role");
    let already =
        sqlx::query("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(&ws)
            .bind(&caller.user_id)
            .fetch_optional(&mut *tx.tx)
            .await?;
    if already.is_some() {
        return Err(ApiError::conflict(
            "you are already a member of this workspace",
        ));
    }
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&ws)
    .bind(&caller.user_id)
    .bind(&role)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "member.add",
        Some(&caller.user_id),
        json!({"role": role, "via": "invitation"}),
    )
    .await?;
    Ok(Json(json!({"workspace_id": ws, "role": role})))
}
