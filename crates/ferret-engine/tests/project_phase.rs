//! The whole-project phase of analyzers: called once after the per-file pass with every scanned
//! file, and its findings go through the same filters as per-file ones.

use ferret_core::{Category, Confidence, Finding, Location, Severity};
use ferret_engine::{Analyzer, Config, Project, RuleInfo, ScanSettings, Scanner, SourceFile};
use std::sync::Mutex;

/// Reports every `Cargo.toml` that has no `Cargo.lock` beside it: a check that needs two files.
#[derive(Default)]
struct MissingLockfile {
    seen: Mutex<Vec<Vec<String>>>,
}

impl Analyzer for MissingLockfile {
    fn analyze(&self, _file: &SourceFile<'_>, _findings: &mut Vec<Finding>) {}

    fn analyze_project(&self, project: &Project<'_>, findings: &mut Vec<Finding>) {
        self.seen.lock().unwrap().push(project.files.to_vec());
        for manifest in project.files.iter().filter(|f| f.ends_with("Cargo.toml")) {
            let lock = manifest.replace("Cargo.toml", "Cargo.lock");
            if !project.files.contains(&lock) && !project.root.join(&lock).exists() {
                findings.push(Finding {
                    rule_id: "test-missing-lockfile".into(),
                    category: Category::Dependency,
                    severity: Severity::Low,
                    confidence: Confidence::High,
                    title: "No lockfile".into(),
                    location: Location {
                        path: manifest.clone(),
                        start_line: 1,
                        start_column: 1,
                        end_line: 1,
                        end_column: 1,
                    },
                    snippet: String::new(),
                    remediation: "Commit Cargo.lock.".into(),
                    fingerprint: ferret_core::fingerprint("test-missing-lockfile", manifest, b""),
                    secret: None,
                    provenance: None,
                    occurrences: Vec::new(),
                    flow: Vec::new(),
                    value_fingerprint: String::new(),
                    masked_values: Vec::new(),
                });
            }
        }
    }

    fn rules(&self) -> Vec<RuleInfo> {
        Vec::new()
    }
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("app/Cargo.toml", "[package]\nname = 'app'\n"),
        ("app/Cargo.lock", "version = 3\n"),
        ("tool/Cargo.toml", "[package]\nname = 'tool'\n"),
        ("tool/src/main.rs", "fn main() {}\n"),
    ] {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn the_project_phase_sees_every_file_once_and_reports_across_files() {
    let dir = tree();
    let mut scanner =
        Scanner::new(dir.path(), &Config::default(), &ScanSettings::default()).unwrap();
    let analyzer = std::sync::Arc::new(MissingLockfile::default());
    struct Shared(std::sync::Arc<MissingLockfile>);
    impl Analyzer for Shared {
        fn analyze(&self, file: &SourceFile<'_>, findings: &mut Vec<Finding>) {
            self.0.analyze(file, findings)
        }
        fn analyze_project(&self, project: &Project<'_>, findings: &mut Vec<Finding>) {
            self.0.analyze_project(project, findings)
        }
        fn rules(&self) -> Vec<RuleInfo> {
            Vec::new()
        }
    }
    scanner
        .add_analyzer(Box::new(Shared(analyzer.clone())))
        .unwrap();
    let report = scanner.scan_tree(dir.path(), None).unwrap();
    let seen = analyzer.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [vec![
            "app/Cargo.lock".to_string(),
            "app/Cargo.toml".to_string(),
            "tool/Cargo.toml".to_string(),
            "tool/src/main.rs".to_string(),
        ]]
    );
    let found: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.location.path.as_str()))
        .collect();
    assert_eq!(found, [("test-missing-lockfile", "tool/Cargo.toml")]);
}

#[test]
fn project_findings_obey_the_filter() {
    let dir = tree();
    // --min-severity medium drops the low finding of the project phase.
    let settings = ScanSettings {
        filter: ferret_engine::selection::RuleFilter {
            min_severity: Some(Severity::Medium),
            ..Default::default()
        },
        ..ScanSettings::default()
    };
    let mut scanner = Scanner::new(dir.path(), &Config::default(), &settings).unwrap();
    scanner
        .add_analyzer(Box::new(MissingLockfile::default()))
        .unwrap();
    let report = scanner.scan_tree(dir.path(), None).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}
