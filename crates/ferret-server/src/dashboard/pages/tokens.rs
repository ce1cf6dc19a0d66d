//! API tokens: the viewer's own (admins see everyone's), a form to create one (its value is
//! shown once, on the answer to the form, never again), and revocation.

use crate::auth::Scope;
use crate::dashboard::form::{FormPost, Viewer};
use crate::dashboard::layout::{self, csrf, when, Context, Done, Section};
use crate::dashboard::pages::auth::Nothing;
use crate::dashboard::{see_other, Page, PageResult};
use crate::routes::tokens::{self as api, CreatedToken, NewToken};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

async fn render(
    state: &AppState,
    cx: &Context,
    created: Option<&CreatedToken>,
    done: Option<&str>,
) -> PageResult<Markup> {
    let tokens = api::list(
        axum::extract::State(state.clone()),
        cx.viewer.caller.clone(),
        Path(cx.ws().to_string()),
    )
    .await?
    .0
    .items;
    let admin = cx.is_admin();
    Ok(html! {
        (layout::notice(done))
        @if let Some(t) = created {
            section.panel role="status" {
                h2 { "Your new token “" (t.name) "”" }
                p { "Copy it now: it is shown only this once. Use it as " code { "FERRET_TOKEN" } " for " code { "ferret scan --upload" } " or in an " code { "Authorization: Bearer" } " header." }
                p.secret-once { (t.token) }
                p.muted { "Scopes: " (t.scopes.join(", ")) "; expires " (when(&t.expires_at)) "." }
            }
        }
        section.panel aria-labelledby="new-token" {
            h2 #new-token { "Create a token" }
            form.stack method="post" action=(cx.at("/tokens")) {
                (csrf(&cx.viewer))
                label { "Name" input name="name" required maxlength="100" placeholder="CI upload"; }
                fieldset {
                    legend { "Scopes" }
                    @for scope in Scope::ALL {
                        @if scope != Scope::Admin || admin {
                            label { span { input type="checkbox" name=(field_of(scope)) value="on" checked[scope == Scope::ScansWrite]; " " code { (scope.as_str()) } } }
                        }
                    }
                }
                label { "Expires in (days)" input type="number" name="expires_in_days" min="1" max=(state.config.token_max_days) value=(state.config.token_default_days); }
                button type="submit" { "Create token" }
            }
        }
        section.panel aria-labelledby="tokens" {
            h2 #tokens { @if admin { "Tokens of this workspace" } @else { "Your tokens" } }
            @if tokens.is_empty() {
                p.muted { "No tokens yet." }
            } @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Name" } @if admin { th scope="col" { "Owner" } } th scope="col" { "Scopes" }
                        th scope="col" class="optional" { "Last used" } th scope="col" { "Expires" } th scope="col" { span.visually-hidden { "Actions" } } } }
                    tbody {
                        @for t in &tokens {
                            tr {
                                td { (t.name) }
                                @if admin { td { (t.user_email) } }
                                td { (t.scopes.join(", ")) }
                                td.optional { @match &t.last_used_at { Some(at) => (when(at)), None => "never" } }
                                td { (when(&t.expires_at)) }
                                td {
                                    @if t.revoked_at.is_some() {
                                        "revoked"
                                    } @else {
                                        form.inline method="post" action=(cx.at(&format!("/tokens/{}/revoke", t.id))) data-confirm={ "Revoke the token " (t.name) "?" } {
                                            (csrf(&cx.viewer))
                                            button.danger type="submit" aria-label={ "Revoke " (t.name) } { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
    })
}

/// `GET /w/{ws}/tokens`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(ws): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let body = render(&state, &cx, None, done.done.as_deref()).await?;
    Ok(Page::ok(layout::page("API tokens", &cx, Section::Tokens, body)).into_response())
}

/// The form's fields: one checkbox per scope (`scope_findings_read=on`, …).
#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    #[serde(default)]
    expires_in_days: Option<String>,
    scope_findings_read: Option<String>,
    scope_findings_write: Option<String>,
    scope_scans_write: Option<String>,
    scope_admin: Option<String>,
}

/// The checkbox of a scope.
fn field_of(scope: Scope) -> &'static str {
    match scope {
        Scope::FindingsRead => "scope_findings_read",
        Scope::FindingsWrite => "scope_findings_write",
        Scope::ScansWrite => "scope_scans_write",
        Scope::Admin => "scope_admin",
    }
}

impl TokenForm {
    fn scopes(&self) -> Vec<String> {
        [
            (&self.scope_findings_read, Scope::FindingsRead),
            (&self.scope_findings_write, Scope::FindingsWrite),
            (&self.scope_scans_write, Scope::ScansWrite),
            (&self.scope_admin, Scope::Admin),
        ]
        .into_iter()
        .filter(|(ticked, _)| ticked.is_some())
        .map(|(_, scope)| scope.as_str().to_string())
        .collect()
    }
}

/// `POST /w/{ws}/tokens`: creates the token and shows its value on this answer only.
pub async fn create(
    State(state): State<AppState>,
    Path(ws): Path<String>,
    FormPost { viewer, form }: FormPost<TokenForm>,
) -> PageResult {
    let scopes = form.scopes();
    let created = api::create_token(
        &state,
        &viewer.caller,
        &ws,
        &NewToken {
            name: form.name.clone(),
            scopes,
            expires_in_days: form
                .expires_in_days
                .as_deref()
                .and_then(|d| d.trim().parse().ok()),
        },
    )
    .await?;
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let body = render(&state, &cx, Some(&created), Some("token")).await?;
    Ok(Page::secret(layout::page(
        "API tokens",
        &cx,
        Section::Tokens,
        body,
    )))
}

/// `POST /w/{ws}/tokens/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Path((ws, id)): Path<(String, String)>,
    FormPost { viewer, .. }: FormPost<Nothing>,
) -> PageResult {
    api::revoke(State(state), viewer.caller, Path((ws.clone(), id))).await?;
    Ok(see_other(&format!("/w/{ws}/tokens?done=revoked")))
}
