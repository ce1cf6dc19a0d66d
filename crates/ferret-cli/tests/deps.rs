//! The dependency analyzer end to end: `ferret db import/update/status`, `ferret deps list`,
//! and scans that report known-vulnerable packages from lockfiles against the RustSec
//! database's OSV dump in `../shared/testdata/osv/`.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::rule_ids;

fn rustsec_zip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/osv/crates.io-all.zip")
}

/// Runs ferret in `cwd` with the database folder `db`.
fn ferret(args: &[&str], cwd: &Path, db: &Path) -> Output {
    common::ferret()
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("FERRET_DB_DIR", db)
        .output()
        .expect("run ferret")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const VULNERABLE_LOCK: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"smallvec\",\n \"time\",\n]\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"time\"\nversion = \"0.1.43\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

/// A tree with a vulnerable Cargo.lock and a database with the RustSec advisories.
fn project() -> (tempfile::TempDir, tempfile::TempDir) {
    let tree = tempfile::tempdir().unwrap();
    std::fs::write(tree.path().join("Cargo.lock"), VULNERABLE_LOCK).unwrap();
    let db = tempfile::tempdir().unwrap();
    let out = ferret(
        &["db", "import", rustsec_zip().to_str().unwrap()],
        tree.path(),
        db.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("crates.io: 1193 advisories"),
        "{}",
        text(&out.stdout)
    );
    (tree, db)
}

#[test]
fn a_scan_reports_each_vulnerable_package_on_its_lockfile_line_with_the_fix() {
    let (tree, db) = project();
    let out = ferret(
        &["scan", ".", "--format", "json", "--no-progress"],
        tree.path(),
        db.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "dependency")
        .collect();
    let ids: Vec<&str> = findings
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["RUSTSEC-2021-0003", "RUSTSEC-2020-0071"],
        "{findings:#?}"
    );
    assert_eq!(findings[0]["location"]["path"], "Cargo.lock");
    assert_eq!(findings[0]["location"]["start_line"], 11);
    assert_eq!(findings[0]["severity"], "critical");
    assert!(findings[0]["remediation"]
        .as_str()
        .unwrap()
        .contains("1.6.1"));
    assert!(findings[1]["title"]
        .as_str()
        .unwrap()
        .contains("CVE-2020-26235"));
    assert!(text(&out.stderr).contains("crates.io dependencies checked against 1193 advisories"));

    // The same scan twice gives the same fingerprints (baselines and triage rely on them).
    let again = ferret(
        &["scan", ".", "--format", "json", "--no-progress"],
        tree.path(),
        db.path(),
    );
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        report["findings"][0]["fingerprint"],
        again["findings"][0]["fingerprint"]
    );

    // SARIF names each advisory as a rule, with its page.
    let sarif = ferret(
        &["scan", ".", "--format", "sarif", "--no-progress"],
        tree.path(),
        db.path(),
    );
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "RUSTSEC-2021-0003")
        .unwrap();
    assert_eq!(
        rule["helpUri"],
        "https://osv.dev/vulnerability/RUSTSEC-2021-0003"
    );
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);

    // Selection by family and by advisory id.
    let only = ferret(
        &["scan", ".", "--format", "json", "--select", "deps"],
        tree.path(),
        db.path(),
    );
    let only: Value = serde_json::from_slice(&only.stdout).unwrap();
    assert_eq!(only["findings"].as_array().unwrap().len(), 2);
    let without = ferret(
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--ignore",
            "RUSTSEC-2020-0071",
        ],
        tree.path(),
        db.path(),
    );
    let without: Value = serde_json::from_slice(&without.stdout).unwrap();
    assert_eq!(without["findings"].as_array().unwrap().len(), 1);
    let none = ferret(
        &["scan", ".", "--format", "json", "--ignore", "deps"],
        tree.path(),
        db.path(),
    );
    assert_eq!(none.status.code(), Some(0), "{}", text(&none.stdout));
}

#[test]
fn ignores_need_a_reason_and_expire() {
    let (tree, db) = project();
    std::fs::write(
        tree.path().join(".ferret.toml"),
        "[dependencies]\nignore = [\n  { id = \"CVE-2021-25900\", reason = \"insert_many is never called\", until = 2999-01-01 },\n  { id = \"RUSTSEC-2020-0071\", reason = \"waiting for chrono\", until = \"2020-01-01\" },\n]\n",
    )
    .unwrap();
    let out = ferret(
        &["scan", ".", "--format", "json", "--no-progress"],
        tree.path(),
        db.path(),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids = rule_ids(&report);
    assert_eq!(
        ids,
        vec!["RUSTSEC-2020-0071"],
        "ignored by alias until 2999; the expired one is back"
    );
    assert!(
        text(&out.stderr).contains("the ignore of RUSTSEC-2020-0071 expired on 2020-01-01"),
        "{}",
        text(&out.stderr)
    );

    std::fs::write(
        tree.path().join(".ferret.toml"),
        "[dependencies]\nignore = [{ id = \"RUSTSEC-2020-0071\", reason = \"\" }]\n",
    )
    .unwrap();
    let out = ferret(&["scan", "."], tree.path(), db.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("give a reason"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(
        tree.path().join(".ferret.toml"),
        "[dependencies]\nignore = [{ id = \"X-1\", reason = \"r\", until = \"soon\" }]\n",
    )
    .unwrap();
    let out = ferret(&["scan", "."], tree.path(), db.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn without_a_database_the_scan_says_dependencies_were_not_checked() {
    let tree = tempfile::tempdir().unwrap();
    std::fs::write(tree.path().join("Cargo.lock"), VULNERABLE_LOCK).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = ferret(&["scan", ".", "--no-progress"], tree.path(), empty.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("crates.io dependencies were not checked"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn malformed_lockfiles_are_listed_as_skipped_and_deps_list_fails_cleanly() {
    let (tree, db) = project();
    std::fs::write(tree.path().join("package-lock.json"), "{\"packages\": {").unwrap();
    let out = ferret(
        &["scan", ".", "--format", "json", "--no-progress"],
        tree.path(),
        db.path(),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(|s| s["path"] == "package-lock.json"
            && s["detail"].as_str().unwrap().contains("invalid JSON")),
        "{skipped:#?}"
    );
    let list = ferret(&["deps", "list", "."], tree.path(), db.path());
    assert_eq!(list.status.code(), Some(2));
    assert!(
        text(&list.stderr).contains("package-lock.json: invalid JSON"),
        "{}",
        text(&list.stderr)
    );
    assert!(
        text(&list.stdout).contains("smallvec 1.6.0  line 11  [direct]"),
        "{}",
        text(&list.stdout)
    );
    let missing = ferret(&["deps", "list", "no/such/dir"], tree.path(), db.path());
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn deps_list_exports_cyclonedx_with_package_urls() {
    let (tree, db) = project();
    std::fs::write(
        tree.path().join("requirements.txt"),
        "-r requirements/base.in\nDjango==3.2.1\n",
    )
    .unwrap();
    std::fs::create_dir_all(tree.path().join("requirements")).unwrap();
    std::fs::write(
        tree.path().join("requirements/base.in"),
        "requests==2.25.0\n",
    )
    .unwrap();
    let out = ferret(
        &["deps", "list", ".", "--format", "cyclonedx"],
        tree.path(),
        db.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert!(bom["serialNumber"]
        .as_str()
        .unwrap()
        .starts_with("urn:uuid:"));
    let purls: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purl"].as_str().unwrap())
        .collect();
    for expected in [
        "pkg:cargo/smallvec@1.6.0",
        "pkg:pypi/django@3.2.1",
        "pkg:pypi/requests@2.25.0",
    ] {
        assert!(purls.contains(&expected), "{expected} in {purls:?}");
    }
}

/// Serves `body` for GET `/crates.io/all.zip` (404 otherwise) with the given `x-goog-hash`, for
/// as many requests as asked; returns the base URL.
fn serve_dump(body: Vec<u8>, md5_header: Option<String>, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buffer).unwrap();
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..n]);
            }
            let request = String::from_utf8_lossy(&request);
            let found = request.starts_with("GET /crates.io/all.zip ");
            let (status, payload): (&str, &[u8]) = if found {
                ("200 OK", &body)
            } else {
                ("404 Not Found", b"no")
            };
            let mut head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
                payload.len()
            );
            if let (true, Some(hash)) = (found, &md5_header) {
                head.push_str(&format!(
                    "x-goog-hash: crc32c=AAAAAA==\r\nx-goog-hash: md5={hash}\r\n"
                ));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(payload);
        }
    });
    url
}

#[test]
fn db_update_downloads_checks_and_keeps_the_old_database_on_a_bad_download() {
    use base64::Engine;
    use md5::Digest;
    let zip = std::fs::read(rustsec_zip()).unwrap();
    let good_md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&zip));
    let tree = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();

    let url = serve_dump(zip.clone(), Some(good_md5), 1);
    let out = ferret(
        &["db", "update", "--url", &url, "--ecosystem", "crates.io"],
        tree.path(),
        db.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("updated crates.io: 1193 advisories"),
        "{}",
        text(&out.stdout)
    );

    // A dump whose MD5 does not match what the server announced is refused.
    let url = serve_dump(zip.clone(), Some("AAAAAAAAAAAAAAAAAAAAAA==".into()), 1);
    let out = ferret(
        &["db", "update", "--url", &url, "--ecosystem", "crates.io"],
        tree.path(),
        db.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("integrity check failed"),
        "{}",
        text(&out.stderr)
    );
    // A missing dump (404) fails the same way; the database imported first is still there.
    let url = serve_dump(Vec::new(), None, 1);
    let out = ferret(
        &["db", "update", "--url", &url, "--ecosystem", "npm"],
        tree.path(),
        db.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("HTTP 404"),
        "{}",
        text(&out.stderr)
    );
    let status = ferret(&["db", "status"], tree.path(), db.path());
    assert!(
        text(&status.stdout).contains("crates.io: 1193 advisories"),
        "{}",
        text(&status.stdout)
    );
    assert!(text(&status.stdout).contains(
        &url.replace("http://", "")
            .split(':')
            .next()
            .unwrap()
            .to_string()
    ));

    let out = ferret(
        &["db", "update", "--ecosystem", "Debian"],
        tree.path(),
        db.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown ecosystem"));
}

#[test]
fn uploads_carry_dependency_findings_like_any_other() {
    use common::server::{call, onboard, start};
    let (tree, db) = project();
    let tmp = tempfile::tempdir().unwrap();
    let server = start(&tmp.path().join("data"), &tmp.path().join("server.log"));
    let (ws, token) = onboard(&server.url);
    let out = common::ferret()
        .args(["scan", ".", "--no-progress", "--upload", &server.url])
        .args(["--upload-repository", "app", "--upload-branch", "main"])
        .current_dir(tree.path())
        .env("FERRET_DB_DIR", db.path())
        .env("FERRET_TOKEN", &token)
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("uploaded 2 finding(s)"),
        "{}",
        text(&out.stderr)
    );
    let (status, list, _) = call(
        &format!("{}/api/workspaces/{ws}/findings?per_page=50", server.url),
        "GET",
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(status, 200);
    let stored = list.to_string();
    for expected in [
        "RUSTSEC-2021-0003",
        "RUSTSEC-2020-0071",
        "\"dependency\"",
        "Cargo.lock",
    ] {
        assert!(stored.contains(expected), "{expected} in {stored}");
    }
}

/// Every ecosystem end to end, against records and expectations written and checked by hand
/// (`tests/fixtures/deps/`): the advisory, the lockfile line and the version to move to.
#[test]
fn every_ecosystem_matches_the_hand_checked_expectations() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deps");
    let db = tempfile::tempdir().unwrap();
    let out = ferret(
        &["db", "import", fixtures.join("osv").to_str().unwrap()],
        &fixtures,
        db.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        9,
        "nine ecosystems: {}",
        text(&out.stdout)
    );
    let project = fixtures.join("project");
    let out = ferret(
        &[
            "scan",
            ".",
            "--select",
            "deps",
            "--format",
            "json",
            "--no-progress",
        ],
        &project,
        db.path(),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let snippet = f["snippet"].as_str().unwrap();
            let fixed = snippet
                .split_once("(fixed in ")
                .map_or("-".to_string(), |(_, rest)| {
                    rest.trim_end_matches(')').to_string()
                });
            format!(
                "{} {}:{} {fixed}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["location"]["start_line"]
            )
        })
        .collect();
    let expected_text = std::fs::read_to_string(fixtures.join("expected.txt")).unwrap();
    let mut expected: Vec<String> = expected_text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    // The two records of CVE-2021-33203 are one finding naming both.
    let django = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "GHSA-xpfp-f569-q3p2")
        .unwrap();
    assert!(django["title"].as_str().unwrap().contains("PYSEC-2021-108"));
    assert_eq!(django["severity"], "medium");
}

#[test]
fn a_lockfile_over_the_size_limit_is_still_checked() {
    let (tree, db) = project();
    let out = ferret(
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--no-progress",
            "--max-file-size",
            "100",
        ],
        tree.path(),
        db.path(),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["path"] == "Cargo.lock" && s["reason"] == "too_large"),
        "{skipped:#?}"
    );
    let ids = rule_ids(&report);
    assert_eq!(ids, vec!["RUSTSEC-2021-0003", "RUSTSEC-2020-0071"]);
}
