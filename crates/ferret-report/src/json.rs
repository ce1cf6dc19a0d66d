//! The JSON report.
//!
//! Schema (version 1; fields are only ever added within a version):
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "tool": {"name": "ferret", "version": "0.1.0"},
//!   "summary": {"files_scanned": 10, "bytes_scanned": 1234, "findings": 1, "skipped": 0,
//!               "suppressed_inline": 0, "baselined": 0, "duration_ms": 12,
//!               "by_severity": {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0}},
//!   "findings": [{"rule_id": "…", "category": "secret", "severity": "high", "confidence": "high",
//!                 "title": "…", "location": {"path": "…", "start_line": 1, "start_column": 1,
//!                 "end_line": 1, "end_column": 41}, "snippet": "…", "remediation": "…",
//!                 "fingerprint": "…", "secret": "only with --show-secrets"}],
//!   "skipped": [{"path": "…", "reason": "binary|too_large|unreadable|symlink", "detail": "…"}]
//! }
//! ```

use crate::{severity_counts, TOOL_NAME, TOOL_VERSION};
use ferret_core::ScanReport;
use serde_json::{json, Map, Value};

/// The version of the JSON schema above.
pub const JSON_SCHEMA_VERSION: u32 = 1;

pub fn render(report: &ScanReport) -> String {
    let by_severity: Map<String, Value> = severity_counts(&report.findings)
        .into_iter()
        .map(|(s, n)| (s.to_string(), json!(n)))
        .collect();
    let doc = json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION},
        "summary": {
            "files_scanned": report.files_scanned,
            "bytes_scanned": report.bytes_scanned,
            "findings": report.findings.len(),
            "skipped": report.skipped.len(),
            "suppressed_inline": report.suppressed_inline,
            "baselined": report.baselined,
            "commits_scanned": report.commits_scanned,
            "duration_ms": report.duration.as_millis() as u64,
            "by_severity": by_severity,
        },
        "findings": report.findings,
        "skipped": report.skipped,
    });
    serde_json::to_string_pretty(&doc).expect("report serializes") + "\n"
}
