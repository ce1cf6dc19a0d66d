//! Configuration checks on fixtures.
//!
//! Each check has its own fixture, `fixtures/checks/<check-id>/`: `fires/` holds the case the
//! check must report, and its findings there (`path:line:column`) are the check's snapshot,
//! `snapshots/misconfig__<check-id>.snap` (insta); `quiet/` holds the near miss — the fixed
//! form — on which it must not fire. Changing one check touches one fixture and one snapshot.
//! Review changed snapshots with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always cargo test -p ferret-engine --test misconfig` and read the diff.
//!
//! Beside them, one realistic pair of trees per format (`fixtures/<format>/risky` and
//! `hardened`) checks the checks together: nothing fires on the hardened tree, and what fires
//! on the risky one belongs to the format.

use ferret_engine::{Config, ScanSettings, Scanner};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One scanner for every fixture (building the rule set is the slow part), running the
/// configuration checks only: the default ones, or with the opt-in pedantic checks too.
fn scanner_with(pedantic: bool) -> &'static Scanner {
    static SCANNERS: [std::sync::OnceLock<Scanner>; 2] =
        [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
    SCANNERS[usize::from(pedantic)].get_or_init(|| {
        let mut select = vec!["iac".to_string()];
        if pedantic {
            select.push("pedantic".into());
        }
        let settings = ScanSettings {
            filter: ferret_engine::selection::RuleFilter {
                select,
                ..Default::default()
            },
            ..Default::default()
        };
        Scanner::new(&fixtures(), &Config::default(), &settings).unwrap()
    })
}

fn scanner() -> &'static Scanner {
    scanner_with(false)
}

/// `(rule id, path:line:column)` of every configuration finding under `dir`.
fn config_findings(dir: &Path) -> Vec<(String, String)> {
    config_findings_with(dir, false)
}

fn config_findings_with(dir: &Path, pedantic: bool) -> Vec<(String, String)> {
    let report = scanner_with(pedantic).scan_tree(dir, None).unwrap();
    report
        .findings
        .iter()
        .filter(|f| f.category == ferret_core::Category::Config)
        .map(|f| {
            (
                f.rule_id.clone(),
                format!(
                    "{}:{}:{}",
                    f.location.path, f.location.start_line, f.location.start_column
                ),
            )
        })
        .collect()
}

/// Where `id` fires under `dir` (pedantic checks included).
fn places_of(id: &str, dir: &Path) -> Vec<String> {
    config_findings_with(dir, true)
        .into_iter()
        .filter(|(rule, _)| rule == id)
        .map(|(_, place)| place)
        .collect()
}

/// The configuration checks of the catalog (code rules are tested by `ferret-code`).
fn config_checks(catalog: &ferret_engine::Catalog) -> Vec<&ferret_core::RuleInfo> {
    catalog
        .checks()
        .iter()
        .filter(|c| c.category == ferret_core::Category::Config)
        .collect()
}

#[test]
fn every_check_fires_on_its_fixture_and_not_on_its_near_miss() {
    let catalog = ferret_engine::Catalog::builtin().unwrap();
    let root = fixtures().join("checks");
    let mut problems = Vec::new();
    for check in config_checks(&catalog) {
        let id = check.id.as_str();
        let dir = root.join(id);
        if !dir.join("fires").is_dir() || !dir.join("quiet").is_dir() {
            problems.push(format!("{id}: no fixtures/checks/{id}/fires and quiet"));
            continue;
        }
        let fired = places_of(id, &dir.join("fires"));
        if fired.is_empty() {
            problems.push(format!("{id}: does not fire on fires/"));
        }
        let quiet = places_of(id, &dir.join("quiet"));
        if !quiet.is_empty() {
            problems.push(format!("{id}: fires on quiet/ at {}", quiet.join(", ")));
        }
        insta::assert_snapshot!(id.to_string(), fired.join("\n"));
    }
    // No fixture for a check that does not exist (a renamed check leaves none behind).
    for entry in std::fs::read_dir(&root).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !config_checks(&catalog).iter().any(|c| c.id == name) {
            problems.push(format!("fixtures/checks/{name}: no such check"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn check_format(format: &str, check_ids: &[&str]) {
    let risky = config_findings(&fixtures().join(format).join("risky"));
    assert!(
        !risky.is_empty(),
        "nothing fires on the {format} risky tree"
    );
    for (id, _) in &risky {
        assert!(
            check_ids.contains(&id.as_str()),
            "{id} fired on the {format} fixture but is not a {format} check"
        );
    }
    assert_eq!(
        config_findings(&fixtures().join(format).join("hardened")),
        Vec::<(String, String)>::new(),
        "the {format} hardened tree must not trigger any check"
    );
}

#[test]
fn every_check_is_documented_once_in_its_doc_comment() {
    let catalog = ferret_engine::Catalog::builtin().unwrap();
    assert!(config_checks(&catalog).len() >= 60);
    for check in config_checks(&catalog) {
        let help = check.help.as_deref().unwrap_or_default();
        for section in ["**What**:", "**Why**:", "**Example**:", "**Fix**:"] {
            assert!(
                help.contains(section),
                "{}: no {section} in its doc",
                check.id
            );
        }
        assert!(
            check.description.len() > 40,
            "{}: {}",
            check.id,
            check.description
        );
        assert!(
            check.remediation.len() > 10,
            "{}: {}",
            check.id,
            check.remediation
        );
        assert!(!check.remediation.contains("**"), "{}", check.remediation);
    }
}

#[test]
fn dockerfile_checks() {
    let ids: Vec<&str> = ferret_engine::misconfig::dockerfile::CHECKS
        .iter()
        .map(|c| c.meta().id)
        .collect();
    check_format("dockerfile", &ids);
}

#[test]
fn github_actions_checks() {
    let ids: Vec<&str> = ferret_engine::misconfig::github_actions::CHECKS
        .iter()
        .map(|c| c.meta().id)
        .collect();
    check_format("github-actions", &ids);
}

#[test]
fn compose_checks() {
    let ids: Vec<&str> = ferret_engine::misconfig::compose::CHECKS
        .iter()
        .map(|c| c.meta().id)
        .collect();
    check_format("compose", &ids);
}

#[test]
fn kubernetes_checks() {
    let project = &ferret_engine::misconfig::kubernetes::network_policy_missing::META;
    let ids: Vec<&str> = ferret_engine::misconfig::kubernetes::CHECKS
        .iter()
        .map(|c| c.meta().id)
        .chain([project.id])
        .collect();
    check_format("kubernetes", &ids);
}

#[test]
fn terraform_checks() {
    let ids: Vec<&str> = ferret_engine::misconfig::terraform::CHECKS
        .iter()
        .map(|c| c.meta().id)
        .collect();
    check_format("terraform", &ids);
}

#[test]
fn application_checks() {
    let ids: Vec<&str> = ferret_engine::misconfig::app::CHECKS
        .iter()
        .map(|c| c.meta().id)
        .collect();
    check_format("app", &ids);
}

#[test]
fn actions_severity_follows_context() {
    let dir = fixtures().join("github-actions").join("risky");
    let scanner = Scanner::new(&dir, &Config::default(), &ScanSettings::default()).unwrap();
    let report = scanner.scan_tree(&dir, None).unwrap();
    let severity = |file: &str, line: u32, rule: &str| {
        report
            .findings
            .iter()
            .find(|f| {
                f.location.path.ends_with(file)
                    && f.location.start_line == line
                    && f.rule_id == rule
            })
            .map(|f| f.severity)
            .unwrap_or_else(|| panic!("{file}:{line} {rule} not found"))
    };
    use ferret_core::Severity;
    // Injection on a privileged trigger (pull_request_target) is critical.
    assert_eq!(
        severity("triage.yml", 12, "gha-template-injection"),
        Severity::Critical
    );
    // A checkout in a job that uploads artifacts is high; elsewhere medium.
    assert_eq!(
        severity("publish.yml", 10, "gha-artipacked"),
        Severity::High
    );
    assert_eq!(
        severity("triage.yml", 9, "gha-artipacked"),
        Severity::Medium
    );
}

/// Analyzers run alone (each searching its own keywords) find exactly what the scanner finds
/// with one shared keyword pass for all of them.
#[test]
fn analyzers_alone_agree_with_the_shared_keyword_pass() {
    use ferret_engine::misconfig::ConfigAnalyzer;
    use ferret_engine::secrets::{SecretAnalyzer, SecretMatcher};
    use ferret_engine::{Analyzer, SourceFile};
    let root = fixtures();
    let scanner = Scanner::new(&root, &Config::default(), &ScanSettings::default()).unwrap();
    let alone: Vec<Box<dyn Analyzer>> = vec![
        Box::new(SecretAnalyzer::new(SecretMatcher::builtin().unwrap())),
        Box::new(ConfigAnalyzer),
        Box::new(ferret_engine::code::CodeRulesAnalyzer::new().unwrap()),
    ];
    let key = |f: &ferret_core::Finding| {
        format!(
            "{}:{}:{} {}",
            f.location.path, f.location.start_line, f.location.start_column, f.rule_id
        )
    };
    let mut files = 0;
    let mut findings = 0;
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let content = std::fs::read(&path).unwrap();
            let relative = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let (shared, _) = scanner.scan_file(&relative, &content);
            let mut separate = Vec::new();
            for analyzer in &alone {
                let file = SourceFile {
                    path: &relative,
                    content: &content,
                    keyword_hits: None,
                    root: None,
                };
                analyzer.analyze(&file, &mut separate);
            }
            let mut shared: Vec<String> = shared.iter().map(key).collect();
            // The scanner's default selection leaves the opt-in pedantic checks out.
            separate.retain(|f| !ferret_engine::misconfig::PEDANTIC.contains(&f.rule_id.as_str()));
            let mut separate: Vec<String> = separate.iter().map(key).collect();
            shared.sort();
            separate.sort();
            assert_eq!(shared, separate, "{relative}");
            files += 1;
            findings += shared.len();
        }
    }
    assert!(
        files > 50 && findings > 50,
        "{files} files, {findings} findings"
    );
}

/// Configuration findings show what the reader must see: references and keywords under
/// secret-looking names stay readable; a credential a check finds is hidden in its snippet and
/// in every other snippet of the file.
#[test]
fn snippets_hide_credentials_not_references() {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: pull_request_target\n\
         jobs:\n\
         \x20 call:\n\
         \x20   uses: org/repo/.github/workflows/reusable.yml@main\n\
         \x20   secrets: inherit\n\
         \x20 build:\n\
         \x20   runs-on: ubuntu-latest\n\
         \x20   container:\n\
         \x20     image: registry.example.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\
         \x20     credentials:\n\
         \x20       username: deploy\n\
         \x20       password: Pr0d-Regi5try-Pa55\n\
         \x20   steps:\n\
         \x20     - uses: some/action@v1\n\
         \x20       with:\n\
         \x20         github_token: ${{ secrets.GITHUB_TOKEN }}\n\
         \x20     - run: echo ${{ github.event.pull_request.title }} Pr0d-Regi5try-Pa55\n",
    )
    .unwrap();
    let report = scanner().scan_tree(dir.path(), None).unwrap();
    let snippet = |rule: &str| -> Vec<String> {
        report
            .findings
            .iter()
            .filter(|f| f.rule_id == rule)
            .map(|f| f.snippet.clone())
            .collect()
    };
    assert_eq!(snippet("gha-secrets-inherit"), ["secrets: inherit"]);
    assert!(
        snippet("gha-unpinned-action")
            .iter()
            .any(|s| s == "- uses: some/action@v1"),
        "{:?}",
        snippet("gha-unpinned-action")
    );
    for f in &report.findings {
        assert!(
            !f.snippet.contains("Pr0d-Regi5try-Pa55"),
            "{}: {}",
            f.rule_id,
            f.snippet
        );
    }
    let injection = snippet("gha-template-injection");
    assert!(
        injection
            .iter()
            .any(|s| s.contains("github.event.pull_request.title")),
        "{injection:?}"
    );
}

/// OpenShift's DeploymentConfig and a ReplicationController are workloads like a Deployment:
/// their pod templates, init containers included, are checked.
#[test]
fn openshift_and_replication_controller_pod_templates_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let template = "  template:\n    spec:\n      initContainers:\n        - name: init\n          image: busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n          securityContext:\n            privileged: true\n";
    for (file, api, kind) in [
        ("dc.yaml", "apps.openshift.io/v1", "DeploymentConfig"),
        ("rc.yaml", "v1", "ReplicationController"),
    ] {
        std::fs::write(
            dir.path().join(file),
            format!("apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: web\nspec:\n{template}"),
        )
        .unwrap();
    }
    assert_eq!(
        places_of("k8s-privileged", dir.path()),
        ["dc.yaml:12:13", "rc.yaml:12:13"]
    );
}

/// A Terraform block that does not parse costs only itself: the rest of the file is checked,
/// and the file is listed with the parser's reason.
#[test]
fn a_broken_terraform_block_loses_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = \"logs\"\n  versioning_configuration {\n    status = \"Enabled\"}\n}\n\n\
         resource \"aws_db_instance\" \"db\" {\n  publicly_accessible = true\n}\n",
    )
    .unwrap();
    assert_eq!(places_of("tf-aws-rds-public", dir.path()), ["main.tf:8:3"]);
    let report = scanner().scan_tree(dir.path(), None).unwrap();
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0]
        .detail
        .as_deref()
        .unwrap_or("")
        .contains("the blocks that parse were checked"));
}

/// A Kubernetes document that does not parse costs only itself: the checks that need the YAML
/// tree still run on the other documents, and the file is listed with the parser's reason.
#[test]
fn a_broken_kubernetes_document_loses_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: shop\nspec:\n  containers:\n    - name: a\n      image: acme/a:1.0\n\
         ---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\ndata: {}\n",
    )
    .unwrap();
    assert_eq!(
        places_of("k8s-run-as-non-root-missing", dir.path()),
        ["app.yaml:8:7"]
    );
    let report = scanner().scan_tree(dir.path(), None).unwrap();
    assert_eq!(report.skipped.len(), 1);
    let detail = report.skipped[0].detail.as_deref().unwrap_or("");
    assert!(
        detail.contains("not valid YAML")
            && detail.contains("the documents that parse were checked (1)"),
        "{detail}"
    );
}
