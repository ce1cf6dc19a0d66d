//! Fixture corpora scanned through the whole engine (walker, rules, filters, suppressions):
//!
//! - `fixtures/leaks/`: realistic files holding fake credentials; the findings must equal the
//!   snapshot `fixtures/leaks.expected` (one `path:line rule-id` per line). Regenerate it after an
//!   intended change with `FERRET_UPDATE_SNAPSHOTS=1 cargo test -p ferret-engine --test corpus`
//!   and review the diff.
//! - `fixtures/lookalikes/`: lockfiles, go.sum, SRI hashes, data URIs, public keys, certificates,
//!   placeholders, environment lookups, UUIDs and hashes; none may produce a finding.

use ferret_engine::{Config, ScanSettings, Scanner};
use std::path::Path;

fn scan_lines(dir: &Path) -> Vec<String> {
    let scanner = Scanner::new(dir, &Config::default(), &ScanSettings::default()).unwrap();
    let report = scanner.scan_tree(dir, None).unwrap();
    assert!(report.files_scanned > 0);
    report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f.location.path, f.location.start_line, f.rule_id
            )
        })
        .collect()
}

#[test]
fn leaks_corpus_matches_snapshot() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let actual = scan_lines(&fixtures.join("leaks")).join("\n") + "\n";
    let snapshot = fixtures.join("leaks.expected");
    if std::env::var_os("FERRET_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).expect("snapshot exists");
    assert_eq!(
        actual,
        expected,
        "findings differ from {}",
        snapshot.display()
    );
}

#[test]
fn lookalikes_corpus_has_no_findings() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lookalikes");
    let findings = scan_lines(&fixtures);
    assert!(
        findings.is_empty(),
        "false positives:\n{}",
        findings.join("\n")
    );
}
