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
    seq: i64,
    at: String,
    action: String,
    target: Option<String>,
    actor_user_id: Option<String>,
    actor_token_id: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    #[schema(value_type = Object)]
    details: Value,
    hash: String,
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
