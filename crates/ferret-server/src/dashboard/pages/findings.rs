//! Findings: the filtered, sorted, paginated list; one finding with its rule, remediation,
//! redacted snippet, location (linked to the file at its commit when the repository is on
//! GitHub), fingerprint and triage history; and the triage form.

use crate::dashboard::form::{FormPost, Viewer};
use crate::dashboard::layout::{self, csrf, page, when, Context, Section};
use crate::dashboard::{encode_query, see_other, Page, PageResult};
use crate::routes::findings::{self as api, FindingOut, FindingQuery, Triage};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::Json;
use maud::{html, Markup};
use serde::Deserialize;

const PER_PAGE: u32 = 50;
const STATE_NAMES: [(&str, &str); 4] = [
    ("open", "Open"),
    ("false_positive", "False positive"),
    ("accepted_risk", "Accepted risk"),
    ("fixed", "Fixed"),
];
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

/// The list's filters as the page's query string carries them (empty means "any").
#[derive(Deserialize, Default, Clone)]
pub struct Filters {
    #[serde(default)]
    severity: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    repository: String,
    #[serde(default)]
    branch: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    sort: String,
    page: Option<u32>,
    done: Option<String>,
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

impl Filters {
    fn query(&self, page: Option<u32>) -> FindingQuery {
        FindingQuery {
            severity: some(&self.severity),
            rule: some(&self.rule),
            path: None,
            path_contains: some(&self.path),
            state: some(&self.state),
            repository: some(&self.repository),
            branch: some(&self.branch),
            sort: some(&self.sort),
            page,
            per_page: Some(PER_PAGE),
        }
    }

    /// The query string of these filters on another page.
    fn link(&self, page: u32) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("severity", &self.severity),
            ("state", &self.state),
            ("rule", &self.rule),
            ("repository", &self.repository),
            ("branch", &self.branch),
            ("path", &self.path),
            ("sort", &self.sort),
        ] {
            if !value.trim().is_empty() {
                parts.push(format!("{key}={}", encode_query(value.trim())));
            }
        }
        parts.push(format!("page={page}"));
        format!("?{}", parts.join("&"))
    }
}

fn select(name: &str, label: &str, current: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        label {
            (label)
            select name=(name) {
                @if name != "sort" { option value="" selected[current.is_empty()] { "Any" } }
                @for (value, text) in options {
                    option value=(value) selected[current == *value] { (text) }
                }
            }
        }
    }
}

/// `GET /w/{ws}/findings`.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(ws): Path<String>,
    Query(filters): Query<Filters>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let page_number = filters.page.unwrap_or(1).max(1);
    let result = api::list(
        State(state.clone()),
        cx.viewer.caller.clone(),
        Path(ws.clone()),
        Query(filters.query(Some(page_number))),
    )
    .await?
    .0;
    let last_page = ((result.total + PER_PAGE as i64 - 1) / PER_PAGE as i64).max(1);
    let severity_options: Vec<(&str, &str)> = SEVERITIES.iter().map(|s| (*s, *s)).collect();
    let sort_options = [
        ("severity", "Most severe first"),
        ("newest", "Newest first"),
        ("path", "By repository and path"),
    ];
    let filtered = filters.link(1) != "?page=1";
    let body = html! {
        (layout::notice(filters.done.as_deref()))
        form.filters.panel method="get" action=(cx.at("/findings")) role="search" aria-label="Filter findings" {
            (select("severity", "Severity", &filters.severity, &severity_options))
            (select("state", "State", &filters.state, &STATE_NAMES))
            label { "Rule" input name="rule" value=(filters.rule) maxlength="200"; }
            label { "Repository" input name="repository" value=(filters.repository) maxlength="200"; }
            label { "Branch" input name="branch" value=(filters.branch) maxlength="255"; }
            label { "Path contains" input name="path" value=(filters.path) maxlength="1000"; }
            (select("sort", "Sort", &filters.sort, &sort_options))
            button type="submit" { "Apply" }
            @if filtered { a href=(cx.at("/findings")) { "Clear filters" } }
        }
        p role="status" { (result.total) " finding" @if result.total != 1 { "s" } @if filtered { " match these filters" } }
        @if result.items.is_empty() {
            @if filtered {
                p.empty.panel { "No finding matches these filters." }
            } @else {
                (super::overview::first_scan_hint("<this server's URL>", &cx))
            }
        } @else {
            div.table-wrap {
                table {
                    caption.visually-hidden { "Findings" }
                    thead { tr {
                        th scope="col" { "Severity" }
                        th scope="col" { "Finding" }
                        th scope="col" { "Location" }
                        th scope="col" class="optional" { "Repository" }
                        th scope="col" class="optional" { "Branch" }
                        th scope="col" { "State" }
                        th scope="col" class="optional" { "Last seen" }
                    } }
                    tbody {
                        @for f in &result.items {
                            tr {
                                td { (layout::severity(&f.severity)) }
                                td { a href=(cx.at(&format!("/findings/{}", f.id))) { (f.title) } br; code.muted { (f.rule_id) } }
                                td.path { (f.location.path) ":" (f.location.start_line) }
                                td.optional { (f.repository) }
                                td.optional { (f.branch) }
                                td { (state_label(&f.state)) }
                                td.optional { (when(&f.last_seen_at)) }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label="Pages" {
                @if page_number > 1 { a href=(filters.link(page_number - 1)) rel="prev" { "← Previous" } }
                span { "Page " (page_number) " of " (last_page) }
                @if (page_number as i64) < last_page { a href=(filters.link(page_number + 1)) rel="next" { "Next →" } }
            }
        }
    };
    Ok(Page::ok(page("Findings", &cx, Section::Findings, body)).into_response())
}

fn state_label(state: &str) -> &'static str {
    STATE_NAMES
        .iter()
        .find(|(value, _)| *value == state)
        .map(|(_, text)| *text)
        .unwrap_or("Open")
}

/// A link to the file at the finding's commit, for repositories named like GitHub's
/// `owner/name` (hosted scans) — only ever an https link to github.com.
fn file_link(f: &FindingOut) -> Option<String> {
    let commit = f
        .provenance
        .as_ref()
        .map(|p| p.commit.as_str())
        .or(f.last_scan_commit.as_deref())?;
    let valid_name = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    let (owner, name) = f.repository.split_once('/')?;
    if !valid_name(owner) || !valid_name(name) || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let path: Vec<String> = f.location.path.split('/').map(encode_query).collect();
    Some(format!(
        "https://github.com/{owner}/{name}/blob/{commit}/{}#L{}",
        path.join("/"),
        f.location.start_line
    ))
}

/// `GET /w/{ws}/findings/{id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((ws, id)): Path<(String, String)>,
    Query(filters): Query<Filters>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let f = api::show(
        State(state.clone()),
        cx.viewer.caller.clone(),
        Path((ws.clone(), id.clone())),
    )
    .await?
    .0;
    let history = api::history(
        State(state.clone()),
        cx.viewer.caller.clone(),
        Path((ws.clone(), id.clone())),
    )
    .await?
    .0
    .items;
    let body = html! {
        (layout::notice(filters.done.as_deref()))
        p { (layout::severity(&f.severity)) " " code { (f.rule_id) } " · " (f.category) " · confidence " (f.confidence) }
        div.grid {
            section.panel aria-labelledby="where" {
                h2 #where { "Where" }
                dl.facts {
                    dt { "Repository" } dd { (f.repository) }
                    dt { "Branch" } dd { (f.branch) }
                    dt { "File" } dd.path {
                        @match file_link(&f) {
                            Some(link) => a href=(link) rel="noopener noreferrer" { (f.location.path) ":" (f.location.start_line) },
                            None => { (f.location.path) ":" (f.location.start_line) },
                        }
                    }
                    @if let Some(p) = &f.provenance {
                        dt { "Commit" } dd { code { (p.commit) } }
                        @if let Some(author) = &p.author { dt { "Author" } dd { (author) } }
                    } @else if let Some(commit) = &f.last_scan_commit {
                        dt { "Last scanned at" } dd { code { (commit) } }
                    }
                    dt { "Fingerprint" } dd { code { (f.fingerprint) } }
                    dt { "First seen" } dd { (when(&f.first_seen_at)) }
                    dt { "Last seen" } dd { (when(&f.last_seen_at)) }
                    dt { "State" } dd { (state_label(&f.state)) }
                }
            }
            section.panel aria-labelledby="what" {
                h2 #what { "What was found" }
                p.muted { "Snippet (secrets are masked; the code itself is never stored):" }
                pre { code { (f.snippet) } }
                @if let Some(remediation) = &f.remediation {
                    h2 { "How to fix it" }
                    p { (remediation) }
                }
            }
        }
        section.panel aria-labelledby="triage" {
            h2 #triage { "Triage" }
            @if let Some(comment) = &f.triage.comment { p { "Comment: " (comment) } }
            @if let Some(expires) = &f.triage.expires_at { p { "Accepted until " (when(expires)) } }
            form.stack method="post" action=(cx.at(&format!("/findings/{}/triage", f.id))) {
                (csrf(&cx.viewer))
                fieldset {
                    legend { "New state" }
                    @for (value, text) in STATE_NAMES {
                        label { span { input type="radio" name="state" value=(value) checked[f.triage.state == value] required; " " (text) } }
                    }
                }
                label { "Accepted until (for an accepted risk)" input type="date" name="expires_at"; }
                label { "Comment" textarea name="comment" maxlength="2000" rows="3" {} }
                button type="submit" { "Save" }
            }
        }
        section.panel aria-labelledby="history" {
            h2 #history { "History" }
            @if history.is_empty() {
                p.muted { "Not triaged yet." }
            } @else {
                ol {
                    @for h in &history {
                        li { (when(&h.at)) " — " (state_label(&h.state)) @if let Some(by) = &h.by { " by " (by) } }
                    }
                }
            }
        }
        p { a href=(cx.at("/findings")) { "← All findings" } }
    };
    Ok(Page::ok(page(&f.title, &cx, Section::Findings, body)).into_response())
}

#[derive(Deserialize)]
pub struct TriageForm {
    state: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    expires_at: String,
}

/// `POST /w/{ws}/findings/{id}/triage`: the API's triage (members may triage).
pub async fn triage(
    State(state): State<AppState>,
    Path((ws, id)): Path<(String, String)>,
    FormPost { viewer, form }: FormPost<TriageForm>,
) -> PageResult {
    let _ = api::triage(
        State(state),
        viewer.caller,
        Path((ws.clone(), id.clone())),
        Json(Triage {
            state: form.state,
            comment: some(&form.comment),
            expires_at: some(&form.expires_at),
        }),
    )
    .await?;
    Ok(see_other(&format!("/w/{ws}/findings/{id}?done=triaged")))
}
