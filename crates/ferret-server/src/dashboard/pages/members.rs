//! Members and invitations: everyone sees who is in the workspace; owners and admins invite
//! (the invitation link is shown once), change roles, remove members and revoke invitations
//! — through the API's own operations, which refuse members whatever the page shows.

use crate::auth::Role;
use crate::dashboard::form::{FormPost, Viewer};
use crate::dashboard::layout::{self, csrf, when, Context, Done, Section};
use crate::dashboard::pages::auth::Nothing;
use crate::dashboard::{see_other, Page, PageResult};
use crate::routes::members::{self as api, Accept, NewInvitation, RoleChange};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use maud::html;
use serde::Deserialize;

const ROLES: [&str; 3] = ["member", "admin", "owner"];

fn members_page(
    cx: &Context,
    members: &[api::MemberOut],
    invitations: &[api::InvitationOut],
    created: Option<(&str, &str)>,
    done: Option<&str>,
) -> maud::Markup {
    let admin = cx.is_admin();
    let personal = cx.current.as_ref().is_some_and(|w| w.personal);
    html! {
        (layout::notice(done))
        @if let Some((email, link)) = created {
            section.panel role="status" {
                h2 { "Invitation for " (email) }
                p { "Send this link to them. It is shown only now; they sign in (or sign up with this email) and accept." }
                p.secret-once { (link) }
            }
        }
        section.panel aria-labelledby="members" {
            h2 #members { "Members" }
            div.table-wrap { table {
                thead { tr { th scope="col" { "Email" } th scope="col" { "Role" } th scope="col" class="optional" { "Joined" }
                    @if admin { th scope="col" { span.visually-hidden { "Actions" } } } } }
                tbody {
                    @for m in members {
                        tr {
                            td { (m.email) }
                            td {
                                @if admin && m.user_id != cx.viewer.caller.user_id {
                                    form.inline method="post" action=(cx.at(&format!("/members/{}/role", m.user_id))) {
                                        (csrf(&cx.viewer))
                                        label.visually-hidden for={ "role-" (m.user_id) } { "Role of " (m.email) }
                                        select id={ "role-" (m.user_id) } name="role" {
                                            @for r in ROLES { option value=(r) selected[m.role == r] { (r) } }
                                        }
                                        " "
                                        button.secondary type="submit" { "Change" }
                                    }
                                } @else {
                                    (m.role)
                                }
                            }
                            td.optional { (when(&m.joined_at)) }
                            @if admin {
                                td {
                                    @if m.user_id != cx.viewer.caller.user_id {
                                        form.inline method="post" action=(cx.at(&format!("/members/{}/remove", m.user_id))) data-confirm={ "Remove " (m.email) " from this workspace?" } {
                                            (csrf(&cx.viewer))
                                            button.danger type="submit" { "Remove" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
        @if admin && !personal {
            section.panel aria-labelledby="invite" {
                h2 #invite { "Invite someone" }
                form.stack method="post" action=(cx.at("/members/invite")) {
                    (csrf(&cx.viewer))
                    label { "Email" input type="email" name="email" required maxlength="320" autocomplete="off"; }
                    label { "Role" select name="role" {
                        @for r in ROLES { @if r != "owner" || cx.role() == Role::Owner { option value=(r) { (r) } } }
                    } }
                    button type="submit" { "Create invitation" }
                }
            }
            @if !invitations.is_empty() {
                section.panel aria-labelledby="pending" {
                    h2 #pending { "Pending invitations" }
                    ul {
                        @for i in invitations {
                            li {
                                (i.email) " as " (i.role) ", until " (when(&i.expires_at)) " "
                                form.inline method="post" action=(cx.at(&format!("/invitations/{}/revoke", i.id))) {
                                    (csrf(&cx.viewer))
                                    button.secondary type="submit" { "Revoke" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if personal {
            p.muted { "A personal workspace has only you. Create a team workspace (from the workspace menu) to work with others." }
        }
    }
}

/// The workspace's members, and its pending invitations when the viewer is an admin (the
/// API refuses members the invitations).
async fn members_and_invitations(
    state: &AppState,
    cx: &Context,
) -> PageResult<(Vec<api::MemberOut>, Vec<api::InvitationOut>)> {
    let ws = || Path(cx.ws().to_string());
    let members = api::list(State(state.clone()), cx.viewer.caller.clone(), ws())
        .await?
        .0
        .items;
    let invitations = if cx.is_admin() {
        api::list_invitations(State(state.clone()), cx.viewer.caller.clone(), ws())
            .await?
            .0
            .items
    } else {
        Vec::new()
    };
    Ok((members, invitations))
}

/// `GET /w/{ws}/members`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(ws): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let (members, invitations) = members_and_invitations(&state, &cx).await?;
    let body = members_page(&cx, &members, &invitations, None, done.done.as_deref());
    Ok(Page::ok(layout::page("Members", &cx, Section::Members, body)).into_response())
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

/// `POST /w/{ws}/members/invite`: shows the invitation link once.
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(ws): Path<String>,
    FormPost { viewer, form }: FormPost<InviteForm>,
) -> PageResult {
    let created = api::create_invitation(
        &state,
        &viewer.caller,
        &ws,
        &NewInvitation {
            email: form.email,
            role: form.role,
        },
    )
    .await?;
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let (members, invitations) = members_and_invitations(&state, &cx).await?;
    let link = format!(
        "{}/invitations/accept?token={}",
        super::overview::server_url(&state, &headers),
        created.token
    );
    let body = members_page(
        &cx,
        &members,
        &invitations,
        Some((&created.email, &link)),
        Some("invited"),
    );
    Ok(Page::secret(layout::page(
        "Members",
        &cx,
        Section::Members,
        body,
    )))
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

/// `POST /w/{ws}/members/{user}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    Path((ws, user)): Path<(String, String)>,
    FormPost { viewer, form }: FormPost<RoleForm>,
) -> PageResult {
    let _ = api::change_role(
        State(state),
        viewer.caller,
        Path((ws.clone(), user)),
        Json(RoleChange { role: form.role }),
    )
    .await?;
    Ok(see_other(&format!("/w/{ws}/members?done=role")))
}

/// `POST /w/{ws}/members/{user}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    Path((ws, user)): Path<(String, String)>,
    FormPost { viewer, .. }: FormPost<Nothing>,
) -> PageResult {
    api::remove(State(state), viewer.caller, Path((ws.clone(), user))).await?;
    Ok(see_other(&format!("/w/{ws}/members?done=removed")))
}

/// `POST /w/{ws}/invitations/{id}/revoke`.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Path((ws, id)): Path<(String, String)>,
    FormPost { viewer, .. }: FormPost<Nothing>,
) -> PageResult {
    api::revoke_invitation(State(state), viewer.caller, Path((ws.clone(), id))).await?;
    Ok(see_other(&format!("/w/{ws}/members?done=revoked")))
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /invitations/accept?token=…`: what the invited person opens (signed in first).
pub async fn accept_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<TokenQuery>,
) -> PageResult {
    let cx = Context::load(&state, viewer, None).await?;
    let body = html! {
        form.stack.panel method="post" action="/invitations/accept" {
            (csrf(&cx.viewer))
            input type="hidden" name="token" value=(query.token);
            p { "You are signed in as " strong { (cx.viewer.caller.email) } ". Accept the invitation to join the workspace it names." }
            button type="submit" { "Accept invitation" }
        }
    };
    Ok(Page::secret(layout::page(
        "Join a workspace",
        &cx,
        Section::Account,
        body,
    )))
}

#[derive(Deserialize)]
pub struct AcceptForm {
    token: String,
}

/// `POST /invitations/accept`.
pub async fn accept(
    State(state): State<AppState>,
    FormPost { viewer, form }: FormPost<AcceptForm>,
) -> PageResult {
    let joined = api::accept_invitation(
        State(state),
        viewer.caller,
        Json(Accept { token: form.token }),
    )
    .await?
    .0;
    Ok(see_other(&format!(
        "/w/{}?done=joined",
        joined.workspace_id
    )))
}
