//! "Deleted means deleted": after a repository and then an account are deleted, nothing of
//! them — the email, the repository name, the uploaded paths and snippets — can be recovered
//! from the SQLite files (the database, its write-ahead log and its shared-memory index),
//! neither from live rows nor from freed pages. (PostgreSQL's own storage is the operator's:
//! see the README on retention.) Also: repository URLs never carry credentials, and
//! integration URLs (webhooks are credentials) are sealed at rest and never read back.

use axum::http::StatusCode;
use serde_json::json;

mod common;

use common::{finding, Auth, TestServer};

const EMAIL: &str = "zq-gone-owner-7731@corp.test";
const REPOSITORY: &str = "zq-gone-repo-5521";
const PATH: &str = "zq/gone/path-8812/settings.env";
const SNIPPET: &str = "ZQGONESNIPPET = abcd*****";

fn files_mentioning(dir: &std::path::Path, markers: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        for marker in markers {
            if bytes.windows(marker.len()).any(|w| w == marker.as_bytes()) {
                hits.push(format!("{} holds {marker}", entry.path().display()));
            }
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_repositories_and_accounts_leave_nothing_in_the_sqlite_files() {
    let s = TestServer::sqlite_with(common::test_config()).await;
    let data_dir = s.state.config.data_dir.clone();
    let owner = s.signup(EMAIL).await;
    let ws = s.team(&owner, "Gone team").await;
    let repo = s.repository(&owner, &ws, REPOSITORY).await;
    let token = s.token(&owner, &ws, &["scans:write"]).await;
    let mut upload = finding(
        "generic-secret-assignment",
        &"a".repeat(64),
        PATH,
        3,
        "high",
    );
    upload["snippet"] = json!(SNIPPET);
    let (status, body, _) = s
        .call(
            "POST",
            "/api/scans",
            &Auth::Token(token),
            Some(json!({"repository": REPOSITORY, "branch": "main", "findings": [upload]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // While they exist, the markers are in the files (the check below can see them).
    let markers = [EMAIL, REPOSITORY, "path-8812", "ZQGONESNIPPET"];
    assert!(!files_mentioning(&data_dir, &markers).is_empty());

    let (status, body, _) = s
        .call(
            "DELETE",
            &format!("/api/workspaces/{ws}/repositories/{repo}"),
            &owner.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let left = files_mentioning(&data_dir, &[REPOSITORY, "path-8812", "ZQGONESNIPPET"]);
    assert!(left.is_empty(), "after deleting the repository: {left:?}");

    let (status, body, _) = s
        .call(
            "DELETE",
            "/api/account",
            &owner.session,
            Some(json!({"password": "correct horse battery staple"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let left = files_mentioning(&data_dir, &markers);
    assert!(left.is_empty(), "after deleting the account: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_signup_does_not_write_the_typed_email_to_the_audit_log() {
    let s = TestServer::sqlite_with(common::test_config()).await;
    s.signup(EMAIL).await;
    let (status, _, _) = s
        .call(
            "POST",
            "/api/auth/signup",
            &Auth::None,
            Some(json!({"email": EMAIL, "password": "another long password 1"})),
        )
        .await;
    assert!(status.is_success(), "{status}");
    let entries = s
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE details LIKE '%{EMAIL}%'"
        ))
        .await;
    assert_eq!(entries, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repository_urls_carrying_credentials_are_refused() {
    let s = TestServer::sqlite_with(common::test_config()).await;
    let owner = s.signup("urls@corp.test").await;
    let ws = s.team(&owner, "Urls").await;
    let path = format!("/api/workspaces/{ws}/repositories");
    for (i, url) in [
        "https://ci:hunter2@git.acme.io/org/app.git",
        "https://git.acme.io/org/app.git?access_token=ghp_x1y2z3",
        "https://gitlab.acme.io/api/v4/projects/7/repository/archive?private_token=glpat-abc",
        "https://dev.acme.io/repo?sig=abc&se=2030-01-01",
    ]
    .iter()
    .enumerate()
    {
        let (status, body, _) = s
            .call(
                "POST",
                &path,
                &owner.session,
                Some(json!({"name": format!("r{i}"), "url": url})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {body}");
    }
    let (status, body, _) = s
        .call(
            "POST",
            &path,
            &owner.session,
            Some(json!({"name": "ok", "url": "https://git.acme.io/org/app.git?ref=main"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn integration_urls_are_sealed_and_never_read_back(s: TestServer) {
    let owner = s.signup("hooks@corp.test").await;
    let ws = s.team(&owner, "Hooks").await;
    let secret_url = "https://hooks.slack.com/services/T0ZQ/B0ZQ/ZQSEALEDSECRET77";
    let (status, created, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/integrations"),
            &owner.session,
            Some(json!({"kind": "slack", "name": "alerts", "url": secret_url})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["url"], "https://hooks.slack.com/*****");
    let id = created["id"].as_str().unwrap().to_string();
    let (_, listed, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/integrations"),
            &owner.session,
            None,
        )
        .await;
    assert!(!listed.to_string().contains("ZQSEALEDSECRET77"), "{listed}");
    assert_eq!(listed["items"][0]["url"], "https://hooks.slack.com/*****");
    // Not in the database in clear either.
    assert_eq!(
        s.count("SELECT COUNT(*) FROM integrations WHERE url LIKE '%ZQSEALED%' OR url LIKE '%hooks.slack%'")
            .await,
        0
    );
    // Admins replace it; the new value is sealed too.
    let (status, body, _) = s
        .call(
            "PUT",
            &format!("/api/workspaces/{ws}/integrations/{id}"),
            &owner.session,
            Some(json!({"url": "https://hooks.example.org/ZQREPLACED"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, listed, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/integrations"),
            &owner.session,
            None,
        )
        .await;
    assert_eq!(listed["items"][0]["url"], "https://hooks.example.org/*****");
    assert_eq!(
        s.count("SELECT COUNT(*) FROM integrations WHERE url LIKE '%ZQREPLACED%'")
            .await,
        0
    );
}

backends!(integration_urls_are_sealed_and_never_read_back);
