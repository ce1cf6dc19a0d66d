//! Scans: ingesting an uploaded scan into a branch's findings.
//!
//! An upload is the full set of findings on a branch at a commit. Findings are matched to the
//! branch's existing ones by fingerprint: a match keeps its history and triage (a finding
//! triaged as fixed that comes back is open again), a new fingerprint is a new finding, and an
//! open finding absent from the upload is marked fixed.
//!
//! A big upload is stored in bounded transactions: at most [`MAX_ROWS_PER_TRANSACTION`] rows,
//! and on SQLite (one writer at a time) only until another writer waits — the transaction then
//! commits after the current step of [`STEP`] findings, so other workspaces' writes wait for
//! one step, never for a whole 50,000-finding upload:
//! 1. the scan row is written with status `ingesting` — at most one per branch (a unique index),
//!    so two uploads to one branch never interleave; a second one gets a conflict;
//! 2. findings are upserted by fingerprint, step by step, each transaction renewing the scan's
//!    heartbeat;
//! 3. findings absent from the upload are marked fixed, step by step;
//! 4. the scan becomes `complete`, with its counts and its audit entry, in one transaction.
//!
//! Until step 4 the scan is not listed. If the server dies midway, the findings stored so far
//! are ones the upload really contains (nothing is marked fixed before every finding is stored);
//! the scan stays `ingesting` until the next upload to the branch finds its heartbeat older
//! than [`STALE_AFTER_SECS`], marks it `failed` and proceeds.

use crate::audit::Actor;
use crate::{placeholders, Db, StoreError, WriteTx};
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

/// Findings stored per step: while another writer waits, a transaction holds one step.
pub const STEP: usize = 100;
/// Rows per transaction when no other writer waits (and always on PostgreSQL).
pub const MAX_ROWS_PER_TRANSACTION: usize = 5_000;
/// An ingest whose heartbeat is older than this is taken to have died (crash, kill -9).
pub const STALE_AFTER_SECS: i64 = 120;
/// Rows per multi-row INSERT (30 columns each; well under both backends' parameter limits).
const INSERT_CHUNK: usize = 25;

/// Columns a rescan refreshes on a finding it matched; the rest (id, first scan, triage
/// comment …) are kept.
const UPSERT: &str = " ON CONFLICT (repository_id, branch, fingerprint) DO UPDATE SET \
    rule_id = excluded.rule_id, category = excluded.category, severity = excluded.severity, \
    severity_rank = excluded.severity_rank, confidence = excluded.confidence, \
    title = excluded.title, path = excluded.path, start_line = excluded.start_line, \
    start_column = excluded.start_column, end_line = excluded.end_line, \
    end_column = excluded.end_column, snippet = excluded.snippet, \
    commit_sha = excluded.commit_sha, author = excluded.author, \
    committed_at = excluded.committed_at, last_scan_id = excluded.last_scan_id, \
    last_seen_at = excluded.last_seen_at, present = 1, \
    triage = CASE WHEN findings.triage = 'fixed' THEN 'open' ELSE findings.triage END";

/// One ingest in progress: what every step needs.
struct Ingest<'a> {
    db: &'a Db,
    workspace: &'a str,
    repo_id: String,
    branch: String,
    scan_id: String,
    now: i64,
}

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
    let run = Ingest {
        db,
        workspace,
        repo_id,
        branch: upload.branch.clone(),
        scan_id: crate::crypto::new_id("scan"),
        now: crate::time::now(),
    };
    run.begin(upload.commit.as_deref(), actor).await?;
    match run.store(upload.findings, actor).await {
        Ok(summary) => Ok(summary),
        Err(e) => {
            // Best effort: if this fails too, the heartbeat ages and the next upload takes over.
            let _ = run.fail().await;
            Err(e)
        }
    }
}

impl Ingest<'_> {
    /// Step 1: the scan row, status `ingesting`, after retiring a dead ingest of the branch.
    async fn begin(&self, commit: Option<&str>, actor: &Actor) -> Result<(), StoreError> {
        let mut tx = self.db.write().await?;
        sqlx::query(
            "UPDATE scans SET status = 'failed', heartbeat_at = NULL WHERE repository_id = $1 \
             AND branch = $2 AND status = 'ingesting' AND heartbeat_at < $3",
        )
        .bind(&self.repo_id)
        .bind(&self.branch)
        .bind(self.now - STALE_AFTER_SECS)
        .execute(&mut *tx.tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO scans (id, workspace_id, repository_id, branch, commit_sha, created_by, \
             created_at, findings_total, findings_new, findings_fixed, status, heartbeat_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, 'ingesting', $7)",
        )
        .bind(&self.scan_id)
        .bind(self.workspace)
        .bind(&self.repo_id)
        .bind(&self.branch)
        .bind(commit)
        .bind(&actor.user_id)
        .bind(self.now)
        .execute(&mut *tx.tx)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::Conflict(format!(
                    "another upload to branch '{}' of this repository is being stored; retry when it ends",
                    self.branch
                )))
            }
            other => other?,
        };
        tx.commit().await?;
        Ok(())
    }

    /// Steps 2–4.
    async fn store(
        &self,
        findings: Vec<CleanFinding>,
        actor: &Actor,
    ) -> Result<UploadSummary, StoreError> {
        // Which fingerprints the branch has, and whether each is present: read once, outside
        // any write transaction (no other ingest of this branch runs; triage does not change
        // presence).
        let rows = sqlx::query(
            "SELECT id, fingerprint, present FROM findings WHERE repository_id = $1 AND branch = $2",
        )
        .bind(&self.repo_id)
        .bind(&self.branch)
        .fetch_all(self.db.pool())
        .await?;
        let mut known: HashMap<String, (String, bool)> = rows
            .iter()
            .map(|r| {
                let present = r.get::<i64, _>("present") == 1;
                (r.get("fingerprint"), (r.get("id"), present))
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut findings: Vec<CleanFinding> = findings
            .into_iter()
            .filter(|f| seen.insert(f.fingerprint.clone()))
            .collect();
        // In fingerprint order, each step touches one stretch of the (repository, branch,
        // fingerprint) index instead of pages all over it.
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        let mut new_count = 0i64;
        for finding in &findings {
            match known.remove(&finding.fingerprint) {
                Some((_, true)) => {}
                _ => new_count += 1,
            }
        }
        let mut fixed: Vec<String> = known
            .into_values()
            .filter_map(|(id, present)| present.then_some(id))
            .collect();
        fixed.sort();

        let mut steps = Steps::new(self);
        for step in findings.chunks(STEP) {
            let tx = steps.transaction().await?;
            for rows in step.chunks(INSERT_CHUNK) {
                self.upsert(tx, rows).await?;
            }
            steps.stored(step.len()).await?;
        }
        for step in fixed.chunks(STEP) {
            let tx = steps.transaction().await?;
            let backend = self.db.backend();
            let sql = format!(
                "UPDATE findings SET present = 0, last_scan_id = {} WHERE id IN ({})",
                placeholders(backend, 1, 1),
                placeholders(backend, 2, step.len())
            );
            let mut q = sqlx::query(&sql).bind(&self.scan_id);
            for id in step {
                q = q.bind(id);
            }
            q.execute(&mut *tx.tx).await?;
            steps.stored(step.len()).await?;
        }
        steps.finish().await?;

        let total = findings.len() as i64;
        let fixed_count = fixed.len() as i64;
        let mut tx = self.db.write().await?;
        let done = sqlx::query(
            "UPDATE scans SET status = 'complete', heartbeat_at = NULL, findings_total = $1, \
             findings_new = $2, findings_fixed = $3 WHERE id = $4 AND status = 'ingesting'",
        )
        .bind(total)
        .bind(new_count)
        .bind(fixed_count)
        .bind(&self.scan_id)
        .execute(&mut *tx.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(lost_lease());
        }
        crate::audit::record_and_commit(
            tx,
            actor,
            Some(self.workspace),
            "scan.upload",
            Some(&self.scan_id),
            json!({"repository_id": self.repo_id, "branch": self.branch, "findings": total, "new": new_count, "fixed": fixed_count}),
        )
        .await?;
        Ok(UploadSummary {
            scan_id: self.scan_id.clone(),
            repository_id: self.repo_id.clone(),
            branch: self.branch.clone(),
            findings: total,
            new: new_count,
            still_open: total - new_count,
            fixed: fixed_count,
        })
    }

    /// Inserts `rows` as findings of this scan, or refreshes the branch's finding with the
    /// same fingerprint (see [`UPSERT`]).
    async fn upsert(&self, tx: &mut WriteTx, rows: &[CleanFinding]) -> Result<(), StoreError> {
        let backend = self.db.backend();
        let mut sql = String::from(
            "INSERT INTO findings (id, workspace_id, repository_id, branch, fingerprint, rule_id, category, \
             severity, severity_rank, confidence, title, path, start_line, start_column, end_line, end_column, \
             snippet, commit_sha, author, committed_at, first_scan_id, last_scan_id, first_seen_at, last_seen_at, \
             present, triage, triage_comment, triage_expires_at, triaged_by, triaged_at) VALUES ",
        );
        for i in 0..rows.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            sql.push_str(&placeholders(backend, i * 30 + 1, 30));
            sql.push(')');
        }
        sql.push_str(UPSERT);
        let mut q = sqlx::query(&sql);
        for f in rows {
            q = q
                .bind(crate::crypto::new_id("fnd"))
                .bind(self.workspace)
                .bind(&self.repo_id)
                .bind(&self.branch)
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
                .bind(&self.scan_id)
                .bind(&self.scan_id)
                .bind(self.now)
                .bind(self.now)
                .bind(1i64)
                .bind("open")
                .bind(None::<String>)
                .bind(None::<i64>)
                .bind(None::<String>)
                .bind(None::<i64>);
        }
        q.execute(&mut *tx.tx).await?;
        Ok(())
    }

    /// Renews the scan's heartbeat inside a step; fails if another upload took the branch over
    /// (this one was presumed dead).
    async fn heartbeat(&self, tx: &mut WriteTx) -> Result<(), StoreError> {
        let renewed = sqlx::query(
            "UPDATE scans SET heartbeat_at = $1 WHERE id = $2 AND status = 'ingesting'",
        )
        .bind(crate::time::now())
        .bind(&self.scan_id)
        .execute(&mut *tx.tx)
        .await?;
        if renewed.rows_affected() == 0 {
            return Err(lost_lease());
        }
        Ok(())
    }

    /// Marks the scan failed (after an error midway).
    async fn fail(&self) -> Result<(), StoreError> {
        let mut tx = self.db.write().await?;
        sqlx::query(
            "UPDATE scans SET status = 'failed', heartbeat_at = NULL WHERE id = $1 AND status = 'ingesting'",
        )
        .bind(&self.scan_id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Groups an ingest's steps into transactions: a transaction ends after the step during which
/// another writer started waiting (SQLite's one writer lock), or after
/// [`MAX_ROWS_PER_TRANSACTION`] rows; each transaction renews the scan's heartbeat.
struct Steps<'a> {
    ingest: &'a Ingest<'a>,
    open: Option<WriteTx>,
    rows: usize,
}

impl<'a> Steps<'a> {
    fn new(ingest: &'a Ingest<'a>) -> Steps<'a> {
        Steps {
            ingest,
            open: None,
            rows: 0,
        }
    }

    /// The open transaction, or a new one.
    async fn transaction(&mut self) -> Result<&mut WriteTx, StoreError> {
        let tx = match self.open.take() {
            Some(tx) => tx,
            None => self.ingest.db.write().await?,
        };
        Ok(self.open.insert(tx))
    }

    /// Records a step of `rows` rows; commits if a writer waits or the transaction is full.
    async fn stored(&mut self, rows: usize) -> Result<(), StoreError> {
        self.rows += rows;
        if self.rows >= MAX_ROWS_PER_TRANSACTION || self.ingest.db.writers_waiting() {
            self.commit().await?;
        }
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), StoreError> {
        if let Some(mut tx) = self.open.take() {
            self.ingest.heartbeat(&mut tx).await?;
            tx.commit().await?;
        }
        self.rows = 0;
        Ok(())
    }

    async fn finish(mut self) -> Result<(), StoreError> {
        self.commit().await
    }
}

fn lost_lease() -> StoreError {
    StoreError::Conflict(
        "this upload stalled and another upload to the branch took over; upload again".into(),
    )
}
