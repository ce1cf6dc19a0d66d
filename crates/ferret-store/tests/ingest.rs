//! Storing uploads on both backends: a rescan keeps history and triage and marks absent
//! findings fixed; one ingest per branch at a time, and a dead one is taken over; on SQLite, a
//! big upload is stored in steps that let another workspace's write through before it ends.

mod common;

use common::{postgres, sqlite};
use ferret_core::{Confidence, Severity};
use ferret_store::audit::Actor;
use ferret_store::findings::{FindingFilter, TriageChange};
use ferret_store::scans::{
    CleanFinding, NewScan, MAX_ROWS_PER_TRANSACTION, STALE_AFTER_SECS, STEP,
};
use ferret_store::{accounts, findings, repositories, scans, workspaces, Db, StoreError};

struct Team {
    actor: Actor,
    workspace: String,
    repository_id: String,
}

async fn team(db: &Db, name: &str) -> Team {
    let system = Actor {
        user_id: None,
        token_id: None,
        ip: "127.0.0.1".into(),
        user_agent: None,
    };
    let email = format!("{}@example.com", name.to_lowercase());
    let user = accounts::create(db, &email, "not-a-real-hash", &system)
        .await
        .unwrap();
    let actor = Actor {
        user_id: Some(user.clone()),
        ..system
    };
    let workspace = workspaces::create(db, name, &user, &actor)
        .await
        .unwrap()
        .id;
    let repository_id = repositories::create(db, &workspace, "app", None, &actor)
        .await
        .unwrap()
        .id;
    Team {
        actor,
        workspace,
        repository_id,
    }
}

fn finding(i: usize) -> CleanFinding {
    CleanFinding {
        fingerprint: format!("fingerprint-{i:06}"),
        rule_id: "aws-access-key-id".into(),
        category: "secret",
        severity: Severity::Critical,
        confidence: Confidence::High,
        title: "AWS access key ID".into(),
        path: format!("src/file{i}.py"),
        start_line: 1,
        start_column: 1,
        end_line: 1,
        end_column: 20,
        snippet: "key = AKIA*****".into(),
        commit: None,
        author: None,
        committed_at: None,
    }
}

fn upload(branch: &str, ids: impl Iterator<Item = usize>) -> NewScan {
    NewScan {
        repository: "app".into(),
        branch: branch.into(),
        commit: None,
        findings: ids.map(finding).collect(),
    }
}

async fn all_findings(db: &Db, team: &Team) -> Vec<findings::FindingRecord> {
    let filter = FindingFilter {
        limit: 10_000,
        ..FindingFilter::default()
    };
    findings::list(db, &team.workspace, &filter, ferret_store::time::now())
        .await
        .unwrap()
        .0
}

async fn rescan_keeps_history_and_triage(db: Db) {
    let team = team(&db, "Rescan").await;
    let first = scans::ingest(&db, &team.workspace, upload("main", 0..1234), &team.actor)
        .await
        .unwrap();
    assert_eq!((first.findings, first.new, first.fixed), (1234, 1234, 0));

    let stored = all_findings(&db, &team).await;
    let id_of = |fingerprint: &str| {
        stored
            .iter()
            .find(|f| f.fingerprint == fingerprint)
            .unwrap()
            .id
            .clone()
    };
    for (fingerprint, state) in [
        ("fingerprint-000005", "false_positive"),
        ("fingerprint-000006", "fixed"),
    ] {
        let change = TriageChange {
            state: state.into(),
            comment: Some("checked".into()),
            expires_at: None,
        };
        let id = id_of(fingerprint);
        findings::triage(&db, &team.workspace, &id, &change, &team.actor, 1)
            .await
            .unwrap();
    }

    // The rescan drops 0..200 except 5 and 6, keeps 200..1234 and adds 1234..1300.
    let second = scans::ingest(
        &db,
        &team.workspace,
        upload("main", [5, 6].into_iter().chain(200..1300)),
        &team.actor,
    )
    .await
    .unwrap();
    assert_eq!(
        (second.findings, second.new, second.still_open, second.fixed),
        (1102, 66, 1036, 198)
    );
    let after = all_findings(&db, &team).await;
    assert_eq!(after.len(), 1300, "a rescan never duplicates a finding");
    let by_fingerprint =
        |fingerprint: &str| after.iter().find(|f| f.fingerprint == fingerprint).unwrap();
    let kept = by_fingerprint("fingerprint-000005");
    assert_eq!(
        (kept.state.as_str(), kept.triage_comment.as_deref()),
        ("false_positive", Some("checked"))
    );
    assert_eq!(
        kept.id,
        id_of("fingerprint-000005"),
        "a matched finding keeps its id"
    );
    assert_eq!(kept.first_scan_id, first.scan_id);
    assert_eq!(kept.last_scan_id, second.scan_id);
    assert_eq!(
        by_fingerprint("fingerprint-000006").state,
        "open",
        "fixed by hand, back in the scan: open again"
    );
    assert_eq!(by_fingerprint("fingerprint-000000").state, "fixed");
    assert_eq!(
        by_fingerprint("fingerprint-001299").first_scan_id,
        second.scan_id
    );

    let listed = repositories::scans(&db, &team.workspace, None, 10, 0)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let rescan = listed.iter().find(|s| s.id == second.scan_id).unwrap();
    assert_eq!((rescan.findings, rescan.new, rescan.fixed), (1102, 66, 198));
}

/// Writes a scan row as an ingest that is still running (or died) `age` seconds after its last
/// heartbeat.
async fn ingest_in_progress(db: &Db, team: &Team, branch: &str, age: i64) -> String {
    let id = format!("scan_inflight_{age}");
    let heartbeat = ferret_store::time::now() - age;
    db.execute_raw(&format!(
        "INSERT INTO scans (id, workspace_id, repository_id, branch, created_at, findings_total, \
         findings_new, findings_fixed, status, heartbeat_at) VALUES ('{id}', '{}', '{}', '{branch}', \
         {heartbeat}, 0, 0, 0, 'ingesting', {heartbeat})",
        team.workspace, team.repository_id
    ))
    .await
    .unwrap();
    id
}

async fn scan_status(db: &Db, id: &str) -> Option<String> {
    sqlx::query_scalar("SELECT status FROM scans WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .unwrap()
}

async fn one_ingest_per_branch(db: Db) {
    let team = team(&db, "Lease").await;
    let live = ingest_in_progress(&db, &team, "main", 5).await;
    match scans::ingest(&db, &team.workspace, upload("main", 0..3), &team.actor).await {
        Err(StoreError::Conflict(message)) => assert!(message.contains("'main'"), "{message}"),
        other => panic!("expected a conflict while another upload is stored, got {other:?}"),
    }
    let other_branch = scans::ingest(&db, &team.workspace, upload("dev", 0..3), &team.actor).await;
    assert_eq!(
        other_branch.unwrap().findings,
        3,
        "other branches are not blocked"
    );
    assert!(all_findings(&db, &team)
        .await
        .iter()
        .all(|f| f.branch == "dev"));

    // The ingest stops beating (a crash): the next upload marks it failed and proceeds.
    db.execute_raw(&format!(
        "UPDATE scans SET heartbeat_at = heartbeat_at - {} WHERE id = '{live}'",
        STALE_AFTER_SECS + 1
    ))
    .await
    .unwrap();
    let taken_over = scans::ingest(&db, &team.workspace, upload("main", 0..3), &team.actor)
        .await
        .unwrap();
    assert_eq!(taken_over.new, 3);
    assert_eq!(scan_status(&db, &live).await.as_deref(), Some("failed"));
    let listed = repositories::scans(&db, &team.workspace, None, 10, 0)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2, "a failed ingest is not listed as a scan");
    assert!(listed.iter().all(|s| s.id != live));
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

/// A workspace's retention deletes findings fixed longer ago than its period and the scans no
/// stored finding names any more; open findings and other workspaces' history stay.
async fn retention_deletes_old_history(db: Db) {
    let kept = team(&db, "Kept").await;
    let trimmed = team(&db, "Trimmed").await;
    for t in [&kept, &trimmed] {
        // main: 10 findings, then a rescan with 5 (5 fixed); old: 4 findings, then none.
        for (branch, ids) in [
            ("main", 0..10),
            ("main", 0..5),
            ("old", 100..104),
            ("old", 0..0),
        ] {
            scans::ingest(&db, &t.workspace, upload(branch, ids), &t.actor)
                .await
                .unwrap();
        }
    }
    // All of it 100 days old.
    let long_ago = ferret_store::time::now() - 100 * 86_400;
    sqlx::query("UPDATE scans SET created_at = $1")
        .bind(long_ago)
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE findings SET first_seen_at = $1, last_seen_at = $1")
        .bind(long_ago)
        .execute(db.pool())
        .await
        .unwrap();
    for bad in [-1, workspaces::MAX_RETENTION_DAYS + 1] {
        let change = workspaces::SettingsChange {
            retention_days: Some(bad),
            ..Default::default()
        };
        assert!(matches!(
            workspaces::update_settings(&db, &trimmed.workspace, &change, &trimmed.actor).await,
            Err(StoreError::Invalid(_))
        ));
    }
    let change = workspaces::SettingsChange {
        retention_days: Some(30),
        ..Default::default()
    };
    workspaces::update_settings(&db, &trimmed.workspace, &change, &trimmed.actor)
        .await
        .unwrap();
    let purged = workspaces::purge_history(&db, ferret_store::time::now(), &trimmed.actor)
        .await
        .unwrap();
    // 5 fixed on main + 4 fixed on old; the two scans of `old` (nothing names them now).
    assert_eq!(
        purged,
        workspaces::Purged {
            findings: 9,
            scans: 2
        }
    );
    let ws = |t: &Team| format!("'{}'", t.workspace);
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM findings WHERE workspace_id = {}",
                ws(&trimmed)
            )
        )
        .await,
        5,
        "open findings are kept however old"
    );
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM scans WHERE workspace_id = {}",
                ws(&trimmed)
            )
        )
        .await,
        2,
        "the scans that first and last saw the open findings stay"
    );
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM findings WHERE workspace_id = {}",
                ws(&kept)
            )
        )
        .await,
        14,
        "a workspace without retention keeps everything"
    );
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.purge' AND workspace_id = {}", ws(&trimmed))).await,
        1
    );
    // Nothing more to do on the next pass.
    let again = workspaces::purge_history(&db, ferret_store::time::now(), &trimmed.actor)
        .await
        .unwrap();
    assert_eq!(again, workspaces::Purged::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_on_sqlite() {
    let (db, _dir) = sqlite().await;
    retention_deletes_old_history(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_on_postgres() {
    if let Some(db) = postgres().await {
        retention_deletes_old_history(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rescan_on_sqlite() {
    let (db, _dir) = sqlite().await;
    rescan_keeps_history_and_triage(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rescan_on_postgres() {
    if let Some(db) = postgres().await {
        rescan_keeps_history_and_triage(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ingest_per_branch_on_sqlite() {
    let (db, _dir) = sqlite().await;
    one_ingest_per_branch(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ingest_per_branch_on_postgres() {
    if let Some(db) = postgres().await {
        one_ingest_per_branch(db).await;
    }
}

/// SQLite has one writer: a small write of another workspace, queued while a big upload is
/// being stored, waits for one step of it, not for all of it (the upload commits when it sees a
/// waiting writer, and the writer lock is fair). With the whole upload in one transaction, the
/// small write would be served only after every finding is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_upload_lets_another_workspace_write_on_sqlite() {
    let (db, _dir) = sqlite().await;
    let big = team(&db, "Big").await;
    let small = team(&db, "Small").await;
    // Less than one full transaction: only a waiting writer makes the upload commit midway.
    let total = MAX_ROWS_PER_TRANSACTION - STEP;
    let ingest = {
        let db = db.clone();
        tokio::spawn(async move {
            scans::ingest(&db, &big.workspace, upload("main", 0..total), &big.actor).await
        })
    };
    // The other workspace keeps writing until the upload ends, and notes how much of the upload
    // was stored each time one of its writes went through.
    let mut seen_midway = Vec::new();
    let mut n = 0;
    while !ingest.is_finished() {
        repositories::create(
            &db,
            &small.workspace,
            &format!("other-{n}"),
            None,
            &small.actor,
        )
        .await
        .unwrap();
        n += 1;
        let stored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM findings f JOIN scans s ON s.id = f.last_scan_id \
             WHERE s.status = 'ingesting'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        if stored > 0 && stored < total as i64 {
            seen_midway.push(stored);
        }
    }
    assert!(
        !seen_midway.is_empty(),
        "none of {n} writes of the other workspace went through while the upload was midway"
    );
    let summary = ingest.await.unwrap().unwrap();
    assert_eq!(summary.findings, total as i64);
    assert_eq!(
        scan_status(&db, &summary.scan_id).await.as_deref(),
        Some("complete")
    );
}
