//! Repositories, and scans uploaded into them.
//!
//! An upload is matched against the repository and branch's known findings by fingerprint
//! (never by line): unseen fingerprints are *new*, seen ones *still open* (their location and
//! snippet are refreshed, their triage kept), known ones missing from the upload become
//! *fixed*. A finding that reappears after being fixed is open again; a false positive or an
//! accepted risk stays triaged.

use super::WorkspaceParam;
use crate::auth::{AuthKind, Caller, Need};
use crate::error::{ApiError, ApiResult, ErrorReply};
use crate::time::rfc3339;
use crate::upload::{check_name, ScanUpload, UploadSummary};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferret_store::scans::NewScan;
use serde::{Deserialize, Serialize};

/// A repository as the API returns it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepositoryOut {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub created_at: String,
}

impl From<ferret_store::repositories::Repository> for RepositoryOut {
    fn from(r: ferret_store::repositories::Repository) -> Self {
        RepositoryOut {
            id: r.id,
            name: r.name,
            url: r.url,
            created_at: rfc3339(r.created_at),
        }
    }
}

/// A list of items (`{"items": [...]}`).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Items<T> {
    pub items: Vec<T>,
}

impl<T> Items<T> {
    pub fn new(items: Vec<T>) -> Items<T> {
        Items { items }
    }
}

/// A workspace's repositories.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/repositories", tag = "repositories",
    params(WorkspaceParam),
    responses((status = 200, description = "Repositories", body = Items<RepositoryOut>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Items<RepositoryOut>>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let items = ferret_store::repositories::list(&state.db, &ws)
        .await?
        .into_iter()
        .map(RepositoryOut::from)
        .collect();
    Ok(Json(Items { items }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRepository {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// Register a repository (admins and owners).
#[utoipa::path(post, path = "/api/workspaces/{workspace}/repositories", tag = "repositories",
    params(WorkspaceParam), request_body = NewRepository,
    responses(
        (status = 201, description = "Registered", body = RepositoryOut),
        (status = 409, description = "The name is taken in this workspace", body = ErrorReply),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<NewRepository>,
) -> ApiResult<Response> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    check_name("name", &body.name, 200)?;
    if let Some(url) = &body.url {
        // Credentials in the query string (`?access_token=`, `private_token=`, `key=` …) are
        // refused like `user:password@`: a repository URL is shown to every member.
        let lower = url.to_ascii_lowercase();
        let query = lower.split_once('?').map_or("", |(_, q)| q);
        let credential_parameter = query.split('&').any(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            [
                "token",
                "key",
                "secret",
                "password",
                "passwd",
                "auth",
                "sig",
                "signature",
            ]
            .iter()
            .any(|word| name.ends_with(word))
        });
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() > 2048
            || url.contains('@')
            || credential_parameter
            || url.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(ApiError::invalid(
                "url must be an http(s) URL without credentials",
            ));
        }
    }
    let repository = ferret_store::repositories::create(
        &state.db,
        &ws,
        &body.name,
        body.url.as_deref(),
        &caller.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(RepositoryOut::from(repository))).into_response())
}

/// Remove a repository with its scans and findings (admins and owners).
#[utoipa::path(delete, path = "/api/workspaces/{workspace}/repositories/{repository}", tag = "repositories",
    params(WorkspaceParam, ("repository" = String, Path, description = "Repository id")),
    responses((status = 204, description = "Removed")))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    ferret_store::repositories::remove(&state.db, &ws, &id, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Upload a scan's findings with an API token (`ferret scan --upload`); the workspace is the token's.
#[utoipa::path(post, path = "/api/scans", tag = "scans",
    request_body = ScanUpload,
    responses(
        (status = 201, description = "Stored, redacted again by the server", body = UploadSummary),
        (status = 409, description = "Another upload to this repository and branch is being stored", body = ErrorReply),
    ))]
pub async fn upload_with_token(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<ScanUpload>,
) -> ApiResult<Response> {
    let ws = match &caller.auth {
        AuthKind::Token { workspace_id, .. } => workspace_id.clone(),
        AuthKind::Session { .. } => {
            return Err(ApiError::bad_request(
                "signed-in sessions upload to /api/workspaces/{workspace}/scans",
            ))
        }
    };
    ingest(state, caller, ws, body).await
}

/// Upload a scan's findings to this workspace.
#[utoipa::path(post, path = "/api/workspaces/{workspace}/scans", tag = "scans",
    params(WorkspaceParam), request_body = ScanUpload,
    responses(
        (status = 201, description = "Stored, redacted again by the server", body = UploadSummary),
        (status = 409, description = "Another upload to this repository and branch is being stored", body = ErrorReply),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Json(body): Json<ScanUpload>,
) -> ApiResult<Response> {
    ingest(state, caller, ws, body).await
}

async fn ingest(
    state: AppState,
    caller: Caller,
    ws: String,
    body: ScanUpload,
) -> ApiResult<Response> {
    caller.in_workspace(&state, &ws, Need::SCAN).await?;
    let redactor = state.redactor.clone();
    let max = state.config.max_upload_findings;
    let (body, findings) = tokio::task::spawn_blocking(move || {
        let findings = redactor.clean(&body, max);
        (body, findings)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let scan = NewScan {
        repository: body.repository,
        branch: body.branch,
        commit: body.commit,
        findings: findings?,
    };
    let summary = ferret_store::scans::ingest(&state.db, &ws, scan, &caller.actor()).await?;
    Ok((StatusCode::CREATED, Json(summary)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScanQuery {
    pub repository: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Scans, newest first.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/scans", tag = "scans",
    params(WorkspaceParam, ScanQuery),
    responses((status = 200, description = "A page of scans", body = ScanPage)))]
pub async fn list_scans(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Query(query): Query<ScanQuery>,
) -> ApiResult<Json<ScanPage>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let (page, per_page, offset) = super::page_bounds(query.page, query.per_page);
    let items = ferret_store::repositories::scans(
        &state.db,
        &ws,
        query.repository.as_deref(),
        per_page,
        offset,
    )
    .await?
    .into_iter()
    .map(|s| ScanOut {
        id: s.id,
        repository_id: s.repository_id,
        repository: s.repository,
        branch: s.branch,
        commit: s.commit,
        created_by: s.created_by,
        created_at: rfc3339(s.created_at),
        findings: s.findings,
        new: s.new,
        fixed: s.fixed,
    })
    .collect();
    Ok(Json(ScanPage {
        items,
        page,
        per_page,
    }))
}

/// One uploaded scan as the API returns it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanOut {
    pub id: String,
    pub repository_id: String,
    pub repository: String,
    pub branch: String,
    pub commit: Option<String>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub findings: i64,
    pub new: i64,
    pub fixed: i64,
}

/// One page of scans.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanPage {
    pub items: Vec<ScanOut>,
    pub page: i64,
    pub per_page: i64,
}
