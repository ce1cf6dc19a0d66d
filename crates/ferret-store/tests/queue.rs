//! The job queue on both backends: claims with leases, heartbeats, completion, retries with
//! delays, dead jobs, crashed workers whose lease runs out, concurrent workers that never
//! take the same job, and cancellation by subject.

mod common;

use common::{postgres, sqlite};
use ferret_store::queue::{JobQueue, JobState, NewJob, SqlJobQueue};
use ferret_store::{Db, StoreError};
use serde_json::json;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Clocks the tests move by hand (Unix seconds), one per backend's test so that tests running
/// in parallel do not move each other's time.
static SQLITE_NOW: AtomicI64 = AtomicI64::new(1_800_000_000);
static POSTGRES_NOW: AtomicI64 = AtomicI64::new(1_800_000_000);

struct Clock {
    now: fn() -> i64,
    advance: fn(i64),
}

const SQLITE_CLOCK: Clock = Clock {
    now: || SQLITE_NOW.load(Ordering::SeqCst),
    advance: |s| {
        SQLITE_NOW.fetch_add(s, Ordering::SeqCst);
    },
};
const POSTGRES_CLOCK: Clock = Clock {
    now: || POSTGRES_NOW.load(Ordering::SeqCst),
    advance: |s| {
        POSTGRES_NOW.fetch_add(s, Ordering::SeqCst);
    },
};

fn scan_job(repo: &str, attempts: u32) -> NewJob {
    NewJob {
        kind: "scan".into(),
        payload: json!({"repository": repo, "ref": "main"}),
        max_attempts: attempts,
        subject: Some(format!("repository:{repo}")),
        workspace: None,
    }
}

const LEASE: Duration = Duration::from_secs(60);

async fn lifecycle(db: Db, clock: Clock) {
    let Clock {
        now: clock,
        advance,
    } = clock;
    let queue = SqlJobQueue::with_clock(db, clock);
    assert!(queue.claim("w1", &["scan"], LEASE).await.unwrap().is_none());
    let first = queue.enqueue(scan_job("app", 3)).await.unwrap();
    advance(1);
    let second = queue.enqueue(scan_job("api", 1)).await.unwrap();
    // Other kinds are not claimed; the oldest ready job comes first.
    assert!(queue
        .claim("w1", &["index"], LEASE)
        .await
        .unwrap()
        .is_none());
    let job = queue.claim("w1", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(job.id, first);
    assert_eq!(job.payload, json!({"repository": "app", "ref": "main"}));
    assert_eq!((job.attempts, job.max_attempts), (1, 3));
    assert_eq!(queue.state(&first).await.unwrap(), JobState::Running);

    // A heartbeat extends the lease; another worker cannot heartbeat or finish the job.
    advance(30);
    let until = queue.heartbeat(&first, "w1", LEASE).await.unwrap();
    assert_eq!(until, clock() + 60);
    assert!(matches!(
        queue.heartbeat(&first, "w2", LEASE).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        queue.complete(&first, "w2").await,
        Err(StoreError::Conflict(_))
    ));

    // Failing schedules a retry after the delay, not before.
    let state = queue
        .fail(&first, "w1", "clone failed", Duration::from_secs(120))
        .await
        .unwrap();
    assert_eq!(state, JobState::Queued);
    let next = queue.claim("w2", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(next.id, second, "the failed job waits for its retry delay");
    queue.complete(&second, "w2").await.unwrap();
    assert_eq!(queue.state(&second).await.unwrap(), JobState::Done);
    assert!(queue.claim("w2", &["scan"], LEASE).await.unwrap().is_none());
    advance(121);
    let retry = queue.claim("w2", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!((retry.id.as_str(), retry.attempts), (first.as_str(), 2));

    // The worker dies: no heartbeat. After the lease runs out another worker takes the job
    // over (third and last attempt), and the dead worker can no longer touch it.
    advance(61);
    let taken = queue.claim("w3", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!((taken.id.as_str(), taken.attempts), (first.as_str(), 3));
    assert!(matches!(
        queue.complete(&first, "w2").await,
        Err(StoreError::Conflict(_))
    ));
    // Its last attempt fails too: the job is dead and never claimed again.
    let state = queue
        .fail(&first, "w3", "timed out", Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(state, JobState::Dead);
    advance(10);
    assert!(queue.claim("w3", &["scan"], LEASE).await.unwrap().is_none());

    // A worker that vanishes on the last attempt leaves a dead job, not a stuck one.
    let last = queue.enqueue(scan_job("web", 1)).await.unwrap();
    queue.claim("w4", &["scan"], LEASE).await.unwrap().unwrap();
    advance(61);
    assert!(queue.claim("w5", &["scan"], LEASE).await.unwrap().is_none());
    assert_eq!(queue.state(&last).await.unwrap(), JobState::Dead);

    // Bad input and unknown ids.
    assert!(matches!(
        queue.enqueue(scan_job("x", 0)).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        queue.state("job_missing").await,
        Err(StoreError::NotFound(_))
    ));
}

async fn concurrent_workers_never_share_a_job(db: Db) {
    let queue = SqlJobQueue::new(db);
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(queue.enqueue(scan_job(&format!("r{i}"), 1)).await.unwrap());
    }
    let mut workers = Vec::new();
    for w in 0..4 {
        let queue = queue.clone();
        workers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(job) = queue
                .claim(&format!("w{w}"), &["scan"], Duration::from_secs(300))
                .await
                .unwrap()
            {
                queue.complete(&job.id, &format!("w{w}")).await.unwrap();
                got.push(job.id);
            }
            got
        }));
    }
    let mut claimed = Vec::new();
    for worker in workers {
        claimed.extend(worker.await.unwrap());
    }
    claimed.sort();
    ids.sort();
    assert_eq!(claimed, ids, "every job claimed exactly once");
}

/// Cancelling a subject stops its queued and running jobs, and only its own: the running one's
/// worker loses its lease, and nothing of the subject is claimed again.
async fn cancelling_a_subject(db: Db) {
    let queue = SqlJobQueue::new(db);
    let running = queue.enqueue(scan_job("gone", 3)).await.unwrap();
    let claimed = queue.claim("w1", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(claimed.id, running);
    let queued = queue.enqueue(scan_job("gone", 3)).await.unwrap();
    let other = queue.enqueue(scan_job("kept", 3)).await.unwrap();
    assert_eq!(queue.cancel_subject("repository:gone").await.unwrap(), 2);
    for id in [&running, &queued] {
        assert_eq!(queue.state(id).await.unwrap(), JobState::Cancelled);
    }
    assert!(matches!(
        queue.heartbeat(&running, "w1", LEASE).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(queue.complete(&running, "w1").await.is_err());
    let next = queue.claim("w2", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(next.id, other);
    assert!(queue.claim("w3", &["scan"], LEASE).await.unwrap().is_none());
    assert_eq!(queue.cancel_subject("repository:gone").await.unwrap(), 0);
    // A subject's children go with it; a subject that merely starts the same does not.
    let mut nested = scan_job("x", 3);
    nested.subject = Some("installation:1/repository:x".into());
    let child = queue.enqueue(nested).await.unwrap();
    let mut lookalike = scan_job("y", 3);
    lookalike.subject = Some("installation:12/repository:y".into());
    let unrelated = queue.enqueue(lookalike).await.unwrap();
    assert_eq!(queue.cancel_subject("installation:1").await.unwrap(), 1);
    assert_eq!(queue.state(&child).await.unwrap(), JobState::Cancelled);
    assert_eq!(queue.state(&unrelated).await.unwrap(), JobState::Queued);
}

/// With a limit of one running job per workspace, a busy workspace's queue waits while
/// another workspace's job goes first.
async fn workspaces_share_the_workers(db: Db) {
    let queue = SqlJobQueue::new(db).with_workspace_limit(1);
    let job = |ws: &str, repo: &str| {
        let mut job = scan_job(repo, 3);
        job.workspace = Some(ws.to_string());
        job
    };
    let busy_1 = queue.enqueue(job("busy", "a")).await.unwrap();
    let first = queue.claim("w1", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(first.id, busy_1);
    let busy_2 = queue.enqueue(job("busy", "b")).await.unwrap();
    let quiet = queue.enqueue(job("quiet", "c")).await.unwrap();
    let second = queue.claim("w2", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(second.id, quiet, "the other workspace goes first");
    assert!(
        queue.claim("w3", &["scan"], LEASE).await.unwrap().is_none(),
        "the busy workspace is at its limit"
    );
    queue.complete(&busy_1, "w1").await.unwrap();
    let third = queue.claim("w3", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(third.id, busy_2);
}

/// Two jobs of one subject (one repository) never run at once; other subjects are not held.
async fn one_job_per_subject_at_a_time(db: Db) {
    let queue = SqlJobQueue::new(db);
    let first = queue.enqueue(scan_job("same", 3)).await.unwrap();
    let claimed = queue.claim("w1", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(claimed.id, first);
    let second = queue.enqueue(scan_job("same", 3)).await.unwrap();
    let other = queue.enqueue(scan_job("other", 3)).await.unwrap();
    let next = queue.claim("w2", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(next.id, other, "the other repository's job goes first");
    assert!(queue.claim("w3", &["scan"], LEASE).await.unwrap().is_none());
    queue.complete(&first, "w1").await.unwrap();
    let last = queue.claim("w3", &["scan"], LEASE).await.unwrap().unwrap();
    assert_eq!(last.id, second);
}

/// Workers claiming at the same instant still run one job of a subject at a time (on
/// PostgreSQL, claims made at once would each see the other's job as still queued).
async fn simultaneous_claims_keep_one_job_per_subject(db: Db) {
    let queue = SqlJobQueue::new(db);
    for _ in 0..6 {
        queue.enqueue(scan_job("a", 3)).await.unwrap();
        queue.enqueue(scan_job("b", 3)).await.unwrap();
    }
    for round in 0..6 {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(6));
        let mut claimers = Vec::new();
        for w in 0..6 {
            let (queue, barrier) = (queue.clone(), barrier.clone());
            claimers.push(tokio::spawn(async move {
                barrier.wait().await;
                let worker = format!("r{round}w{w}");
                let job = queue.claim(&worker, &["scan"], LEASE).await.unwrap();
                job.map(|job| (job.payload["repository"].to_string(), job.id, worker))
            }));
        }
        let mut running = Vec::new();
        for claimer in claimers {
            running.extend(claimer.await.unwrap());
        }
        let mut subjects: Vec<_> = running.iter().map(|(s, _, _)| s.clone()).collect();
        subjects.sort();
        assert_eq!(subjects, ["\"a\"", "\"b\""], "round {round}: {running:?}");
        for (_, id, worker) in running {
            queue.complete(&id, &worker).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_claims_on_sqlite() {
    let (db, _dir) = sqlite().await;
    simultaneous_claims_keep_one_job_per_subject(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_claims_on_postgres() {
    if let Some(db) = postgres().await {
        simultaneous_claims_keep_one_job_per_subject(db).await;
    }
}

#[tokio::test]
async fn one_per_subject_on_sqlite() {
    let (db, _dir) = sqlite().await;
    one_job_per_subject_at_a_time(db).await;
}

#[tokio::test]
async fn one_per_subject_on_postgres() {
    if let Some(db) = postgres().await {
        one_job_per_subject_at_a_time(db).await;
    }
}

#[tokio::test]
async fn workspace_limits_on_sqlite() {
    let (db, _dir) = sqlite().await;
    workspaces_share_the_workers(db).await;
}

#[tokio::test]
async fn workspace_limits_on_postgres() {
    if let Some(db) = postgres().await {
        workspaces_share_the_workers(db).await;
    }
}

#[tokio::test]
async fn cancelling_on_sqlite() {
    let (db, _dir) = sqlite().await;
    cancelling_a_subject(db).await;
}

#[tokio::test]
async fn cancelling_on_postgres() {
    if let Some(db) = postgres().await {
        cancelling_a_subject(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_on_sqlite() {
    let (db, _dir) = sqlite().await;
    lifecycle(db, SQLITE_CLOCK).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_on_postgres() {
    if let Some(db) = postgres().await {
        lifecycle(db, POSTGRES_CLOCK).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_on_sqlite() {
    let (db, _dir) = sqlite().await;
    concurrent_workers_never_share_a_job(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_on_postgres() {
    if let Some(db) = postgres().await {
        concurrent_workers_never_share_a_job(db).await;
    }
}
