//! The analyzer interface: one file's contents in, findings out.
//!
//! Every analyzer family (secrets and configuration checks today; code and dependencies later)
//! implements [`Analyzer`]; sources hand each file to every analyzer once, and tree scans end
//! with a whole-project phase ([`Analyzer::analyze_project`]).

use crate::keywords::{Keyword, KeywordHit};
use ferret_core::Finding;

/// A file handed to analyzers.
pub struct SourceFile<'a> {
    /// Path relative to the scanned root, `/`-separated.
    pub path: &'a str,
    /// The file's bytes (UTF-16 already decoded to UTF-8; otherwise as stored, not
    /// necessarily valid UTF-8).
    pub content: &'a [u8],
    /// Where the analyzer's [`Analyzer::keywords`] occur in `content`, when the caller located
    /// them in one pass for all analyzers; `None` leaves the search to the analyzer.
    pub keyword_hits: Option<&'a [KeywordHit]>,
    /// The scanned tree's root on disk when the file is one of its files (tree scans): an
    /// analyzer may read the project files this file refers to (a Java class's properties
    /// resources). `None` for standard input, history blobs and diffs.
    pub root: Option<&'a std::path::Path>,
}

pub use ferret_core::RuleInfo;

/// What the whole-project phase sees: the scanned root and every file scanned (sorted,
/// `/`-separated, relative to `root`).
pub struct Project<'a> {
    pub root: &'a std::path::Path,
    pub files: &'a [String],
    /// Files the walk skipped for being over the size limit (same form): an analyzer whose
    /// input is small per byte — a 30 MB lockfile — may still read them.
    pub oversized: &'a [String],
}

/// One analyzer family.
pub trait Analyzer: Send + Sync {
    /// Keywords to locate in every file before [`Analyzer::analyze`] runs (see
    /// [`SourceFile::keyword_hits`]).
    fn keywords(&self) -> Vec<Keyword> {
        Vec::new()
    }
    /// Appends the findings for `file` to `findings`.
    fn analyze(&self, file: &SourceFile<'_>, findings: &mut Vec<Finding>);
    /// Whether [`Analyzer::analyze`] can report anything in the file at `path` (relative,
    /// `/`-separated). A tree scan whose reporting analyzers all say no does not read the file
    /// (`--select code` reads source files only). Every file by default.
    fn reads(&self, path: &str) -> bool {
        let _ = path;
        true
    }
    /// The whole-project phase, once every file went through [`Analyzer::analyze`] (tree scans):
    /// for analyzers that need several files at once — a lockfile with its manifest, code
    /// across modules. Reads what it needs under `project.root`. The default reports nothing.
    fn analyze_project(&self, project: &Project<'_>, findings: &mut Vec<Finding>) {
        let _ = (project, findings);
    }
    /// The rules this analyzer runs.
    fn rules(&self) -> Vec<RuleInfo>;
    /// Why this analyzer could not read `file` although it is of a format it handles (a
    /// Terraform file that is not valid HCL), if so. Tree scans report such files as skipped,
    /// with the reason, instead of dropping them silently. None by default.
    fn unreadable(&self, file: &SourceFile<'_>) -> Option<String> {
        let _ = file;
        None
    }
    /// Notes for the user after a scan (a stale advisory database, an expired ignore), one
    /// line each. None by default.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}
