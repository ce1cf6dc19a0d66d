//! Members, roles and invitations of team workspaces.
//!
//! Owners and admins manage members; only owners grant or take away ownership; the last owner
//! can neither leave nor be demoted. Invitations are single-use, expiring, bound to an email
//! address and stored as hashes.

use super::repositories::Items;
use super::workspaces::may_grant;
use super::WorkspaceParam;
use crate::auth::{Caller, Need, Role};
use crate::crypto::{self, INVITE_TOKEN_PREFIX};
use crate::error::{ApiError, ApiResult, ErrorReply};
use crate::time::rfc3339;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferret_store::members as store;
use serde::{Deserialize, Serialize};

/// A member as the API returns it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberOut {
    pub user_id: String,
    pub email: String,
    pub role: String,
    pub joined_at: String,
}

/// A workspace's members and their roles.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/members", tag = "members",
    params(WorkspaceParam),
    responses((status = 200, description = "Members", body = Items<MemberOut>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Items<MemberOut>>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let items = store::list(&state.db, &ws)
        .await?
        .into_iter()
        .map(|m| MemberOut {
            user_id: m.user_id,
            email: m.email,
            role: m.role,
            joined_at: rfc3339(m.joined_at),
        })
        .collect();
    Ok(Json(Items::new(items)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RoleChange {
    pub role: String,
}

/// A member's new role.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleOut {
    user_id: String,
    role: &'static str,
}

fn parse_role(text: &str) -> ApiResult<Role> {
    Role::parse(text).ok_or_else(|| ApiError::invalid("role must be owner, admin or member"))
}

/// Change a member's role (admins; only owners grant or change the owner role).
#[utoipa::path(patch, path = "/api/workspaces/{workspace}/members/{user}", tag = "members",
    params(WorkspaceParam, ("user" = String, Path, description = "User id")), request_body = RoleChange,
    responses(
        (status = 200, description = "The new role", body = RoleOut),
        (status = 409, description = "The change would leave no owner", body = ErrorReply),
    ))]
pub async fn change_role(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, user)): Path<(String, String)>,
    Json(body): Json<RoleChange>,
) -> ApiResult<Json<RoleOut>> {
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
    store::change_role(
        &state.db,
        &ws,
        &user,
        current.as_str(),
        role.as_str(),
        &caller.actor(),
    )
    .await?;
    Ok(Json(RoleOut {
        user_id: user,
        role: role.as_str(),
    }))
}

/// Remove a member (admins), or leave (anyone).
#[utoipa::path(delete, path = "/api/workspaces/{workspace}/members/{user}", tag = "members",
    params(WorkspaceParam, ("user" = String, Path, description = "User id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "A personal workspace, or the last owner", body = ErrorReply),
    ))]
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
    if ferret_store::workspaces::is_personal(&state.db, &ws).await? {
        return Err(ApiError::conflict("nobody can leave a personal workspace"));
    }
    store::remove(
        &state.db,
        &ws,
        &user,
        target.as_str(),
        leaving,
        &caller.actor(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewInvitation {
    pub email: String,
    pub role: String,
}

/// A new invitation: the only time its token is shown.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatedInvitation {
    pub id: String,
    pub email: String,
    pub role: String,
    pub token: String,
    pub expires_at: String,
}

/// Invite an email address with a role (admins); the invitation token is shown once.
#[utoipa::path(post, path = "/api/workspaces/{workspace}/invitations", tag = "members",
    params(WorkspaceParam), request_body = NewInvitation,
    responses(
        (status = 201, description = "Invited; `token` is shown only here", body = CreatedInvitation),
        (status = 409, description = "A personal workspace, or already a member or invited", body = ErrorReply),
    ))]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<NewInvitation>,
) -> ApiResult<Response> {
    let created = create_invitation(&state, &caller, &ws, &body).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// [`invite`]'s operation, for the dashboard's form.
pub async fn create_invitation(
    state: &AppState,
    caller: &Caller,
    ws: &str,
    body: &NewInvitation,
) -> ApiResult<CreatedInvitation> {
    let my_role = caller.in_workspace(state, ws, Need::ADMIN).await?;
    let email = super::account::normalize_email(&body.email)?;
    let role = parse_role(&body.role)?;
    if !may_grant(my_role, role) {
        return Err(ApiError::forbidden("only owners invite owners"));
    }
    if ferret_store::workspaces::is_personal(&state.db, ws).await? {
        return Err(ApiError::conflict(
            "personal workspaces have no other members; create a team workspace",
        ));
    }
    let token = crypto::new_secret(INVITE_TOKEN_PREFIX);
    let token_hash = crypto::sha256_hex(token.as_bytes());
    let expires_at = crate::time::now() + state.config.invitation_days * 86_400;
    let invitation = store::invite(
        &state.db,
        ws,
        &store::NewInvitation {
            email: &email,
            role: role.as_str(),
            token_hash: &token_hash,
            created_by: &caller.user_id,
            expires_at,
        },
        &caller.actor(),
    )
    .await?;
    let created = CreatedInvitation {
        id: invitation.id,
        email: invitation.email,
        role: invitation.role,
        token,
        expires_at: rfc3339(expires_at),
    };
    Ok(created)
}

/// A pending invitation as the API returns it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationOut {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: String,
    pub expires_at: String,
}

/// Pending invitations (admins).
#[utoipa::path(get, path = "/api/workspaces/{workspace}/invitations", tag = "members",
    params(WorkspaceParam),
    responses((status = 200, description = "Invitations", body = Items<InvitationOut>)))]
pub async fn list_invitations(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Items<InvitationOut>>> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let items = store::invitations(&state.db, &ws)
        .await?
        .into_iter()
        .map(|i| InvitationOut {
            id: i.id,
            email: i.email,
            role: i.role,
            created_at: rfc3339(i.created_at),
            expires_at: rfc3339(i.expires_at),
        })
        .collect();
    Ok(Json(Items::new(items)))
}

/// Revoke a pending invitation (admins).
#[utoipa::path(delete, path = "/api/workspaces/{workspace}/invitations/{invitation}", tag = "members",
    params(WorkspaceParam, ("invitation" = String, Path, description = "Invitation id")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    store::revoke_invitation(&state.db, &ws, &id, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Accept {
    pub token: String,
}

/// The workspace joined.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Joined {
    pub workspace_id: String,
    pub role: String,
}

/// Accept an invitation: the signed-in user whose email was invited joins the workspace.
#[utoipa::path(post, path = "/api/invitations/accept", tag = "members",
    request_body = Accept,
    responses(
        (status = 200, description = "Joined", body = Joined),
        (status = 409, description = "Already a member", body = ErrorReply),
    ))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<Accept>,
) -> ApiResult<Json<Joined>> {
    caller.require_session()?;
    let (workspace_id, role) = store::accept(
        &state.db,
        &crypto::sha256_hex(body.token.trim().as_bytes()),
        &caller.user_id,
        &caller.email,
        &caller.actor(),
    )
    .await?;
    Ok(Json(Joined { workspace_id, role }))
}
