//! Findings: filtered, paginated listing; one finding; triage.
//!
//! A finding's state is derived: `fixed` when the latest scan of its branch no longer reports
//! it (or someone marked it fixed), otherwise its triage — `open`, `false_positive`, or
//! `accepted_risk` until the acceptance expires (then `open` again).

use super::WorkspaceParam;
use crate::auth::{Caller, Need};
use crate::error::{ApiError, ApiResult};
use crate::time::{parse_rfc3339, rfc3339};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use ferret_store::findings::{FindingFilter, FindingRecord, FindingSort, TriageChange, STATES};
use serde::{Deserialize, Serialize};

const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingQuery {
    /// Comma-separated severities.
    pub severity: Option<String>,
    pub rule: Option<String>,
    /// Path prefix.
    pub path: Option<String>,
    /// Text anywhere in the path.
    pub path_contains: Option<String>,
    /// Comma-separated states.
    pub state: Option<String>,
    /// Repository id or name.
    pub repository: Option<String>,
    pub branch: Option<String>,
    /// `severity` (most severe first, the default), `newest` (most recently first seen
    /// first) or `path` (by repository, path and line).
    pub sort: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A finding as the API returns it (typed, so listing pages serialize without building a
/// `serde_json::Value` tree per row).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingOut {
    pub id: String,
    pub repository_id: String,
    pub repository: String,
    pub branch: String,
    pub rule_id: String,
    pub category: String,
    pub severity: String,
    pub confidence: String,
    pub title: String,
    pub location: LocationOut,
    pub snippet: String,
    pub fingerprint: String,
    pub remediation: Option<String>,
    pub provenance: Option<ProvenanceOut>,
    pub state: String,
    pub triage: TriageOut,
    pub first_seen_at: String,
    pub last_seen_at: String,
    pub first_scan_id: String,
    pub last_scan_id: String,
    /// The commit of the scan that last reported it, when known.
    pub last_scan_commit: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationOut {
    pub path: String,
    pub start_line: i64,
    pub start_column: i64,
    pub end_line: i64,
    pub end_column: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvenanceOut {
    pub commit: String,
    pub author: Option<String>,
    pub date: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageOut {
    pub state: String,
    pub comment: Option<String>,
    pub expires_at: Option<String>,
    pub by: Option<String>,
    pub at: Option<String>,
}

fn finding_out(state: &AppState, r: FindingRecord) -> FindingOut {
    FindingOut {
        remediation: state.redactor.remediation(&r.rule_id).map(str::to_string),
        id: r.id,
        repository_id: r.repository_id,
        repository: r.repository,
        branch: r.branch,
        rule_id: r.rule_id,
        category: r.category,
        severity: r.severity,
        confidence: r.confidence,
        title: r.title,
        location: LocationOut {
            path: r.path,
            start_line: r.start_line,
            start_column: r.start_column,
            end_line: r.end_line,
            end_column: r.end_column,
        },
        snippet: r.snippet,
        fingerprint: r.fingerprint,
        provenance: r.commit.map(|commit| ProvenanceOut {
            commit,
            author: r.author,
            date: r.committed_at,
        }),
        state: r.state,
        triage: TriageOut {
            state: r.triage,
            comment: r.triage_comment,
            expires_at: r.triage_expires_at.map(rfc3339),
            by: r.triaged_by,
            at: r.triaged_at.map(rfc3339),
        },
        first_seen_at: rfc3339(r.first_seen_at),
        last_seen_at: rfc3339(r.last_seen_at),
        first_scan_id: r.first_scan_id,
        last_scan_id: r.last_scan_id,
        last_scan_commit: r.last_scan_commit,
    }
}

/// One page of findings.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingPage {
    pub items: Vec<FindingOut>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

fn list_of(field: &str, text: &str, allowed: &[&str]) -> ApiResult<Vec<String>> {
    let values: Vec<String> = text
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if values.is_empty() || values.iter().any(|v| !allowed.contains(&v.as_str())) {
        return Err(ApiError::invalid(format!(
            "{field} must be a comma-separated list of {}",
            allowed.join(", ")
        )));
    }
    Ok(values)
}

/// Findings, filtered and paginated, most severe first.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/findings", tag = "findings",
    params(WorkspaceParam, FindingQuery),
    responses((status = 200, description = "A page of findings", body = FindingPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Query(query): Query<FindingQuery>,
) -> ApiResult<Json<FindingPage>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let (page, per_page, offset) = super::page_bounds(query.page, query.per_page);
    let severity_ranks = match &query.severity {
        Some(text) => list_of("severity", text, &SEVERITIES)?
            .iter()
            .filter_map(|v| v.parse().ok())
            .map(ferret_store::scans::severity_rank)
            .collect(),
        None => Vec::new(),
    };
    let states = match &query.state {
        Some(text) => list_of("state", text, &STATES)?,
        None => Vec::new(),
    };
    let sort = match query.sort.as_deref() {
        None => FindingSort::Severity,
        Some(text) => FindingSort::parse(text).ok_or_else(|| {
            ApiError::invalid(format!(
                "sort must be one of {}",
                FindingSort::NAMES.join(", ")
            ))
        })?,
    };
    let filter = FindingFilter {
        sort,
        severity_ranks,
        states,
        rule: query.rule,
        path_prefix: query.path,
        path_contains: query.path_contains,
        repository: query.repository,
        branch: query.branch,
        limit: per_page,
        offset,
    };
    let (records, total) =
        ferret_store::findings::list(&state.db, &ws, &filter, crate::time::now()).await?;
    Ok(Json(FindingPage {
        items: records
            .into_iter()
            .map(|r| finding_out(&state, r))
            .collect(),
        page,
        per_page,
        total,
    }))
}

async fn fetch(state: &AppState, ws: &str, id: &str) -> ApiResult<FindingOut> {
    let record = ferret_store::findings::get(&state.db, ws, id, crate::time::now()).await?;
    Ok(finding_out(state, record))
}

/// One finding.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/findings/{finding}", tag = "findings",
    params(WorkspaceParam, ("finding" = String, Path, description = "Finding id")),
    responses((status = 200, description = "The finding", body = FindingOut)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<FindingOut>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    Ok(Json(fetch(&state, &ws, &id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Triage {
    pub state: String,
    #[serde(default)]
    pub comment: Option<String>,
    /// Required for `accepted_risk`: RFC 3339 time or date in the future.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// Triage a finding: its state (an accepted risk with an expiry) and a comment.
#[utoipa::path(patch, path = "/api/workspaces/{workspace}/findings/{finding}", tag = "findings",
    params(WorkspaceParam, ("finding" = String, Path, description = "Finding id")), request_body = Triage,
    responses((status = 200, description = "The finding as triaged", body = FindingOut)))]
pub async fn triage(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
    Json(body): Json<Triage>,
) -> ApiResult<Json<FindingOut>> {
    caller.in_workspace(&state, &ws, Need::TRIAGE).await?;
    if !STATES.contains(&body.state.as_str()) {
        return Err(ApiError::invalid(format!(
            "state must be one of {}",
            STATES.join(", ")
        )));
    }
    if let Some(comment) = &body.comment {
        if comment.chars().count() > 2000 {
            return Err(ApiError::invalid("comment must be at most 2000 characters"));
        }
    }
    let now = crate::time::now();
    let expires_at = match (&body.state[..], &body.expires_at) {
        ("accepted_risk", Some(text)) => {
            let at = parse_rfc3339(text).ok_or_else(|| {
                ApiError::invalid(
                    "expires_at must be an RFC 3339 time such as 2027-01-31T00:00:00Z",
                )
            })?;
            if at <= now {
                return Err(ApiError::invalid("expires_at must be in the future"));
            }
            Some(at)
        }
        ("accepted_risk", None) => {
            return Err(ApiError::invalid("accepted_risk needs an expires_at"))
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "expires_at only applies to accepted_risk",
            ))
        }
        (_, None) => None,
    };
    let change = TriageChange {
        state: body.state,
        comment: body.comment,
        expires_at,
    };
    ferret_store::findings::triage(&state.db, &ws, &id, &change, &caller.actor(), now).await?;
    Ok(Json(fetch(&state, &ws, &id).await?))
}

/// One triage decision.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageEventOut {
    pub at: String,
    pub state: String,
    /// Who decided (their email; absent when the account is gone).
    pub by: Option<String>,
}

/// A finding's triage history, oldest first.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/findings/{finding}/history", tag = "findings",
    params(WorkspaceParam, ("finding" = String, Path, description = "Finding id")),
    responses((status = 200, description = "Triage decisions", body = super::repositories::Items<TriageEventOut>)))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<super::repositories::Items<TriageEventOut>>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    // The finding must exist in this workspace (404 otherwise, like `show`).
    fetch(&state, &ws, &id).await?;
    let items = ferret_store::findings::triage_history(&state.db, &ws, &id)
        .await?
        .into_iter()
        .map(|e| TriageEventOut {
            at: rfc3339(e.at),
            state: e.state,
            by: e.by,
        })
        .collect();
    Ok(Json(super::repositories::Items::new(items)))
}
