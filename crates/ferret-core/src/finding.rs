//! The finding record: what was found, where, and how to fix it.

use crate::{Confidence, Severity};
use serde::{Deserialize, Serialize};

/// Which analyzer family produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Secret,
    Config,
    Code,
    Dependency,
}

/// A span in a file. Lines are 1-based; columns are 1-based counts of Unicode scalar values
/// (characters), `end_column` exclusive, as SARIF's `unicodeCodePoints` column kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    /// Path relative to the scanned root, with `/` separators.
    pub path: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub start_line: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub start_column: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub end_line: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub end_column: u32,
}

/// Where in version-control history a finding was seen (filled by history sources).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Provenance {
    pub commit: String,
    #[serde(default)]
    pub author: String,
    /// RFC 3339, UTC (see [`crate::time::rfc3339`]).
    #[serde(default)]
    pub date: String,
}

/// The first 12 characters of a commit id, as shown to people.
pub fn short_commit(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// One commit whose tree holds a finding's value at `path` (`--all-provenance`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitOccurrence {
    pub commit: String,
    pub author: String,
    pub date: String,
    /// The file's path in that commit (a copy or a rename shows up under its own path).
    pub path: String,
}

/// One step of a data flow (code analysis): where attacker data is, and what it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowStep {
    pub location: Location,
    /// `source: Flask request data`, `sink`, …
    pub message: String,
}

/// One problem found in one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Short human title, usually the rule's name.
    pub title: String,
    pub location: Location,
    /// The offending line with the secret redacted, trimmed to a short window.
    pub snippet: String,
    pub remediation: String,
    /// Stable identity: survives line moves and rescans (see [`crate::fingerprint`]).
    pub fingerprint: String,
    /// The raw secret; only filled when the user asked to see secrets.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub provenance: Option<Provenance>,
    /// Every selected commit that contains the finding, oldest first; filled only when asked
    /// for (`ferret scan --history --all-provenance`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub occurrences: Vec<CommitOccurrence>,
    /// For tainted data flows: the source, then the sink (SARIF `codeFlows`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub flow: Vec<FlowStep>,
    /// Identity of the rule and matched value alone (no path): used in memory to tell whether
    /// a secret already existed elsewhere (diff scans). Never serialized.
    #[serde(skip)]
    pub value_fingerprint: String,
    /// Secret values this finding detected (and their encoded forms as they stand in the file):
    /// the scanner masks them in the snippet of every finding of the same file, then clears this.
    /// In memory only, never serialized.
    #[serde(skip)]
    pub masked_values: Vec<String>,
}
