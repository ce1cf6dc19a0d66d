//! GitHub Actions checks on fixtures: the risky workflow's findings equal the snapshot
//! `fixtures/github-actions.expected` (`path:line:column rule-id`; regenerate with
//! `FERRET_UPDATE_SNAPSHOTS=1`), and the hardened workflow has none.

use ferret_engine::{Config, ScanSettings, Scanner};
use std::path::Path;

fn config_findings(dir: &Path) -> Vec<String> {
    let scanner = Scanner::new(dir, &Config::default(), &ScanSettings::default()).unwrap();
    let report = scanner.scan_tree(dir, None).unwrap();
    report
        .findings
        .iter()
        .filter(|f| f.category == ferret_core::Category::Config)
        .map(|f| {
            format!(
                "{}:{}:{} {}",
                f.location.path, f.location.start_line, f.location.start_column, f.rule_id
            )
        })
        .collect()
}

#[test]
fn risky_workflow_matches_snapshot() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let actual = config_findings(&fixtures.join("github-actions/risky")).join("\n") + "\n";
    let snapshot = fixtures.join("github-actions.expected");
    if std::env::var_os("FERRET_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &actual).unwrap();
    }
    assert_eq!(actual, std::fs::read_to_string(&snapshot).unwrap());
    for check in ferret_engine::misconfig::github_actions::CHECKS {
        assert!(
            actual.contains(check.meta().id),
            "{} never fires",
            check.meta().id
        );
    }
}

#[test]
fn hardened_workflow_has_no_findings() {
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github-actions/hardened");
    assert_eq!(config_findings(&fixtures), Vec::<String>::new());
}
