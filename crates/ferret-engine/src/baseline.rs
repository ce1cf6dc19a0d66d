//! Baselines: the fingerprints of accepted, pre-existing findings.
//!
//! `ferret baseline create` writes one; `ferret scan --baseline FILE` reports only findings whose
//! fingerprint is not in it. Fingerprints hash rule, path and value (not the line), so findings
//! that merely move within a file stay baselined.
//!
//! ```json
//! {"version": 1, "findings": [{"fingerprint": "…", "rule_id": "…", "path": "…"}]}
//! ```

use ferret_core::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// A baseline file that cannot be used; the message is one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{file}: baseline {source}")]
    Unreadable {
        file: String,
        source: crate::control_file::ControlFileError,
    },
    #[error("{file}: malformed baseline: {reason}")]
    Malformed { file: String, reason: String },
    #[error("{file}: unsupported baseline version {found} (expected {BASELINE_VERSION})")]
    Version { file: String, found: u32 },
}

impl Baseline {
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut seen = HashSet::new();
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .filter(|f| seen.insert(f.fingerprint.clone()))
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                path: f.location.path.clone(),
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.path, &a.rule_id, &a.fingerprint).cmp(&(&b.path, &b.rule_id, &b.fingerprint))
        });
        Baseline {
            version: BASELINE_VERSION,
            findings: entries,
        }
    }

    /// Reads a baseline; errors are one line and name the file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let file = path.display().to_string();
        let text = crate::control_file::read(path, crate::control_file::Links::Follow).map_err(
            |source| BaselineError::Unreadable {
                file: file.clone(),
                source,
            },
        )?;
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|e| BaselineError::Malformed {
                file: file.clone(),
                reason: e.to_string(),
            })?;
        if baseline.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                file,
                found: baseline.version,
            });
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("baseline serializes") + "\n"
    }

    /// Removes baselined findings; returns how many were removed.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let known: HashSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let before = findings.len();
        findings.retain(|f| !known.contains(f.fingerprint.as_str()));
        before - findings.len()
    }
}
