//! Repositories, and scans uploaded into them.
//!
//! An upload is matched against the repository and branch's known findings by fingerprint
//! (never by line): unseen fingerprints are *new*, seen ones *still open* (their location and
//! snippet are refreshed, their triage kept), known ones missing from the upload become
//! *fixed*. A finding that reappears after being fixed is open again; a false positive or an
//! accepted risk stays triaged.

use crate::audit;
use crate::auth::{AuthKind, Caller, Need};
use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::time::rfc3339;
use crate::upload::{check_name, ScanUpload};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferret_store::scans::NewScan;
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::Row;

/// `GET /api/workspaces/{workspace}/repositories`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let rows = sqlx::query(
        "SELECT id, name, url, created_at FROM repositories WHERE workspace_id = $1 ORDER BY name",
    )
    .bind(&ws)
    .fetch_all(state.db.pool())
    .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"id": r.get::<String, _>("id"), "name": r.get::<String, _>("name"),
                   "url": r.get::<Option<String>, _>("url"), "created_at": rfc3339(r.get("created_at"))})
        })
        .collect();
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize)]
pub struct NewRepository {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// `POST /api/workspaces/{workspace}/repositories`: admins and owners register repositories.
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
    let id = crypto::new_id("repo");
    let now = crate::time::now();
    let mut tx = state.db.write().await?;
    let taken = sqlx::query("SELECT id FROM repositories WHERE workspace_id = $1 AND name = $2")
        .bind(&ws)
        .bind(&body.name)
        .fetch_optional(&mut *tx.tx)
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict(
            "a repository with this name is already registered",
        ));
    }
    sqlx::query("INSERT INTO repositories (id, workspace_id, name, url, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(&ws)
        .bind(&body.name)
        .bind(&body.url)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "repository.create",
        Some(&id),
        json!({}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "name": body.name, "url": body.url, "created_at": rfc3339(now)})),
    )
        .into_response())
}

/// `DELETE /api/workspaces/{workspace}/repositories/{repository}`: removes its scans and findings.
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let mut tx = state.db.write().await?;
    let exists = sqlx::query("SELECT id FROM repositories WHERE id = $1 AND workspace_id = $2")
        .bind(&id)
        .bind(&ws)
        .fetch_optional(&mut *tx.tx)
        .await?;
    if exists.is_none() {
        return Err(ApiError::not_found());
    }
    for table in ["findings", "scans"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE repository_id = $1"))
            .bind(&id)
            .execute(&mut *tx.tx)
            .await?;
    }
    sqlx::query("DELETE FROM repositories WHERE id = $1")
        .bind(&id)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "repository.delete",
        Some(&id),
        json!({}),
    )
    .await?;
    state.db.purge_deleted().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/scans`: upload with an API token; the workspace is the token's.
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

/// `POST /api/workspaces/{workspace}/scans`.
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

#[derive(Deserialize)]
pub struct ScanQuery {
    pub repository: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// `GET /api/workspaces/{workspace}/scans`: newest first.
pub async fn list_scans(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Query(query): Query<ScanQuery>,
) -> ApiResult<Json<Value>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let (page, per_page, offset) = super::page_bounds(query.page, query.per_page);
    let base = "SELECT s.id, s.repository_id, r.name, s.branch, s.commit_sha, s.created_by, s.created_at, \
                s.findings_total, s.findings_new, s.findings_fixed FROM scans s \
                JOIN repositories r ON r.id = s.repository_id WHERE s.workspace_id = $1";
    let rows = match &query.repository {
        Some(repo) => {
            sqlx::query(&format!("{base} AND (r.id = $2 OR r.name = $2) ORDER BY s.created_at DESC, s.id LIMIT $3 OFFSET $4"))
                .bind(&ws)
                .bind(repo)
                .bind(per_page)
                .bind(offset)
                .fetch_all(state.db.pool())
                .await?
        }
        None => {
            sqlx::query(&format!("{base} ORDER BY s.created_at DESC, s.id LIMIT $2 OFFSET $3"))
                .bind(&ws)
                .bind(per_page)
                .bind(offset)
                .fetch_all(state.db.pool())
                .await?
        }
    };
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.get::<String, _>("id"),
                "repository_id": r.get::<String, _>("repository_id"),
                "repository": r.get::<String, _>("name"),
                "branch": r.get::<String, _>("branch"),
                "commit": r.get::<Option<String>, _>("commit_sha"),
                "created_by": r.get::<Option<String>, _>("created_by"),
                "created_at": rfc3339(r.get("created_at")),
                "findings": r.get::<i64, _>("findings_total"),
                "new": r.get::<i64, _>("findings_new"),
                "fixed": r.get::<i64, _>("findings_fixed"),
            })
        })
        .collect();
    Ok(Json(
        json!({"items": items, "page": page, "per_page": per_page}),
    ))
}
