//! `POST /webhooks/github` on both backends, with GitHub's documented example payloads
//! (`tests/fixtures/github/docs_*.json`, trimmed to the fields that matter): signatures checked
//! before anything else, refusals recorded, replays ignored, pushes and pull requests queueing
//! scans only for workspaces that connected the installation, and uninstalls, suspensions and
//! removed repositories cutting access at once.
//!
//! Where the documentation has no example of a delivery (a push to a branch, a suspension), or
//! its example belongs to another account, the helpers below start from a documented example
//! and change only the fields the documentation describes for that case, each one named.

mod common;

use axum::http::StatusCode;
use common::{TestServer, WEBHOOK_SECRET};
use ferret_server::audit::Actor;
use ferret_store::github::{self as github_store, NewGithubRepository};
use ferret_store::queue::{JobQueue, JobState, SqlJobQueue};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// Codertocat's installation of the App and its repository, from GitHub's documented
/// `installation.created` example.
const INSTALLATION: i64 = 957387;
const REPO: i64 = 186853002;
const FULL_NAME: &str = "Codertocat/Hello-World";
const DEFAULT_BRANCH: &str = "master";
/// The head a push in these tests brings.
const HEAD: &str = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

/// One of GitHub's documented example payloads, `tests/fixtures/github/docs_{name}.json`.
fn docs(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/github/docs_{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A repository event as a GitHub App receives it: GitHub adds the `installation` the
/// delivery is for (the documented examples were taken from repository webhooks, without it).
fn for_app(mut payload: Value) -> Value {
    payload["installation"] =
        json!({"id": INSTALLATION, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uOTU3Mzg3"});
    payload
}

/// A documented installation event of another account (octocat's installation 2 and its
/// repository 1296269), with the installation and repository ids of Codertocat's.
fn for_our_installation(mut payload: Value) -> Value {
    payload["installation"]["id"] = INSTALLATION.into();
    for list in ["repositories", "repositories_removed"] {
        for repository in payload[list].as_array_mut().into_iter().flatten() {
            repository["id"] = REPO.into();
            repository["full_name"] = FULL_NAME.into();
        }
    }
    payload
}

/// A push of `after` to the default branch. GitHub documents only a deleted tag, so this is
/// that example with the fields the push documentation gives a branch push: the branch's
/// `ref`, the new head as `after` and `head_commit`, and `deleted` false.
fn push(after: &str) -> Value {
    let mut push = for_app(docs("push_tag_deleted"));
    push["ref"] = format!("refs/heads/{DEFAULT_BRANCH}").into();
    push["after"] = after.into();
    push["deleted"] = false.into();
    push["head_commit"] = json!({"id": after, "message": "Update README.md", "distinct": true});
    push
}

/// The documented `installation.created` example as a `suspend` (or `unsuspend`) delivery,
/// which carries the same installation object plus who suspended it and when.
fn suspension(action: &str) -> Value {
    let mut payload = docs("installation_created");
    payload["action"] = action.into();
    payload["installation"]["suspended_by"] = payload["sender"].clone();
    payload["installation"]["suspended_at"] = "2026-12-01T10:00:00Z".into();
    payload
}

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Sends a signed delivery; returns the status and the reply.
async fn deliver(
    s: &TestServer,
    event: &str,
    delivery: &str,
    payload: &Value,
) -> (StatusCode, Value) {
    let body = payload.to_string();
    let signature = sign(body.as_bytes());
    let (status, reply, _) = s
        .post_raw(
            "/webhooks/github",
            body.as_bytes(),
            &[
                ("x-github-event", event),
                ("x-github-delivery", delivery),
                ("x-hub-signature-256", &signature),
            ],
        )
        .await;
    (status, reply)
}

fn operator() -> Actor {
    Actor {
        user_id: None,
        token_id: None,
        ip: "test".into(),
        user_agent: None,
    }
}

/// An installation known from its `created` delivery, connected to `workspace`, with
/// octo-org/Hello-World added there; returns the Ferret repository id.
async fn connected(s: &TestServer, workspace: &str) -> String {
    let created = docs("installation_created");
    let delivery = format!("created-{workspace}");
    assert_eq!(
        deliver(s, "installation", &delivery, &created).await.0,
        StatusCode::ACCEPTED
    );
    let db = &s.state.db;
    let now = ferret_store::time::now();
    github_store::connect(db, workspace, INSTALLATION, now, &operator())
        .await
        .unwrap();
    github_store::add_repository(
        db,
        workspace,
        &NewGithubRepository {
            installation_id: INSTALLATION,
            github_repo_id: REPO,
            full_name: FULL_NAME,
            default_branch: DEFAULT_BRANCH,
        },
        now,
        &operator(),
    )
    .await
    .unwrap()
}

async fn job_states(s: &TestServer) -> Vec<(String, String)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT payload, state FROM jobs WHERE kind = 'github-scan' ORDER BY created_at, id",
    )
    .fetch_all(s.state.db.pool())
    .await
    .unwrap();
    rows
}

/// Whether every queued scan was cancelled.
async fn all_cancelled(s: &TestServer) -> bool {
    job_states(s)
        .await
        .iter()
        .all(|(_, state)| state == "cancelled")
}

async fn refused_deliveries_are_recorded_and_change_nothing(s: TestServer) {
    let payload = docs("installation_created");
    let body = payload.to_string();
    let wrong = {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"another secret").unwrap();
        mac.update(body.as_bytes());
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    };
    let mut tampered = payload.clone();
    tampered["installation"]["id"] = Value::from(1);
    let good_signature = sign(body.as_bytes());
    for (body, signature) in [
        (body.clone(), None),
        (body.clone(), Some(wrong.as_str())),
        (
            body.clone(),
            Some("sha1=82474c4fdedd8c2d2e6802db3e49f4afd96b3eab"),
        ),
        (body.clone(), Some("sha256=not-hex")),
        // A valid signature of other bytes.
        (tampered.to_string(), Some(good_signature.as_str())),
    ] {
        let mut headers = vec![
            ("x-github-event", "installation"),
            ("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ];
        if let Some(signature) = signature {
            headers.push(("x-hub-signature-256", signature));
        }
        let (status, reply, _) = s
            .post_raw("/webhooks/github", body.as_bytes(), &headers)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{reply}");
        assert_eq!(reply["error"]["code"], "bad_signature");
    }
    assert_eq!(
        s.count("SELECT COUNT(*) FROM audit_log WHERE action = 'github.webhook.rejected'")
            .await,
        5
    );
    assert_eq!(
        s.count("SELECT COUNT(*) FROM github_installations").await,
        0
    );
    // Refused deliveries are not remembered: the genuine one still goes through.
    let (status, _) = deliver(
        &s,
        "installation",
        "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        &payload,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(
        s.count("SELECT COUNT(*) FROM github_installations").await,
        1
    );
    // Signed but not JSON, or missing the delivery headers: a 400, nothing stored.
    let garbage = b"not json";
    let signature = sign(garbage);
    let (status, _, _) = s
        .post_raw(
            "/webhooks/github",
            garbage,
            &[
                ("x-github-event", "push"),
                ("x-github-delivery", "d-garbage"),
                ("x-hub-signature-256", &signature),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = s
        .post_raw(
            "/webhooks/github",
            garbage,
            &[("x-hub-signature-256", &signature)],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn a_replayed_delivery_is_a_no_op(s: TestServer) {
    let team = {
        let owner = s.signup("owner@example.com").await;
        s.team(&owner, "Team").await
    };
    connected(&s, &team).await;
    let push = push(HEAD);
    let (status, reply) = deliver(&s, "push", "push-1", &push).await;
    assert_eq!(
        (status, reply["jobs"].as_i64()),
        (StatusCode::ACCEPTED, Some(1))
    );
    let (status, reply) = deliver(&s, "push", "push-1", &push).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["status"], "duplicate");
    assert_eq!(job_states(&s).await.len(), 1, "the replay queued nothing");
}

async fn pushes_and_pull_requests_queue_scans_for_connected_workspaces_only(s: TestServer) {
    let owner = s.signup("owner@example.com").await;
    let team = s.team(&owner, "Team").await;
    let other = s.team(&owner, "Other team").await;
    let repository = connected(&s, &team).await;

    // A push to the default branch: one scan, in the connected workspace only.
    let push = push(HEAD);
    let (status, reply) = deliver(&s, "push", "p-main", &push).await;
    assert_eq!(
        (status, reply["jobs"].as_i64()),
        (StatusCode::ACCEPTED, Some(1)),
        "{reply}"
    );
    let jobs = job_states(&s).await;
    let payload: Value = serde_json::from_str(&jobs[0].0).unwrap();
    assert_eq!(payload["workspace_id"], team.as_str());
    assert_eq!(payload["repository_id"], repository.as_str());
    assert_eq!(payload["installation_id"], INSTALLATION);
    assert_eq!(payload["commit"], HEAD);
    assert_eq!(payload["trigger"], "push");
    assert_eq!(jobs[0].1, "queued");
    assert!(
        !jobs[0].0.contains("token"),
        "a job payload holds no credential"
    );
    assert!(!jobs.iter().any(|(p, _)| p.contains(&other)));

    // Other branches, tags, deleted branches and untracked repositories queue nothing.
    let mut feature = push.clone();
    feature["ref"] = "refs/heads/feature".into();
    let mut tag = push.clone();
    tag["ref"] = "refs/tags/v1.0".into();
    let mut deleted = push.clone();
    deleted["deleted"] = true.into();
    deleted["after"] = "0000000000000000000000000000000000000000".into();
    let mut untracked = push.clone();
    untracked["repository"]["id"] = 99.into();
    for (i, payload) in [feature, tag, deleted, untracked].iter().enumerate() {
        let (status, reply) = deliver(&s, "push", &format!("p-skip-{i}"), payload).await;
        assert!(status.is_success(), "{reply}");
        assert_eq!(reply["jobs"].as_i64(), Some(0), "{i}: {reply}");
    }

    // A pull request opened: a scan of its head against its base.
    let (status, reply) = deliver(
        &s,
        "pull_request",
        "pr-2",
        &for_app(docs("pull_request_opened")),
    )
    .await;
    assert_eq!(
        (status, reply["jobs"].as_i64()),
        (StatusCode::ACCEPTED, Some(1))
    );
    let jobs = job_states(&s).await;
    let payload: Value = jobs
        .iter()
        .map(|(payload, _)| serde_json::from_str::<Value>(payload).unwrap())
        .find(|payload| payload["trigger"] == "pull_request")
        .expect("a pull-request scan");
    assert_eq!(payload["pull_request"], 2);
    assert_eq!(
        payload["commit"],
        "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
    );
    assert_eq!(payload["base"], "f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
    // Closing it queues nothing.
    let mut closed = for_app(docs("pull_request_opened"));
    closed["action"] = "closed".into();
    let (status, reply) = deliver(&s, "pull_request", "pr-2-closed", &closed).await;
    assert_eq!(
        (status, reply["status"].as_str()),
        (StatusCode::OK, Some("ignored"))
    );
    assert_eq!(job_states(&s).await.len(), 2);
}

async fn uninstalling_cancels_jobs_and_schedules_the_data_for_deletion(s: TestServer) {
    let owner = s.signup("owner@example.com").await;
    let team = s.team(&owner, "Team").await;
    let repository = connected(&s, &team).await;
    assert_eq!(
        deliver(&s, "push", "p1", &push(HEAD)).await.0,
        StatusCode::ACCEPTED
    );
    // A worker has started the scan.
    let queue = SqlJobQueue::new(s.state.db.clone());
    let lease = std::time::Duration::from_secs(60);
    let running = queue
        .claim("w1", &["github-scan"], lease)
        .await
        .unwrap()
        .unwrap();
    let second = push("1111111111111111111111111111111111111111");
    assert_eq!(
        deliver(&s, "push", "p2", &second).await.0,
        StatusCode::ACCEPTED
    );

    let before = ferret_store::time::now();
    let (status, _) = deliver(
        &s,
        "installation",
        "uninstall",
        &for_our_installation(docs("installation_deleted")),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // Every job of the installation is cancelled; the running one's worker loses its lease.
    assert!(all_cancelled(&s).await);
    assert_eq!(queue.state(&running.id).await.unwrap(), JobState::Cancelled);
    assert!(queue.heartbeat(&running.id, "w1", lease).await.is_err());
    // No reference to the installation is left; the repository is cut off and kept only for
    // the grace period (30 days by default).
    assert_eq!(
        s.count("SELECT COUNT(*) FROM github_installations").await,
        0
    );
    assert_eq!(s.count("SELECT COUNT(*) FROM github_connections").await, 0);
    let (installation, delete_after): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT github_installation_id, delete_after FROM repositories WHERE id = $1",
    )
    .bind(&repository)
    .fetch_one(s.state.db.pool())
    .await
    .unwrap();
    assert_eq!(installation, None);
    let delete_after = delete_after.unwrap();
    assert!((before + 30 * 86_400..=before + 30 * 86_400 + 60).contains(&delete_after));
    // Later pushes start nothing.
    let third = push("2222222222222222222222222222222222222222");
    let (_, reply) = deliver(&s, "push", "p3", &third).await;
    assert_eq!(reply["jobs"].as_i64(), Some(0));
    // When the grace period is over, the repository and its data go.
    let purged = github_store::purge_expired(&s.state.db, before, &operator())
        .await
        .unwrap();
    assert_eq!(purged, 0, "not before its time");
    let purged = github_store::purge_expired(&s.state.db, delete_after, &operator())
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert_eq!(
        s.count(&format!(
            "SELECT COUNT(*) FROM repositories WHERE id = '{repository}'"
        ))
        .await,
        0
    );
}

async fn suspension_and_removed_repositories_stop_new_scans(s: TestServer) {
    let owner = s.signup("owner@example.com").await;
    let team = s.team(&owner, "Team").await;
    connected(&s, &team).await;
    assert_eq!(
        deliver(&s, "push", "p1", &push(HEAD)).await.0,
        StatusCode::ACCEPTED
    );
    let (status, _) = deliver(&s, "installation", "suspend", &suspension("suspend")).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(all_cancelled(&s).await);
    let mut later = push("3333333333333333333333333333333333333333");
    let (_, reply) = deliver(&s, "push", "p2", &later).await;
    assert_eq!(reply["jobs"].as_i64(), Some(0), "suspended: no scans");
    assert_eq!(
        deliver(&s, "installation", "unsuspend", &suspension("unsuspend"))
            .await
            .0,
        StatusCode::ACCEPTED
    );
    let (_, reply) = deliver(&s, "push", "p3", &later).await;
    assert_eq!(reply["jobs"].as_i64(), Some(1), "resumed");
    // The repository is removed from the installation: its job stops, no more scans.
    let removed = for_our_installation(docs("installation_repositories_removed"));
    assert_eq!(
        deliver(&s, "installation_repositories", "rm", &removed)
            .await
            .0,
        StatusCode::ACCEPTED
    );
    assert!(all_cancelled(&s).await);
    later = push("4444444444444444444444444444444444444444");
    let (_, reply) = deliver(&s, "push", "p4", &later).await;
    assert_eq!(reply["jobs"].as_i64(), Some(0));
}

/// GitHub's own documented examples (from its webhook documentation, trimmed to the fields
/// that matter and kept with their quirks: integer and string timestamps side by side): an
/// installation by a user account is recorded, and the documented push — a tag deleted, sent
/// as a repository webhook without an installation — is accepted and starts nothing.
async fn githubs_documented_examples_are_understood(s: TestServer) {
    let (status, reply) = deliver(
        &s,
        "installation",
        "docs-installation",
        &docs("installation_created"),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{reply}");
    let installation = github_store::installation(&s.state.db, 957387)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(installation.account_login, "Codertocat");
    assert_eq!(installation.account_type, "User");
    let (status, reply) = deliver(&s, "push", "docs-push", &docs("push_tag_deleted")).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["jobs"], 0);
    assert!(job_states(&s).await.is_empty());
}

backends!(
    githubs_documented_examples_are_understood,
    refused_deliveries_are_recorded_and_change_nothing,
    a_replayed_delivery_is_a_no_op,
    pushes_and_pull_requests_queue_scans_for_connected_workspaces_only,
    uninstalling_cancels_jobs_and_schedules_the_data_for_deletion,
    suspension_and_removed_repositories_stop_new_scans,
);

/// Without a webhook secret the endpoint is off.
#[tokio::test]
async fn off_without_a_webhook_secret() {
    let mut config = common::test_config();
    config.github.webhook_secret = None;
    let s = TestServer::sqlite_with(config).await;
    let body = push(HEAD).to_string();
    let signature = sign(body.as_bytes());
    let (status, _, _) = s
        .post_raw(
            "/webhooks/github",
            body.as_bytes(),
            &[
                ("x-github-event", "push"),
                ("x-github-delivery", "d1"),
                ("x-hub-signature-256", &signature),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
