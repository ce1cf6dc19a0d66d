//! Findings of a workspace: filtered, paginated listing; one finding; triage.
//!
//! A finding's state is derived: `fixed` when the latest scan of its branch no longer reports
//! it (or someone marked it fixed), otherwise its triage — `open`, `false_positive`, or
//! `accepted_risk` until the acceptance expires (then `open` again).

use crate::audit::Actor;
use crate::{Db, StoreError};
use serde_json::json;
use sqlx::Row;

/// SQL for the derived state; `$1` is the current time.
const STATE_SQL: &str = "CASE WHEN f.present = 0 OR f.triage = 'fixed' THEN 'fixed' \
     WHEN f.triage = 'accepted_risk' AND f.triage_expires_at IS NOT NULL AND f.triage_expires_at <= $1 THEN 'open' \
     ELSE f.triage END";

/// The triage states a finding can be given (and the derived states it can be in).
pub const STATES: [&str; 4] = ["open", "false_positive", "accepted_risk", "fixed"];

/// Which findings to list. Empty lists and `None` mean "any".
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Severity ranks (see [`crate::scans::severity_rank`]).
    pub severity_ranks: Vec<i64>,
    /// Derived states (members of [`STATES`]).
    pub states: Vec<String>,
    pub rule: Option<String>,
    pub path_prefix: Option<String>,
    /// Text anywhere in the path.
    pub path_contains: Option<String>,
    /// Repository id or name.
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub sort: FindingSort,
    pub limit: i64,
    pub offset: i64,
}

/// The order of a findings listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FindingSort {
    /// Most severe first (the default).
    #[default]
    Severity,
    /// Most recently first seen first.
    Newest,
    /// By repository, path and line.
    Path,
}

impl FindingSort {
    pub const NAMES: [&str; 3] = ["severity", "newest", "path"];

    pub fn parse(text: &str) -> Option<FindingSort> {
        match text {
            "severity" => Some(FindingSort::Severity),
            "newest" => Some(FindingSort::Newest),
            "path" => Some(FindingSort::Path),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            // Follows the (workspace, severity, id) index, so a page reads only its own rows.
            FindingSort::Severity => "f.severity_rank DESC, f.id DESC",
            FindingSort::Newest => "f.first_seen_at DESC, f.id DESC",
            FindingSort::Path => "r.name, f.path, f.start_line, f.id",
        }
    }
}

/// A stored finding with its derived state; timestamps are Unix seconds.
#[derive(Debug, Clone)]
pub struct FindingRecord {
    pub id: String,
    pub repository_id: String,
    pub repository: String,
    pub branch: String,
    pub fingerprint: String,
    pub rule_id: String,
    pub category: String,
    pub severity: String,
    pub confidence: String,
    pub title: String,
    pub path: String,
    pub start_line: i64,
    pub start_column: i64,
    pub end_line: i64,
    pub end_column: i64,
    pub snippet: String,
    pub commit: Option<String>,
    pub author: Option<String>,
    pub committed_at: Option<String>,
    pub first_scan_id: String,
    pub last_scan_id: String,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    pub triage: String,
    pub triage_comment: Option<String>,
    pub triage_expires_at: Option<i64>,
    pub triaged_by: Option<String>,
    pub triaged_at: Option<i64>,
    /// The derived state at the time of the query.
    pub state: String,
    /// The commit of the scan that last reported the finding, when the upload named one.
    pub last_scan_commit: Option<String>,
}

fn select_sql() -> String {
    format!(
        "SELECT f.id, f.repository_id, r.name AS repository, f.branch, f.fingerprint, f.rule_id, f.category, \
         f.severity, f.confidence, f.title, f.path, f.start_line, f.start_column, f.end_line, f.end_column, \
         f.snippet, f.commit_sha, f.author, f.committed_at, f.first_scan_id, f.last_scan_id, f.first_seen_at, \
         f.last_seen_at, f.triage, f.triage_comment, f.triage_expires_at, f.triaged_by, f.triaged_at, \
         {STATE_SQL} AS state, ls.commit_sha AS last_scan_commit FROM findings f \
         JOIN repositories r ON r.id = f.repository_id LEFT JOIN scans ls ON ls.id = f.last_scan_id"
    )
}

fn record(r: &sqlx::any::AnyRow) -> FindingRecord {
    FindingRecord {
        id: r.get("id"),
        repository_id: r.get("repository_id"),
        repository: r.get("repository"),
        branch: r.get("branch"),
        fingerprint: r.get("fingerprint"),
        rule_id: r.get("rule_id"),
        category: r.get("category"),
        severity: r.get("severity"),
        confidence: r.get("confidence"),
        title: r.get("title"),
        path: r.get("path"),
        start_line: r.get("start_line"),
        start_column: r.get("start_column"),
        end_line: r.get("end_line"),
        end_column: r.get("end_column"),
        snippet: r.get("snippet"),
        commit: r.get("commit_sha"),
        author: r.get("author"),
        committed_at: r.get("committed_at"),
        first_scan_id: r.get("first_scan_id"),
        last_scan_id: r.get("last_scan_id"),
        first_seen_at: r.get("first_seen_at"),
        last_seen_at: r.get("last_seen_at"),
        triage: r.get("triage"),
        triage_comment: r.get("triage_comment"),
        triage_expires_at: r.get("triage_expires_at"),
        triaged_by: r.get("triaged_by"),
        triaged_at: r.get("triaged_at"),
        state: r.get("state"),
        last_scan_commit: r.get("last_scan_commit"),
    }
}

enum Bind {
    Text(String),
    Int(i64),
}

/// One page of `workspace`'s findings matching `filter`, most severe first, and how many match
/// in all. `now` decides which risk acceptances have expired.
pub async fn list(
    db: &Db,
    workspace: &str,
    filter: &FindingFilter,
    now: i64,
) -> Result<(Vec<FindingRecord>, i64), StoreError> {
    let mut binds = vec![Bind::Int(now), Bind::Text(workspace.to_string())];
    let mut sql_filter = String::from(" WHERE f.workspace_id = $2");
    let next = |binds: &mut Vec<Bind>, value: Bind| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if !filter.severity_ranks.is_empty() {
        // By rank, which the (workspace, severity_rank, id) index serves.
        let ps: Vec<String> = filter
            .severity_ranks
            .iter()
            .map(|rank| next(&mut binds, Bind::Int(*rank)))
            .collect();
        sql_filter.push_str(&format!(" AND f.severity_rank IN ({})", ps.join(",")));
    }
    if !filter.states.is_empty() {
        let ps: Vec<String> = filter
            .states
            .iter()
            .map(|v| next(&mut binds, Bind::Text(v.clone())))
            .collect();
        sql_filter.push_str(&format!(" AND ({STATE_SQL}) IN ({})", ps.join(",")));
    }
    if let Some(rule) = &filter.rule {
        let p = next(&mut binds, Bind::Text(rule.clone()));
        sql_filter.push_str(&format!(" AND f.rule_id = {p}"));
    }
    let like_escaped = |text: &str| {
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    };
    if let Some(prefix) = &filter.path_prefix {
        let p = next(&mut binds, Bind::Text(format!("{}%", like_escaped(prefix))));
        sql_filter.push_str(&format!(" AND f.path LIKE {p} ESCAPE '\\'"));
    }
    if let Some(part) = &filter.path_contains {
        let p = next(&mut binds, Bind::Text(format!("%{}%", like_escaped(part))));
        sql_filter.push_str(&format!(" AND f.path LIKE {p} ESCAPE '\\'"));
    }
    if let Some(repo) = &filter.repository {
        let p = next(&mut binds, Bind::Text(repo.clone()));
        sql_filter.push_str(&format!(
            " AND f.repository_id IN (SELECT id FROM repositories WHERE workspace_id = $2 AND (id = {p} OR name = {p}))"
        ));
    }
    if let Some(branch) = &filter.branch {
        let p = next(&mut binds, Bind::Text(branch.clone()));
        sql_filter.push_str(&format!(" AND f.branch = {p}"));
    }
    let limit = next(&mut binds, Bind::Int(filter.limit));
    let skip = next(&mut binds, Bind::Int(filter.offset));
    let sql = format!(
        "{}{sql_filter} ORDER BY {} LIMIT {limit} OFFSET {skip}",
        select_sql(),
        filter.sort.order_by()
    );
    let count_sql = format!("SELECT COUNT(*) AS n FROM findings f{sql_filter}");
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
    let rows = q.fetch_all(db.pool()).await?;
    let total: i64 = c.fetch_one(db.pool()).await?.get("n");
    Ok((rows.iter().map(record).collect(), total))
}

/// One finding of `workspace`.
pub async fn get(
    db: &Db,
    workspace: &str,
    id: &str,
    now: i64,
) -> Result<FindingRecord, StoreError> {
    sqlx::query(&format!(
        "{} WHERE f.id = $2 AND f.workspace_id = $3",
        select_sql()
    ))
    .bind(now)
    .bind(id)
    .bind(workspace)
    .fetch_optional(db.pool())
    .await?
    .map(|r| record(&r))
    .ok_or_else(|| StoreError::NotFound("no such finding".into()))
}

/// A triage decision, already validated by the caller.
#[derive(Debug, Clone)]
pub struct TriageChange {
    /// One of [`STATES`].
    pub state: String,
    pub comment: Option<String>,
    /// For `accepted_risk`: when the acceptance ends (Unix seconds).
    pub expires_at: Option<i64>,
}

/// Records `actor`'s triage of a finding of `workspace`, with its audit entry.
pub async fn triage(
    db: &Db,
    workspace: &str,
    id: &str,
    change: &TriageChange,
    actor: &Actor,
    now: i64,
) -> Result<(), StoreError> {
    if !STATES.contains(&change.state.as_str()) {
        return Err(StoreError::Invalid(format!(
            "state must be one of {}",
            STATES.join(", ")
        )));
    }
    let mut tx = db.write().await?;
    let n = sqlx::query(
        "UPDATE findings SET triage = $1, triage_comment = $2, triage_expires_at = $3, triaged_by = $4, triaged_at = $5 \
         WHERE id = $6 AND workspace_id = $7",
    )
    .bind(&change.state)
    .bind(&change.comment)
    .bind(change.expires_at)
    .bind(&actor.user_id)
    .bind(now)
    .bind(id)
    .bind(workspace)
    .execute(&mut *tx.tx)
    .await?
    .rows_affected();
    crate::changed_one(n, "finding")?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "finding.triage",
        Some(id),
        json!({"state": change.state, "expires_at": change.expires_at}),
    )
    .await?;
    Ok(())
}

/// Which findings of a scan to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfScan {
    /// Those first seen in it (what it introduced on its branch).
    FirstSeen,
    /// Every finding it reported.
    All,
}

/// The findings of `workspace`'s scan `scan_id`, by path and line.
pub async fn of_scan(
    db: &Db,
    workspace: &str,
    scan_id: &str,
    which: OfScan,
    now: i64,
) -> Result<Vec<FindingRecord>, StoreError> {
    let column = match which {
        OfScan::FirstSeen => "f.first_scan_id",
        OfScan::All => "f.last_scan_id",
    };
    // The state expression reads the time from $1.
    let sql = format!(
        "{} WHERE r.workspace_id = $2 AND {column} = $3 ORDER BY f.path, f.start_line",
        select_sql()
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(workspace)
        .bind(scan_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(record).collect())
}

/// What a workspace's overview shows: open findings over time by severity, new and fixed per
/// week, the noisiest rules and repositories.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    /// Week starts (Unix seconds, oldest first).
    pub weeks: Vec<i64>,
    /// Per severity rank (critical first: ranks 4..=0), findings open at the end of each week.
    pub open_by_severity: Vec<(i64, Vec<i64>)>,
    /// Findings first seen in each week.
    pub new_per_week: Vec<i64>,
    /// Findings last seen in each week that are gone from their branch now.
    pub fixed_per_week: Vec<i64>,
    /// (rule id, open findings), most first.
    pub noisiest_rules: Vec<(String, i64)>,
    /// (repository name, open findings), most first.
    pub noisiest_repositories: Vec<(String, i64)>,
    /// Open findings now, by severity rank (critical first).
    pub open_now: Vec<(i64, i64)>,
}

const WEEK: i64 = 7 * 86_400;

/// The overview of `workspace` over the `weeks` weeks up to `now`. A finding counts as open
/// from its first sighting until its last one when it is gone from its branch, or until now
/// when it is still there and not triaged away (false positive, accepted risk, fixed).
pub async fn overview(
    db: &Db,
    workspace: &str,
    weeks: usize,
    now: i64,
) -> Result<Overview, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT f.severity_rank, f.first_seen_at, f.last_seen_at, f.present, {STATE_SQL} AS state,          f.rule_id, r.name AS repository FROM findings f JOIN repositories r ON r.id = f.repository_id          WHERE f.workspace_id = $2"
    ))
    .bind(now)
    .bind(workspace)
    .fetch_all(db.pool())
    .await?;
    let first_week = now - now.rem_euclid(WEEK) - (weeks as i64 - 1) * WEEK;
    let week_starts: Vec<i64> = (0..weeks as i64).map(|i| first_week + i * WEEK).collect();
    let week_of = |t: i64| -> Option<usize> {
        (t >= first_week).then(|| (((t - first_week) / WEEK) as usize).min(weeks - 1))
    };
    let ranks = [4i64, 3, 2, 1, 0];
    let mut open = vec![vec![0i64; weeks]; ranks.len()];
    let mut new_per_week = vec![0i64; weeks];
    let mut fixed_per_week = vec![0i64; weeks];
    let mut rules: std::collections::HashMap<String, i64> = Default::default();
    let mut repositories: std::collections::HashMap<String, i64> = Default::default();
    let mut open_now = [0i64; 5];
    for row in &rows {
        let rank: i64 = row.get("severity_rank");
        let first: i64 = row.get("first_seen_at");
        let last: i64 = row.get("last_seen_at");
        let present: i64 = row.get("present");
        let state: String = row.get("state");
        let slot = ranks
            .iter()
            .position(|r| *r == rank)
            .unwrap_or(ranks.len() - 1);
        if let Some(week) = week_of(first) {
            new_per_week[week] += 1;
        }
        if present == 0 {
            if let Some(week) = week_of(last) {
                fixed_per_week[week] += 1;
            }
        }
        let is_open = state == "open";
        // Open until: its last sighting when gone, now when still open, and when triaged
        // away, its last sighting as well (the triage time is not kept per week).
        let until = if is_open { now } else { last };
        for (week, start) in week_starts.iter().enumerate() {
            let end = start + WEEK;
            if first < end && until >= end.min(now) {
                open[slot][week] += 1;
            }
        }
        if is_open {
            open_now[slot] += 1;
            *rules.entry(row.get("rule_id")).or_default() += 1;
            *repositories.entry(row.get("repository")).or_default() += 1;
        }
    }
    let top = |map: std::collections::HashMap<String, i64>| {
        let mut list: Vec<(String, i64)> = map.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list.truncate(5);
        list
    };
    Ok(Overview {
        weeks: week_starts,
        open_by_severity: ranks.iter().copied().zip(open).collect(),
        new_per_week,
        fixed_per_week,
        noisiest_rules: top(rules),
        noisiest_repositories: top(repositories),
        open_now: ranks.iter().copied().zip(open_now).collect(),
    })
}

/// One triage decision on a finding, from the audit log.
#[derive(Debug, Clone)]
pub struct TriageEvent {
    pub at: i64,
    pub state: String,
    /// The email of who decided (None when their account is gone).
    pub by: Option<String>,
}

/// The triage decisions on finding `id` of `workspace`, oldest first.
pub async fn triage_history(
    db: &Db,
    workspace: &str,
    id: &str,
) -> Result<Vec<TriageEvent>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.at, a.details, u.email FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
         WHERE a.workspace_id = $1 AND a.action = 'finding.triage' AND a.target = $2 ORDER BY a.seq",
    )
    .bind(workspace)
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let details: String = r.get("details");
            let state = serde_json::from_str::<serde_json::Value>(&details)
                .ok()
                .and_then(|d| d["state"].as_str().map(str::to_string))
                .unwrap_or_default();
            TriageEvent {
                at: r.get("at"),
                state,
                by: r.get("email"),
            }
        })
        .collect())
}
