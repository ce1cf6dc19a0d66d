//! `GET /api/workspaces/{workspace}/audit`: a workspace's audit entries (admins and owners).

use crate::auth::{Caller, Need};
use crate::error::ApiResult;
use crate::time::rfc3339;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries with a smaller sequence number (for paging backwards).
    pub before: Option<i64>,
    pub limit: Option<u32>,
}

/// One audit entry as the API returns it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryOut {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub target: Option<String>,
    pub actor_user_id: Option<String>,
    pub actor_token_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    #[schema(value_type = Object)]
    pub details: Value,
    pub hash: String,
}

/// A workspace's audit entries, newest first (admins and owners).
#[utoipa::path(get, path = "/api/workspaces/{workspace}/audit", tag = "audit",
    params(super::WorkspaceParam, AuditQuery),
    responses((status = 200, description = "Audit entries", body = super::repositories::Items<EntryOut>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Json<super::repositories::Items<EntryOut>>> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let limit = query.limit.unwrap_or(100).clamp(1, 1000) as i64;
    let entries = crate::audit::list(&state.db, Some(&ws), query.before, limit).await?;
    let items = entries
        .into_iter()
        .map(|e| EntryOut {
            seq: e.seq,
            at: rfc3339(e.at),
            action: e.action,
            target: e.target,
            actor_user_id: e.actor_user_id,
            actor_token_id: e.actor_token_id,
            ip: e.ip,
            user_agent: e.user_agent,
            details: serde_json::from_str::<Value>(&e.details).unwrap_or(Value::Null),
            hash: e.hash,
        })
        .collect();
    Ok(Json(super::repositories::Items::new(items)))
}

/// What verifying the audit chain proved.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationOut {
    /// Whether every entry is in order, sealed and unchanged.
    pub valid: bool,
    /// Entries checked (the whole server's chain: workspaces share one).
    pub entries: usize,
    /// What the check could not prove, one line each.
    pub caveats: Vec<String>,
    /// The first problem found, when not valid.
    pub problem: Option<String>,
}

/// Verify the audit chain (admins and owners): every entry's seal and link, the stored head,
/// and the signed checkpoints kept outside the database.
#[utoipa::path(post, path = "/api/workspaces/{workspace}/audit/verify", tag = "audit",
    params(super::WorkspaceParam),
    responses((status = 200, description = "The verification", body = VerificationOut)))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<Json<VerificationOut>> {
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let checkpoints =
        crate::audit::read_checkpoints(&state.config.data_dir.join(crate::audit::CHECKPOINT_FILE))
            .unwrap_or_default();
    let entries = crate::audit::all(&state.db).await?;
    let (seq, hash) = crate::audit::head(&state.db).await?;
    let count = entries.len();
    let out = match crate::audit::verify(
        &entries,
        Some((seq, &hash)),
        state.db.audit_key(),
        &checkpoints,
    ) {
        Ok(report) => VerificationOut {
            valid: true,
            entries: report.entries,
            caveats: report.caveats(),
            problem: None,
        },
        Err(problem) => VerificationOut {
            valid: false,
            entries: count,
            caveats: Vec::new(),
            problem: Some(problem),
        },
    };
    Ok(Json(out))
}

/// Export the workspace's audit entries as JSON lines, oldest first (admins and owners).
#[utoipa::path(get, path = "/api/workspaces/{workspace}/audit/export", tag = "audit",
    params(super::WorkspaceParam),
    responses((status = 200, description = "One JSON object per line", content_type = "application/x-ndjson", body = String)))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    caller.in_workspace(&state, &ws, Need::ADMIN).await?;
    let mut entries = Vec::new();
    let mut before = None;
    loop {
        let page = crate::audit::list(&state.db, Some(&ws), before, 5_000).await?;
        let Some(last) = page.last() else { break };
        before = Some(last.seq);
        entries.extend(page);
    }
    entries.reverse();
    let mut body = String::new();
    for entry in &entries {
        body.push_str(
            &serde_json::to_string(entry).map_err(|_| crate::error::ApiError::internal())?,
        );
        body.push('\n');
    }
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/x-ndjson"),
    );
    headers.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"ferret-audit.jsonl\""),
    );
    Ok(response)
}
