//! The job queue that stateless scan workers take work from.
//!
//! A worker [claims](JobQueue::claim) the oldest ready job with a *lease*: the job is its own
//! until the lease runs out. While working it [heartbeats](JobQueue::heartbeat) to extend the
//! lease; when done it [completes](JobQueue::complete) the job or [fails](JobQueue::fail) it,
//! which schedules a retry after a delay until the job has used its attempts, and then leaves
//! it dead. A worker that crashes or is killed simply stops heartbeating: once its lease has
//! run out the job is claimable again (that counts as an attempt), so no job is lost and none
//! runs twice at the same time. Every call names the worker, and a worker whose lease was taken
//! over gets [`StoreError::Conflict`] instead of overwriting the new owner's state.
//!
//! [`JobQueue`] is a trait because a second implementation is expected (a broker such as
//! Redis or NATS for large fleets); [`SqlJobQueue`] runs on the server's own database, SQLite
//! or PostgreSQL (where claims take turns under a transaction-scoped advisory lock, so many
//! workers on many machines can share one queue and the one-job-per-subject and per-workspace
//! rules hold even for claims made at the same instant). Payloads name work — a repository and a ref — and never hold
//! credentials or source code.

use crate::{Backend, Db, StoreError};
use std::time::Duration;

/// A job to add.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What kind of work (`scan`, ...): workers claim only kinds they know.
    pub kind: String,
    /// The work's parameters, as JSON.
    pub payload: serde_json::Value,
    /// How many times it may be tried in all (at least 1).
    pub max_attempts: u32,
    /// What the job belongs to, as a path (`github-installation:42/repository:repo_x`):
    /// [`JobQueue::cancel_subject`] cancels every unfinished job of a subject or of anything
    /// under it at once.
    pub subject: Option<String>,
    /// The workspace the job works for, if any (jobs are listed per workspace).
    pub workspace: Option<String>,
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Attempts so far, this one included.
    pub attempts: u32,
    pub max_attempts: u32,
    /// When the lease runs out (Unix seconds) unless renewed.
    pub lease_until: i64,
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Queued,
    Running,
    Done,
    /// Failed on every attempt.
    Dead,
    /// Cancelled before it finished (its subject was disconnected); never runs again.
    Cancelled,
}

impl JobState {
    fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
            JobState::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Result<JobState, StoreError> {
        Ok(match text {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "dead" => JobState::Dead,
            "cancelled" => JobState::Cancelled,
            other => return Err(StoreError::Invalid(format!("unknown job state '{other}'"))),
        })
    }
}

/// A queue of background jobs with leases and retries. Jobs of the same subject never run at
/// the same time.
#[async_trait::async_trait]
pub trait JobQueue: Send + Sync {
    /// Adds a job, ready now; returns its id.
    async fn enqueue(&self, job: NewJob) -> Result<String, StoreError>;
    /// Takes the oldest ready job of one of `kinds` for `worker`, leased for `lease`.
    async fn claim(
        &self,
        worker: &str,
        kinds: &[&str],
        lease: Duration,
    ) -> Result<Option<Job>, StoreError>;
    /// Extends `worker`'s lease on a running job; returns the new end of the lease.
    async fn heartbeat(&self, id: &str, worker: &str, lease: Duration) -> Result<i64, StoreError>;
    /// Marks `worker`'s running job done.
    async fn complete(&self, id: &str, worker: &str) -> Result<(), StoreError>;
    /// Records a failed attempt: the job runs again after `retry_after` while it has attempts
    /// left, else it is dead. Returns the job's new state.
    async fn fail(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        retry_after: Duration,
    ) -> Result<JobState, StoreError>;
    /// A job's current state.
    async fn state(&self, id: &str) -> Result<JobState, StoreError>;
    /// Cancels every queued or running job whose subject is `subject` or lies under it
    /// (`subject/…`); returns how many. A worker running one learns it at its next heartbeat
    /// (a lost lease) and stops.
    async fn cancel_subject(&self, subject: &str) -> Result<u64, StoreError>;
}

/// The PostgreSQL advisory lock that claims of jobs take in turn ("JOBS" in ASCII).
const CLAIM_LOCK: i64 = 0x4a4f_4253;

/// The job queue in the server's database.
#[derive(Clone)]
pub struct SqlJobQueue {
    db: Db,
    /// The clock, in Unix seconds (replaceable in tests).
    clock: fn() -> i64,
    /// Most jobs of one workspace running at once (`None`: no limit).
    per_workspace: Option<u32>,
}

impl SqlJobQueue {
    pub fn new(db: Db) -> SqlJobQueue {
        SqlJobQueue {
            db,
            clock: crate::time::now,
            per_workspace: None,
        }
    }

    /// A queue whose notion of "now" is `clock` (tests move time forward with it).
    pub fn with_clock(db: Db, clock: fn() -> i64) -> SqlJobQueue {
        SqlJobQueue {
            clock,
            ..SqlJobQueue::new(db)
        }
    }

    /// Claims skip the jobs of a workspace that already has `limit` jobs running (live
    /// leases), so one busy workspace cannot starve the others.
    pub fn with_workspace_limit(mut self, limit: u32) -> SqlJobQueue {
        self.per_workspace = Some(limit.max(1));
        self
    }
}

/// Longest error message kept per job.
const ERROR_MAX_CHARS: usize = 500;

fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX).max(1)
}

fn lost_lease(id: &str) -> StoreError {
    StoreError::Conflict(format!(
        "job {id} is not running under this worker (its lease ran out or it finished)"
    ))
}

#[async_trait::async_trait]
impl JobQueue for SqlJobQueue {
    async fn enqueue(&self, job: NewJob) -> Result<String, StoreError> {
        if job.kind.is_empty() || job.max_attempts == 0 {
            return Err(StoreError::Invalid(
                "a job needs a kind and at least one attempt".into(),
            ));
        }
        let id = crate::crypto::new_id("job");
        let now = (self.clock)();
        let mut tx = self.db.write().await?;
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_after, \
             created_at, subject, workspace_id) VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&job.kind)
        .bind(job.payload.to_string())
        .bind(i64::from(job.max_attempts))
        .bind(now)
        .bind(now)
        .bind(&job.subject)
        .bind(&job.workspace)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn claim(
        &self,
        worker: &str,
        kinds: &[&str],
        lease: Duration,
    ) -> Result<Option<Job>, StoreError> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let now = (self.clock)();
        let mut tx = self.db.write().await?;
        // Claims take turns. Under PostgreSQL's read-committed isolation two workers claiming
        // at once would each see the other's job as still queued, and the one-per-subject and
        // per-workspace checks below would let both run (two scans of one branch then race to
        // store). SQLite serialises writers already (see `Db::write`).
        if self.db.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(CLAIM_LOCK)
                .execute(&mut *tx.tx)
                .await?;
        }
        // Running jobs whose worker vanished after their last attempt are dead.
        sqlx::query(
            "UPDATE jobs SET state = 'dead', finished_at = $1, worker = NULL, \
             last_error = COALESCE(last_error, 'the worker stopped renewing its lease') \
             WHERE state = 'running' AND lease_until < $1 AND attempts >= max_attempts",
        )
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        let kind_list = crate::placeholders(self.db.backend(), 2, kinds.len());
        let lock = match self.db.backend() {
            // Other workers skip the row this one is taking instead of waiting for it.
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            // Writers are serialised already (see `Db::write`).
            Backend::Sqlite => "",
        };
        let p1 = match self.db.backend() {
            Backend::Postgres => "$1",
            Backend::Sqlite => "?1",
        };
        let fair = match self.per_workspace {
            Some(limit) => format!(
                " AND (workspace_id IS NULL OR (SELECT COUNT(*) FROM jobs busy \
                 WHERE busy.workspace_id = jobs.workspace_id AND busy.state = 'running' \
                 AND busy.lease_until >= {p1}) < {limit})"
            ),
            None => String::new(),
        };
        // Jobs of one subject (one repository) run one at a time: two scans of the same
        // branch would only race to store their results.
        let one_per_subject = format!(
            " AND (subject IS NULL OR NOT EXISTS (SELECT 1 FROM jobs same \
             WHERE same.subject = jobs.subject AND same.id <> jobs.id \
             AND same.state = 'running' AND same.lease_until >= {p1}))"
        );
        let sql = format!(
            "SELECT id FROM jobs WHERE kind IN ({kind_list}) AND \
             ((state = 'queued' AND run_after <= {p1}) OR (state = 'running' AND lease_until < {p1})){fair}{one_per_subject} \
             ORDER BY run_after, created_at, id LIMIT 1{lock}"
        );
        let mut query = sqlx::query_as::<_, (String,)>(&sql).bind(now);
        for kind in kinds {
            query = query.bind(*kind);
        }
        let Some((id,)) = query.fetch_optional(&mut *tx.tx).await? else {
            tx.commit().await?;
            return Ok(None);
        };
        let lease_until = now + seconds(lease);
        let row: (String, String, i64, i64) = sqlx::query_as(
            "UPDATE jobs SET state = 'running', worker = $1, lease_until = $2, \
             attempts = attempts + 1, started_at = $3 WHERE id = $4 \
             RETURNING kind, payload, attempts, max_attempts",
        )
        .bind(worker)
        .bind(lease_until)
        .bind(now)
        .bind(&id)
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        let payload = serde_json::from_str(&row.1)
            .map_err(|e| StoreError::Invalid(format!("job {id} has a malformed payload: {e}")))?;
        Ok(Some(Job {
            id,
            kind: row.0,
            payload,
            attempts: u32::try_from(row.2).unwrap_or(u32::MAX),
            max_attempts: u32::try_from(row.3).unwrap_or(u32::MAX),
            lease_until,
        }))
    }

    async fn heartbeat(&self, id: &str, worker: &str, lease: Duration) -> Result<i64, StoreError> {
        let now = (self.clock)();
        let lease_until = now + seconds(lease);
        let mut tx = self.db.write().await?;
        let updated = sqlx::query(
            "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND worker = $3 \
             AND state = 'running' AND lease_until >= $4",
        )
        .bind(lease_until)
        .bind(id)
        .bind(worker)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        if updated == 0 {
            return Err(lost_lease(id));
        }
        Ok(lease_until)
    }

    async fn complete(&self, id: &str, worker: &str) -> Result<(), StoreError> {
        let now = (self.clock)();
        let mut tx = self.db.write().await?;
        let updated = sqlx::query(
            "UPDATE jobs SET state = 'done', finished_at = $1, lease_until = NULL \
             WHERE id = $2 AND worker = $3 AND state = 'running'",
        )
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        if updated == 0 {
            return Err(lost_lease(id));
        }
        Ok(())
    }

    async fn fail(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        retry_after: Duration,
    ) -> Result<JobState, StoreError> {
        let now = (self.clock)();
        let error: String = error.chars().take(ERROR_MAX_CHARS).collect();
        let mut tx = self.db.write().await?;
        let row: Option<(String,)> = sqlx::query_as(
            "UPDATE jobs SET \
             state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
             run_after = $1, last_error = $2, worker = NULL, lease_until = NULL, \
             finished_at = CASE WHEN attempts >= max_attempts THEN $3 ELSE NULL END \
             WHERE id = $4 AND worker = $5 AND state = 'running' RETURNING state",
        )
        .bind(now + i64::try_from(retry_after.as_secs()).unwrap_or(i64::MAX / 2))
        .bind(&error)
        .bind(now)
        .bind(id)
        .bind(worker)
        .fetch_optional(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        match row {
            Some((state,)) => JobState::parse(&state),
            None => Err(lost_lease(id)),
        }
    }

    async fn state(&self, id: &str) -> Result<JobState, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT state FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(self.db.pool())
            .await?;
        match row {
            Some((state,)) => JobState::parse(&state),
            None => Err(StoreError::NotFound(format!("no job {id}"))),
        }
    }

    async fn cancel_subject(&self, subject: &str) -> Result<u64, StoreError> {
        let now = (self.clock)();
        let mut tx = self.db.write().await?;
        let cancelled = sqlx::query(
            "UPDATE jobs SET state = 'cancelled', finished_at = $1, worker = NULL, \
             lease_until = NULL, last_error = 'cancelled: access was withdrawn' \
             WHERE (subject = $2 OR substr(subject, 1, length($3) + 1) = $4) \
             AND state IN ('queued', 'running')",
        )
        .bind(now)
        .bind(subject)
        .bind(subject)
        .bind(format!("{subject}/"))
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(cancelled)
    }
}

/// Records what `worker`'s running job produced (shown in job listings).
pub async fn set_result(
    db: &Db,
    id: &str,
    worker: &str,
    result: &serde_json::Value,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let updated = sqlx::query(
        "UPDATE jobs SET result = $1 WHERE id = $2 AND worker = $3 AND state = 'running'",
    )
    .bind(result.to_string())
    .bind(id)
    .bind(worker)
    .execute(&mut *tx.tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    if updated == 0 {
        return Err(lost_lease(id));
    }
    Ok(())
}

/// A job as listed for a workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub state: JobState,
    pub payload: serde_json::Value,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub result: Option<serde_json::Value>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// `workspace`'s jobs, newest first.
pub async fn list_for_workspace(
    db: &Db,
    workspace: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<JobRecord>, StoreError> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, kind, state, payload, attempts, last_error, result, created_at, started_at, \
         finished_at FROM jobs WHERE workspace_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
    )
    .bind(workspace)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
            Ok(JobRecord {
                id: r.get("id"),
                kind: r.get("kind"),
                state: JobState::parse(&r.get::<String, _>("state"))?,
                payload: json(Some(r.get("payload"))).unwrap_or_default(),
                attempts: u32::try_from(r.get::<i64, _>("attempts")).unwrap_or(0),
                last_error: r.get("last_error"),
                result: json(r.get("result")),
                created_at: r.get("created_at"),
                started_at: r.get("started_at"),
                finished_at: r.get("finished_at"),
            })
        })
        .collect()
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
