//! The start page, a workspace's overview (open findings over time, new vs fixed per week,
//! the noisiest rules and repositories), team creation and workspace settings.

use crate::dashboard::chart::{self, Series};
use crate::dashboard::form::{FormPost, Viewer};
use crate::dashboard::layout::{self, csrf, Context, Done, Section};
use crate::dashboard::{encode_query, see_other, Page, PageError, PageResult};
use crate::routes::overview::{self, OverviewQuery};
use crate::routes::workspaces::{self, NewWorkspace, WorkspaceSettings};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use maud::html;
use serde::Deserialize;

/// `GET /`: the personal workspace's overview (signed out: the login page).
pub async fn home(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let cx = Context::load(&state, viewer, None).await?;
    let first = cx
        .workspaces
        .iter()
        .find(|w| w.personal)
        .or(cx.workspaces.first())
        .ok_or_else(|| PageError::Api(crate::error::ApiError::not_found()))?;
    Ok(see_other(&format!("/w/{}", first.id)))
}

/// `GET /w/{ws}`: the overview.
pub async fn page_view(
    state: &AppState,
    headers: &HeaderMap,
    cx: &Context,
    done: Option<&str>,
) -> PageResult<maud::Markup> {
    let o = overview::overview(
        State(state.clone()),
        cx.viewer.caller.clone(),
        Path(cx.ws().to_string()),
        Query(OverviewQuery { weeks: Some(12) }),
    )
    .await?
    .0;
    let labels: Vec<String> = o
        .weeks
        .iter()
        .map(|w| w.get(5..10).unwrap_or(w).to_string())
        .collect();
    let classes = ["s-critical", "s-high", "s-medium", "s-low", "s-info"];
    let names = ["Critical", "High", "Medium", "Low", "Info"];
    let series: Vec<Series> = o
        .open_by_severity
        .iter()
        .zip(classes.iter().zip(names))
        .filter(|(s, _)| s.open.iter().any(|v| *v > 0) || s.severity != "info")
        .map(|(s, (class, name))| Series {
            label: name,
            class,
            values: &s.open,
        })
        .collect();
    let total_open: i64 = o.open_now.iter().map(|c| c.open).sum();
    let nothing_yet = o.new_per_week.iter().all(|n| *n == 0) && total_open == 0;
    let findings = cx.at("/findings");
    Ok(html! {
        (layout::notice(done))
        @if nothing_yet {
            (first_scan_hint(&server_url(state, headers), cx))
        } @else {
            div.grid {
                section.panel aria-labelledby="open-now" {
                    h2 #open-now { "Open findings now" }
                    p { strong { (total_open) } " open" }
                    ul {
                        @for c in &o.open_now {
                            @if c.open > 0 {
                                li { a href={ (findings) "?state=open&severity=" (c.name) } { (layout::severity(&c.name)) " " (c.open) } }
                            }
                        }
                    }
                }
                section.panel aria-labelledby="noisy-rules" {
                    h2 #noisy-rules { "Noisiest rules" }
                    @if o.noisiest_rules.is_empty() { p.muted { "No open findings." } }
                    ol {
                        @for c in &o.noisiest_rules {
                            li { a href={ (findings) "?state=open&rule=" (encode_query(&c.name)) } { code { (c.name) } } " — " (c.open) }
                        }
                    }
                }
                section.panel aria-labelledby="noisy-repos" {
                    h2 #noisy-repos { "Noisiest repositories" }
                    @if o.noisiest_repositories.is_empty() { p.muted { "No open findings." } }
                    ol {
                        @for c in &o.noisiest_repositories {
                            li { a href={ (findings) "?state=open&repository=" (encode_query(&c.name)) } { (c.name) } " — " (c.open) }
                        }
                    }
                }
            }
            section.panel aria-labelledby="over-time" {
                h2 #over-time { "Open findings over the last 12 weeks, by severity" }
                (chart::lines("Open findings per week by severity", &labels, &series))
            }
            section.panel aria-labelledby="new-fixed" {
                h2 #new-fixed { "New and fixed per week" }
                (chart::bars("New and fixed findings per week", &labels, &[
                    Series { label: "New", class: "bar-new", values: &o.new_per_week },
                    Series { label: "Fixed", class: "bar-fixed", values: &o.fixed_per_week },
                ]))
            }
        }
    })
}

/// This server's URL as the browser reached it (for commands to copy).
pub fn server_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("ferret.example.com");
    let scheme = if state.config.tls { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// What to do when a workspace has no scans yet: the exact steps and command.
pub fn first_scan_hint(server_url: &str, cx: &Context) -> maud::Markup {
    html! {
        section.panel.empty {
            h2 { "No scans yet — here is how to run the first one" }
            ol {
                li { "Add the repository on " a href=(cx.at("/repositories")) { "Repositories & scans" } @if !cx.is_admin() { " (ask an admin of this workspace)" } "." }
                li { "Create a token with the " code { "scans:write" } " scope on " a href=(cx.at("/tokens")) { "API tokens" } "." }
                li { "In the repository, run:" }
            }
            pre { code {
                "export FERRET_TOKEN=ferret_pat_…\n"
                "ferret scan . --upload " (server_url) " --upload-repository <repository name>"
            } }
            p.muted { "Only findings are uploaded (rule, file, line, a redacted snippet): never your code." }
        }
    }
}

/// `GET /w/{ws}`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(ws): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let body = page_view(&state, &headers, &cx, done.done.as_deref()).await?;
    let title = cx
        .current
        .as_ref()
        .map(|w| w.name.clone())
        .unwrap_or_default();
    Ok(Page::ok(layout::page(&title, &cx, Section::Overview, body)).into_response())
}

#[derive(Deserialize)]
pub struct TeamForm {
    name: String,
}

/// `POST /teams`: a new team workspace owned by the viewer.
pub async fn create_team(
    State(state): State<AppState>,
    FormPost { viewer, form }: FormPost<TeamForm>,
) -> PageResult {
    let created =
        workspaces::create_workspace(&state, &viewer.caller, &NewWorkspace { name: form.name })
            .await?;
    Ok(see_other(&format!("/w/{}?done=created", created.id)))
}

/// `GET /w/{ws}/settings` (admins and owners; the API refuses the rest).
pub async fn settings_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(ws): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    // The same check as the API's settings change: members get 403 here too.
    cx.viewer
        .caller
        .in_workspace(&state, &ws, crate::auth::Need::ADMIN)
        .await?;
    let Some(w) = &cx.current else {
        return Err(PageError::Api(crate::error::ApiError::not_found()));
    };
    let policies = [
        (
            "high",
            "Fail when a new high or critical finding appears (default)",
        ),
        ("any", "Fail on any new finding"),
        ("never", "Never fail (neutral)"),
    ];
    let body = html! {
        (layout::notice(done.done.as_deref()))
        form.stack.panel method="post" action=(cx.at("/settings")) {
            (csrf(&cx.viewer))
            label { "Name" input name="name" value=(w.name) required maxlength="100"; }
            fieldset {
                legend { "Check runs of hosted scans" }
                @for (value, text) in policies {
                    label {
                        span { input type="radio" name="check_policy" value=(value) checked[w.check_policy == value]; " " (text) }
                    }
                }
            }
            label {
                "Keep history for"
                select name="retention_days" aria-describedby="retention-help" {
                    @for (days, text) in RETENTION_CHOICES {
                        option value=(days) selected[w.retention_days == days] { (text) }
                    }
                    @if !RETENTION_CHOICES.iter().any(|(d, _)| *d == w.retention_days) {
                        option value=(w.retention_days) selected { (w.retention_days) " days" }
                    }
                }
            }
            p #retention-help .muted { "Scans older than this, and findings fixed longer ago, are deleted every hour. Open findings are always kept." }
            button type="submit" { "Save settings" }
        }
    };
    Ok(Page::ok(layout::page(
        "Workspace settings",
        &cx,
        Section::Settings,
        body,
    ))
    .into_response())
}

/// The retention periods offered (days; 0 keeps everything).
const RETENTION_CHOICES: [(i64, &str); 5] = [
    (0, "ever (keep everything)"),
    (90, "90 days"),
    (180, "180 days"),
    (365, "1 year"),
    (730, "2 years"),
];

#[derive(Deserialize)]
pub struct SettingsForm {
    name: Option<String>,
    check_policy: Option<String>,
    retention_days: Option<String>,
}

/// `POST /w/{ws}/settings`.
pub async fn settings(
    State(state): State<AppState>,
    Path(ws): Path<String>,
    FormPost { viewer, form }: FormPost<SettingsForm>,
) -> PageResult {
    let _ = workspaces::update(
        State(state),
        viewer.caller,
        Path(ws.clone()),
        Json(WorkspaceSettings {
            name: form.name,
            check_policy: form.check_policy,
            retention_days: match form.retention_days.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(days) => Some(days.parse().map_err(|_| {
                    crate::error::ApiError::invalid("retention_days must be a number of days")
                })?),
            },
        }),
    )
    .await?;
    Ok(see_other(&format!("/w/{ws}/settings?done=saved")))
}
