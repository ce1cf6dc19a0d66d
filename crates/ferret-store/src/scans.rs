//! Scans: ingesting an uploaded scan into a branch's findings.
//!
//! An upload is the full set of findings on a branch at a commit. Findings are matched to the
//! branch's existing ones by fingerprint: a match keeps its history and triage (a finding
//! triaged as fixed that comes back is open again), a new fingerprint is a new finding, and an
//! open finding absent from the upload is marked fixed. The scan row, the findings and the
//! audit entry commit together.

use crate::audit::Actor;
use crate::{placeholders, Backend, Db, StoreError};
use ferret_core::upload::UploadSummary;
use ferret_core::{Confidence, Severity};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

/// A finding ready to store: validated and re-redacted by the server (see its `upload`
/// module); the store trusts nothing else.
#[derive(Debug, Clone)]
pub struct CleanFinding {
    pub fingerprint: String,
    pub rule_id: String,
    pub category: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
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
}

/// An upload ready to store.
#[derive(Debug, Clone)]
pub struct NewScan {
    /// The repository's registered name or id in the workspace.
    pub repository: String,
    pub branch: String,
    pub commit: Option<String>,
    pub findings: Vec<CleanFinding>,
}

/// Orders severities in SQL (`ORDER BY severity_rank`).
pub fn severity_rank(severity: Severity) -> i64 {
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

/// Stores `upload` as a new scan of `workspace` by `actor`; see the module documentation.
pub async fn ingest(
    db: &Db,
    workspace: &str,
    upload: NewScan,
    actor: &Actor,
) -> Result<UploadSummary, StoreError> {
    let repo_id: String = sqlx::query(
        "SELECT id FROM repositories WHERE workspace_id = $1 AND (name = $2 OR id = $2)",
    )
    .bind(workspace)
    .bind(&upload.repository)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| StoreError::NotFound("repository not registered in this workspace".into()))?
    .get("id");

    let now = crate::time::now();
    let branch = &upload.branch;
    let backend = db.backend();
    let scan_id = crate::crypto::new_id("scan");
    let mut tx = db.write().await?;
    let rows = sqlx::query(
        "SELECT id, fingerprint, present, first_scan_id, first_seen_at, triage, triage_comment, \
         triage_expires_at, triaged_by, triaged_at FROM findings WHERE repository_id = $1 AND branch = $2",
    )
    .bind(&repo_id)
    .bind(branch)
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
    let mut rows_out: Vec<(CleanFinding, Known)> = Vec::with_capacity(upload.findings.len());
    for finding in upload.findings {
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
                    id: crate::crypto::new_id("fnd"),
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
                .bind(workspace)
                .bind(&repo_id)
                .bind(branch)
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
    .bind(workspace)
    .bind(&repo_id)
    .bind(branch)
    .bind(&upload.commit)
    .bind(&actor.user_id)
    .bind(now)
    .bind(total)
    .bind(new_count)
    .bind(fixed_count)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "scan.upload",
        Some(&scan_id),
        json!({"repository_id": repo_id, "branch": branch, "findings": total, "new": new_count, "fixed": fixed_count}),
    ).await?;
    Ok(UploadSummary {
        scan_id,
        repository_id: repo_id,
        branch: branch.clone(),
        findings: total,
        new: new_count,
        still_open: total - new_count,
        fixed: fixed_count,
    })
}
