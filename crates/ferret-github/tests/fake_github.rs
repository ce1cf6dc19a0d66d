//! The client against the fake GitHub: App JWTs accepted only when GitHub would accept them,
//! installation tokens narrowed to one repository and the permissions asked for, the OAuth
//! proof of access (codes work once), every page of a user's installations, and check runs
//! with their annotations sent 50 at a time.

use ferret_github::{AppKey, CheckRun, GithubClient, GithubError, Permission};
use ferret_github_fake::{FakeGithub, FakeInstallation};
use std::sync::LazyLock;

const CLIENT_ID: &str = "Iv1.8a61f9b3a7aba766";
const CLIENT_SECRET: &str = "fake-client-secret";

static KEY_PEM: LazyLock<String> = LazyLock::new(ferret_github_fake::generate_app_key_pem);

fn setup() -> (FakeGithub, GithubClient, AppKey) {
    let key = AppKey::from_pem(&KEY_PEM).unwrap();
    let fake = FakeGithub::start(5725, CLIENT_ID, CLIENT_SECRET, key.public_key_der());
    fake.add_installation(FakeInstallation {
        id: 42,
        account_login: "octo-org".into(),
        account_type: "Organization".into(),
        repositories: vec![(1, "octo-org/one".into()), (2, "octo-org/two".into())],
        suspended: false,
    });
    let client = GithubClient::new(&fake.url, &fake.url);
    (fake, client, key)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

const JOB: [Permission; 2] = [Permission::CONTENTS_READ, Permission::CHECKS_WRITE];

#[test]
fn installation_tokens_are_narrowed_to_one_repository() {
    let (fake, client, key) = setup();
    let token = client
        .installation_token(&key, CLIENT_ID, 42, 1, &JOB, now())
        .unwrap();
    assert!(!token.expires_at.is_empty());
    assert!(fake.token_allows(token.token.expose(), 1));
    assert!(
        !fake.token_allows(token.token.expose(), 2),
        "only the job's repository"
    );
    let issued = fake.issued_tokens();
    assert_eq!(issued.len(), 1);
    let permissions = &issued[0].1.permissions;
    assert_eq!(permissions.len(), 2);
    assert_eq!(permissions["contents"], "read");
    assert_eq!(permissions["checks"], "write");
    assert_eq!(fake.calls()[0].credential, "jwt");
    // The app id works as the issuer too.
    assert!(client
        .installation_token(&key, "5725", 42, 2, &JOB, now())
        .is_ok());
    // An installation that is gone, or a repository outside it, gets nothing.
    let missing = client.installation_token(&key, CLIENT_ID, 7, 1, &JOB, now());
    assert!(matches!(
        missing,
        Err(GithubError::Status { status: 404, .. })
    ));
    let outside = client.installation_token(&key, CLIENT_ID, 42, 3, &JOB, now());
    assert!(matches!(
        outside,
        Err(GithubError::Status { status: 422, .. })
    ));
    // Uninstalling kills the tokens already issued.
    fake.uninstall(42);
    assert!(!fake.token_allows(token.token.expose(), 1));
}

#[test]
fn jwts_github_would_refuse_are_refused() {
    let (fake, client, key) = setup();
    let other_key = AppKey::from_pem(&ferret_github_fake::generate_app_key_pem()).unwrap();
    for (key, issuer, at) in [
        (&other_key, CLIENT_ID, now()),    // signed by another key
        (&key, "Iv1.someone-else", now()), // another App
        (&key, CLIENT_ID, now() - 3600),   // expired an hour ago
    ] {
        let result = client.installation_token(key, issuer, 42, 1, &JOB, at);
        assert!(
            matches!(result, Err(GithubError::Status { status: 401, .. })),
            "{result:?}"
        );
    }
    assert!(fake.issued_tokens().is_empty());
    assert!(fake.calls().iter().all(|c| c.credential == "invalid"));
}

#[test]
fn the_oauth_proof_lists_only_what_the_user_can_access() {
    let (fake, client, _) = setup();
    for id in 100..230 {
        fake.add_installation(FakeInstallation {
            id,
            account_login: format!("org{id}"),
            account_type: "Organization".into(),
            repositories: vec![],
            suspended: false,
        });
    }
    let mut access: Vec<i64> = (100..230).collect();
    access.push(42);
    let code = fake.user_with_access("octocat", &access);
    let user = client
        .exchange_code(CLIENT_ID, CLIENT_SECRET, &code)
        .unwrap();
    let installations = client.user_installations(&user).unwrap();
    assert_eq!(installations.len(), 131, "every page");
    assert!(installations
        .iter()
        .any(|i| i.id == 42 && i.account_login == "octo-org"));
    // A code works once; a wrong client secret never.
    assert!(client
        .exchange_code(CLIENT_ID, CLIENT_SECRET, &code)
        .is_err());
    let other = fake.user_with_access("mallory", &[]);
    assert!(client.exchange_code(CLIENT_ID, "wrong", &other).is_err());
    let mallory = client
        .exchange_code(CLIENT_ID, CLIENT_SECRET, &other)
        .unwrap();
    assert!(client.user_installations(&mallory).unwrap().is_empty());
    // The user token never shows in errors or debug output.
    assert_eq!(format!("{user:?}"), "[redacted]");
}

#[test]
fn check_runs_send_annotations_fifty_at_a_time() {
    let (fake, client, key) = setup();
    let token = client
        .installation_token(&key, CLIENT_ID, 42, 1, &JOB, now())
        .unwrap();
    let annotations: Vec<serde_json::Value> = (1..=120)
        .map(|line| {
            serde_json::json!({"path": "config.py", "start_line": line, "end_line": line,
                "annotation_level": "failure", "message": "AWS access key", "title": "aws-access-key-id"})
        })
        .collect();
    let run = CheckRun {
        name: "Ferret".into(),
        head_sha: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c".into(),
        conclusion: "failure".into(),
        title: "120 new findings".into(),
        summary: "120 new high findings".into(),
        annotations,
    };
    let id = client
        .create_check_run(&token.token, "octo-org/one", &run)
        .unwrap();
    assert_eq!(id, 1);
    let runs = fake.check_runs();
    assert_eq!(
        runs[0]["output"]["annotations"].as_array().unwrap().len(),
        120
    );
    let writes = fake
        .calls()
        .iter()
        .filter(|c| c.path.contains("check-runs"))
        .count();
    assert_eq!(writes, 3, "one create and two updates");
    // The token covers one repository only.
    let elsewhere = client.create_check_run(&token.token, "octo-org/two", &run);
    assert!(matches!(
        elsewhere,
        Err(GithubError::Status { status: 404, .. })
    ));
}
