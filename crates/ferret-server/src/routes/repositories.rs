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
use crate::db::Backend;
use crate::error::{ApiError, ApiResult};
use crate::time::rfc3339;
use crate::upload::{check_name, CleanFinding, ScanUpload, UploadSummary};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::HashMap;

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
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() > 2048
            || url.contains('@')
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
        json!({"name": body.name}),
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

pub fn severity_rank(severity: ferret_core::Severity) -> i64 {
    match severity.as_str() {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

/// What an existing finding keeps across scans.
struct Known {
    id: String,
    present: bool,
    first_scan_id: String,
    first_seen_at: i64,
    triage: String,
    triage_comment: Option<String>,
    triage_expires_at: Option<i64>,
    triaged_by: Option<String>,
    triaged_at: Option<i64>,
}

/// Rows per multi-row INSERT (30 columns each; well under both backends' parameter limits).
const INSERT_CHUNK: usize = 25;
/// Ids per `IN (…)` list.
const ID_CHUNK: usize = 500;

async fn ingest(
    state: AppState,
    caller: Caller,
    ws: String,
    body: ScanUpload,
) -> ApiResult<Response> {
    caller.in_workspace(&state, &ws, Need::SCAN).await?;
    let redactor = state.redactor.clone();
    let max = state.config.max_upload_findings;
    let repository = body.repository.clone();
    let branch = body.branch.clone();
    let commit = body.commit.clone();
    let findings = tokio::task::spawn_blocking(move || redactor.clean(&body, max))
        .await
        .map_err(|_| ApiError::internal())??;

    let repo_id: String = sqlx::query(
        "SELECT id FROM repositories WHERE workspace_id = $1 AND (name = $2 OR id = $2)",
    )
    .bind(&ws)
    .bind(&repository)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "repository not registered in this workspace",
        )
    })?
    .get("id");

    let now = crate::time::now();
    let backend = state.db.backend();
    let scan_id = crypto::new_id("scan");
    let mut tx = state.db.write().await?;
    let rows = sqlx::query(
        "SELECT id, fingerprint, present, first_scan_id, first_seen_at, triage, triage_comment, \
         triage_expires_at, triaged_by, triaged_at FROM findings WHERE repository_id = $1 AND branch = $2",
    )
    .bind(&repo_id)
    .bind(&branch)
    .fetch_all(&mut *tx.tx)
    .await?;
    let mut known: HashMap<String, Known> = rows
        .iter()
        .map(|r| {
            (
                r.get::<String, _>("fingerprint"),
                Known {
                    id: r.get("id"),
                    present: r.get::<i64, _>("present") == 1,
                    first_scan_id: r.get("first_scan_id"),
                    first_seen_at: r.get("first_seen_at"),
                    triage: r.get("triage"),
                    triage_comment: r.get("triage_comment"),
                    triage_expires_at: r.get("triage_expires_at"),
                    triaged_by: r.get("triaged_by"),
                    triaged_at: r.get("triaged_at"),
                },
            )
        })
        .collect();

    let mut new_count = 0i64;
    let mut replaced = Vec::new();
    let mut rows_out: Vec<(CleanFinding, Known)> = Vec::with_capacity(findings.len());
    for finding in findings {
        let row = match known.remove(&finding.fingerprint) {
            Some(mut k) => {
                replaced.push(k.id.clone());
                if !k.present {
                    new_count += 1;
                }
                if k.triage == "fixed" || (!k.present && k.triage == "open") {
                    k.triage = "open".into();
                }
                k.present = true;
                k
            }
            None => {
                new_count += 1;
                Known {
                    id: crypto::new_id("fnd"),
                    present: true,
                    first_scan_id: scan_id.clone(),
                    first_seen_at: now,
                    triage: "open".into(),
                    triage_comment: None,
                    triage_expires_at: None,
                    triaged_by: None,
                    triaged_at: None,
                }
            }
        };
        rows_out.push((finding, row));
    }
    let fixed: Vec<String> = known
        .into_values()
        .filter(|k| k.present)
        .map(|k| k.id)
        .collect();

    for chunk in replaced.chunks(ID_CHUNK) {
        let sql = format!(
            "DELETE FROM findings WHERE id IN ({})",
            placeholders(backend, 1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        q.execute(&mut *tx.tx).await?;
    }
    for chunk in fixed.chunks(ID_CHUNK) {
        let sql = format!(
            "UPDATE findings SET present = 0, last_scan_id = {} WHERE id IN ({})",
            if backend == Backend::Sqlite {
                "?1"
            } else {
                "$1"
            },
            placeholders(backend, 2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(&scan_id);
        for id in chunk {
            q = q.bind(id);
        }
        q.execute(&mut *tx.tx).await?;
    }
    for chunk in rows_out.chunks(INSERT_CHUNK) {
        let mut sql = String::from(
            "INSERT INTO findings (id, workspace_id, repository_id, branch, fingerprint, rule_id, category, \
             severity, severity_rank, confidence, title, path, start_line, start_column, end_line, end_column, \
             snippet, commit_sha, author, committed_at, first_scan_id, last_scan_id, first_seen_at, last_seen_at, \
             present, triage, triage_comment, triage_expires_at, triaged_by, triaged_at) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            sql.push_str(&placeholders(backend, i * 30 + 1, 30));
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for (f, k) in chunk {
            q = q
                .bind(&k.id)
                .bind(&ws)
                .bind(&repo_id)
                .bind(&branch)
                .bind(&f.fingerprint)
                .bind(&f.rule_id)
                .bind(f.category)
                .bind(f.severity.as_str())
                .bind(severity_rank(f.severity))
                .bind(f.confidence.as_str())
                .bind(&f.title)
                .bind(&f.path)
                .bind(f.start_line)
                .bind(f.start_column)
                .bind(f.end_line)
                .bind(f.end_column)
                .bind(&f.snippet)
                .bind(&f.commit)
                .bind(&f.author)
                .bind(&f.committed_at)
                .bind(&k.first_scan_id)
                .bind(&scan_id)
                .bind(k.first_seen_at)
                .bind(now)
                .bind(1i64)
                .bind(&k.triage)
                .bind(&k.triage_comment)
                .bind(k.triage_expires_at)
                .bind(&k.triaged_by)
                .bind(k.triaged_at);
        }
        q.execute(&mut *tx.tx).await?;
    }
    let total = rows_out.len() as i64;
    let fixed_count = fixed.len() as i64;
    sqlx::query(
        "INSERT INTO scans (id, workspace_id, repository_id, branch, commit_sha, created_by, created_at, \
         findings_total, findings_new, findings_fixed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&scan_id)
    .bind(&ws)
    .bind(&repo_id)
    .bind(&branch)
    .bind(&commit)
    .bind(&caller.user_id)
    .bind(now)
    .bind(total)
    .bind(new_count)
    .bind(fixed_count)
    .execute(&mut *tx.tx)
    .await?;
    audit::record_and_commit(tx, &caller.actor(),
        Some(&ws),
        "scan.upload",
        Some(&scan_id),
        json!({"repository_id": repo_id, "branch": branch, "findings": total, "new": new_count, "fixed": fixed_count}),
    ).await?;
    let summary = UploadSummary {
        scan_id,
        repository_id: repo_id,
        branch,
        findings: total,
        new: new_count,
        still_open: total - new_count,
        fixed: fixed_count,
    };
    Ok((StatusCode::CREATED, Json(summary)).into_response())
}

/// `count` numbered placeholders from `start`: `$N` for PostgreSQL, `?N` for SQLite (which
/// resolves `$N` as a *named* parameter, by a linear search per occurrence — quadratic in
/// statements with thousands of parameters).
pub fn placeholders(backend: Backend, start: usize, count: usize) -> String {
    let sigil = match backend {
        Backend::Sqlite => '?',
        Backend::Postgres => '$',
    };
    (start..start + count)
        .map(|i| format!("{sigil}{i}"))
        .collect::<Vec<_>>()
        .join(",")
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
