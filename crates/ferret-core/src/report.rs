//! The outcome of a scan as every consumer sees it: the report the engine returns, the files it
//! did not scan, and the metadata of the rules that produced findings. Report formats, the CLI
//! and the server read these types; only the engine builds them.

use crate::{Category, Confidence, Finding, Severity};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Why a file was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    Binary,
    TooLarge,
    Unreadable,
    Symlink,
    /// A FIFO, socket or device.
    Special,
    /// A file of a format an analyzer reads (Terraform, say) that does not parse as it: its
    /// checks could not run. The detail says why.
    Unparsable,
    /// A directory nested deeper than the walk enters.
    TooDeep,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Symlink => "symbolic link (not followed)",
            SkipReason::Special => "not a regular file (FIFO, socket or device)",
            SkipReason::Unparsable => "does not parse as its format",
            SkipReason::TooDeep => "directory nested too deep (not entered)",
        }
    }
}

/// A file a scan did not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: SkipReason,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
}

/// The outcome of a scan.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    pub skipped: Vec<SkippedFile>,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Findings dropped by `ferret:ignore` comments.
    pub suppressed_inline: u64,
    /// Findings dropped because the baseline holds them.
    pub baselined: u64,
    /// Commits whose blobs were scanned (history scans only).
    pub commits_scanned: u64,
    #[serde(skip)]
    pub duration: Duration,
}

/// Rule metadata every analyzer exposes, for `ferret rules`, SARIF and the server's catalog.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub provider: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub description: String,
    pub remediation: String,
    /// Full documentation in Markdown (what, why, an example, the fix), when the rule has more
    /// than its description: SARIF's `help` and `ferret rules show` print it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}
