//! Findings: filtered, paginated listing; one finding; triage.
//!
//! A finding's state is derived: `fixed` when the latest scan of its branch no longer reports
//! it (or someone marked it fixed), otherwise its triage — `open`, `false_positive`, or
//! `accepted_risk` until the acceptance expires (then `open` again).

use crate::audit;
use crate::auth::{Caller, Need};
use crate::error::{ApiError, ApiResult};
use crate::time::{parse_rfc3339, rfc3339};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

/// SQL for the derived state; `$1` is the current time.
const STATE_SQL: &str = "CASE WHEN f.present = 0 OR f.triage = 'fixed' THEN 'fixed' \
     WHEN f.triage = 'accepted_risk' AND f.triage_expires_at IS NOT NULL AND f.triage_expires_at <= $1 THEN 'open' \
     ELSE f.triage END";

const STATES: [&str; 4] = ["open", "false_positive", "accepted_risk", "fixed"];
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

#[derive(Deserialize, Default)]
pub struct FindingQuery {
    /// Comma-separated severities.
    pub severity: Option<String>,
    pub rule: Option<String>,
    /// Path prefix.
    pub path: Option<String>,
    /// Comma-separated states.
    pub state: Option<String>,
    /// Repository id or name.
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

enum Bind {
    Text(String),
    Int(i64),
}

fn select_sql() -> String {
    format!(
        "SELECT f.id, f.repository_id, r.name AS repository, f.branch, f.fingerprint, f.rule_id, f.category, \
         f.severity, f.confidence, f.title, f.path, f.start_line, f.start_column, f.end_line, f.end_column, \
         f.snippet, f.commit_sha, f.author, f.committed_at, f.first_scan_id, f.last_scan_id, f.first_seen_at, \
         f.last_seen_at, f.triage, f.triage_comment, f.triage_expires_at, f.triaged_by, f.triaged_at, \
         {STATE_SQL} AS state FROM findings f JOIN repositories r ON r.id = f.repository_id"
    )
}

/// A finding as the API returns it (typed, so listing pages serialize without building a
/// `serde_json::Value` tree per row).
#[derive(Serialize)]
pub struct FindingOut {
    id: String,
    repository_id: String,
    repository: String,
    branch: String,
    rule_id: String,
    category: String,
    severity: String,
    confidence: String,
    title: String,
    location: LocationOut,
    snippet: String,
    fingerprint: String,
    remediation: Option<String>,
    provenance: Option<ProvenanceOut>,
    state: String,
    triage: TriageOut,
    first_seen_at: String,
    last_seen_at: String,
    first_scan_id: String,
    last_scan_id: String,
}

#[derive(Serialize)]
struct LocationOut {
    path: String,
    start_line: i64,
    start_column: i64,
    end_line: i64,
    end_column: i64,
}

#[derive(Serialize)]
struct ProvenanceOut {
    commit: String,
    author: Option<String>,
    date: Option<String>,
}

#[derive(Serialize)]
struct TriageOut {
    state: String,
    comment: Option<String>,
    expires_at: Option<String>,
    by: Option<String>,
    at: Option<String>,
}

fn finding_out(state: &AppState, r: &sqlx::any::AnyRow) -> FindingOut {
    let commit: Option<String> = r.get("commit_sha");
    let rule_id: String = r.get("rule_id");
    FindingOut {
        id: r.get("id"),
        repository_id: r.get("repository_id"),
        repository: r.get("repository"),
        branch: r.get("branch"),
        remediation: state.redactor.remediation(&rule_id).map(str::to_string),
        rule_id,
        category: r.get("category"),
        severity: r.get("severity"),
        confidence: r.get("confidence"),
        title: r.get("title"),
        location: LocationOut {
            path: r.get("path"),
            start_line: r.get("start_line"),
            start_column: r.get("start_column"),
            end_line: r.get("end_line"),
            end_column: r.get("end_column"),
        },
        snippet: r.get("snippet"),
        fingerprint: r.get("fingerprint"),
        provenance: commit.map(|commit| ProvenanceOut {
            commit,
            author: r.get("author"),
            date: r.get("committed_at"),
        }),
        state: r.get("state"),
        triage: TriageOut {
            state: r.get("triage"),
            comment: r.get("triage_comment"),
            expires_at: r.get::<Option<i64>, _>("triage_expires_at").map(rfc3339),
            by: r.get("triaged_by"),
            at: r.get::<Option<i64>, _>("triaged_at").map(rfc3339),
        },
        first_seen_at: rfc3339(r.get("first_seen_at")),
        last_seen_at: rfc3339(r.get("last_seen_at")),
        first_scan_id: r.get("first_scan_id"),
        last_scan_id: r.get("last_scan_id"),
    }
}

/// One page of findings.
#[derive(Serialize)]
pub struct FindingPage {
    items: Vec<FindingOut>,
    page: i64,
    per_page: i64,
    total: i64,
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

/// `GET /api/workspaces/{workspace}/findings`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Query(query): Query<FindingQuery>,
) -> ApiResult<Json<FindingPage>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let (page, per_page, offset) = super::page_bounds(query.page, query.per_page);
    let mut binds = vec![Bind::Int(crate::time::now()), Bind::Text(ws.clone())];
    let mut filter = String::from(" WHERE f.workspace_id = $2");
    let next = |binds: &mut Vec<Bind>, value: Bind| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if let Some(text) = &query.severity {
        // By rank, which the (workspace, severity_rank, id) index serves.
        let list = list_of("severity", text, &SEVERITIES)?;
        let ps: Vec<String> = list
            .iter()
            .filter_map(|v| v.parse().ok())
            .map(|v| next(&mut binds, Bind::Int(ferret_store::scans::severity_rank(v))))
            .collect();
        filter.push_str(&format!(" AND f.severity_rank IN ({})", ps.join(",")));
    }
    if let Some(text) = &query.state {
        let list = list_of("state", text, &STATES)?;
        let ps: Vec<String> = list
            .into_iter()
            .map(|v| next(&mut binds, Bind::Text(v)))
            .collect();
        filter.push_str(&format!(" AND ({STATE_SQL}) IN ({})", ps.join(",")));
    }
    if let Some(rule) = &query.rule {
        let p = next(&mut binds, Bind::Text(rule.clone()));
        filter.push_str(&format!(" AND f.rule_id = {p}"));
    }
    if let Some(prefix) = &query.path {
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let p = next(&mut binds, Bind::Text(format!("{escaped}%")));
        filter.push_str(&format!(" AND f.path LIKE {p} ESCAPE '\\'"));
    }
    if let Some(repo) = &query.repository {
        let p = next(&mut binds, Bind::Text(repo.clone()));
        filter.push_str(&format!(
            " AND f.repository_id IN (SELECT id FROM repositories WHERE workspace_id = $2 AND (id = {p} OR name = {p}))"
        ));
    }
    if let Some(branch) = &query.branch {
        let p = next(&mut binds, Bind::Text(branch.clone()));
        filter.push_str(&format!(" AND f.branch = {p}"));
    }
    let limit = next(&mut binds, Bind::Int(per_page));
    let skip = next(&mut binds, Bind::Int(offset));
    let sql = format!(
        // Most severe first; the order follows the (workspace, severity, id) index, so a page
        // reads only its own rows.
        "{}{filter} ORDER BY f.severity_rank DESC, f.id DESC LIMIT {limit} OFFSET {skip}",
        select_sql()
    );
    let count_sql = format!("SELECT COUNT(*) AS n FROM findings f{filter}");
    let mut q = sqlx::query(&sql);
    let mut c = sqlx::query(&count_sql);
    let count_binds = binds.len() - 2;
    for (i, bind) in binds.iter().enumerate() {
        q = match bind {
            Bind::Text(t) => q.bind(t.as_str()),
            Bind::Int(n) => q.bind(*n),
        };
        if i < count_binds {
            c = match bind {
                Bind::Text(t) => c.bind(t.as_str()),
                Bind::Int(n) => c.bind(*n),
            };
        }
    }
    let rows = q.fetch_all(state.db.pool()).await?;
    let total: i64 = c.fetch_one(state.db.pool()).await?.get("n");
    Ok(Json(FindingPage {
        items: rows.iter().map(|r| finding_out(&state, r)).collect(),
        page,
        per_page,
        total,
    }))
}

async fn fetch(state: &AppState, ws: &str, id: &str) -> ApiResult<sqlx::any::AnyRow> {
    sqlx::query(&format!(
        "{} WHERE f.id = $2 AND f.workspace_id = $3",
        select_sql()
    ))
    .bind(crate::time::now())
    .bind(id)
    .bind(ws)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(ApiError::not_found)
}

/// `GET /api/workspaces/{workspace}/findings/{finding}`.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<FindingOut>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    Ok(Json(finding_out(&state, &fetch(&state, &ws, &id).await?)))
}

#[derive(Deserialize)]
pub struct Triage {
    pub state: String,
    #[serde(default)]
    pub comment: Option<String>,
    /// Required for `accepted_risk`: RFC 3339 time or date in the future.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// `PATCH /api/workspaces/{workspace}/findings/{finding}`: set the triage state and comment.
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
    let mut tx = state.db.write().await?;
    let n = sqlx::query(
        "UPDATE findings SET triage = $1, triage_comment = $2, triage_expires_at = $3, triaged_by = $4, triaged_at = $5 \
         WHERE id = $6 AND workspace_id = $7",
    )
    .bind(&body.state)
    .bind(&body.comment)
    .bind(expires_at)
    .bind(&caller.user_id)
    .bind(now)
    .bind(&id)
    .bind(&ws)
    .execute(&mut *tx.tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(ApiError::not_found());
    }
    audit::record_and_commit(
        tx,
        &caller.actor(),
        Some(&ws),
        "finding.triage",
        Some(&id),
        json!({"state": body.state, "expires_at": expires_at}),
    )
    .await?;
    Ok(Json(finding_out(&state, &fetch(&state, &ws, &id).await?)))
}
