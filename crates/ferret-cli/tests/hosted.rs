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
use std::process::{Command, Stdio};
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

/// A running `ferret serve` connected to the fake GitHub: an owner's team workspace with
/// installation 42 connected and octo-org/one (a pushed commit holding a GitHub token) added.
struct Hosted {
    scratch: tempfile::TempDir,
    work: std::path::PathBuf,
    git_root: std::path::PathBuf,
    fake: FakeGithub,
    server: Option<common::server::Server>,
    data: std::path::PathBuf,
    log: std::path::PathBuf,
    env: Vec<(String, String)>,
    session: [(String, String); 2],
    ws: String,
    repository: Value,
    commit: String,
    leaked: String,
}

impl Hosted {
    fn url(&self) -> String {
        self.server.as_ref().expect("running").url.clone()
    }

    /// Commits the work tree on `branch` and pushes it to octo-org/one; returns the commit.
    fn commit_and_push(&self, branch: &str, message: &str) -> String {
        commit_and_push(&self.work, &self.git_root, branch, message)
    }

    fn session(&self) -> [(&str, &str); 2] {
        [
            (self.session[0].0.as_str(), self.session[0].1.as_str()),
            (self.session[1].0.as_str(), self.session[1].1.as_str()),
        ]
    }
}

fn commit_and_push(
    work: &std::path::Path,
    git_root: &std::path::Path,
    branch: &str,
    message: &str,
) -> String {
    common::git(work, &["add", "."]);
    common::git(work, &["commit", "-q", "-m", message]);
    let bare = git_root.join("octo-org/one.git");
    common::git(work, &["push", "-q", bare.to_str().unwrap(), branch]);
    common::git(work, &["rev-parse", "HEAD"])
}

fn serve(
    data: &std::path::Path,
    log: &std::path::Path,
    env: &[(String, String)],
) -> common::server::Server {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    start_with(data, log, &env)
}

fn hosted(extra_env: &[(&str, &str)]) -> Hosted {
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
    let mut env: Vec<(String, String)> = [
        ("FERRET_GITHUB_API_URL", fake.url.as_str()),
        ("FERRET_GITHUB_WEB_URL", fake.url.as_str()),
        ("FERRET_GITHUB_APP_ID", "5725"),
        ("FERRET_GITHUB_CLIENT_ID", CLIENT_ID),
        ("FERRET_GITHUB_CLIENT_SECRET", CLIENT_SECRET),
        ("FERRET_GITHUB_APP_SLUG", "ferret-scan"),
        ("FERRET_GITHUB_PRIVATE_KEY_FILE", pem.to_str().unwrap()),
        ("FERRET_GITHUB_WEBHOOK_SECRET", WEBHOOK_SECRET),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    env.extend(
        extra_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let server = serve(&data, &log, &env);
    let url = &server.url.clone();

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
    let session_owned = [
        ("cookie".to_string(), cookie.clone()),
        ("x-csrf-token".to_string(), csrf.clone()),
    ];
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
    let server = Some(server);
    Hosted {
        scratch,
        work,
        git_root,
        fake,
        server,
        data,
        log,
        env,
        session: session_owned,
        ws,
        repository,
        commit,
        leaked,
    }
}

#[test]
fn a_push_is_scanned_in_the_sandbox_and_reported_as_a_check_run() {
    let h = hosted(&[]);
    let Hosted {
        fake,
        data,
        log,
        ws,
        repository,
        commit,
        leaked,
        work,
        git_root,
        ..
    } = &h;
    let url = &h.url();
    let session = h.session();

    // A push to main: the embedded worker scans it.
    let (status, reply) = deliver(url, "push", "push-1", &push(commit));
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
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let finding = &findings["items"][0];
    assert_eq!(finding["location"]["path"], "config.py");
    assert_eq!(finding["repository_id"], repository["id"]);
    assert!(
        !finding["snippet"]
            .as_str()
            .unwrap()
            .contains(leaked.as_str()),
        "redacted"
    );

    // The check run on the pushed commit fails on the new high finding, with its annotation.
    let runs = fake.check_runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["head_sha"], commit.as_str());
    assert_eq!(runs[0]["conclusion"], "failure");
    let annotations = runs[0]["output"]["annotations"].as_array().unwrap();
    assert_eq!(annotations[0]["path"], "config.py");
    assert!(!runs[0].to_string().contains(leaked.as_str()));

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
    all_bytes_under(data, &mut written);
    written.push(("server.log".into(), std::fs::read(log).unwrap()));
    for (path, bytes) in &written {
        assert!(
            !contains(bytes, leaked),
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
    // The workspace's policy decides the conclusion: `never` only reports.
    let settings_url = format!("{url}/api/workspaces/{ws}");
    let (status, _, _) = call(
        &settings_url,
        "PATCH",
        &session,
        Some(json!({"check_policy": "sometimes"})),
    );
    assert_eq!(status, 400);
    let (status, updated, _) = call(
        &settings_url,
        "PATCH",
        &session,
        Some(json!({"check_policy": "never"})),
    );
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["check_policy"], "never");
    assert_eq!(updated["name"], "Team", "the name is kept");

    // A pull request: only what its commits introduce is reported.
    common::git(work, &["checkout", "-q", "-b", "changes"]);
    let stripe = common::stripe_key();
    std::fs::write(work.join("payments.py"), format!("STRIPE = \"{stripe}\"\n")).unwrap();
    let head = commit_and_push(work, git_root, "changes", "add payments");
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
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert_eq!(run["conclusion"], "neutral", "the workspace's policy");
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

/// Pids of sandboxed scan workers started with `marker` in their environment.
fn sandbox_workers(marker: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if contains(&cmdline, "__sandbox-scan") && contains(&environ, marker) {
            pids.push(pid);
        }
    }
    pids
}

fn wait_for(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_worker_killed_mid_scan_leaves_nothing_behind_and_the_job_is_retried() {
    let marker = "FERRET_TEST_HOLD_AFTER_CLONE_MS=20000";
    let tmp = tempfile::tempdir().unwrap();
    let tmp_path = tmp.path().to_str().unwrap().to_string();
    let mut h = hosted(&[
        ("FERRET_WORKER_LEASE_SECS", "3"),
        ("FERRET_TEST_HOLD_AFTER_CLONE_MS", "20000"),
        ("TMPDIR", &tmp_path),
    ]);
    // A clone big enough to see in shared memory (the sandbox's workspace is a tmpfs).
    let mut state = 0x2545_F491_4F6C_DD1D;
    for i in 0..4 {
        let text = common::pseudo_random_text(1 << 20, &mut state);
        std::fs::write(h.work.join(format!("assets{i}.txt")), text).unwrap();
    }
    let head = h.commit_and_push("main", "add assets");
    let shmem_before = common::shmem_kib();
    let (status, reply) = deliver(&h.url(), "push", "push-kill", &push(&head));
    assert_eq!((status, reply["jobs"].as_i64()), (202, Some(1)), "{reply}");
    // The sandboxed worker has cloned and is holding the clone: kill -9 the whole server.
    wait_for(Duration::from_secs(60), "the clone", || {
        h.fake
            .calls()
            .iter()
            .any(|c| c.path.ends_with("git-upload-pack") && c.method == "POST")
            && !sandbox_workers(marker).is_empty()
    });
    // The clone lands in the workspace's tmpfs, so shared memory grows by its size.
    let mut shmem_during = 0;
    wait_for(
        Duration::from_secs(60),
        "the clone in shared memory",
        || {
            shmem_during = common::shmem_kib();
            shmem_during >= shmem_before + 2048
        },
    );
    let server_pid = h.server.as_ref().expect("running").pid();
    assert!(
        !common::sandbox_mounts(server_pid).is_empty(),
        "the workspace is mounted while the sandbox holds the clone"
    );
    h.server = None; // Drop sends SIGKILL.
    wait_for(
        Duration::from_secs(15),
        "the sandbox to die with the server",
        || sandbox_workers(marker).is_empty(),
    );
    wait_for(Duration::from_secs(10), "the workspace's unmount", || {
        common::sandbox_mounts(server_pid).is_empty()
    });
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
    // The clone's pages (pack and checkout, about 6 MiB) are given back. Other tests use
    // shared memory too, so wait for the drop rather than sampling once.
    wait_for(
        Duration::from_secs(20),
        "shared memory to be released",
        || common::shmem_kib() + 2048 <= shmem_during,
    );
    assert!(
        fake_findings_absent(&h),
        "nothing was stored for the killed attempt"
    );

    // A new server (without the hold) retries the job once its lease has run out.
    let env: Vec<(String, String)> = h
        .env
        .iter()
        .filter(|(k, _)| k != "FERRET_TEST_HOLD_AFTER_CLONE_MS")
        .cloned()
        .collect();
    let log = h.scratch.path().join("restarted.log");
    h.server = Some(serve(&h.data, &log, &env));
    let url = h.url();
    let session = h.session();
    let jobs_url = format!("{url}/api/workspaces/{}/jobs", h.ws);
    let mut last = Value::Null;
    wait_for(Duration::from_secs(90), "the retried job", || {
        let (_, jobs, _) = call(&jobs_url, "GET", &session, None);
        last = jobs["items"][0].clone();
        last["status"] == "succeeded"
    });
    assert_eq!(last["attempts"], 2, "{last}");
    assert_eq!(last["new"], 1);
    assert_eq!(h.fake.check_runs().len(), 1, "reported once");
}

/// No finding was stored yet (read straight from the SQLite files while no server runs).
fn fake_findings_absent(h: &Hosted) -> bool {
    let mut written = Vec::new();
    all_bytes_under(&h.data, &mut written);
    written
        .iter()
        .all(|(_, bytes)| !contains(bytes, "config.py"))
}

/// The canary: a repository whose every file holds a unique marker, scanned three times
/// through the hosted path. No marker (the code) and no installation token reaches the
/// database, the server's log, the worker's temporary space, or any process's command line.
#[test]
fn the_canary_leaves_no_code_and_no_token_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let tmp_path = tmp.path().to_str().unwrap().to_string();
    let h = hosted(&[("TMPDIR", &tmp_path)]);
    let url = h.url();
    let session = h.session();
    // Every file gets its own marker, on lines of their own (away from any finding's line).
    let nonce = format!("{:x}", std::process::id() as u64 * 7919 + 17);
    let mut markers = Vec::new();
    for (i, path) in [
        "README.md",
        "src/main.py",
        "deploy/app.yml",
        "docs/guide.txt",
        "notes",
    ]
    .iter()
    .enumerate()
    {
        let marker = format!("CANARYCODE{nonce}X{i}");
        let file = h.work.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, format!("first line\n{marker}\nlast line\n")).unwrap();
        markers.push(marker);
    }
    common::git(&h.work, &["checkout", "-q", "main"]);
    let head = h.commit_and_push("main", "canary");

    // Watch every process's command line while the scans run.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut seen = std::collections::BTreeSet::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for entry in std::fs::read_dir("/proc").unwrap().flatten() {
                    if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
                        seen.insert(cmdline);
                    }
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            seen
        })
    };
    let jobs_url = format!("{url}/api/workspaces/{}/jobs", h.ws);
    for round in 0..3 {
        let (status, _) = deliver(&url, "push", &format!("canary-{round}"), &push(&head));
        assert_eq!(status, 202);
        wait_for(Duration::from_secs(90), "the canary scan", || {
            let (_, jobs, _) = call(&jobs_url, "GET", &session, None);
            jobs["items"].as_array().is_some_and(|items| {
                items.len() == round + 1 && items.iter().all(|j| j["status"] == "succeeded")
            })
        });
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let cmdlines = watcher.join().unwrap();
    assert!(
        cmdlines.iter().any(|c| contains(c, "__sandbox-scan")),
        "the watcher saw the scans"
    );

    let tokens: Vec<String> = h.fake.issued_tokens().into_iter().map(|(t, _)| t).collect();
    assert!(tokens.len() >= 4, "a token per scan");
    let mut written = Vec::new();
    all_bytes_under(&h.data, &mut written);
    all_bytes_under(tmp.path(), &mut written);
    written.push(("server.log".into(), std::fs::read(&h.log).unwrap()));
    for (i, cmdline) in cmdlines.iter().enumerate() {
        written.push((format!("a process's command line #{i}"), cmdline.clone()));
    }
    for (place, bytes) in &written {
        for marker in &markers {
            assert!(!contains(bytes, marker), "{place} holds code ({marker})");
        }
        for token in &tokens {
            assert!(
                !contains(bytes, token),
                "{place} holds an installation token"
            );
        }
        assert!(
            !contains(bytes, &h.leaked),
            "{place} holds the repository's secret"
        );
    }
}

/// Makes `octo-org/NAME` (a copy of octo-org/one, GitHub id `github_id`) part of installation
/// 42, with every id from 4202 up to it, and adds it to the workspace.
fn add_repository(h: &Hosted, github_id: i64, name: &str) {
    add_repository_from(h, github_id, name, &h.git_root.join("octo-org/one.git"));
}

/// Adds octo-org/`name` to the workspace, served from a bare copy of the git repository
/// `source` (its HEAD as the default branch, `main`).
fn add_repository_from(h: &Hosted, github_id: i64, name: &str, source: &std::path::Path) {
    let bare = h.git_root.join(format!("octo-org/{name}.git"));
    if !bare.exists() {
        common::git(
            h.scratch.path(),
            &[
                "clone",
                "-q",
                "--bare",
                source.to_str().unwrap(),
                bare.to_str().unwrap(),
            ],
        );
        common::git(&bare, &["branch", "-f", "main", "HEAD"]);
        common::git(&bare, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    }
    let mut repositories = vec![(REPO, "octo-org/one".to_string())];
    repositories.extend((4202..=github_id).map(|id| (id, format!("octo-org/r{id}"))));
    h.fake.add_installation(FakeInstallation {
        id: 42,
        account_login: "octo-org".into(),
        account_type: "Organization".into(),
        repositories,
        suspended: false,
    });
    let (status, body, _) = call(
        &format!("{}/api/workspaces/{}/github/repositories", h.url(), h.ws),
        "POST",
        &h.session(),
        Some(json!({"installation_id": 42, "github_repo_id": github_id,
                    "full_name": format!("octo-org/{name}"), "default_branch": "main"})),
    );
    assert_eq!(status, 201, "{body}");
}

/// A push of `commit` to repository `github_id` (`octo-org/NAME`).
fn push_to(commit: &str, github_id: i64, name: &str) -> Value {
    let mut payload = push(commit);
    payload["repository"]["id"] = github_id.into();
    payload["repository"]["name"] = name.into();
    payload["repository"]["full_name"] = format!("octo-org/{name}").into();
    payload
}

/// A fresh PostgreSQL schema for one test (dropped when the guard goes), or `None` when no
/// server answers (a failure under `FERRET_REQUIRE_POSTGRES=1`).
struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    fn create() -> Option<PgSchema> {
        let base = std::env::var("FERRET_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let name = format!("ferret_hosted_{}", std::process::id());
        let created = Command::new("psql")
            .args(["-q", &base, "-c", &format!("CREATE SCHEMA {name}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !created {
            assert!(
                std::env::var("FERRET_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "PostgreSQL is required but not reachable at {base}"
            );
            return None;
        }
        Some(PgSchema { base, name })
    }

    fn url(&self) -> String {
        format!("{}?options=-c%20search_path%3D{}", self.base, self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                "-q",
                &self.base,
                "-c",
                &format!("DROP SCHEMA {} CASCADE", self.name),
            ])
            .output();
    }
}

/// Two `ferret worker` processes on one PostgreSQL share the queue: every push is scanned
/// exactly once (one attempt each, one check run per commit).
#[test]
fn two_workers_on_postgres_never_run_a_job_twice() {
    let Some(schema) = PgSchema::create() else {
        return;
    };
    let url_env = schema.url();
    let h = hosted(&[
        ("FERRET_DATABASE_URL", &url_env),
        ("FERRET_JOBS_PER_WORKSPACE", "4"),
        // Each scan takes a moment, so that both workers get work.
        ("FERRET_TEST_HOLD_AFTER_CLONE_MS", "2000"),
    ]);
    let mut workers: Vec<std::process::Child> = (0..2)
        .map(|i| {
            common::ferret()
                .args(["worker", "--data-dir"])
                .arg(&h.data)
                .envs(h.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .env("RUST_LOG", "info")
                .stdout(Stdio::null())
                .stderr(
                    std::fs::File::create(h.scratch.path().join(format!("worker{i}.log"))).unwrap(),
                )
                .spawn()
                .unwrap()
        })
        .collect();
    // Six commits, each pushed once.
    let mut commits = Vec::new();
    for i in 0..6 {
        std::fs::write(h.work.join(format!("file{i}.txt")), format!("change {i}\n")).unwrap();
        common::git(&h.work, &["add", "."]);
        common::git(&h.work, &["commit", "-q", "-m", &format!("change {i}")]);
        commits.push(common::git(&h.work, &["rev-parse", "HEAD"]));
    }
    add_repository(&h, 4202, "r4202");
    for name in ["one", "r4202"] {
        let bare = h.git_root.join(format!("octo-org/{name}.git"));
        common::git(
            &h.work,
            &["push", "-q", "-f", bare.to_str().unwrap(), "HEAD:main"],
        );
    }
    let url = h.url();
    // Alternately to two repositories (jobs of one repository run one at a time).
    for (i, commit) in commits.iter().enumerate() {
        let payload = if i % 2 == 0 {
            push(commit)
        } else {
            push_to(commit, 4202, "r4202")
        };
        let (status, _) = deliver(&url, "push", &format!("two-workers-{i}"), &payload);
        assert_eq!(status, 202);
    }
    let session = h.session();
    let jobs_url = format!("{url}/api/workspaces/{}/jobs", h.ws);
    let mut jobs = Value::Null;
    wait_for(Duration::from_secs(120), "six scans", || {
        jobs = call(&jobs_url, "GET", &session, None).1;
        jobs["items"].as_array().is_some_and(|items| {
            items.len() == 6 && items.iter().all(|j| j["status"] == "succeeded")
        })
    });
    for worker in &mut workers {
        let _ = worker.kill();
        let _ = worker.wait();
    }
    for job in jobs["items"].as_array().unwrap() {
        assert_eq!(job["attempts"], 1, "claimed once: {job}");
    }
    let mut reported: Vec<String> = h
        .fake
        .check_runs()
        .iter()
        .map(|r| r["head_sha"].as_str().unwrap().to_string())
        .collect();
    reported.sort();
    let mut expected = commits.clone();
    expected.sort();
    assert_eq!(reported, expected, "one check run per commit");
    // Both workers took part (six jobs, two workers, scans that take a moment each).
    let logs: Vec<String> = (0..2)
        .map(|i| {
            std::fs::read_to_string(h.scratch.path().join(format!("worker{i}.log")))
                .unwrap_or_default()
        })
        .collect();
    assert!(
        logs.iter().all(|log| log.contains("job finished")),
        "{logs:?}"
    );
}

/// The hosted-scan benchmark (`bash bench/hosted.sh`; ignored by the test suite): 200 queued
/// scans of a small repository through the whole hosted path, with 1, 2 and 4 `ferret worker`
/// processes on PostgreSQL. Prints jobs per minute, queue-to-done latency, worker peak RSS, and
/// where each job's time went (token, sandboxed clone and scan, ingest, check run). Asserts
/// only that every job succeeded.
#[test]
#[ignore = "a benchmark, run by bench/hosted.sh"]
fn hosted_scan_benchmark() {
    let jobs: usize = std::env::var("FERRET_BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let Some(schema) = PgSchema::create() else {
        panic!("the benchmark needs PostgreSQL");
    };
    let url_env = schema.url();
    let h = hosted(&[
        ("FERRET_DATABASE_URL", &url_env),
        ("FERRET_JOBS_PER_WORKSPACE", "8"),
    ]);
    let url = h.url();
    let psql = |sql: &str| -> String {
        let out = Command::new("psql")
            .args([
                "-qtA",
                "-F",
                "\t",
                &schema.base,
                "-c",
                &format!("SET search_path TO {}; {sql}", schema.name),
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // The repositories scanned: real ones given as FERRET_BENCH_REPOS (git directories,
    // separated by `:`), else nine copies of octo-org/one (2 files). Jobs of one repository
    // run one at a time, so the rounds spread over them.
    let sources: Vec<std::path::PathBuf> = std::env::var("FERRET_BENCH_REPOS")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    let mut repositories = Vec::new(); // (GitHub id, name, head, a checkout to scan directly)
    if sources.is_empty() {
        repositories.push((REPO, "one".to_string(), h.commit.clone(), h.work.clone()));
        for id in 4202..=4209 {
            add_repository(&h, id, &format!("r{id}"));
            repositories.push((id, format!("r{id}"), h.commit.clone(), h.work.clone()));
        }
    } else {
        for (id, source) in (4202..).zip(&sources) {
            let name = format!("r{id}");
            add_repository_from(&h, id, &name, source);
            let bare = h.git_root.join(format!("octo-org/{name}.git"));
            let head = common::git(&bare, &["rev-parse", "main"]);
            let checkout = h.scratch.path().join(format!("checkout-{name}"));
            common::git(
                h.scratch.path(),
                &[
                    "clone",
                    "-q",
                    "--depth",
                    "1",
                    &format!("file://{}", bare.display()),
                    checkout.to_str().unwrap(),
                ],
            );
            let files = common::git(&checkout, &["ls-files"]).lines().count();
            println!("octo-org/{name}: {} ({files} files)", source.display());
            repositories.push((id, name, head, checkout));
        }
    }
    println!(
        "hosted-scan benchmark: {jobs} scans over {} repositories per round",
        repositories.len()
    );
    for workers in [1usize, 2, 4] {
        psql("DELETE FROM jobs");
        let started = Instant::now();
        for i in 0..jobs {
            let (id, name, head, _) = &repositories[i % repositories.len()];
            let payload = push_to(head, *id, name);
            let (status, _) = deliver(&url, "push", &format!("bench-{workers}-{i}"), &payload);
            assert_eq!(status, 202);
        }
        let queued = started.elapsed();
        let mut children: Vec<std::process::Child> = (0..workers)
            .map(|_| {
                common::ferret()
                    .args(["worker", "--data-dir"])
                    .arg(&h.data)
                    .envs(h.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                    .env("RUST_LOG", "warn")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let begun = Instant::now();
        let mut peak_kib = vec![0u64; workers];
        loop {
            for (i, child) in children.iter().enumerate() {
                let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
                    .unwrap_or_default();
                let hwm = status
                    .lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                peak_kib[i] = peak_kib[i].max(hwm);
            }
            let done: usize =
                psql("SELECT COUNT(*) FROM jobs WHERE state IN ('done', 'dead', 'cancelled')")
                    .trim()
                    .parse()
                    .unwrap_or(0);
            if done >= jobs {
                break;
            }
            assert!(
                begun.elapsed() < Duration::from_secs(1800),
                "the round did not finish"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let wall = begun.elapsed();
        for child in &mut children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let failed = psql("SELECT COUNT(*) FROM jobs WHERE state <> 'done'");
        assert_eq!(failed.trim(), "0", "every job succeeded");
        // Queue-to-done latency in whole seconds (the job table's resolution), and timings.
        let rows = psql("SELECT finished_at - created_at, result FROM jobs");
        let mut latency: Vec<i64> = Vec::new();
        let mut timings: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
        for row in rows.lines().filter(|l| !l.is_empty()) {
            let (secs, result) = row.split_once('\t').unwrap();
            latency.push(secs.parse().unwrap());
            let result: Value = serde_json::from_str(result).unwrap();
            for (name, ms) in result["timings_ms"].as_object().unwrap() {
                timings
                    .entry(name.clone())
                    .or_default()
                    .push(ms.as_u64().unwrap());
            }
        }
        latency.sort();
        let pct = |v: &[i64], p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
        let mean = |v: &[u64]| v.iter().sum::<u64>() as f64 / v.len() as f64;
        let parts: Vec<String> = timings
            .iter()
            .map(|(k, v)| format!("{k} {:.0} ms", mean(v)))
            .collect();
        println!(
            "{workers} worker(s): {:.0} jobs/min (enqueue {:.1} s, drain {:.1} s); queue-to-done p50 {} s, p99 {} s; worker peak RSS {} MiB; per job (mean): {}",
            jobs as f64 / wall.as_secs_f64() * 60.0,
            queued.as_secs_f64(),
            wall.as_secs_f64(),
            pct(&latency, 0.5),
            pct(&latency, 0.99),
            peak_kib.iter().max().unwrap() / 1024,
            parts.join(", ")
        );
    }
    // The same files scanned directly (process start and rule compilation included, as in
    // the sandbox), for the scan's own share of the sandbox time: the mean over the
    // repositories, which the rounds use equally.
    let mut total = Duration::ZERO;
    for (_, _, _, checkout) in &repositories {
        let direct = Instant::now();
        let out = common::ferret()
            .args([
                "scan",
                "--no-progress",
                "--format",
                "json",
                "-o",
                "/dev/null",
            ])
            .arg(checkout)
            .output()
            .unwrap();
        assert!(out.status.code().is_some());
        total += direct.elapsed();
    }
    println!(
        "the same files scanned directly (no clone, no sandbox), mean per repository: {:.0} ms",
        total.as_secs_f64() * 1000.0 / repositories.len() as f64
    );
}

/// Uninstalled while a sandboxed scan holds the clone: the job is cancelled, the sandbox is
/// killed within seconds (long before the scan would end), nothing is kept (no finding, no
/// check run), and the installation's tokens are refused afterwards.
#[test]
fn an_uninstall_mid_scan_cancels_the_job_and_keeps_nothing() {
    let marker = "FERRET_TEST_HOLD_AFTER_CLONE_MS=60000";
    let h = hosted(&[("FERRET_TEST_HOLD_AFTER_CLONE_MS", "60000")]);
    let url = h.url();
    let (status, _) = deliver(&url, "push", "mid-scan", &push(&h.commit));
    assert_eq!(status, 202);
    wait_for(Duration::from_secs(60), "the clone", || {
        h.fake
            .calls()
            .iter()
            .any(|c| c.path.ends_with("git-upload-pack") && c.method == "POST")
            && !sandbox_workers(marker).is_empty()
    });
    // Uninstalled in GitHub while the scan runs.
    let (status, _) = deliver(
        &url,
        "installation",
        "mid-scan-uninstall",
        &json!({"action": "deleted", "installation": {"id": 42, "account": {"login": "octo-org", "type": "Organization"}},
                "sender": {"login": "octocat", "id": 583231, "type": "User"}}),
    );
    assert_eq!(status, 202);
    h.fake.uninstall(42);
    let session = h.session();
    let jobs_url = format!("{url}/api/workspaces/{}/jobs", h.ws);
    let cancelled_at = Instant::now();
    wait_for(Duration::from_secs(20), "the sandbox to be killed", || {
        sandbox_workers(marker).is_empty()
    });
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(20),
        "killed, not run to its end"
    );
    // Give the worker a moment to drop the result.
    std::thread::sleep(Duration::from_millis(500));
    let (_, jobs, _) = call(&jobs_url, "GET", &session, None);
    assert_eq!(jobs["items"][0]["status"], "cancelled", "{jobs}");
    let (_, findings, _) = call(
        &format!("{url}/api/workspaces/{}/findings", h.ws),
        "GET",
        &session,
        None,
    );
    assert_eq!(findings["total"], 0, "the cancelled scan stored nothing");
    assert!(h.fake.check_runs().is_empty(), "and reported nothing");
    for (token, _) in h.fake.issued_tokens() {
        assert!(!h.fake.token_allows(&token, REPO));
    }
}

/// A hosted scan's lockfiles are inventoried in the sandbox (which holds no advisory
/// database) and matched against the server's own OSV database; the findings are stored like
/// any other, on the lockfile line.
#[test]
fn a_hosted_scan_reports_vulnerable_dependencies_from_the_servers_database() {
    let osv = tempfile::tempdir().unwrap();
    let zip = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata/osv/crates.io-all.zip");
    let imported = common::ferret()
        .args(["db", "import", "--db"])
        .arg(osv.path())
        .arg(&zip)
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let h = hosted(&[("FERRET_OSV_DIR", osv.path().to_str().unwrap())]);
    std::fs::write(
        h.work.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .unwrap();
    h.commit_and_push("main", "add a lockfile");
    let url = h.url();
    let session = h.session();
    let repository_id = h.repository["id"].as_str().unwrap();
    let (status, queued, _) = call(
        &format!(
            "{url}/api/workspaces/{}/repositories/{repository_id}/scan",
            h.ws
        ),
        "POST",
        &session,
        Some(json!({})),
    );
    assert_eq!(status, 202, "{queued}");
    let deadline = Instant::now() + Duration::from_secs(90);
    let findings = loop {
        let (_, page, _) = call(
            &format!("{url}/api/workspaces/{}/findings?per_page=50", h.ws),
            "GET",
            &session,
            None,
        );
        let items = page["items"].as_array().cloned().unwrap_or_default();
        if items.iter().any(|f| f["location"]["path"] == "Cargo.lock") {
            break items;
        }
        assert!(
            Instant::now() < deadline,
            "no dependency finding; server log:\n{}",
            std::fs::read_to_string(&h.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let dependency = findings
        .iter()
        .find(|f| f["location"]["path"] == "Cargo.lock")
        .unwrap();
    assert_eq!(dependency["rule_id"], "RUSTSEC-2021-0003");
    assert_eq!(dependency["category"], "dependency");
    assert_eq!(dependency["location"]["start_line"], 3);
}
