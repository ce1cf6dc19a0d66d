//! Connecting a workspace to the GitHub App, against the fake GitHub, on both backends: the
//! installation id GitHub's redirect carries is linked only after GitHub confirms the user's
//! access; states work once and only for the session that asked; members cannot connect;
//! repositories are added only when GitHub confirms they belong to the installation;
//! disconnecting cuts the workspace's repositories off at once.

mod common;

use axum::http::StatusCode;
use common::{Auth, TestServer, User};
use ferret_github_fake::{FakeGithub, FakeInstallation};
use serde_json::{json, Value};
use std::sync::LazyLock;

const CLIENT_ID: &str = "Iv1.8a61f9b3a7aba766";
const CLIENT_SECRET: &str = "fake-client-secret";
static KEY_PEM: LazyLock<String> = LazyLock::new(ferret_github_fake::generate_app_key_pem);

struct Setup {
    s: TestServer,
    fake: FakeGithub,
    _dir: tempfile::TempDir,
}

async fn setup(postgres: bool) -> Option<Setup> {
    let key = ferret_github::AppKey::from_pem(&KEY_PEM).unwrap();
    let fake = FakeGithub::start(5725, CLIENT_ID, CLIENT_SECRET, key.public_key_der());
    for (id, login) in [(42, "octo-org"), (43, "other-org")] {
        fake.add_installation(FakeInstallation {
            id,
            account_login: login.into(),
            account_type: "Organization".into(),
            repositories: vec![(id * 100 + 1, format!("{login}/one"))],
            suspended: false,
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("app.pem");
    std::fs::write(&pem, KEY_PEM.as_bytes()).unwrap();
    let mut config = common::test_config();
    config.github.api_url = fake.url.clone();
    config.github.web_url = fake.url.clone();
    config.github.app_id = Some(5725);
    config.github.client_id = Some(CLIENT_ID.into());
    config.github.client_secret = Some(ferret_server::config::Secret::new(CLIENT_SECRET.into()));
    config.github.app_slug = Some("ferret-scan".into());
    config.github.private_key_file = Some(pem);
    let s = if postgres {
        TestServer::postgres_with(config).await?
    } else {
        TestServer::sqlite_with(config).await
    };
    Some(Setup { s, fake, _dir: dir })
}

/// Starts a connect request; returns the state from the install URL.
async fn start(s: &TestServer, user: &User, ws: &str) -> String {
    let (status, body, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/github/connect"),
            &user.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["install_url"].as_str().unwrap();
    assert!(
        url.contains("/apps/ferret-scan/installations/new?state="),
        "{url}"
    );
    url.split("state=").nth(1).unwrap().to_string()
}

async fn finish(
    s: &TestServer,
    auth: &Auth,
    installation: i64,
    code: &str,
    state: &str,
) -> (StatusCode, Value) {
    let path = format!(
        "/api/github/setup?installation_id={installation}&setup_action=install&code={code}&state={state}"
    );
    let (status, body, _) = s.call("GET", &path, auth, None).await;
    (status, body)
}

async fn connections(s: &TestServer, user: &User, ws: &str) -> Vec<i64> {
    let (status, body, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/github/installations"),
            &user.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["installation_id"].as_i64().unwrap())
        .collect()
}

/// A dashboard page as `user`'s browser gets it.
async fn dashboard_page(s: &TestServer, user: &User, path: &str) -> (StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let Auth::Session { cookie, .. } = &user.session else {
        unreachable!("test users sign in")
    };
    let request = axum::http::Request::get(path)
        .header("cookie", format!("ferret_session={cookie}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = s.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn connect_flow(postgres: bool) {
    let Some(Setup { s, fake, .. }) = setup(postgres).await else {
        return;
    };
    let owner = s.signup("owner@example.com").await;
    let team = s.team(&owner, "Team").await;

    // The owner connects installation 42, which GitHub says they can access.
    let state = start(&s, &owner, &team).await;
    let code = fake.user_with_access("owner", &[42]);
    let (status, body) = finish(&s, &owner.session, 42, &code, &state).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["installation_id"], 42);
    assert_eq!(body["account"], "octo-org");
    assert_eq!(connections(&s, &owner, &team).await, [42]);
    // The personal workspace is untouched.
    assert!(connections(&s, &owner, &owner.personal).await.is_empty());

    // The same state again: refused, whatever the code.
    let code = fake.user_with_access("owner", &[42, 43]);
    let (status, _) = finish(&s, &owner.session, 43, &code, &state).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a state works once");

    // A forged installation id: the user cannot access 43, so it is not linked.
    let state = start(&s, &owner, &team).await;
    let code = fake.user_with_access("owner", &[42]);
    let (status, body) = finish(&s, &owner.session, 43, &code, &state).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(connections(&s, &owner, &team).await, [42]);

    // A state started by someone else's session is refused (and used up).
    let mallory = s.signup("mallory@example.com").await;
    let theirs = s.team(&mallory, "Mallory").await;
    let state = start(&s, &owner, &team).await;
    let code = fake.user_with_access("mallory", &[43]);
    let (status, _) = finish(&s, &mallory.session, 43, &code, &state).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(connections(&s, &owner, &team).await, [42]);
    assert!(connections(&s, &mallory, &theirs).await.is_empty());
    // A made-up state, or no code at all.
    let (status, _) = finish(&s, &owner.session, 42, "x", "made-up").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Members may look but not connect or disconnect.
    let member = s.signup("member@example.com").await;
    s.join(&owner, &team, &member, "member").await;
    let (status, _, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{team}/github/connect"),
            &member.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(connections(&s, &member, &team).await, [42]);
    let (status, _, _) = s
        .call(
            "DELETE",
            &format!("/api/workspaces/{team}/github/installations/42"),
            &member.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The installation's repositories as GitHub lists them, to choose from (admins only).
    let listing = format!("/api/workspaces/{team}/github/installations/42/repositories");
    let (status, body, _) = s.call("GET", &listing, &owner.session, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&"octo-org/one"), "{body}");
    assert!(!listed.contains(&"other-org/one"), "{body}");
    let (status, _, _) = s.call("GET", &listing, &member.session, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{team}/github/installations/43/repositories"),
            &owner.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not connected here");
    // The dashboard shows the connected account and, to owners, the repositories to add.
    let (status, page) = dashboard_page(&s, &owner, &format!("/w/{team}/repositories")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Connected GitHub accounts") && page.contains("octo-org"));
    let (status, page) =
        dashboard_page(&s, &owner, &format!("/w/{team}/github/installations/42")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("octo-org/one") && page.contains("/github/repositories\""));
    let (status, _) =
        dashboard_page(&s, &member, &format!("/w/{team}/github/installations/42")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Repositories: only those GitHub confirms are in the installation.
    let add = |repo: i64, name: &str| {
        json!({"installation_id": 42, "github_repo_id": repo, "full_name": name,
               "default_branch": "main"})
    };
    let path = format!("/api/workspaces/{team}/github/repositories");
    let (status, body, _) = s
        .call(
            "POST",
            &path,
            &owner.session,
            Some(add(4201, "octo-org/one")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let repository = body["id"].as_str().unwrap().to_string();
    let (status, _, _) = s
        .call(
            "POST",
            &path,
            &owner.session,
            Some(add(4301, "other-org/one")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not in installation 42");
    let (status, _, _) = s
        .call(
            "POST",
            &path,
            &member.session,
            Some(add(4201, "octo-org/one")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The tokens minted for the checks were narrowed to the one repository; the listing's
    // could read metadata and nothing else.
    assert!(fake.issued_tokens().iter().all(|(_, t)| {
        let metadata_only = t.permissions.len() == 1
            && t.permissions.get("metadata").map(String::as_str) == Some("read");
        metadata_only || (t.repository_ids.len() == 1 && t.permissions.len() == 1)
    }));

    // Disconnecting cuts the repository off and schedules its data for deletion.
    let (status, _, _) = s
        .call(
            "DELETE",
            &format!("/api/workspaces/{team}/github/installations/42"),
            &owner.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(connections(&s, &owner, &team).await.is_empty());
    let cut_off = s
        .count(&format!(
            "SELECT COUNT(*) FROM repositories WHERE id = '{repository}' \
             AND github_installation_id IS NULL AND delete_after IS NOT NULL"
        ))
        .await;
    assert_eq!(cut_off, 1);
    // Every state was used up, whether the request succeeded or not.
    assert_eq!(
        s.count("SELECT COUNT(*) FROM github_connect_states").await,
        0
    );
    // No installation or user token reached the audit log.
    let audit: Vec<(String,)> = sqlx::query_as("SELECT details FROM audit_log")
        .fetch_all(s.state.db.pool())
        .await
        .unwrap();
    for (token, _) in fake.issued_tokens() {
        assert!(audit.iter().all(|(d,)| !d.contains(&token)));
    }
    assert!(audit
        .iter()
        .all(|(d,)| !d.contains("ghu_") && !d.contains("ghs_")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_flow_on_sqlite() {
    connect_flow(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_flow_on_postgres() {
    connect_flow(true).await;
}

/// Without an App the endpoints say so.
#[tokio::test]
async fn without_an_app_connecting_is_a_conflict() {
    let s = TestServer::sqlite_with(common::test_config()).await;
    let owner = s.signup("owner@example.com").await;
    let team = s.team(&owner, "Team").await;
    let (status, body, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{team}/github/connect"),
            &owner.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}
