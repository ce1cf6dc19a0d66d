//! The scan pipeline: a source feeds every analyzer, inline suppressions are applied, and the
//! findings are collected into a [`ScanReport`].

use crate::analyzer::{Analyzer, RuleInfo, SourceFile};
use crate::config::{Config, ConfigError};
use crate::deps::DependencyAnalyzer;
use crate::keywords::SharedKeywords;
use crate::registry::Catalog;
use crate::selection::RuleFilter;
use crate::source::history::{self, ChangeSet, CommitSelection, HistoryBlob};
use crate::source::tree::{Progress, SkipReason, SkippedFile, TreeEntry, TreeWalk};
use crate::suppress::{has_suppressions, line_allows_secret, line_suppresses};
use crate::text::LineIndex;
use ferret_core::{Category, Finding};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// Default limit above which files are skipped: 10 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Settings that do not come from `.ferret.toml`.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    /// Overrides the config's `max_file_size` when set.
    pub max_file_size: Option<u64>,
    pub threads: usize,
    pub show_secrets: bool,
    /// History scans: list every selected commit that contains each finding, not only the one
    /// that introduced it.
    pub all_provenance: bool,
    /// Which rules run and which findings are reported.
    pub filter: RuleFilter,
    /// The OSV database folder (`--db`); else `[dependencies] database`, else the default.
    pub osv_db: Option<std::path::PathBuf>,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            max_file_size: None,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            show_secrets: false,
            all_provenance: false,
            filter: RuleFilter::default(),
            osv_db: None,
        }
    }
}

pub use ferret_core::ScanReport;

/// Errors that stop a scan.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{0}: no such file or directory")]
    MissingPath(String),
    #[error("{0}: not a regular file or directory (a FIFO, socket or device cannot be scanned)")]
    NotScannable(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    RuleFile(#[from] crate::secrets::RuleFileError),
    #[error(transparent)]
    Rules(#[from] crate::secrets::AnalyzerError),
    #[error("cannot build the keyword prefilter: {0}")]
    Keywords(#[from] crate::keywords::KeywordError),
    #[error(transparent)]
    History(#[from] history::HistoryError),
    #[error(transparent)]
    Selection(#[from] crate::selection::UnknownSelector),
    #[error("code rules: {0}")]
    CodeRules(String),
}

/// Whether `filter` lets any of `analyzer`'s rules report (an analyzer without rules counts).
/// Every analyzer's keywords, and the reporting analyzers' alone when that is fewer.
fn keyword_sets(
    analyzers: &[Box<dyn Analyzer>],
    reporting: &[bool],
) -> Result<(SharedKeywords, Option<SharedKeywords>), ScanError> {
    let lists: Vec<_> = analyzers.iter().map(|a| a.keywords()).collect();
    let all = SharedKeywords::new(&lists)?;
    if reporting.iter().all(|r| *r) {
        return Ok((all, None));
    }
    let reporting_lists: Vec<_> = lists
        .into_iter()
        .zip(reporting)
        .map(|(list, reports)| if *reports { list } else { Vec::new() })
        .collect();
    Ok((all, Some(SharedKeywords::new(&reporting_lists)?)))
}

fn analyzer_reports(analyzer: &dyn Analyzer, filter: &RuleFilter) -> bool {
    let rules = analyzer.rules();
    rules.is_empty() || rules.iter().any(|r| filter.runs(&r.id, r.category))
}

/// Analyzers plus the settings to run them over sources.
pub struct Scanner {
    analyzers: Vec<Box<dyn Analyzer>>,
    /// Per analyzer, whether the selection can report any of its findings. The others run only
    /// to mask their values in the snippets of reported findings (the secret rules under
    /// `--select code`), so they are skipped for files without a reportable finding.
    reporting: Vec<bool>,
    /// Every analyzer's keywords, located in one pass per file.
    keywords: SharedKeywords,
    /// Only the reporting analyzers' keywords, when some analyzer does not report: the first
    /// pass over a file looks for those alone (most files then need no second pass).
    reporting_keywords: Option<SharedKeywords>,
    /// Configuration-check ids disabled by the config, and their severity overrides (secret
    /// rules apply both when they are compiled).
    disabled: Vec<String>,
    filter: RuleFilter,
    severity: std::collections::BTreeMap<String, ferret_core::Severity>,
    excludes: Option<Gitignore>,
    /// Per category, paths whose findings of that category are dropped after masking (the
    /// analyzers' own `exclude` keys, e.g. `[secrets] exclude`).
    report_excludes: Vec<(ferret_core::Category, Gitignore)>,
    max_file_size: u64,
    threads: usize,
    all_provenance: bool,
}

impl Scanner {
    /// A scanner with the built-in analyzers, adjusted by `config`. `root` anchors the config's
    /// path excludes.
    pub fn new(
        root: &Path,
        config: &Config,
        settings: &ScanSettings,
    ) -> Result<Scanner, ScanError> {
        let catalog = Catalog::configured(config)?;
        let filter = &settings.filter;
        if !filter.is_empty() {
            filter.validate(&catalog.rules())?;
        }
        let runs = |category| {
            catalog
                .checks()
                .iter()
                .any(|check| check.category == category && filter.runs(&check.id, category))
        };
        let config_runs = runs(ferret_core::Category::Config);
        let code_runs = runs(ferret_core::Category::Code);
        let dependencies = filter
            .runs_dependencies()
            .then(|| DependencyAnalyzer::new(config.dependencies.clone(), settings.osv_db.clone()));
        let mut specs = catalog.secret_rules().to_vec();
        // Secret rules that are not selected are not even compiled — unless configuration
        // checks or code rules run, whose snippets every secret value must still be masked in
        // (their own findings are then dropped by the filter).
        if !config_runs && !code_runs {
            specs.retain(|s| filter.runs(&s.id, ferret_core::Category::Secret));
        }
        let allow_regexes = config.allow_regexes()?;
        let analyzers = catalog.analyzers(
            specs,
            |secrets| {
                secrets
                    .with_allowlist(config.secrets.allow_values.clone(), allow_regexes)
                    .show_secrets(settings.show_secrets)
            },
            config_runs,
            code_runs,
            dependencies,
        )?;
        let base = if root.is_dir() {
            root
        } else {
            root.parent().unwrap_or(root)
        };
        let excludes = path_patterns(config, base, "exclude", &config.exclude)?;
        let mut report_excludes = Vec::new();
        for (category, section, patterns) in [
            (
                ferret_core::Category::Secret,
                "[secrets] exclude",
                &config.secrets.exclude,
            ),
            (
                ferret_core::Category::Config,
                "[iac] exclude",
                &config.iac.exclude,
            ),
        ] {
            if let Some(patterns) = path_patterns(config, base, section, patterns)? {
                report_excludes.push((category, patterns));
            }
        }
        let reporting: Vec<bool> = analyzers
            .iter()
            .map(|a| analyzer_reports(a.as_ref(), filter))
            .collect();
        let (keywords, reporting_keywords) = keyword_sets(&analyzers, &reporting)?;
        Ok(Scanner {
            analyzers,
            reporting,
            keywords,
            reporting_keywords,
            disabled: config.disable.clone(),
            filter: filter.clone(),
            severity: config.severity.clone(),
            excludes,
            report_excludes,
            max_file_size: settings
                .max_file_size
                .or(config.max_file_size)
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
            threads: settings.threads,
            all_provenance: settings.all_provenance,
        })
    }

    /// What the analyzers want the user to know after the scan (see [`Analyzer::notes`]).
    pub fn notes(&self) -> Vec<String> {
        self.analyzers.iter().flat_map(|a| a.notes()).collect()
    }

    /// Every rule of every analyzer.
    pub fn rules(&self) -> Vec<RuleInfo> {
        self.analyzers.iter().flat_map(|a| a.rules()).collect()
    }

    /// Runs every analyzer over one file's content and applies inline suppressions.
    /// Returns the findings and how many were suppressed.
    pub fn scan_file(&self, path: &str, content: &[u8]) -> (Vec<Finding>, u64) {
        self.scan_file_in(None, path, content)
    }

    /// [`Scanner::scan_file`] for a file of the tree at `root` on disk (`path` relative to it),
    /// whose analyzers may read the project files it refers to.
    fn scan_file_in(&self, root: Option<&Path>, path: &str, content: &[u8]) -> (Vec<Finding>, u64) {
        let mut findings = Vec::new();
        // The analyzers the selection reports first; the others only when there is something
        // reported whose snippet their values must be masked in.
        for reporting in [true, false] {
            if !reporting && findings.is_empty() {
                break;
            }
            let keywords = match (&self.reporting_keywords, reporting) {
                (Some(reporting_keywords), true) => reporting_keywords,
                _ => &self.keywords,
            };
            let mut hits = None;
            for (i, analyzer) in self.analyzers.iter().enumerate() {
                if self.reporting[i] != reporting {
                    continue;
                }
                let hits = hits.get_or_insert_with(|| keywords.locate(content));
                let file = SourceFile {
                    path,
                    content,
                    keyword_hits: Some(&hits[i]),
                    root,
                };
                analyzer.analyze(&file, &mut findings);
            }
        }
        findings.retain(|f| !self.disabled.contains(&f.rule_id));
        for finding in &mut findings {
            if let Some(severity) = self.severity.get(&finding.rule_id) {
                finding.severity = *severity;
            }
        }
        // Masking comes before the filter: a finding that is not reported still hides its value
        // in the snippets of those that are.
        mask_across_findings(&mut findings);
        findings.retain(|f| self.filter.reports(f) && !self.excluded_for(f));
        if findings.is_empty() || !has_suppressions(content) {
            return (findings, 0);
        }
        let index = LineIndex::new(content);
        let before = findings.len();
        findings.retain(|f| {
            let line = &content[index.line_range(f.location.start_line as usize - 1)];
            let allowed_secret = f.category == Category::Secret && line_allows_secret(line);
            !line_suppresses(line, &f.rule_id) && !allowed_secret
        });
        let suppressed = (before - findings.len()) as u64;
        (findings, suppressed)
    }

    /// Scans a directory tree (or a single file).
    pub fn scan_tree(
        &self,
        root: &Path,
        progress: Option<&Progress>,
    ) -> Result<ScanReport, ScanError> {
        if std::fs::symlink_metadata(root).is_err() {
            return Err(ScanError::MissingPath(root.display().to_string()));
        }
        // The target itself (followed if it is a link the user named): a FIFO would block and a
        // device has no end, so neither is "a tree with nothing in it".
        if let Ok(meta) = std::fs::metadata(root) {
            if !meta.is_file() && !meta.is_dir() {
                return Err(ScanError::NotScannable(root.display().to_string()));
            }
        }
        let started = Instant::now();
        // What the walk's paths are relative to.
        let base = if root.is_dir() {
            root
        } else {
            root.parent().unwrap_or(root)
        };
        let report = Mutex::new(ScanReport::default());
        let scanned = Mutex::new(Vec::new());
        // A file no reporting analyzer reads is not read at all.
        let wants = |path: &str| {
            self.analyzers
                .iter()
                .zip(&self.reporting)
                .any(|(analyzer, reporting)| *reporting && analyzer.reads(path))
        };
        let walk = TreeWalk {
            root: root.to_path_buf(),
            max_file_size: self.max_file_size,
            threads: self.threads,
            excludes: self.excludes.as_ref(),
            progress,
            wants: Some(&wants),
        };
        walk.run(|| {
            let report = &report;
            let scanned = &scanned;
            move |entry: TreeEntry<'_>| match entry {
                // The project's own Ferret config holds allowlisted values and rule examples.
                TreeEntry::File { path, .. } if path == crate::config::CONFIG_FILE_NAME => {}
                TreeEntry::File { path, content } => {
                    let (findings, suppressed) = self.scan_file_in(Some(base), path, &content);
                    let unreadable = self.unreadable(path, &content);
                    scanned
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(path.to_string());
                    let mut report = report.lock().unwrap_or_else(|e| e.into_inner());
                    report.files_scanned += 1;
                    report.bytes_scanned += content.len() as u64;
                    report.suppressed_inline += suppressed;
                    report.findings.extend(findings);
                    if let Some(detail) = unreadable {
                        report.skipped.push(SkippedFile {
                            path: path.to_string(),
                            reason: SkipReason::Unparsable,
                            detail: Some(detail),
                        });
                    }
                }
                TreeEntry::Skipped(skipped) => {
                    report
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .skipped
                        .push(skipped);
                }
            }
        });
        let mut report = report.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut files = scanned.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_unstable();
        let oversized: Vec<String> = report
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::TooLarge)
            .map(|s| s.path.clone())
            .collect();
        report
            .findings
            .extend(self.project_phase(base, &files, &oversized));
        Ok(finish(report, started))
    }

    /// Runs every analyzer's whole-project phase; its findings get the same overrides and
    /// filter as per-file ones.
    fn project_phase(&self, root: &Path, files: &[String], oversized: &[String]) -> Vec<Finding> {
        let project = crate::analyzer::Project {
            root,
            files,
            oversized,
        };
        let mut findings = Vec::new();
        for analyzer in &self.analyzers {
            analyzer.analyze_project(&project, &mut findings);
        }
        findings.retain(|f| !self.disabled.contains(&f.rule_id));
        for finding in &mut findings {
            if let Some(severity) = self.severity.get(&finding.rule_id) {
                finding.severity = *severity;
            }
        }
        findings.retain(|f| self.filter.reports(f) && !self.excluded_for(f));
        findings
    }

    /// Whether the section of `finding`'s analyzer excludes its path.
    fn excluded_for(&self, finding: &Finding) -> bool {
        self.report_excludes.iter().any(|(category, patterns)| {
            *category == finding.category
                && patterns
                    .matched_path_or_any_parents(Path::new(&finding.location.path), false)
                    .is_ignore()
        })
    }

    /// The first analyzer's reason why it could not read a file of its format.
    fn unreadable(&self, path: &str, content: &[u8]) -> Option<String> {
        let file = SourceFile {
            path,
            content,
            keyword_hits: None,
            root: None,
        };
        self.analyzers.iter().find_map(|a| a.unreadable(&file))
    }

    /// Adds an analyzer to the built-in ones (embedders' own checks, tests).
    pub fn add_analyzer(&mut self, analyzer: Box<dyn Analyzer>) -> Result<(), ScanError> {
        self.reporting
            .push(analyzer_reports(analyzer.as_ref(), &self.filter));
        self.analyzers.push(analyzer);
        (self.keywords, self.reporting_keywords) = keyword_sets(&self.analyzers, &self.reporting)?;
        Ok(())
    }
}

impl Scanner {
    /// Scans every unique blob reachable from `selection` in the repository at `repo_path`.
    /// Findings carry the commit that introduced their blob; a secret present in many versions
    /// of a file is reported once, at its first appearance.
    pub fn scan_history(
        &self,
        repo_path: &Path,
        selection: &CommitSelection,
        progress: Option<&Progress>,
    ) -> Result<ScanReport, ScanError> {
        let started = Instant::now();
        let repo = self.open_repo(repo_path)?;
        let listing = history::collect_blobs(&repo.to_thread_local(), selection)
            .map_err(ScanError::History)?;
        let blobs = self.without_excluded(listing.blobs);
        let (mut report, ranked) = self.scan_blobs(&repo, &blobs, progress);
        // Every blob that holds each fingerprint, for --all-provenance.
        let mut holders: HashMap<String, Vec<gix::ObjectId>> = HashMap::new();
        if self.all_provenance {
            for (rank, finding) in &ranked {
                holders
                    .entry(finding.fingerprint.clone())
                    .or_default()
                    .push(blobs[*rank].id);
            }
        }
        // One finding per fingerprint: the earliest blob that holds it.
        let mut seen = HashSet::new();
        report.findings = ranked
            .into_iter()
            .filter(|(_, f)| seen.insert(f.fingerprint.clone()))
            .map(|(_, f)| f)
            .collect();
        if self.all_provenance {
            let wanted: HashSet<gix::ObjectId> = holders.values().flatten().copied().collect();
            let containing =
                history::commits_containing(&repo.to_thread_local(), &listing.commits, &wanted)
                    .map_err(ScanError::History)?;
            for finding in &mut report.findings {
                let mut found: Vec<&(usize, String)> = holders[&finding.fingerprint]
                    .iter()
                    .filter_map(|blob| containing.get(blob))
                    .flatten()
                    .collect();
                found.sort();
                found.dedup();
                finding.occurrences = found
                    .into_iter()
                    .map(|(index, path)| {
                        let provenance = &listing.commits[*index].provenance;
                        ferret_core::CommitOccurrence {
                            commit: provenance.commit.clone(),
                            author: provenance.author.clone(),
                            date: provenance.date.clone(),
                            path: path.clone(),
                        }
                    })
                    .collect();
            }
        }
        report.commits_scanned = listing.commits.len() as u64;
        Ok(finish(report, started))
    }

    /// Scans only what a change introduces: the staged changes against HEAD, or HEAD against a
    /// base revision. A finding is *introduced* when its rule and value do not occur in the old
    /// version of any file the change modifies or deletes: a secret that stays in its file
    /// (lines moved or edited around it) or moves to another file is not new; one copied from
    /// an untouched file, or any new value, is.
    pub fn scan_changes(
        &self,
        repo_path: &Path,
        set: &ChangeSet,
        progress: Option<&Progress>,
    ) -> Result<ScanReport, ScanError> {
        let started = Instant::now();
        let repo = self.open_repo(repo_path)?;
        let changed =
            history::changed_blobs(&repo.to_thread_local(), set).map_err(ScanError::History)?;
        let (_, old_findings) = self.scan_blobs(&repo, &changed.old, None);
        let existing: HashSet<String> = old_findings
            .into_iter()
            .map(|(_, f)| f.value_fingerprint)
            .collect();
        let new = self.without_excluded(changed.new);
        let (mut report, ranked) = self.scan_blobs(&repo, &new, progress);
        report.findings = ranked
            .into_iter()
            .map(|(_, f)| f)
            .filter(|f| !existing.contains(&f.value_fingerprint))
            .collect();
        Ok(finish(report, started))
    }

    fn open_repo(&self, repo_path: &Path) -> Result<gix::ThreadSafeRepository, ScanError> {
        if std::fs::symlink_metadata(repo_path).is_err() {
            return Err(ScanError::MissingPath(repo_path.display().to_string()));
        }
        history::open(repo_path).map_err(ScanError::History)
    }

    fn without_excluded(&self, blobs: Vec<HistoryBlob>) -> Vec<HistoryBlob> {
        let Some(excludes) = &self.excludes else {
            return blobs;
        };
        blobs
            .into_iter()
            .filter(|b| {
                !excludes
                    .matched_path_or_any_parents(Path::new(&b.path), false)
                    .is_ignore()
            })
            .collect()
    }

    /// Reads and scans `blobs` in parallel. Findings come back with the index of their blob, in
    /// blob order.
    fn scan_blobs(
        &self,
        repo: &gix::ThreadSafeRepository,
        blobs: &[HistoryBlob],
        progress: Option<&Progress>,
    ) -> (ScanReport, Vec<(usize, Finding)>) {
        let collected = Mutex::new((ScanReport::default(), Vec::<(usize, Finding)>::new()));
        let errors = history::read_blobs_parallel(
            repo,
            blobs,
            self.threads,
            self.max_file_size,
            |rank, content| {
                let blob = &blobs[rank];
                let skipped = |reason| SkippedFile {
                    path: match &blob.provenance {
                        Some(p) => {
                            format!("{}@{}", blob.path, ferret_core::short_commit(&p.commit))
                        }
                        None => blob.path.clone(),
                    },
                    reason,
                    detail: None,
                };
                let Some(content) = content else {
                    let mut guard = collected.lock().unwrap_or_else(|e| e.into_inner());
                    guard.0.skipped.push(skipped(SkipReason::TooLarge));
                    return;
                };
                if let Some(progress) = progress {
                    progress
                        .files
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    progress
                        .bytes
                        .fetch_add(content.len() as u64, std::sync::atomic::Ordering::Relaxed);
                }
                let Some(content) = crate::text::scannable(content) else {
                    let mut guard = collected.lock().unwrap_or_else(|e| e.into_inner());
                    guard.0.skipped.push(skipped(SkipReason::Binary));
                    return;
                };
                let content: &[u8] = &content;
                let (findings, suppressed) = self.scan_file(&blob.path, content);
                let mut guard = collected.lock().unwrap_or_else(|e| e.into_inner());
                guard.0.files_scanned += 1;
                guard.0.bytes_scanned += content.len() as u64;
                guard.0.suppressed_inline += suppressed;
                guard.1.extend(findings.into_iter().map(|mut f| {
                    f.provenance = blob.provenance.clone();
                    (rank, f)
                }));
            },
        );
        let (mut report, mut ranked) = collected.into_inner().unwrap_or_else(|e| e.into_inner());
        for error in errors {
            report.skipped.push(SkippedFile {
                path: error.split(':').next().unwrap_or_default().to_string(),
                reason: SkipReason::Unreadable,
                detail: Some(error),
            });
        }
        ranked.sort_by_key(|(rank, f)| (*rank, f.location.start_line, f.location.start_column));
        (report, ranked)
    }
}

/// Masks every secret value detected in a file in the snippets of all the file's findings (a
/// configuration finding on the line of a secret must not show it either), then drops the
/// values from memory.
fn mask_across_findings(findings: &mut [Finding]) {
    let values: Vec<String> = findings
        .iter_mut()
        .flat_map(|f| std::mem::take(&mut f.masked_values))
        .collect();
    if values.is_empty() {
        return;
    }
    let mask = ferret_core::ValueMask::new(&values);
    for finding in findings {
        finding.snippet = mask.apply(&finding.snippet);
    }
}

/// Sorts findings and skipped files for output and records the duration.
/// Compiles gitignore-syntax `patterns` (the `key` of `config`) relative to `base`; `None`
/// when there are none.
fn path_patterns(
    config: &Config,
    base: &Path,
    key: &str,
    patterns: &[String],
) -> Result<Option<Gitignore>, ConfigError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GitignoreBuilder::new(base);
    for pattern in patterns {
        builder
            .add_line(None, pattern)
            .map_err(|e| config.error(format!("invalid {key} pattern '{pattern}': {e}")))?;
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| config.error(format!("invalid {key} patterns: {e}")))
}

fn finish(mut report: ScanReport, started: Instant) -> ScanReport {
    report.findings.sort_by(|a, b| {
        (
            &a.location.path,
            a.location.start_line,
            a.location.start_column,
            &a.rule_id,
        )
            .cmp(&(
                &b.location.path,
                b.location.start_line,
                b.location.start_column,
                &b.rule_id,
            ))
    });
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.duration = started.elapsed();
    report
}
