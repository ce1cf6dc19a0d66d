//! `ferret admin github store-secrets` and `ferret admin rotate-key` with a real database:
//! the App's secrets are kept encrypted (nothing of them readable in the data directory), a
//! server without the right master key refuses to start, and after a rotation only the new
//! key opens them — and the server then uses them (its webhook endpoint accepts deliveries
//! signed with the stored secret).

mod common;

use common::server::{all_bytes_under, contains, free_port};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WEBHOOK_SECRET: &str = "stored-webhook-secret-5f1c2a";

fn admin(data: &Path, key: &Path, args: &[&str]) -> (bool, String) {
    let output = common::ferret()
        .arg("admin")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("FERRET_MASTER_KEY_FILE", key)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Starts `ferret serve`; `Ok(url)` once it answers, `Err(stderr)` if it exits first.
fn serve(data: &Path, key: Option<&Path>) -> Result<(std::process::Child, String), String> {
    let port = free_port();
    let log = data.with_extension(format!("log{port}"));
    let mut command: Command = common::ferret();
    command
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data)
        .env("FERRET_GITHUB_APP_ID", "5725")
        .env_remove("FERRET_MASTER_KEY_FILE")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    if let Some(key) = key {
        command.env("FERRET_MASTER_KEY_FILE", key);
    }
    let mut child = command.spawn().unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(_status) = child.try_wait().unwrap() {
            return Err(std::fs::read_to_string(&log).unwrap_or_default());
        }
        if ureq::get(&format!("{url}/api/health")).call().is_ok() {
            return Ok((child, url));
        }
        assert!(
            Instant::now() < deadline,
            "server neither started nor failed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn stored_secrets_are_encrypted_and_follow_the_master_key() {
    let scratch = tempfile::tempdir().unwrap();
    let data = scratch.path().join("data");
    let old_key = scratch.path().join("old.key");
    let new_key = scratch.path().join("new.key");
    std::fs::write(&old_key, format!("{}\n", "1f".repeat(32))).unwrap();
    std::fs::write(&new_key, format!("{}\n", "2e".repeat(32))).unwrap();
    let pem = scratch.path().join("app.pem");
    let pem_text = ferret_github_fake::generate_app_key_pem();
    std::fs::write(&pem, &pem_text).unwrap();
    let webhook = scratch.path().join("webhook-secret");
    std::fs::write(&webhook, format!("{WEBHOOK_SECRET}\n")).unwrap();

    let (ok, stderr) = admin(
        &data,
        &old_key,
        &[
            "github",
            "store-secrets",
            "--private-key-file",
            pem.to_str().unwrap(),
            "--webhook-secret-file",
            webhook.to_str().unwrap(),
        ],
    );
    assert!(ok, "{stderr}");
    // A file that is not an RSA key is refused before anything is stored.
    let (ok, stderr) = admin(
        &data,
        &old_key,
        &[
            "github",
            "store-secrets",
            "--private-key-file",
            webhook.to_str().unwrap(),
        ],
    );
    assert!(!ok && stderr.contains("not a PEM block"), "{stderr}");

    // Nothing of either secret is readable in the data directory.
    let key_body: String = pem_text.lines().nth(3).unwrap().to_string();
    let mut written = Vec::new();
    all_bytes_under(&data, &mut written);
    for (path, bytes) in &written {
        assert!(
            !contains(bytes, WEBHOOK_SECRET),
            "{path} holds the webhook secret"
        );
        assert!(!contains(bytes, &key_body), "{path} holds the private key");
    }

    // Without the master key the server refuses to start, and says why.
    let error = serve(&data, None).expect_err("refused without a master key");
    assert!(error.contains("master key"), "{error}");

    // Rotation: afterwards the old key no longer opens the secrets; the new one does.
    let (ok, stderr) = admin(
        &data,
        &old_key,
        &["rotate-key", "--new-key-file", new_key.to_str().unwrap()],
    );
    assert!(ok, "{stderr}");
    let error = serve(&data, Some(&old_key)).expect_err("refused with the old key");
    assert!(error.contains("sealed under master key"), "{error}");
    let (mut child, url) = serve(&data, Some(&new_key)).expect("starts with the new key");

    // The stored webhook secret is in use.
    let body = r#"{"zen": "Keep it logically awesome.", "hook_id": 1}"#;
    let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let status = common::server::agent()
        .post(&format!("{url}/webhooks/github"))
        .header("content-type", "application/json")
        .header("x-github-event", "ping")
        .header("x-github-delivery", "d-ping")
        .header("x-hub-signature-256", &signature)
        .send(body.as_bytes())
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 200, "a signed ping is answered");
    let _ = child.kill();
    let _ = child.wait();
}
