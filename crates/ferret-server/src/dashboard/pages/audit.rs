//! The audit log viewer (owners and admins): entries newest first with a filter by action and
//! actor, older pages, "verify chain" and the JSON-lines export.

use crate::dashboard::form::{FormPost, Viewer};
use crate::dashboard::layout::{self, csrf, when, Context, Section};
use crate::dashboard::pages::auth::Nothing;
use crate::dashboard::{encode_query, Page, PageResult};
use crate::routes::audit_log::{self as api, AuditQuery, VerificationOut};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

const PAGE: u32 = 100;

#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    before: Option<i64>,
}

async fn render(
    state: &AppState,
    cx: &Context,
    filters: &Filters,
    verification: Option<&VerificationOut>,
) -> PageResult<Markup> {
    let entries = api::list(
        State(state.clone()),
        cx.viewer.caller.clone(),
        Path(cx.ws().to_string()),
        Query(AuditQuery {
            before: filters.before,
            limit: Some(PAGE),
        }),
    )
    .await?
    .0
    .items;
    let oldest = entries.last().map(|e| e.seq);
    let full_page = entries.len() == PAGE as usize;
    let action = filters.action.trim();
    let actor = filters.actor.trim();
    let shown: Vec<_> = entries
        .iter()
        .filter(|e| action.is_empty() || e.action.contains(action))
        .filter(|e| {
            actor.is_empty()
                || e.actor_user_id
                    .as_deref()
                    .is_some_and(|a| a.contains(actor))
                || e.ip.as_deref().is_some_and(|ip| ip.contains(actor))
        })
        .collect();
    Ok(html! {
        @if let Some(v) = verification {
            @if v.valid {
                div.notice role="status" {
                    p { "The chain is intact: " (v.entries) " entries in order, each sealed and unchanged." }
                    @if !v.caveats.is_empty() { ul { @for c in &v.caveats { li { (c) } } } }
                }
            } @else {
                p.error role="alert" { "The chain is broken: " (v.problem.as_deref().unwrap_or("unknown problem")) }
            }
        }
        div.panel {
            form.filters method="get" action=(cx.at("/audit")) role="search" aria-label="Filter entries" {
                label { "Action contains" input name="action" value=(action) maxlength="100" placeholder="finding.triage"; }
                label { "Actor (user id or address)" input name="actor" value=(actor) maxlength="100"; }
                button type="submit" { "Filter" }
            }
            p {
                form.inline method="post" action=(cx.at("/audit/verify")) {
                    (csrf(&cx.viewer))
                    button.secondary type="submit" { "Verify chain" }
                }
                " "
                a.button href={ "/api/workspaces/" (cx.ws()) "/audit/export" } download="ferret-audit.jsonl" { "Export (JSON lines)" }
            }
        }
        div.table-wrap { table {
            caption.visually-hidden { "Audit entries, newest first" }
            thead { tr {
                th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Action" } th scope="col" { "Target" }
                th scope="col" { "Actor" } th scope="col" class="optional" { "Address" } th scope="col" class="optional" { "Details" }
            } }
            tbody {
                @for e in &shown {
                    tr {
                        td { (e.seq) }
                        td { (when(&e.at)) }
                        td { code { (e.action) } }
                        td.path { (e.target.as_deref().unwrap_or("")) }
                        td.path { (e.actor_user_id.as_deref().unwrap_or("—")) @if let Some(t) = &e.actor_token_id { br; "token " (t) } }
                        td.optional { (e.ip.as_deref().unwrap_or("")) }
                        td.optional.path { (e.details.to_string()) }
                    }
                }
            }
        } }
        @if shown.is_empty() { p.muted { "No entries match." } }
        nav.pager aria-label="Pages" {
            @if filters.before.is_some() { a href=(cx.at("/audit")) { "← Newest" } }
            @if let (true, Some(seq)) = (full_page, oldest) {
                a href={ (cx.at("/audit")) "?before=" (seq) "&action=" (encode_query(action)) "&actor=" (encode_query(actor)) } rel="next" { "Older →" }
            }
        }
    })
}

/// `GET /w/{ws}/audit` (owners and admins: the API answers 403 to members).
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(ws): Path<String>,
    Query(filters): Query<Filters>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let body = render(&state, &cx, &filters, None).await?;
    Ok(Page::ok(layout::page("Audit log", &cx, Section::Audit, body)).into_response())
}

/// `POST /w/{ws}/audit/verify`.
pub async fn verify(
    State(state): State<AppState>,
    Path(ws): Path<String>,
    FormPost { viewer, .. }: FormPost<Nothing>,
) -> PageResult {
    let verification = api::verify(
        State(state.clone()),
        viewer.caller.clone(),
        Path(ws.clone()),
    )
    .await?
    .0;
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let body = render(&state, &cx, &Filters::default(), Some(&verification)).await?;
    Ok(Page::ok(layout::page("Audit log", &cx, Section::Audit, body)).into_response())
}
