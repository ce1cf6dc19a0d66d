//! End-to-end tests of the `ferret` binary on real temporary trees.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{github_token, rule_ids, slack_token, stripe_key};

fn ferret(args: &[&str], cwd: &Path) -> Output {
    common::ferret()
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ferret")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn json_scan(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["scan", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let out = ferret(&args, dir);
    let code = out.status.code().unwrap();
    assert!(code == 0 || code == 1, "exit {code}: {}", stderr(&out));
    (
        serde_json::from_slice(&out.stdout).expect("valid JSON"),
        code,
    )
}

#[test]
fn finds_secrets_redacts_them_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/.env",
        format!("GITHUB_TOKEN={}\n", github_token()),
    );
    write(
        dir.path(),
        "src/pay.py",
        format!("stripe.api_key = \"{}\"\n", stripe_key()),
    );
    let out = ferret(&["scan", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("app/.env"), "{text}");
    assert!(text.contains("github-pat-classic"), "{text}");
    assert!(text.contains("stripe-live-secret-key"), "{text}");
    assert!(text.contains("ghp_*****"), "{text}");
    assert!(!text.contains(&github_token()), "secret leaked into output");
    assert!(!text.contains(&stripe_key()));
    assert!(text.contains("2 findings"), "{text}");

    let shown = stdout(&ferret(&["scan", ".", "--show-secrets"], dir.path()));
    assert!(shown.contains(&github_token()));
}

#[test]
fn clean_tree_and_fail_on_threshold_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "nothing to see\n");
    let out = ferret(&["scan", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("No findings"));

    write(dir.path(), "hook.txt", format!("{}\n", slack_token()));
    assert_eq!(ferret(&["scan", "."], dir.path()).status.code(), Some(1));
    assert_eq!(
        ferret(&["scan", ".", "--fail-on", "critical"], dir.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        ferret(&["scan", ".", "--fail-on", "high"], dir.path())
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn bad_input_gives_one_line_errors_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = ferret(&["scan", "does-not-exist"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stderr(&missing).lines().count(), 1, "{}", stderr(&missing));
    assert!(stderr(&missing).contains("does-not-exist"));

    write(
        dir.path(),
        ".ferret.toml",
        "disable = [\"jwt\"\nexclude = 3\n",
    );
    let bad_config = ferret(&["scan", "."], dir.path());
    assert_eq!(bad_config.status.code(), Some(2));
    assert!(
        stderr(&bad_config).contains(".ferret.toml"),
        "{}",
        stderr(&bad_config)
    );
    assert_eq!(
        stderr(&bad_config).lines().count(),
        1,
        "{}",
        stderr(&bad_config)
    );

    write(dir.path(), ".ferret.toml", "disable = [\"no-such-rule\"]\n");
    let unknown = ferret(&["scan", "."], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no-such-rule"));
    std::fs::remove_file(dir.path().join(".ferret.toml")).unwrap();

    write(dir.path(), "baseline.json", "{not json");
    let bad_baseline = ferret(&["scan", ".", "--baseline", "baseline.json"], dir.path());
    assert_eq!(bad_baseline.status.code(), Some(2));
    assert!(stderr(&bad_baseline).contains("baseline.json"));

    let bad_rule = "[[rule]]\nid = \"acme\"\nname = \"n\"\nprovider = \"p\"\nseverity = \"high\"\ndescription = \"d\"\nremediation = \"r\"\nkeywords = [\"acme_\"]\npattern = \"acme_([a-z]{10}\"\n";
    write(dir.path(), "custom.toml", bad_rule);
    let out = ferret(&["scan", ".", "--config", "custom.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("custom.toml") && stderr(&out).contains("acme"),
        "{}",
        stderr(&out)
    );

    let usage = ferret(&["scan", "--format", "xml"], dir.path());
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn baseline_hides_known_findings_even_after_they_move() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config.yml",
        format!("token: {}\n", github_token()),
    );
    let out = ferret(
        &["baseline", "create", ".", "--output", "base.json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("base.json")).unwrap();
    let baseline: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 1);
    assert!(!text.contains(&github_token()));

    // The secret moves down three lines and a new one appears.
    write(
        dir.path(),
        "config.yml",
        format!(
            "a: 1\nb: 2\nc: 3\ntoken: {}\nslack: {}\n",
            github_token(),
            slack_token()
        ),
    );
    let (report, code) = json_scan(dir.path(), &["--baseline", "base.json"]);
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&report), vec!["slack-bot-token"]);
    assert_eq!(report["summary"]["baselined"], 1);
}

#[test]
fn walking_honours_ignore_files_and_reports_skips() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let line = format!("GITHUB_TOKEN={}\n", github_token());
    write(root, ".gitignore", "ignored-by-git/\n");
    write(root, ".ferretignore", "*.fixture\n");
    write(root, "ignored-by-git/a.txt", &line);
    write(root, "data.fixture", &line);
    write(root, ".env", &line);
    write(root, ".git/config", &line);
    write(
        root,
        "blob.bin",
        [b"\x00\x01\x02".as_slice(), line.as_bytes()].concat(),
    );
    write(root, "big.txt", format!("{line}{}", "x".repeat(2000)));
    write(
        root,
        "latin1.txt",
        [b"caf\xe9 ".as_slice(), line.as_bytes()].concat(),
    );
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.txt", &line);
    std::os::unix::fs::symlink(outside.path(), root.join("link")).unwrap();

    let (report, _) = json_scan(root, &["--max-file-size", "1000"]);
    let mut paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, vec![".env", "latin1.txt"]);
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().into(),
                s["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        skipped.contains(&("blob.bin".into(), "binary".into())),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&("big.txt".into(), "too_large".into())),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&("link".into(), "symlink".into())),
        "{skipped:?}"
    );
}

/// Bytes that look random (xorshift), for keystore bodies.
fn noise(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn keystores_among_binary_files_are_reported_and_other_binaries_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // PKCS#12: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data, … }, … }, one whole structure
    // with NUL bytes in it, as a real `.p12` has.
    let mut auth = vec![
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    auth.extend([0u8; 4]);
    auth.extend(noise(300, 7));
    let mut body = vec![0x02, 0x01, 0x03, 0x30, 0x82];
    body.extend((auth.len() as u16).to_be_bytes());
    body.extend(&auth);
    let mut p12 = vec![0x30, 0x82];
    p12.extend((body.len() as u16).to_be_bytes());
    p12.extend(&body);
    write(root, "certs/signing.p12", &p12);
    // The same bytes cut short are not a keystore.
    write(root, "certs/broken.p12", &p12[..p12.len() - 1]);
    // A Java truststore (first entry a trusted certificate) is public data.
    let mut truststore = vec![0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2];
    truststore.extend(noise(200, 11));
    write(root, "certs/trust.jks", &truststore);

    let (report, _) = json_scan(root, &[]);
    let found: Vec<(&str, &str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["location"]["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, vec![("pkcs12-keystore", "certs/signing.p12", 1)]);
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "binary")
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert!(skipped.contains(&"certs/broken.p12"), "{skipped:?}");
    assert!(skipped.contains(&"certs/trust.jks"), "{skipped:?}");
}

#[test]
fn inline_suppressions_by_marker_and_rule_id() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.env",
        format!(
            "A={} # ferret:ignore\nB={} # ferret:ignore[slack-bot-token]\nC={} # ferret:ignore[github-pat-classic]\n",
            github_token(),
            slack_token(),
            slack_token()
        ),
    );
    let (report, _) = json_scan(dir.path(), &[]);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["location"]["start_line"], 3);
    assert_eq!(report["summary"]["suppressed_inline"], 2);
}

#[test]
fn other_secret_scanners_allow_comments_suppress_secrets() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.env",
        format!(
            "A={} # gitleaks:allow\nB={} # pragma: allowlist secret\nC={} # trufflehog:ignore\nD={} # allowlist\n",
            github_token(),
            slack_token(),
            github_token(),
            slack_token()
        ),
    );
    let (report, _) = json_scan(dir.path(), &[]);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["location"]["start_line"], 4);
    assert_eq!(report["summary"]["suppressed_inline"], 3);
}

#[test]
fn config_customises_rules_values_and_paths() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".ferret.toml",
        r#"
disable = ["slack-bot-token"]
exclude = ["vendor/"]
allow_values = ["sk_live_51HqLyjWDarjtT1zdp7dcXkqYbTMUTqW"]
[severity]
github-pat-classic = "low"

[[rule]]
id = "acme-internal-token"
name = "ACME internal token"
provider = "ACME"
severity = "critical"
description = "Token for ACME's internal API."
remediation = "Revoke it in the ACME admin console."
keywords = ["acme_"]
pattern = '''\b(?P<secret>acme_[a-z0-9]{24})\b'''
examples.positive = ["k = acme_7fq2kr9xlw4mt8vb3nzp6syd"]
examples.negative = ["k = acme_short"]
"#,
    );
    write(
        dir.path(),
        "vendor/lib.env",
        format!("T={}\n", github_token()),
    );
    write(
        dir.path(),
        "app.env",
        format!(
            "T={}\nS={}\nP={}\nK=acme_9z8y7x6w5v4u3t2s1r0q9p8o\n",
            github_token(),
            slack_token(),
            stripe_key()
        ),
    );
    let (report, _) = json_scan(dir.path(), &[]);
    assert_eq!(
        rule_ids(&report),
        vec!["github-pat-classic", "acme-internal-token"]
    );
    assert_eq!(report["findings"][0]["severity"], "low");
    assert_eq!(report["findings"][1]["severity"], "critical");
    assert_eq!(report["findings"][0]["location"]["path"], "app.env");

    let listed = stdout(&ferret(&["rules", "list"], dir.path()));
    assert!(listed.contains("acme-internal-token"));
    assert!(!listed.contains("slack-bot-token"));
}

/// Each analyzer's section: `[secrets]` (allow list, custom rules, paths whose secret findings
/// are dropped — whose values stay masked in other findings) and `[iac]` (paths whose
/// configuration findings are dropped); unknown keys in a section are errors naming the key.
#[test]
fn analyzer_sections_configure_each_analyzer() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".ferret.toml",
        format!(
            r#"
[secrets]
allow_values = ["{}"]
exclude = ["fixtures/"]

[[secrets.rule]]
id = "acme-internal-token"
name = "ACME internal token"
provider = "ACME"
severity = "critical"
description = "Token for ACME's internal API."
remediation = "Revoke it in the ACME admin console."
keywords = ["acme_"]
pattern = '''\b(?P<secret>acme_[a-z0-9]{{24}})\b'''
examples.positive = ["k = acme_7fq2kr9xlw4mt8vb3nzp6syd"]
examples.negative = ["k = acme_short"]

[iac]
exclude = ["examples/"]
"#,
            stripe_key()
        ),
    );
    write(
        dir.path(),
        "app.env",
        format!("P={}\nK=acme_9z8y7x6w5v4u3t2s1r0q9p8o\n", stripe_key()),
    );
    let dockerfile = format!(
        "FROM alpine:3.20\nENV API_TOKEN={}\nCMD [\"sh\"]\n",
        github_token()
    );
    write(dir.path(), "fixtures/Dockerfile", &dockerfile);
    write(
        dir.path(),
        "examples/Dockerfile",
        "FROM alpine:3.20\nCMD [\"sh\"]\n",
    );
    let (report, _) = json_scan(dir.path(), &[]);
    let findings = report["findings"].as_array().unwrap();
    let at = |path: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["location"]["path"] == path)
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(at("app.env"), vec!["acme-internal-token"]);
    let fixtures = at("fixtures/Dockerfile");
    assert!(
        fixtures.contains(&"dockerfile-root-user".to_string()),
        "{fixtures:?}"
    );
    assert!(
        fixtures.iter().all(|id| id.starts_with("dockerfile-")),
        "{fixtures:?}"
    );
    assert!(at("examples/Dockerfile").is_empty(), "{findings:?}");
    let text = report.to_string();
    assert!(
        !text.contains(&github_token()),
        "an excluded secret leaked: {text}"
    );

    for (settings, error) in [
        ("[secrets]\nallow_value = []\n", "allow_value"),
        (
            "[secrets]\nallow_patterns = [\"(\"]\n",
            "[secrets] invalid allow_patterns",
        ),
    ] {
        write(dir.path(), ".ferret.toml", settings);
        let out = ferret(&["scan", "."], dir.path());
        assert_eq!(out.status.code(), Some(2), "{settings}");
        assert!(stderr(&out).contains(error), "{}", stderr(&out));
    }
}

#[test]
fn custom_rule_examples_are_checked_at_load() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".ferret.toml",
        r#"
[[rule]]
id = "acme-token"
name = "ACME token"
provider = "ACME"
severity = "high"
description = "d"
remediation = "r"
keywords = ["acme_"]
pattern = '''\b(?P<secret>acme_[a-z0-9]{24})\b'''
examples.positive = ["k = acme_tooshort"]
"#,
    );
    let out = ferret(&["scan", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("positive example not found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_report_schema_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "x.txt",
        format!("token = \"{}\"\n", github_token()),
    );
    let (report, _) = json_scan(dir.path(), &[]);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["tool"]["name"], "ferret");
    assert_eq!(report["summary"]["findings"], 1);
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["summary"]["by_severity"]["high"], 1);
    let finding = &report["findings"][0];
    for field in [
        "rule_id",
        "category",
        "severity",
        "confidence",
        "title",
        "location",
        "snippet",
        "remediation",
        "fingerprint",
    ] {
        assert!(!finding[field].is_null(), "missing {field}");
    }
    assert_eq!(finding["location"]["start_line"], 1);
    assert_eq!(finding["location"]["start_column"], 10);
    assert_eq!(finding["location"]["end_column"], 50);
    assert!(finding.get("secret").is_none());
}

#[test]
fn sarif_report_is_valid_for_github_code_scanning() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dir with space/ünï.env",
        format!("GITHUB_TOKEN={}\n", github_token()),
    );
    write(dir.path(), "b.py", format!("KEY = \"{}\"\n", stripe_key()));
    let out = ferret(
        &["scan", ".", "--format", "sarif", "--output", "out.sarif"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let sarif_path = dir.path().join("out.sarif");
    let sarif: Value = serde_json::from_slice(&std::fs::read(&sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["ferretFingerprint/v1"].is_string());
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/') && !uri.contains(' '), "{uri}");
    }
    assert!(rules[0]["help"]["text"]
        .as_str()
        .unwrap()
        .contains("Remediation"));
    assert!(rules[0]["properties"]["security-severity"].is_string());
    for rule in rules {
        let (id, name) = (rule["id"].as_str().unwrap(), rule["name"].as_str().unwrap());
        assert!(
            !name.eq_ignore_ascii_case(id),
            "SARIF rule name {name} differs from {id} only in case"
        );
        assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
    }

    // Microsoft's validator with GitHub's ingestion rules (installed by .ci/run).
    match std::env::var("FERRET_SARIF_VALIDATOR") {
        Ok(validator) => {
            let log = dir.path().join("validation.sarif");
            let out = Command::new(validator)
                .args([
                    "validate",
                    sarif_path.to_str().unwrap(),
                    "-o",
                    log.to_str().unwrap(),
                    "--rule-kind",
                    "Gh;Sarif",
                    "--log",
                    "ForceOverwrite",
                ])
                .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
                .output()
                .expect("run SARIF validator");
            let text = stdout(&out);
            let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error ")).collect();
            assert!(
                errors.is_empty(),
                "validator errors:\n{}",
                errors.join("\n")
            );
            assert!(
                out.status.success(),
                "validator failed: {text}{}",
                stderr(&out)
            );
            assert!(text.contains("Analysis completed successfully"), "{text}");
        }
        Err(_) => eprintln!("FERRET_SARIF_VALIDATOR not set: skipped the external validator run"),
    }
}

#[test]
fn rules_commands_list_show_and_reject_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let out = ferret(&["rules", "list", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules.as_array().unwrap().len() >= 150);
    let human = stdout(&ferret(&["rules", "list"], dir.path()));
    assert!(
        human.starts_with("ID ") && human.contains(" CATEGORY "),
        "{human}"
    );
    assert!(human
        .lines()
        .any(|l| l.starts_with("jwt ") && l.contains(" secret ")));
    assert!(human
        .lines()
        .any(|l| l.starts_with("dockerfile-root-user ") && l.contains(" config ")));

    let show = ferret(&["rules", "show", "aws-access-key-id"], dir.path());
    assert_eq!(show.status.code(), Some(0));
    assert!(stdout(&show).contains("Remediation:"));
    let unknown = ferret(&["rules", "show", "nope"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));

    let version = ferret(&["--version"], dir.path());
    assert!(stdout(&version).starts_with("ferret "));
}

#[test]
fn scans_a_single_file_and_utf16_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in format!("token={}\r\n", github_token()).encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    write(dir.path(), "win.txt", utf16);
    let out = ferret(&["scan", "win.txt", "--format", "json"], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rule_ids(&report), vec!["github-pat-classic"]);
    assert_eq!(report["findings"][0]["location"]["path"], "win.txt");
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// Runs ferret with a deadline: hostile control files must never make it hang.
fn ferret_within(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut child = common::ferret()
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("ferret {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_symlinked_config_never_prints_what_it_points_to() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join(".ferret.toml")).unwrap();
    let out = ferret_within(
        &["scan", "."],
        dir.path(),
        &[("FERRET_GIT_TOKEN", "canary-env-value-1234")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("symbolic link"), "{err}");
    assert!(!err.contains("canary-env-value") && !stdout(&out).contains("canary-env-value"));
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn config_parse_errors_show_a_position_not_the_content() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".ferret.toml",
        "disable = 3\n# TOKEN=canary-content-5678\n",
    );
    let out = ferret(&["scan", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("line 1, column"), "{err}");
    assert!(!err.contains("canary-content"), "{err}");
}

#[test]
fn fifos_and_devices_as_control_files_are_errors_or_skipped_never_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "sub/app.env",
        format!("TOKEN={}\n", github_token()),
    );
    std::os::unix::fs::symlink("/dev/zero", dir.path().join(".gitignore")).unwrap();
    mkfifo(&dir.path().join("sub/.ferretignore"));
    mkfifo(&dir.path().join("pipe"));
    let out = ferret_within(&["scan", ".", "--format", "json"], dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    let skipped = report["skipped"].to_string();
    for path in [".gitignore", "sub/.ferretignore", "pipe"] {
        assert!(skipped.contains(path), "{path} not reported: {skipped}");
    }
    assert!(skipped.contains("ignore file not used"), "{skipped}");

    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    for args in [
        vec!["scan", ".", "--config", "/dev/zero"],
        vec!["scan", ".", "--baseline", "/dev/zero"],
        vec!["scan", ".", "--config", fifo.to_str().unwrap()],
        vec!["scan", ".", "--baseline", fifo.to_str().unwrap()],
    ] {
        let out = ferret_within(&args, dir.path(), &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("not a regular file"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn select_ignore_and_floors_choose_what_runs_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.env",
        format!("GITHUB_TOKEN={}\n", github_token()),
    );
    write(
        dir.path(),
        "Dockerfile",
        format!("FROM ubuntu:latest\nENV TOKEN={}\n", stripe_key()),
    );
    let rules = |extra: &[&str]| -> Vec<String> {
        let (report, _) = json_scan(dir.path(), extra);
        let mut ids: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let all = rules(&[]);
    assert!(all.iter().any(|r| r.starts_with("dockerfile-")), "{all:?}");
    let secrets = rules(&["--select", "secrets"]);
    assert_eq!(secrets, ["github-pat-classic", "stripe-live-secret-key"]);
    let config = rules(&["--select", "config"]);
    assert!(
        !config.is_empty() && config.iter().all(|r| r.starts_with("dockerfile-")),
        "{config:?}"
    );
    // A configuration finding on a secret's line never shows it, even with secrets unselected.
    let (report, _) = json_scan(dir.path(), &["--select", "config"]);
    assert!(!report.to_string().contains(&stripe_key()[8..]));
    // Ignoring the provider rule leaves the key to the generic rule that reads `TOKEN=<value>`:
    // `--ignore` drops rules, not secrets.
    assert_eq!(
        rules(&["--select", "secrets", "--ignore", "stripe-*"]),
        ["generic-secret-assignment", "github-pat-classic"]
    );
    assert_eq!(
        rules(&[
            "--select",
            "secrets",
            "--ignore",
            "stripe-*",
            "--ignore",
            "generic-*"
        ]),
        ["github-pat-classic"]
    );
    // Only the files a selected analyzer reads are read: configuration checks leave a text
    // file alone, secrets read it.
    write(dir.path(), "notes.txt", "nothing to see\n");
    let scanned =
        |extra: &[&str]| json_scan(dir.path(), extra).0["summary"]["files_scanned"].clone();
    assert_eq!(scanned(&["--select", "config"]), 2);
    assert_eq!(scanned(&["--select", "secrets"]), 3);
    let floor = rules(&["--min-severity", "critical"]);
    assert!(floor.len() < all.len(), "{floor:?}");
    let out = ferret(&["scan", ".", "--select", "secretz"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("secretz"));
    let out = ferret(&["scan", ".", "--exit-zero"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("github-pat-classic"));
}

/// With only code rules selected, the secret rules run just where a code finding is reported,
/// and still mask a secret on its line; files without a code finding report nothing.
#[test]
fn code_findings_mask_secrets_when_only_code_is_selected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("client.py"),
        format!(
            "import requests\nr = requests.get(url, verify=False, headers={{\"Authorization\": \"Bearer {}\"}})\n",
            stripe_key()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("settings.py"),
        format!("STRIPE = \"{}\"\n", stripe_key()),
    )
    .unwrap();
    let (report, code) = json_scan(dir.path(), &["--select", "code"]);
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&report), ["py-tls-verification-disabled"]);
    assert!(!report.to_string().contains(&stripe_key()[8..]), "{report}");
    // Only source files are read when only code rules run: a secret in a text file is not
    // looked at, nor counted as scanned.
    std::fs::write(
        dir.path().join("notes.txt"),
        format!("stripe: {}\n", stripe_key()),
    )
    .unwrap();
    let (report, _) = json_scan(dir.path(), &["--select", "code"]);
    assert_eq!(report["summary"]["files_scanned"], 2, "{report}");
    let (report, _) = json_scan(dir.path(), &[]);
    assert_eq!(report["summary"]["files_scanned"], 3, "{report}");
}

/// Standard base64, for building encoded fixtures.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| acc << 8 | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn encoded_secrets_are_decoded_found_and_masked() {
    let dir = tempfile::tempdir().unwrap();
    let token = github_token();
    let docker = format!(
        "{{\"auths\":{{\"ghcr.io\":{{\"auth\":\"{}\"}}}}}}",
        base64(b"ci:Xk9mQ2vL8pR4tWn6Yb3Hs7Jd")
    );
    write(
        dir.path(),
        "k8s/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  token: {}\n  .dockerconfigjson: {}\n",
            base64(token.as_bytes()),
            base64(docker.as_bytes())
        ),
    );
    let aws_secret = "Xk9mQ2vL8pR4t/Wn6Yb3Hs7Jd5F/c1Ge0Ua8Zi2K";
    write(
        dir.path(),
        "escaped.json",
        format!(
            "{{\"aws_secret_access_key\": \"{}\"}}\n",
            aws_secret.replace('/', "\\/")
        ),
    );
    let password = "Xk9#mP2$vL8qR4tW";
    write(
        dir.path(),
        "query.txt",
        format!(
            "https://api.acme.io/login?db_password={}\n",
            password.replace('#', "%23").replace('$', "%24")
        ),
    );
    let account_key = format!("{}==", "q8X7Lm2pZr7Tw4kV9yBa".repeat(5).get(..86).unwrap());
    write(
        dir.path(),
        "conn.py",
        format!(
            "conn = \"DefaultEndpointsProtocol=https;AccountName=acmeprod;\" +\n    \"AccountKey={account_key};EndpointSuffix=core.windows.net\"\n"
        ),
    );
    // A password with a percent-encoded `@`: found as written and decoded, reported once.
    write(
        dir.path(),
        "remote.txt",
        "url = https://deploy:Xk9mQ2vL%40pR4tWn6@git.acme.io/app.git\n",
    );
    let (report, _) = json_scan(dir.path(), &["--select", "secrets"]);
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for expected in [
        ("k8s/secret.yaml", "github-pat-classic"),
        ("k8s/secret.yaml", "docker-config-auth"),
        ("escaped.json", "aws-secret-access-key"),
        ("query.txt", "generic-secret-assignment"),
        ("conn.py", "azure-storage-connection-string"),
    ] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} not in {found:?}"
        );
    }
    assert_eq!(
        found
            .iter()
            .filter(|(path, _)| path == "remote.txt")
            .count(),
        1,
        "{found:?}"
    );
    // Neither the values nor their encoded spellings reach the report.
    let text = report.to_string();
    for hidden in [
        token[6..].to_string(),
        base64(token.as_bytes())[8..].to_string(),
        aws_secret.replace('/', "\\\\/")[6..20].to_string(),
        account_key[10..30].to_string(),
        "mP2%24vL8q".to_string(),
        "Xk9mQ2vL%40pR4".to_string(),
    ] {
        assert!(!text.contains(&hidden), "{hidden} in {text}");
    }
}

/// A Kubernetes `Secret`'s base64 values are judged decoded, under their key: a stand-in spelled
/// in base64 is not a key, a password in base64 is a password (reported once, at its place).
#[test]
fn kubernetes_secret_values_are_judged_decoded() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "secrets.yml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  APP_SECRET_KEY: {}\n  DB_PASSWORD: {}\n",
            base64(b"AVerySuperSecretKey-SoNotThisOne"),
            base64(b"Xk9#mP2$vL8qR4tWz")
        ),
    );
    let (report, _) = json_scan(dir.path(), &["--select", "secrets"]);
    let lines: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["start_line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [8], "{report}");
}

/// A hostile repository cannot drive the terminal: escape sequences and bidirectional marks in
/// paths, snippets, commit authors and skipped-file names reach the human report and warnings
/// as visible escapes; JSON keeps the exact values.
#[test]
fn repository_controlled_text_is_escaped_for_terminals() {
    let dir = tempfile::tempdir().unwrap();
    let hostile_dir = "evil\x1b]52;c;aGk=\x07\u{202e}gpj.sh";
    write(
        dir.path(),
        &format!("{hostile_dir}/settings.env"),
        format!("TOKEN={}  # \x1b[2K\x1b[1A hidden\n", github_token()),
    );
    common::git(dir.path(), &["init", "-q", "-b", "main"]);
    common::git(dir.path(), &["add", "-A"]);
    let out = Command::new("git")
        .args(["commit", "-q", "-m", "x"])
        .current_dir(dir.path())
        .env("GIT_AUTHOR_NAME", "Mallory\x1b[31m\x1b]8;;http://evil\x07")
        .env("GIT_AUTHOR_EMAIL", "m@example.com")
        .env("GIT_COMMITTER_NAME", "Mallory")
        .env("GIT_COMMITTER_EMAIL", "m@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for args in [
        vec!["scan", ".", "--no-progress"],
        vec!["scan", ".", "--history", "--no-progress"],
    ] {
        let out = ferret(&args, dir.path());
        let text = stdout(&out) + &stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'),
            "{args:?}: raw control characters reached the terminal: {text:?}"
        );
        assert!(
            text.contains("evil\\x1b]52;c;aGk=\\x07\\u{202e}gpj.sh"),
            "{text}"
        );
    }
    let history = stdout(&ferret(
        &["scan", ".", "--history", "--no-progress"],
        dir.path(),
    ));
    assert!(history.contains("Mallory\\x1b[31m"), "{history}");
    // Exact values for programs.
    let (report, _) = json_scan(dir.path(), &[]);
    let path = report["findings"][0]["location"]["path"].as_str().unwrap();
    assert!(path.starts_with(hostile_dir), "{path:?}");
}

/// No silent zero: a target that cannot be scanned, or a history whose objects cannot be read,
/// is an error (exit 2), not "No findings in 0 files".
#[test]
fn unscannable_targets_and_unreadable_history_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    for target in ["/dev/zero", fifo.to_str().unwrap()] {
        let out = ferret(&["scan", target, "--no-progress"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(stderr(&out).contains("not a regular file or directory"));
    }

    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    common::git(&repo, &["init", "-q", "-b", "main"]);
    for i in 0..3 {
        write(&repo, &format!("f{i}.txt"), format!("line {i}\n"));
        common::git(&repo, &["add", "-A"]);
        common::git(&repo, &["commit", "-q", "-m", &format!("c{i}")]);
    }
    common::git(&repo, &["gc", "-q"]);
    let ok = ferret(&["scan", ".", "--history", "--no-progress"], &repo);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    for entry in std::fs::read_dir(repo.join(".git/objects/pack")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "idx") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let out = ferret(&["scan", ".", "--history", "--no-progress"], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("cannot be read"), "{}", stderr(&out));

    // Absurd thread counts are capped rather than exhausting the process.
    let out = ferret(
        &["scan", ".", "--threads", "100000", "--no-progress"],
        &repo,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// What gitleaks and zizmor users reach for: standard input, GitHub annotations, --quiet,
/// --no-config, baselines that are not overwritten by accident, completions.
#[test]
fn cli_habits_stdin_github_quiet_no_config_baseline_force_completions() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let line = format!("TOKEN={}\n", github_token());

    // `ferret scan -`
    let mut child = common::ferret()
        .args(["scan", "-", "--format", "json"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(line.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["location"]["path"], "stdin");
    assert_eq!(report["findings"][0]["rule_id"], "github-pat-classic");

    // GitHub annotations, and --quiet leaves only findings.
    write(dir.path(), "app/.env", &line);
    let out = ferret(
        &["scan", ".", "--format", "github", "--no-progress"],
        dir.path(),
    );
    assert!(
        stdout(&out).starts_with("::error file=app/.env,line=1,"),
        "{}",
        stdout(&out)
    );
    let quiet = ferret(&["scan", ".", "--quiet", "--no-progress"], dir.path());
    assert!(
        !stdout(&quiet).contains("finding (1 high)"),
        "{}",
        stdout(&quiet)
    );
    assert!(stdout(&quiet).contains("github-pat-classic"));
    let clean = tempfile::tempdir().unwrap();
    assert_eq!(stdout(&ferret(&["scan", ".", "-q"], clean.path())), "");

    // --no-config ignores a config that would disable the rule.
    write(
        dir.path(),
        ".ferret.toml",
        "disable = ['github-pat-classic', 'generic-secret-assignment']\n",
    );
    assert_eq!(ferret(&["scan", "."], dir.path()).status.code(), Some(0));
    assert_eq!(
        ferret(&["scan", ".", "--no-config"], dir.path())
            .status
            .code(),
        Some(1)
    );
    std::fs::remove_file(dir.path().join(".ferret.toml")).unwrap();

    // A baseline is not overwritten without --force.
    let first = ferret(&["baseline", "create"], dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let again = ferret(&["baseline", "create"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = ferret(&["baseline", "create", "--force"], dir.path());
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));

    // Completions, and a clear error for a format `rules list` does not print.
    let bash = ferret(&["completions", "bash"], dir.path());
    assert!(stdout(&bash).contains("_ferret()"));
    let rules = ferret(&["rules", "list", "--format", "sarif"], dir.path());
    assert_eq!(rules.status.code(), Some(2));
}

/// The README's first-run demo shows what it says, and its rule count is the real one.
#[test]
fn readme_demo_and_rule_count_stay_true() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = ferret(
        &["scan", "examples/demo", "--format", "json", "--no-progress"],
        &root,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids = rule_ids(&report);
    ids.sort();
    assert_eq!(
        ids,
        [
            "aws-secret-access-key",
            "dockerfile-missing-healthcheck",
            "dockerfile-pip-cache",
            "dockerfile-root-user",
            "gha-default-permissions",
            "gha-template-injection",
            "py-django-debug",
            "stripe-live-secret-key",
        ]
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("ferret scan examples/demo                  # 8 findings"));
    let stated: usize = readme
        .split(" rules under [`rules/secrets/`]")
        .next()
        .and_then(|before| before.rsplit('\n').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("the README states the number of secret rules");
    let rules: Value =
        serde_json::from_slice(&ferret(&["rules", "list", "--format", "json"], &root).stdout)
            .unwrap();
    let count = |category: &str| {
        rules
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["category"] == category)
            .count()
    };
    assert_eq!(stated, count("secret"), "README's rule count");
    let code_rules = count("code");
    assert!(
        readme.contains(&format!("**{code_rules} code rules**")),
        "README's code rule count (there are {code_rules})"
    );
}

/// `ferret admin create-user` makes the first owner of an invitation-only server.
#[test]
fn admin_create_user_bootstraps_the_first_owner() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let create = |email: &str, password: &str| {
        let mut child = common::ferret()
            .args(["admin", "create-user", "--email", email, "--data-dir"])
            .arg(&data)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = create("owner@corp.test", "correct horse battery staple");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("created account usr_"),
        "{}",
        stderr(&out)
    );
    let again = create("Owner@corp.test", "correct horse battery staple");
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already has an account"),
        "{}",
        stderr(&again)
    );
    let weak = create("second@corp.test", "short");
    assert_eq!(weak.status.code(), Some(2), "{}", stderr(&weak));
}

/// A file of a format the checks read that does not parse is reported as skipped, with the
/// parser's reason — never dropped silently.
#[test]
fn unparsable_terraform_is_reported_as_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "infra/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n",
    );
    write(dir.path(), "infra/ok.tf", "variable \"region\" {}\n");
    let (report, code) = json_scan(dir.path(), &[]);
    assert_eq!(code, 0);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["path"], "infra/main.tf");
    assert_eq!(skipped[0]["reason"], "unparsable");
    assert!(skipped[0]["detail"]
        .as_str()
        .unwrap()
        .contains("not valid Terraform"));
    let human = ferret(&["scan", ".", "--no-progress"], dir.path());
    assert!(stdout(&human).contains("1 skipped (does not parse as its format: 1)"));
}

/// A tree nested deeper than the walk enters is reported with the real path of the directory
/// it did not enter; what lies above the limit is scanned.
#[test]
fn directories_nested_too_deep_are_reported_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().to_path_buf();
    for depth in 0..300 {
        deep.push("d");
        if depth == 100 {
            std::fs::create_dir_all(&deep).unwrap();
            std::fs::write(
                deep.join("shallow.env"),
                format!("TOKEN={}\n", github_token()),
            )
            .unwrap();
        }
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("deep.env"), format!("TOKEN={}\n", slack_token())).unwrap();
    let (report, _) = json_scan(dir.path(), &[]);
    assert_eq!(rule_ids(&report), ["github-pat-classic"]);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["reason"], "too_deep");
    let path = skipped[0]["path"].as_str().unwrap();
    assert_eq!(path, vec!["d"; 256].join("/"));
}
