//! Configuration checks on fixtures, one pair of trees per format under `fixtures/<format>/`.
//! Each check has its own snapshot, `snapshots/misconfig__<format>__<check-id>.snap` (insta):
//! its findings on `risky/` as `path:line:column`, so changing one check touches one snapshot.
//! Every check fires at least once on `risky/`, and `hardened/` — the case that must not fire,
//! for every check of the format — has no configuration finding at all. Review changed
//! snapshots with `cargo insta review`, or accept them with `INSTA_UPDATE=always cargo test -p
//! ferret-engine --test misconfig` and read the diff.

use ferret_engine::{Config, ScanSettings, Scanner};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `(rule id, path:line:column)` of every configuration finding under `dir`.
fn config_findings(dir: &Path) -> Vec<(String, String)> {
    let scanner = Scanner::new(dir, &Config::default(), &ScanSettings::default()).unwrap();
    let report = scanner.scan_tree(dir, None).unwrap();
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

fn check_format(format: &str, check_ids: &[&str]) {
    let risky = config_findings(&fixtures().join(format).join("risky"));
    for (id, _) in &risky {
        assert!(
            check_ids.contains(&id.as_str()),
            "{id} fired on the {format} fixture but is not a {format} check"
        );
    }
    for id in check_ids {
        let places: Vec<&str> = risky
            .iter()
            .filter(|(rule, _)| rule == id)
            .map(|(_, place)| place.as_str())
            .collect();
        assert!(
            !places.is_empty(),
            "{id} never fires on the {format} fixture"
        );
        insta::assert_snapshot!(format!("{format}__{id}"), places.join("\n"));
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
    assert!(catalog.checks().len() >= 60);
    for check in catalog.checks() {
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
    let ids: Vec<&str> = ferret_engine::misconfig::kubernetes::CHECKS
        .iter()
        .map(|c| c.meta().id)
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
                };
                analyzer.analyze(&file, &mut separate);
            }
            let mut shared: Vec<String> = shared.iter().map(key).collect();
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
