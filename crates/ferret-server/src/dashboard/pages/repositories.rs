//! Repositories and scans: uploaded scans and hosted scan jobs (live while any runs), "Scan
//! now" for connected GitHub repositories (members too) and "Connect GitHub" (owners and
//! admins; the API refuses everyone else).

use crate::dashboard::form::{FormPost, Viewer};
use crate::dashboard::layout::{self, csrf, when, Context, Done, Section};
use crate::dashboard::pages::auth::Nothing;
use crate::dashboard::{see_other, Page, PageError, PageResult};
use crate::error::ApiError;
use crate::routes::{github_connect, jobs, repositories};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;

/// `GET /w/{ws}/repositories`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(ws): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let caller = || cx.viewer.caller.clone();
    let repos = repositories::list(State(state.clone()), caller(), Path(ws.clone()))
        .await?
        .0
        .items;
    let scans = repositories::list_scans(
        State(state.clone()),
        caller(),
        Path(ws.clone()),
        Query(repositories::ScanQuery {
            repository: None,
            page: Some(1),
            per_page: Some(20),
        }),
    )
    .await?
    .0
    .items;
    let jobs = jobs::list(
        State(state.clone()),
        caller(),
        Path(ws.clone()),
        Query(jobs::JobQuery {
            page: Some(1),
            per_page: Some(20),
        }),
    )
    .await?
    .0
    .items;
    let github = state.github.is_some();
    let installations = if github {
        github_connect::list(State(state.clone()), caller(), Path(ws.clone()))
            .await?
            .0
            .items
    } else {
        Vec::new()
    };
    let running = jobs
        .iter()
        .any(|j| j.status == "queued" || j.status == "running");
    let body = html! {
        (layout::notice(done.done.as_deref()))
        @if github && cx.is_admin() {
            form.panel method="post" action=(cx.at("/github/connect")) {
                (csrf(&cx.viewer))
                p { "Connect a GitHub organisation or account: Ferret then scans its repositories on every push and pull request, in a sandbox that keeps no code." }
                button type="submit" { "Connect GitHub" }
            }
        }
        @if cx.is_admin() {
            form.filters.panel method="post" action=(cx.at("/repositories")) aria-label="Add a repository" {
                (csrf(&cx.viewer))
                label { "Repository name" input name="name" required maxlength="200" placeholder="payments-api"; }
                label { "URL (optional)" input type="url" name="url" maxlength="2048" placeholder="https://github.com/acme/payments-api"; }
                button type="submit" { "Add repository" }
            }
        }
        @if !installations.is_empty() {
            section.panel aria-labelledby="installations" {
                h2 #installations { "Connected GitHub accounts" }
                ul {
                    @for i in &installations {
                        li {
                            (i.account) " (" (i.account_type) ")" @if i.suspended { " — suspended on GitHub" }
                            @if cx.is_admin() {
                                " · " a href=(cx.at(&format!("/github/installations/{}", i.installation_id))) { "Choose repositories" }
                                " "
                                form.inline method="post" action=(cx.at(&format!("/github/installations/{}/disconnect", i.installation_id)))
                                    data-confirm={ "Disconnect " (i.account) "? Its repositories stop being scanned here." } {
                                    (csrf(&cx.viewer))
                                    button.secondary type="submit" { "Disconnect" }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.panel aria-labelledby="repos" {
            h2 #repos { "Repositories" }
            @if repos.is_empty() {
                (super::overview::first_scan_hint(&super::overview::server_url(&state, &headers), &cx))
            } @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Name" } th scope="col" { "Added" } th scope="col" { span.visually-hidden { "Actions" } } } }
                    tbody {
                        @for r in &repos {
                            tr {
                                td { a href={ (cx.at("/findings")) "?repository=" (crate::dashboard::encode_query(&r.name)) } { (r.name) } }
                                td { (when(&r.created_at)) }
                                td {
                                    @if github {
                                        form.inline method="post" action=(cx.at(&format!("/repositories/{}/scan", r.id))) {
                                            (csrf(&cx.viewer))
                                            button.secondary type="submit" aria-label={ "Scan " (r.name) " now" } { "Scan now" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
        @if !jobs.is_empty() {
            section.panel aria-labelledby="jobs" data-refresh-seconds=[running.then_some("5")] {
                h2 #jobs { "Hosted scans" @if running { " (updating while scans run)" } }
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { "Status" } th scope="col" { "Trigger" } th scope="col" { "Branch" }
                        th scope="col" class="optional" { "Commit" } th scope="col" { "Queued" }
                        th scope="col" class="optional" { "Duration" } th scope="col" { "Findings (new / fixed)" }
                    } }
                    tbody {
                        @for j in &jobs {
                            tr {
                                td { (j.status) @if let Some(e) = &j.error { br; span.muted { (e) } } }
                                td { (j.trigger.as_deref().unwrap_or("")) }
                                td { (j.branch.as_deref().unwrap_or("")) }
                                td.optional { code { (j.commit.as_deref().map(|c| c.get(..12).unwrap_or(c)).unwrap_or("")) } }
                                td { (when(&j.created_at)) }
                                td.optional { @if let Some(d) = j.duration_secs { (d) " s" } }
                                td { @if let Some(n) = j.findings { (n) " (" (j.new.unwrap_or(0)) " / " (j.fixed.unwrap_or(0)) ")" } }
                            }
                        }
                    }
                } }
            }
        }
        section.panel aria-labelledby="scans" {
            h2 #scans { "Uploaded scans" }
            @if scans.is_empty() {
                p.muted { "No scan uploaded yet." }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { "When" } th scope="col" { "Repository" } th scope="col" { "Branch" }
                        th scope="col" class="optional" { "Commit" } th scope="col" { "Findings" } th scope="col" { "New" } th scope="col" { "Fixed" }
                    } }
                    tbody {
                        @for s in &scans {
                            tr {
                                td { (when(&s.created_at)) }
                                td { (s.repository) }
                                td { (s.branch) }
                                td.optional { code { (s.commit.as_deref().map(|c| c.get(..12).unwrap_or(c)).unwrap_or("")) } }
                                td { (s.findings) } td { (s.new) } td { (s.fixed) }
                            }
                        }
                    }
                } }
            }
        }
    };
    let mut response = Page::ok(layout::page(
        "Repositories & scans",
        &cx,
        Section::Repositories,
        body,
    ))
    .into_response();
    // "Connect GitHub" posts here and is sent on to GitHub: the form may go there too.
    if github {
        let origin = github_origin(&state.config.github.web_url);
        if let Ok(csp) = axum::http::HeaderValue::from_str(&crate::dashboard::CSP.replace(
            "form-action 'self'",
            &format!("form-action 'self' {origin}"),
        )) {
            response
                .headers_mut()
                .insert(axum::http::header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    Ok(response)
}

/// Reads the JSON body of an API answer built as a plain response.
async fn json_body(response: Response) -> PageResult<serde_json::Value> {
    let bytes = axum::body::to_bytes(response.into_body(), 1024 * 1024)
        .await
        .map_err(|_| PageError::Api(ApiError::internal()))?;
    serde_json::from_slice(&bytes).map_err(|_| PageError::Api(ApiError::internal()))
}

/// `POST /w/{ws}/repositories/{id}/scan`.
pub async fn scan_now(
    State(state): State<AppState>,
    Path((ws, id)): Path<(String, String)>,
    FormPost { viewer, .. }: FormPost<Nothing>,
) -> PageResult {
    jobs::scan_now(State(state), viewer.caller, Path((ws.clone(), id))).await?;
    Ok(see_other(&format!("/w/{ws}/repositories?done=queued")))
}

/// `POST /w/{ws}/github/connect`: on to GitHub's installation page.
pub async fn connect_github(
    State(state): State<AppState>,
    Path(ws): Path<String>,
    FormPost { viewer, .. }: FormPost<Nothing>,
) -> PageResult {
    let started = github_connect::start(State(state), viewer.caller, Path(ws)).await?;
    let body = json_body(started).await?;
    let url = body["install_url"]
        .as_str()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| PageError::Api(ApiError::internal()))?;
    Ok(axum::response::Redirect::to(url).into_response())
}

/// `scheme://host[:port]` of a URL (for the CSP), or `'none'` for anything odd.
fn github_origin(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "'none'".into();
    };
    let host = rest.split('/').next().unwrap_or("");
    if !matches!(scheme, "https" | "http")
        || host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    {
        return "'none'".into();
    }
    format!("{scheme}://{host}")
}

#[derive(serde::Deserialize)]
pub struct RepositoryForm {
    name: String,
    #[serde(default)]
    url: String,
}

/// `POST /w/{ws}/repositories` (owners and admins).
pub async fn create(
    State(state): State<AppState>,
    Path(ws): Path<String>,
    FormPost { viewer, form }: FormPost<RepositoryForm>,
) -> PageResult {
    let url = form.url.trim();
    repositories::create(
        State(state),
        viewer.caller,
        Path(ws.clone()),
        axum::Json(repositories::NewRepository {
            name: form.name.trim().to_string(),
            url: (!url.is_empty()).then(|| url.to_string()),
        }),
    )
    .await?;
    Ok(see_other(&format!("/w/{ws}/repositories?done=added")))
}

/// `GET /github/setup`: GitHub's redirect after an installation, for people in the dashboard
/// (the App's *Setup URL*): the API's checks, then back to the workspace's repositories.
pub async fn github_setup(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Query<github_connect::SetupQuery>,
) -> PageResult {
    let connected = github_connect::setup(State(state), viewer.caller, query)
        .await?
        .0;
    Ok(see_other(&format!(
        "/w/{}/repositories?done=connected",
        connected.workspace_id
    )))
}

/// `GET /w/{ws}/github/installations/{id}`: the installation's repositories, to add (admins).
pub async fn installation_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((ws, installation)): Path<(String, i64)>,
) -> PageResult {
    let cx = Context::load(&state, viewer, Some(&ws)).await?;
    let available = github_connect::available_repositories(
        State(state.clone()),
        cx.viewer.caller.clone(),
        Path((ws.clone(), installation)),
    )
    .await?
    .0
    .items;
    let added: Vec<String> = repositories::list(
        State(state.clone()),
        cx.viewer.caller.clone(),
        Path(ws.clone()),
    )
    .await?
    .0
    .items
    .into_iter()
    .map(|r| r.name)
    .collect();
    let body = html! {
        p { "Ferret scans an added repository on every push to its default branch and every pull request, and on “Scan now”." }
        @if available.is_empty() {
            p.muted { "This installation gives Ferret no repository: choose some in the App's settings on GitHub." }
        } @else {
            div.table-wrap { table {
                thead { tr { th scope="col" { "Repository" } th scope="col" { "Default branch" } th scope="col" { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for r in &available {
                        tr {
                            td { (r.full_name) @if r.private { " " span.muted { "(private)" } } }
                            td { (r.default_branch.as_deref().unwrap_or("")) }
                            td {
                                @if added.contains(&r.full_name) {
                                    "added"
                                } @else {
                                    form.inline method="post" action=(cx.at("/github/repositories")) {
                                        (csrf(&cx.viewer))
                                        input type="hidden" name="installation_id" value=(installation);
                                        input type="hidden" name="github_repo_id" value=(r.github_repo_id);
                                        input type="hidden" name="full_name" value=(r.full_name);
                                        input type="hidden" name="default_branch" value=(r.default_branch.as_deref().unwrap_or("main"));
                                        button type="submit" aria-label={ "Add " (r.full_name) } { "Add" }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
        p { a href=(cx.at("/repositories")) { "← Repositories & scans" } }
    };
    Ok(Page::ok(layout::page(
        "Choose repositories",
        &cx,
        Section::Repositories,
        body,
    ))
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct GithubRepositoryForm {
    installation_id: i64,
    github_repo_id: i64,
    full_name: String,
    default_branch: String,
}

/// `POST /w/{ws}/github/repositories`: add one (the API asks GitHub that it belongs).
pub async fn add_github_repository(
    State(state): State<AppState>,
    Path(ws): Path<String>,
    FormPost { viewer, form }: FormPost<GithubRepositoryForm>,
) -> PageResult {
    github_connect::add_repository(
        State(state),
        viewer.caller,
        Path(ws.clone()),
        axum::Json(github_connect::NewGithubRepositoryIn {
            installation_id: form.installation_id,
            github_repo_id: form.github_repo_id,
            full_name: form.full_name,
            default_branch: form.default_branch,
        }),
    )
    .await?;
    Ok(see_other(&format!(
        "/w/{ws}/github/installations/{}",
        form.installation_id
    )))
}

/// `POST /w/{ws}/github/installations/{id}/disconnect`.
pub async fn disconnect_github(
    State(state): State<AppState>,
    Path((ws, installation)): Path<(String, i64)>,
    FormPost { viewer, .. }: FormPost<Nothing>,
) -> PageResult {
    github_connect::disconnect(
        State(state),
        viewer.caller,
        Path((ws.clone(), installation)),
    )
    .await?;
    Ok(see_other(&format!("/w/{ws}/repositories?done=removed")))
}
