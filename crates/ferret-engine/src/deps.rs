//! The dependency analyzer as an engine [`Analyzer`]: in a tree scan's whole-project phase,
//! every lockfile and manifest `ferret-deps` reads (and the files a `requirements.txt`
//! includes) is inventoried and matched against the offline OSV database; each known-vulnerable
//! package version becomes a finding on the line that pins it.
//!
//! History and diff scans leave dependencies out (an old lockfile's advisories are not a
//! problem of the code as it is). Without a database the analyzer finds nothing and says so
//! (its [`Analyzer::notes`]).

use crate::analyzer::{Analyzer, Project, RuleInfo, SourceFile};
use ferret_core::{fingerprint, Category, Confidence, Finding, Location, Severity};
use ferret_deps::db::{Database, Meta};
use ferret_deps::lockfile::{self, Package};
use ferret_deps::matching::{Matcher, Vulnerability};
use ferret_deps::Ecosystem;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The id `ferret rules list` shows for the family; findings carry the advisory's own id.
pub const RULE_ID: &str = "vulnerable-dependency";

/// Lockfiles larger than this are not read (a 10,000-package `package-lock.json` is ~10 MB).
const MAX_LOCKFILE_BYTES: u64 = 64 * 1024 * 1024;

/// `[dependencies]` in `.ferret.toml`:
///
/// ```toml
/// [dependencies]
/// database = "/var/lib/ferret/osv"   # the OSV index (default: see `ferret db status`)
/// max_age_days = 7                    # warn when the database is older
/// ignore = [
///   { id = "RUSTSEC-2020-0071", reason = "time's localtime_r is not called", until = "2027-03-31" },
/// ]
/// ```
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DependencySettings {
    #[serde(default)]
    pub database: Option<PathBuf>,
    #[serde(default)]
    pub max_age_days: Option<u64>,
    #[serde(default)]
    pub ignore: Vec<IgnoredAdvisory>,
}

/// An advisory the project accepts, with why and until when.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoredAdvisory {
    /// The advisory id or any of its aliases (`RUSTSEC-…`, `GHSA-…`, `CVE-…`).
    pub id: String,
    pub reason: String,
    /// `YYYY-MM-DD` (a TOML date or a string); from that day on the advisory is reported again.
    #[serde(default)]
    pub until: Option<IgnoreDate>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum IgnoreDate {
    Date(toml::value::Datetime),
    Text(String),
}

impl IgnoreDate {
    fn day(&self) -> String {
        match self {
            IgnoreDate::Date(d) => d.to_string(),
            IgnoreDate::Text(t) => t.trim().to_string(),
        }
    }
}

impl DependencySettings {
    /// Checks what serde cannot: a reason for every ignore and well-formed dates.
    pub fn validate(&self) -> Result<(), String> {
        for ignore in &self.ignore {
            if ignore.reason.trim().is_empty() {
                return Err(format!(
                    "[dependencies] ignore of {}: give a reason",
                    ignore.id
                ));
            }
            if let Some(until) = &ignore.until {
                let day = until.day();
                let b = day.as_bytes();
                let shaped = b.len() == 10
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && day.chars().filter(char::is_ascii_digit).count() == 8;
                if !shaped {
                    return Err(format!(
                        "[dependencies] ignore of {}: until = {day:?} is not a YYYY-MM-DD date",
                        ignore.id
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Today in UTC as `YYYY-MM-DD`.
fn today() -> String {
    ferret_core::time::rfc3339(ferret_deps::db::unix_now() as i64)[..10].to_string()
}

/// Finds vulnerable dependencies.
pub struct DependencyAnalyzer {
    matcher: Matcher,
    settings: DependencySettings,
    /// Ecosystems whose lockfiles the scan met.
    seen: Mutex<BTreeSet<Ecosystem>>,
    /// Lockfiles already parsed while the tree walk checked them (see `unreadable`), by path:
    /// the project phase does not parse them again.
    parsed: Mutex<HashMap<String, Vec<Package>>>,
}

impl DependencyAnalyzer {
    /// `database` overrides the settings' and the default folder.
    pub fn new(settings: DependencySettings, database: Option<PathBuf>) -> DependencyAnalyzer {
        let dir = database
            .or_else(|| settings.database.clone())
            .or_else(ferret_deps::db::default_dir)
            .unwrap_or_else(|| PathBuf::from(".ferret-osv"));
        DependencyAnalyzer {
            matcher: Matcher::new(Database::at(dir)),
            settings,
            seen: Mutex::new(BTreeSet::new()),
            parsed: Mutex::new(HashMap::new()),
        }
    }

    /// What the user should know after a scan: ecosystems met without advisories imported,
    /// a database older than the allowed age, ignores that expired.
    pub fn scan_notes(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let metas: Vec<Meta> = self.matcher.database().ecosystems();
        let mut notes = Vec::new();
        let max_days = self.settings.max_age_days.unwrap_or(7);
        let mut unchecked: Vec<String> = Vec::new();
        for ecosystem in &seen {
            let Some(meta) = metas.iter().find(|m| m.ecosystem == *ecosystem) else {
                unchecked.push(ecosystem.to_string());
                continue;
            };
            let days = meta.age_days();
            if days > max_days {
                notes.push(format!(
                    "warning: the {ecosystem} advisory database is {days} days old (more than {max_days}); run `ferret db update`"
                ));
            } else {
                notes.push(format!(
                    "note: {ecosystem} dependencies checked against {} advisories imported {}",
                    meta.advisories,
                    ferret_core::time::rfc3339(meta.imported_at as i64)
                ));
            }
        }
        if !unchecked.is_empty() {
            notes.push(format!(
                "note: {} dependencies were not checked: no advisories for them in {} (run `ferret db update` or `ferret db import`)",
                unchecked.join(", "),
                self.matcher.database().dir().display()
            ));
        }
        let today = today();
        for ignore in &self.settings.ignore {
            if let Some(until) = &ignore.until {
                if until.day() <= today {
                    notes.push(format!(
                        "warning: the ignore of {} expired on {} ({}); it is reported again",
                        ignore.id,
                        until.day(),
                        ignore.reason
                    ));
                }
            }
        }
        notes
    }

    /// Whether the project accepts `vulnerability` (by id or alias, not expired).
    fn ignored(&self, vulnerability: &Vulnerability, today: &str) -> bool {
        self.settings.ignore.iter().any(|ignore| {
            let named = ignore.id == vulnerability.id || vulnerability.aliases.contains(&ignore.id);
            named
                && ignore
                    .until
                    .as_ref()
                    .is_none_or(|u| u.day().as_str() > today)
        })
    }

    /// The findings of lockfiles inventoried elsewhere (a sandboxed scan's inventory, matched
    /// against this machine's database).
    pub fn findings_for_inventory(
        &self,
        lockfiles: &[lockfile::LockfileInventory],
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        for lockfile in lockfiles {
            self.findings_for(&lockfile.path, &lockfile.packages, &mut findings);
        }
        findings
    }

    fn findings_for(&self, path: &str, packages: &[Package], findings: &mut Vec<Finding>) {
        if packages.is_empty() {
            return;
        }
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(packages.iter().map(|p| p.ecosystem));
        let Ok(vulnerabilities) = self.matcher.vulnerabilities(packages) else {
            return;
        };
        let today = today();
        findings.extend(
            vulnerabilities
                .iter()
                .filter(|v| !self.ignored(v, &today))
                .map(|v| finding(path, v)),
        );
    }
}

/// Severity from the CVSS base score, else GitHub's word; informational advisories are low.
pub fn severity_of(vulnerability: &Vulnerability) -> Severity {
    if vulnerability.informational.is_some() {
        return Severity::Low;
    }
    if let Some((score, _)) = vulnerability.cvss {
        return match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            _ => Severity::Low,
        };
    }
    match vulnerability
        .severity_word
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("CRITICAL") => Severity::Critical,
        Some("HIGH") => Severity::High,
        Some("LOW") => Severity::Low,
        _ => Severity::Medium,
    }
}

fn finding(path: &str, v: &Vulnerability) -> Finding {
    let p = &v.package;
    let remediation = match (&v.fixed, &v.informational) {
        (_, Some(kind)) => format!(
            "{} is {kind}: move to a maintained alternative or accept the risk with a [dependencies] ignore",
            p.name
        ),
        (Some(fixed), None) => format!("Upgrade {} to {fixed} or later.", p.name),
        (None, None) => format!(
            "No fixed release of {} exists: remove or replace it, or accept the risk with a [dependencies] ignore.",
            p.name
        ),
    };
    let mut title = format!("{} {}: {}", p.name, p.version, v.summary.trim());
    if !v.aliases.is_empty() {
        title.push_str(&format!(" ({})", v.aliases.join(", ")));
    }
    // One line of at most 200 characters, as every finding title (the server holds them so).
    let mut title: String = title.replace(['\n', '\r', '\t'], " ");
    if title.chars().count() > 200 {
        title = title.chars().take(199).collect::<String>() + "…";
    }
    let snippet = match &v.fixed {
        Some(fixed) => format!(
            "{} {} {} (fixed in {fixed})",
            p.ecosystem, p.name, p.version
        ),
        None => format!("{} {} {} (no fix)", p.ecosystem, p.name, p.version),
    };
    let identity = format!("{}\0{}\0{}", p.ecosystem, p.name, p.version);
    Finding {
        rule_id: v.id.clone(),
        category: Category::Dependency,
        severity: severity_of(v),
        confidence: Confidence::High,
        title,
        location: Location {
            path: path.to_string(),
            start_line: p.line,
            start_column: 1,
            end_line: p.line,
            end_column: 1,
        },
        snippet,
        remediation,
        fingerprint: fingerprint(&v.id, path, identity.as_bytes()),
        secret: None,
        provenance: None,
        occurrences: Vec::new(),
        flow: Vec::new(),
        value_fingerprint: String::new(),
        masked_values: Vec::new(),
    }
}

/// The family's entry in the rule catalog.
pub fn rule_info() -> RuleInfo {
    RuleInfo {
        id: RULE_ID.to_string(),
        name: "Known-vulnerable dependency".to_string(),
        category: Category::Dependency,
        provider: "OSV".to_string(),
        severity: Severity::High,
        confidence: Confidence::High,
        description: "A lockfile or manifest pins a package version that an OSV advisory lists as affected; findings carry the advisory's id (RUSTSEC-…, GHSA-…, PYSEC-…, GO-…) as their rule id.".to_string(),
        remediation: "Upgrade to the fixed version the finding names, or accept the risk with a [dependencies] ignore that has a reason and an expiry.".to_string(),
        help: Some("Lockfiles of ten ecosystems are read (Cargo.lock, package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lock, requirements*.txt, poetry.lock, Pipfile.lock, uv.lock, pdm.lock, go.mod, Gemfile.lock, composer.lock, pom.xml, gradle.lockfile, packages.lock.json, pubspec.lock, mix.lock) and matched offline against the OSV database (`ferret db update`). Severity comes from the advisory's CVSS vector; informational advisories (unmaintained, unsound) are low.".to_string()),
    }
}

/// Reads a file under `root`, if it is small enough, UTF-8, and really inside `root` (an
/// include through a symbolic link to elsewhere is not followed).
fn read_text(root: &Path, path: &str) -> Option<String> {
    let full = root.join(path).canonicalize().ok()?;
    if !full.starts_with(root.canonicalize().ok()?) {
        return None;
    }
    let meta = std::fs::metadata(&full).ok()?;
    if !meta.is_file() || meta.len() > MAX_LOCKFILE_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(&full).ok()?).ok()
}

/// The packages of every lockfile among `files` (paths under `root`) and of the files their
/// `-r`/`-c` lines include, in that order; a lockfile that cannot be parsed gives its error.
/// `parsed` holds lockfiles already parsed by path.
pub fn read_lockfiles(
    root: &Path,
    files: &[String],
    mut parsed: HashMap<String, Vec<Package>>,
) -> Vec<(String, Result<Vec<Package>, String>)> {
    let mut pending: Vec<(String, lockfile::Kind)> = files
        .iter()
        .filter_map(|p| lockfile::kind_of(p).map(|kind| (p.clone(), kind)))
        .collect();
    pending.reverse();
    let mut done: HashSet<String> = pending.iter().map(|(p, _)| p.clone()).collect();
    let mut out = Vec::new();
    while let Some((path, kind)) = pending.pop() {
        // Parsed already (requirements files are read again for their includes).
        if kind != lockfile::Kind::Requirements {
            if let Some(packages) = parsed.remove(&path) {
                out.push((path, Ok(packages)));
                continue;
            }
        }
        let Some(text) = read_text(root, &path) else {
            continue;
        };
        let packages = lockfile::read(kind, &text).map_err(|e| e.to_string());
        out.push((path.clone(), packages));
        if kind != lockfile::Kind::Requirements {
            continue;
        }
        // Includes are relative to the including file and stay inside the root.
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for include in lockfile::requirement_includes(&text) {
            let joined = if dir.is_empty() {
                include
            } else {
                format!("{dir}/{include}")
            };
            if let Some(target) = normalize(&joined) {
                if done.insert(target.clone()) {
                    pending.push((target, lockfile::Kind::Requirements));
                }
            }
        }
    }
    out
}

/// [`inventory`] without the lockfiles that could not be read, as a sandboxed scan hands it
/// back.
pub fn readable_inventory(root: &Path) -> Vec<lockfile::LockfileInventory> {
    inventory(root)
        .into_iter()
        .filter_map(|(path, packages)| {
            packages
                .ok()
                .map(|packages| lockfile::LockfileInventory { path, packages })
        })
        .collect()
}

/// The inventory of the tree at `root` (`ferret deps list`): every lockfile the walk finds
/// (`.gitignore` and hidden folders respected, as in a scan), sorted by path.
pub fn inventory(root: &Path) -> Vec<(String, Result<Vec<Package>, String>)> {
    let mut files: Vec<String> = ignore::WalkBuilder::new(root)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| {
            let relative = e
                .path()
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            lockfile::kind_of(&relative).map(|_| relative)
        })
        .collect();
    files.sort();
    if files.is_empty() && root.is_file() {
        // A single lockfile named on the command line.
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = root.parent().unwrap_or(Path::new("."));
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        return read_lockfiles(parent, &[name], HashMap::new());
    }
    read_lockfiles(root, &files, HashMap::new())
}

/// `a/b/../c.txt` → `a/c.txt`; `None` when it climbs out of the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

impl Analyzer for DependencyAnalyzer {
    fn analyze(&self, _file: &SourceFile<'_>, _findings: &mut Vec<Finding>) {}

    fn analyze_project(&self, project: &Project<'_>, findings: &mut Vec<Finding>) {
        let parsed = std::mem::take(&mut *self.parsed.lock().unwrap_or_else(|e| e.into_inner()));
        // Lockfiles over the walk's size limit are still read (up to 64 MiB): a monorepo's
        // package-lock.json passes 10 MiB long before it stops being a lockfile.
        let mut files: Vec<String> = project.files.to_vec();
        files.extend(project.oversized.iter().cloned());
        for (path, packages) in read_lockfiles(project.root, &files, parsed) {
            if let Ok(packages) = packages {
                self.findings_for(&path, &packages, findings);
            }
        }
    }

    /// Tree scans ask this of every file before the project phase: a lockfile is parsed here,
    /// once, and its packages kept for [`Analyzer::analyze_project`].
    fn unreadable(&self, file: &SourceFile<'_>) -> Option<String> {
        let kind = lockfile::kind_of(file.path)?;
        let text = std::str::from_utf8(file.content).ok()?;
        match lockfile::read(kind, text) {
            Ok(packages) => {
                self.parsed
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(file.path.to_string(), packages);
                None
            }
            Err(e) => Some(e.to_string()),
        }
    }

    fn rules(&self) -> Vec<RuleInfo> {
        vec![rule_info()]
    }

    fn notes(&self) -> Vec<String> {
        self.scan_notes()
    }
}
