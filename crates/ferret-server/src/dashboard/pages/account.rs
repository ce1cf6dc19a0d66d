//! The account page: change the password (every other session ends), delete the account.

use crate::dashboard::form::{FormPost, Viewer};
use crate::dashboard::layout::{self, csrf, when, Context, Done, Section};
use crate::dashboard::{see_other, Page, PageResult};
use crate::routes::account::{self as api, DeleteAccount, PasswordChange};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use maud::html;
use serde::Deserialize;

/// `GET /account`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(done): Query<Done>,
) -> PageResult {
    let cx = Context::load(&state, viewer, None).await?;
    let sessions = api::sessions(State(state.clone()), cx.viewer.caller.clone())
        .await?
        .0
        .items;
    let body = html! {
        (layout::notice(done.done.as_deref()))
        p { "Signed in as " strong { (cx.viewer.caller.email) } "." }
        section.panel aria-labelledby="sessions" {
            h2 #sessions { "Active sessions" }
            div.table-wrap { table {
                thead { tr { th scope="col" { "Browser" } th scope="col" { "Address" } th scope="col" class="optional" { "Signed in" }
                    th scope="col" { "Last active" } th scope="col" { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for s in &sessions {
                        tr {
                            td { (s.user_agent.as_deref().unwrap_or("unknown")) @if s.current { " " strong { "(this one)" } } }
                            td { (s.ip.as_deref().unwrap_or("")) }
                            td.optional { (when(&s.created_at)) }
                            td { (when(&s.last_seen_at)) }
                            td {
                                form.inline method="post" action={ "/account/sessions/" (s.id) "/revoke" } {
                                    (csrf(&cx.viewer))
                                    button.secondary type="submit" { @if s.current { "Sign out" } @else { "Revoke" } }
                                }
                            }
                        }
                    }
                }
            } }
            @if sessions.len() > 1 {
                form method="post" action="/account/sessions/revoke-others" {
                    (csrf(&cx.viewer))
                    button type="submit" { "Sign out everywhere else" }
                }
            }
        }
        section.panel aria-labelledby="password" {
            h2 #password { "Change password" }
            form.stack method="post" action="/account/password" {
                (csrf(&cx.viewer))
                label { "Current password" input type="password" name="current_password" required autocomplete="current-password" maxlength="1024"; }
                label { "New password" input type="password" name="new_password" required autocomplete="new-password" minlength="12" maxlength="1024"; }
                p.muted { "Changing it signs you out everywhere else." }
                button type="submit" { "Change password" }
            }
        }
        section.panel aria-labelledby="delete" {
            h2 #delete { "Delete account" }
            p { "Deletes your account, your personal workspace with its findings, and team workspaces where you are the only member." }
            form.stack method="post" action="/account/delete" data-confirm="Delete your account and its data for good?" {
                (csrf(&cx.viewer))
                label { "Password, to confirm" input type="password" name="password" required autocomplete="current-password" maxlength="1024"; }
                button.danger type="submit" { "Delete my account" }
            }
        }
    };
    Ok(Page::ok(layout::page("Account", &cx, Section::Account, body)).into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// `POST /account/password`: the API's change, whose new session cookie is passed on.
pub async fn change_password(
    State(state): State<AppState>,
    FormPost { viewer, form }: FormPost<PasswordForm>,
) -> PageResult {
    let api = api::change_password(
        State(state),
        viewer.caller,
        Json(PasswordChange {
            current_password: form.current_password,
            new_password: form.new_password,
        }),
    )
    .await?;
    let mut response = see_other("/account?done=password");
    for cookie in api.headers().get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct DeleteForm {
    password: String,
}

/// `POST /account/delete`.
pub async fn delete(
    State(state): State<AppState>,
    FormPost { viewer, form }: FormPost<DeleteForm>,
) -> PageResult {
    let api = api::delete_account(
        State(state),
        viewer.caller,
        Json(DeleteAccount {
            password: form.password,
        }),
    )
    .await?;
    let mut response = see_other("/signup");
    for cookie in api.headers().get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    Ok(response.into_response())
}

/// `POST /account/sessions/{id}/revoke` (the current one: signs out).
pub async fn revoke_session(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    FormPost { viewer, .. }: FormPost<super::auth::Nothing>,
) -> PageResult {
    let current = viewer
        .caller
        .require_session()
        .map(ferret_store::accounts::session_public_id)?;
    api::revoke_session(State(state), viewer.caller, axum::extract::Path(id.clone())).await?;
    if id == current {
        return Ok(see_other("/login"));
    }
    Ok(see_other("/account?done=revoked"))
}

/// `POST /account/sessions/revoke-others`.
pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    FormPost { viewer, .. }: FormPost<super::auth::Nothing>,
) -> PageResult {
    let _ = api::revoke_other_sessions(State(state), viewer.caller).await?;
    Ok(see_other("/account?done=revoked"))
}
