//! `ferret serve` as a real process: the canary test (nothing but redacted metadata reaches the
//! server's disk or logs), `scan --upload`, and `ferret admin audit verify/export`.

mod common;

use common::{ferret, github_token, stripe_key};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(data_dir: &Path, log: &Path) -> Server {
    let port = free_port();
    let child = ferret()
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("{}/api/health", server.url))
        .call()
        .is_err()
    {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Sends JSON; returns status, body and the session cookie if one was set.
fn call(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value, Option<String>) {
    let agent = agent();
    let mut response = match body {
        Some(body) => {
            let mut req = match method {
                "POST" => agent.post(url),
                "PUT" => agent.put(url),
                _ => agent.patch(url),
            };
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.header("content-type", "application/json")
                .send(body.to_string().as_bytes())
                .unwrap()
        }
        None => {
            let mut req = agent.get(url);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.call().unwrap()
        }
    };
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (
        response.status().as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
        cookie,
    )
}

/// Signs up, logs in, registers repository `app` and returns (workspace, API token).
fn onboard(url: &str) -> (String, String) {
    let creds = json!({"email": "ci@example.com", "password": "correct horse battery staple"});
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
    let (status, login, cookie) = call(&format!("{url}/api/auth/login"), "POST", &[], Some(creds));
    assert_eq!(status, 200);
    let cookie = cookie.unwrap();
    let csrf = login["csrf_token"].as_str().unwrap().to_string();
    let headers = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let (_, list, _) = call(&format!("{url}/api/workspaces"), "GET", &headers, None);
    let ws = list["items"][0]["id"].as_str().unwrap().to_string();
    let (status, _, _) = call(
        &format!("{url}/api/workspaces/{ws}/repositories"),
        "POST",
        &headers,
        Some(json!({"name": "app"})),
    );
    assert_eq!(status, 201);
    let (status, token, _) = call(
        &format!("{url}/api/workspaces/{ws}/tokens"),
        "POST",
        &headers,
        Some(json!({"name": "ci", "scopes": ["scans:write", "findings:read"]})),
    );
    assert_eq!(status, 201);
    (ws, token["token"].as_str().unwrap().to_string())
}

fn all_bytes_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_bytes_under(&path, out);
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn canary_nothing_but_redacted_metadata_reaches_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let log = tmp.path().join("server.log");
    let server = start(&data, &log);
    let (ws, token) = onboard(&server.url);

    // A repository whose every file holds a unique marker (and most hold a secret).
    let repo = tmp.path().join("app");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    let mut markers = Vec::new();
    let secrets = [
        github_token(),
        stripe_key(),
        format!("AKIA{}", "Z7QX3LMB5TKP2WRD"),
    ];
    for i in 0..12 {
        let marker = format!(
            "FERRETCANARY{i:02}{}",
            ferret_server::crypto::random_alnum(12)
        );
        let body = match i % 4 {
            0 => format!("# {marker}\nGITHUB_TOKEN = \"{}\"\n", secrets[0]),
            1 => format!("// {marker}\nconst stripe = \"{}\";\n", secrets[1]),
            2 => {
                format!("FROM ubuntu:latest\n# {marker}\nRUN curl -k https://x.example/i.sh | sh\n")
            }
            _ => format!("{marker}\naws_access_key_id = {}\n", secrets[2]),
        };
        let name = if i % 4 == 2 {
            format!("src/{i}/Dockerfile")
        } else {
            format!("src/file{i}.txt")
        };
        std::fs::create_dir_all(repo.join(&name).parent().unwrap()).unwrap();
        std::fs::write(repo.join(&name), body).unwrap();
        markers.push(marker);
    }

    let out = ferret()
        .args([
            "scan",
            "--no-progress",
            "--show-secrets",
            "--format",
            "json",
            "--upload",
            &server.url,
            "--upload-repository",
            "app",
            "--upload-branch",
            "main",
        ])
        .arg(&repo)
        .env("FERRET_TOKEN", &token)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("uploaded"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let uploaded = report["findings"].as_array().unwrap().len();
    assert!(uploaded >= 12, "{uploaded}");

    let (status, list, _) = call(
        &format!("{}/api/workspaces/{ws}/findings?per_page=500", server.url),
        "GET",
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(list["total"].as_u64(), Some(uploaded as u64));

    // Stop the server so every byte is flushed, then search everything it wrote.
    drop(server);
    let mut files = Vec::new();
    all_bytes_under(&data, &mut files);
    files.push(("server.log".into(), std::fs::read(&log).unwrap()));
    assert!(files.len() >= 2);
    for (path, bytes) in &files {
        for marker in &markers {
            assert!(
                !contains(bytes, marker),
                "{path} holds source text ({marker})"
            );
        }
        for secret in &secrets {
            assert!(!contains(bytes, &secret[6..]), "{path} holds a secret");
        }
        assert!(!contains(bytes, &token), "{path} holds the API token");
        assert!(!contains(bytes, &token[11..]), "{path} holds the API token");
    }

    // The key file and data directory are private.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data.join("server.key")), 0o600);
    assert_eq!(mode(&data), 0o700);
}

#[test]
fn audit_log_verifies_exports_and_catches_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = start(&data, &tmp.path().join("server.log"));
    onboard(&server.url);
    drop(server);

    let verify = ferret()
        .args(["admin", "audit", "verify", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(String::from_utf8_lossy(&verify.stdout).contains("intact"));

    let export = tmp.path().join("audit.jsonl");
    let out = ferret()
        .args(["admin", "audit", "export", "--data-dir"])
        .arg(&data)
        .arg("-o")
        .arg(&export)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(text.lines().count() >= 5, "{text}");
    assert!(ferret()
        .args(["admin", "audit", "verify", "--file"])
        .arg(&export)
        .status()
        .unwrap()
        .success());
    // Hand-edit the export: verification fails and names the entry.
    std::fs::write(&export, text.replacen("login.success", "login.failure", 1)).unwrap();
    let out = ferret()
        .args(["admin", "audit", "verify", "--file"])
        .arg(&export)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was modified"));

    // Hand-edit the database: verification fails.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}/ferret.db", data.display());
        let db = ferret_server::db::Db::connect(&url, 1).await.unwrap();
        db.execute_raw("UPDATE audit_log SET ip = '203.0.113.9' WHERE seq = 2")
            .await
            .unwrap();
    });
    let out = ferret()
        .args(["admin", "audit", "verify", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("entry 2 was modified"));
}

#[test]
fn upload_errors_are_one_line_and_nonzero() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "nothing here\n").unwrap();
    let out = ferret()
        .args(["scan", "--upload", "http://127.0.0.1:9"])
        .arg(tmp.path())
        .env_remove("FERRET_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FERRET_TOKEN"));
    let out = ferret()
        .args([
            "scan",
            "--upload",
            "http://127.0.0.1:9",
            "--upload-repository",
            "x",
        ])
        .arg(tmp.path())
        .env("FERRET_TOKEN", "ferret_pat_x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
