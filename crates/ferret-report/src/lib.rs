//! Ferret's report formats. Each takes a finished [`ferret_core::ScanReport`] plus the
//! metadata of the rules that ran and renders a string:
//!
//! - [`human`]: grouped by file, optional ANSI colour, redacted snippets, remediation hints,
//!   summary;
//! - [`json`]: a stable, versioned schema (see `JSON_SCHEMA_VERSION`);
//! - [`sarif`]: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers;
//! - [`github`]: GitHub Actions annotations on the changed lines.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use ferret_core::Severity;

/// Name and version reported by every format.
pub const TOOL_NAME: &str = "ferret";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const TOOL_URI: &str = "https://github.com/ferret-sec/ferret";

/// Counts of findings per severity, most severe first.
pub fn severity_counts(findings: &[ferret_core::Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|&s| (s, findings.iter().filter(|f| f.severity == s).count()))
        .collect()
}
