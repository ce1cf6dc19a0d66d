//! Hosted scans end to end, against a real `ferret serve` (SQLite, so its embedded worker
//! scans) and the fake GitHub on loopback serving a real repository over git's smart HTTP:
//! connect a workspace, add a repository, push → webhook → job → installation token narrowed
//! to the repository → sandboxed clone and scan → findings stored redacted → check run on the
//! commit. Neither the installation token nor the repository's secret is left in the data
//! directory or the server's log; after an uninstall, pushes start nothing.

mod common;

use common::server::{all_bytes_under, call, contains, start_with};
use ferret_github_fake::{FakeGithub, FakeInstallation};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::{Duration, Instant};

const CLIENT_ID: &str = "Iv1.8a61f9b3a7aba766";
const CLIENT_SECRET: &str = "fake-client-secret";
const WEBHOOK_SECRET: &str = "It's a Secret to Everybody";
const REPO: i64 = 4201;

fn sign(body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn deliver(url: &str, event: &str, delivery: &str, payload: &Value) -> (u16, Value) {
    let body = payload.to_string();
    let signature = sign(&body);
    let mut response = common::server::agent()
        .post(&format!("{url}/webhooks/github"))
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery)
        .header("x-hub-signature-256", &signature)
        .send(body.as_bytes())
        .unwrap();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (
        response.status().as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn push(commit: &str) -> Value {
    json!({
        "ref": "refs/heads/main", "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        "after": commit, "created": false, "deleted": false, "forced": false,
        "repository": {"id": REPO, "name": "one", "full_name": "octo-org/one", "private": true,
                       "default_branch": "main", "owner": {"login": "octo-org", "type": "Organization"}},
        "installation": {"id": 42},
        "sender": {"login": "octocat", "id": 583231, "type": "User"}
    })
}

#[test]
fn a_push_is_scanned_in_the_sandbox_and_reported_as_a_check_run() {
    let scratch = tempfile::tempdir().unwrap();
    // The repository, with a leaked token, served over smart HTTP by the fake GitHub.
    let work = scratch.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let leaked = common::github_token();
    std::fs::write(work.join("config.py"), format!("TOKEN = \"{leaked}\"\n")).unwrap();
    common::git(&work, &["init", "-q", "-b", "main"]);
    common::git(&work, &["add", "."]);
    common::git(&work, &["commit", "-q", "-m", "add config"]);
    let commit = common::git(&work, &["rev-parse", "HEAD"]);
    let git_root = scratch.path().join("git");
    std::fs::create_dir_all(git_root.join("octo-org")).unwrap();
    common::git(
        scratch.path(),
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().unwrap(),
            git_root.join("octo-org/one.git").to_str().unwrap(),
        ],
    );

    let key_pem = ferret_github_fake::generate_app_key_pem();
    let key = ferret_github::AppKey::from_pem(&key_pem).unwrap();
    let fake = FakeGithub::start(5725, CLIENT_ID, CLIENT_SECRET, key.public_key_der());
    fake.add_installation(FakeInstallation {
        id: 42,
        account_login: "octo-org".into(),
        account_type: "Organization".into(),
        repositories: vec![(REPO, "octo-org/one".into()), (4202, "octo-org/two".into())],
        suspended: false,
    });
    fake.serve_git_from(&git_root);
    let pem = scratch.path().join("app.pem");
    std::fs::write(&pem, &key_pem).unwrap();

    let data = scratch.path().join("data");
    let log = scratch.path().join("server.log");
    let server = start_with(
        &data,
        &log,
        &[
            ("FERRET_GITHUB_API_URL", &fake.url),
            ("FERRET_GITHUB_WEB_URL", &fake.url),
            ("FERRET_GITHUB_APP_ID", "5725"),
            ("FERRET_GITHUB_CLIENT_ID", CLIENT_ID),
            ("FERRET_GITHUB_CLIENT_SECRET", CLIENT_SECRET),
            ("FERRET_GITHUB_APP_SLUG", "ferret-scan"),
            ("FERRET_GITHUB_PRIVATE_KEY_FILE", pem.to_str().unwrap()),
            ("FERRET_GITHUB_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ],
    );
    let url = &server.url;

    // An owner with a team workspace connects installation 42 and adds octo-org/one.
    let creds = json!({"email": "owner@example.com", "password": "correct horse battery staple"});
    assert_eq!(
        call(
            &format!("{url}/api/auth/signup"),
            "POST",
            &[],
            Some(creds.clone())
        )
        .0,
        201
    );
    let (_, login, cookie) = call(&format!("{url}/api/auth/login"), "POST", &[], Some(creds));
    let cookie = cookie.unwrap();
    let csrf = login["csrf_token"].as_str().unwrap().to_string();
    let session = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let (status, team, _) = call(
        &format!("{url}/api/workspaces"),
        "POST",
        &session,
        Some(json!({"name": "Team"})),
    );
    assert_eq!(status, 201);
    let ws = team["id"].as_str().unwrap().to_string();
    let (status, started, _) = call(
        &format!("{url}/api/workspaces/{ws}/github/connect"),
        "POST",
        &session,
        Some(json!({})),
    );
    assert_eq!(status, 201, "{started}");
    let state = started["install_url"]
        .as_str()
        .unwrap()
        .split("state=")
        .nth(1)
        .unwrap()
        .to_string();
    let code = fake.user_with_access("owner", &[42]);
    let (status, connected, _) = call(
        &format!("{url}/api/github/setup?installation_id=42&setup_action=install&code={code}&state={state}"),
        "GET",
        &session,
        None,
    );
    assert_eq!(status, 200, "{connected}");
    let (status, repository, _) = call(
        &format!("{url}/api/workspaces/{ws}/github/repositories"),
        "POST",
        &session,
        Some(
            json!({"installation_id": 42, "github_repo_id": REPO, "full_name": "octo-org/one", "default_branch": "main"}),
        ),
    );
    assert_eq!(status, 201, "{repository}");

    // A push to main: the embedded worker scans it.
    let (status, reply) = deliver(url, "push", "push-1", &push(&commit));
    assert_eq!((status, reply["jobs"].as_i64()), (202, Some(1)), "{reply}");
    let deadline = Instant::now() + Duration::from_secs(90);
    let findings = loop {
        let (_, page, _) = call(
            &format!("{url}/api/workspaces/{ws}/findings"),
            "GET",
            &session,
            None,
        );
        if page["total"].as_i64().unwrap_or(0) > 0 && !fake.check_runs().is_empty() {
            break page;
        }
        assert!(
            Instant::now() < deadline,
            "no scan result; server log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let finding = &findings["items"][0];
    assert_eq!(finding["location"]["path"], "config.py");
    assert_eq!(finding["repository_id"], repository["id"]);
    assert!(
        !finding["snippet"].as_str().unwrap().contains(&leaked),
        "redacted"
    );

    // The check run on the pushed commit fails on the new high finding, with its annotation.
    let runs = fake.check_runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["head_sha"], commit.as_str());
    assert_eq!(runs[0]["conclusion"], "failure");
    let annotations = runs[0]["output"]["annotations"].as_array().unwrap();
    assert_eq!(annotations[0]["path"], "config.py");
    assert!(!runs[0].to_string().contains(&leaked));

    // The job's token: narrowed to the one repository, contents read and checks write; git
    // used it (as a header) and the check run was written with it.
    let tokens = fake.issued_tokens();
    assert!(tokens.iter().all(|(_, t)| t.repository_ids == [REPO]));
    assert!(tokens.iter().any(|(_, t)| t.permissions.len() == 2
        && t.permissions["contents"] == "read"
        && t.permissions["checks"] == "write"));
    let calls = fake.calls();
    assert!(calls
        .iter()
        .any(|c| c.path.starts_with("/octo-org/one.git/") && c.credential == "installation-token"));
    assert!(calls.iter().all(|c| c.credential != "invalid"), "{calls:?}");

    // No token value, and not the repository's secret, in anything the server wrote.
    let mut written = Vec::new();
    all_bytes_under(&data, &mut written);
    written.push(("server.log".into(), std::fs::read(&log).unwrap()));
    for (path, bytes) in &written {
        assert!(
            !contains(bytes, &leaked),
            "{path} holds the repository's secret"
        );
        for (token, _) in &tokens {
            assert!(
                !contains(bytes, token),
                "{path} holds an installation token"
            );
        }
        assert!(
            !contains(bytes, CLIENT_SECRET),
            "{path} holds the client secret"
        );
    }

    // The job's status and result, through the API.
    let jobs_url = format!("{url}/api/workspaces/{ws}/jobs");
    let (status, jobs, _) = call(&jobs_url, "GET", &session, None);
    assert_eq!(status, 200);
    let job = &jobs["items"][0];
    assert_eq!(job["status"], "succeeded", "{jobs}");
    assert_eq!(job["trigger"], "push");
    assert_eq!(job["commit"], commit.as_str());
    assert_eq!(job["new"], 1);
    assert!(job["scan_id"].is_string() && job["duration_secs"].is_i64());

    // A manual scan of the default branch, from the API.
    let repository_id = repository["id"].as_str().unwrap();
    let (status, queued, _) = call(
        &format!("{url}/api/workspaces/{ws}/repositories/{repository_id}/scan"),
        "POST",
        &session,
        Some(json!({})),
    );
    assert_eq!(status, 202, "{queued}");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let (_, jobs, _) = call(&jobs_url, "GET", &session, None);
        let manual = jobs["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["id"] == queued["job_id"])
            .cloned()
            .unwrap();
        if manual["status"] == "succeeded" {
            assert_eq!(manual["trigger"], "manual");
            assert_eq!(manual["new"], 0, "the finding is still open, not new");
            break;
        }
        assert!(
            manual["status"] == "queued" || manual["status"] == "running",
            "{manual}"
        );
        assert!(Instant::now() < deadline, "the manual scan did not finish");
        std::thread::sleep(Duration::from_millis(250));
    }
    // A pull request: only what its commits introduce is reported.
    common::git(&work, &["checkout", "-q", "-b", "changes"]);
    let stripe = common::stripe_key();
    std::fs::write(work.join("payments.py"), format!("STRIPE = \"{stripe}\"\n")).unwrap();
    common::git(&work, &["add", "."]);
    common::git(&work, &["commit", "-q", "-m", "add payments"]);
    let head = common::git(&work, &["rev-parse", "HEAD"]);
    common::git(
        &work,
        &[
            "push",
            "-q",
            git_root.join("octo-org/one.git").to_str().unwrap(),
            "changes",
        ],
    );
    let pull_request = json!({
        "action": "opened", "number": 7,
        "pull_request": {"number": 7, "state": "open",
            "head": {"ref": "changes", "sha": head, "repo": {"id": REPO, "full_name": "octo-org/one"}},
            "base": {"ref": "main", "sha": commit, "repo": {"id": REPO, "full_name": "octo-org/one"}}},
        "repository": {"id": REPO, "name": "one", "full_name": "octo-org/one", "default_branch": "main"},
        "installation": {"id": 42},
        "sender": {"login": "octocat", "id": 583231, "type": "User"}
    });
    let (status, reply) = deliver(url, "pull_request", "pr-7", &pull_request);
    assert_eq!((status, reply["jobs"].as_i64()), (202, Some(1)), "{reply}");
    let deadline = Instant::now() + Duration::from_secs(90);
    let run = loop {
        if let Some(run) = fake
            .check_runs()
            .into_iter()
            .find(|r| r["head_sha"] == head.as_str())
        {
            break run;
        }
        assert!(
            Instant::now() < deadline,
            "no check run for the pull request; server log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert_eq!(run["conclusion"], "failure");
    let paths: Vec<&str> = run["output"]["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| *p == "payments.py"),
        "{paths:?}"
    );
    assert!(!run.to_string().contains(&stripe));
    let tokens = fake.issued_tokens();

    // Uninstalled in GitHub: later pushes start nothing, and the tokens are dead.
    let (status, _) = deliver(
        url,
        "installation",
        "uninstall",
        &json!({"action": "deleted", "installation": {"id": 42, "account": {"login": "octo-org", "type": "Organization"}},
                "sender": {"login": "octocat", "id": 583231, "type": "User"}}),
    );
    assert_eq!(status, 202);
    fake.uninstall(42);
    assert!(tokens
        .iter()
        .all(|(token, _)| !fake.token_allows(token, REPO)));
    let (_, reply) = deliver(
        url,
        "push",
        "push-2",
        &push("1111111111111111111111111111111111111111"),
    );
    assert_eq!(reply["jobs"].as_i64(), Some(0));
}
