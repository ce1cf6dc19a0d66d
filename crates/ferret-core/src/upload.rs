//! The scan upload: what `ferret scan --upload` sends to `POST /api/scans` and what the server
//! answers. The CLI serializes these types and the server deserializes them, so the two cannot
//! drift apart. An upload carries metadata only: [`UploadedFinding`] has no field for a raw
//! secret or file contents, so none can be sent by construction.

use crate::{Category, Confidence, Finding, Location, Provenance, Severity};
use serde::{Deserialize, Serialize};

/// The body of an upload.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScanUpload {
    /// The repository's registered name (or id) in the workspace.
    pub repository: String,
    pub branch: String,
    /// The commit scanned (hex).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-fA-F]{4,64}$"))]
    pub commit: Option<String>,
    pub findings: Vec<UploadedFinding>,
}

/// One finding as uploaded: the metadata of a [`Finding`], without the secret and without the
/// remediation (the server takes that from its own catalog).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedFinding {
    pub rule_id: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    #[serde(default)]
    pub title: String,
    pub location: Location,
    /// A short, redacted line of evidence (the server cuts and redacts it again).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub snippet: String,
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

impl From<&Finding> for UploadedFinding {
    fn from(f: &Finding) -> Self {
        UploadedFinding {
            rule_id: f.rule_id.clone(),
            category: f.category,
            severity: f.severity,
            confidence: f.confidence,
            title: f.title.clone(),
            location: f.location.clone(),
            snippet: f.snippet.clone(),
            fingerprint: f.fingerprint.clone(),
            provenance: f.provenance.clone(),
        }
    }
}

/// The server's answer to an accepted upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadSummary {
    pub scan_id: String,
    pub repository_id: String,
    pub branch: String,
    /// Findings in this upload.
    pub findings: i64,
    /// Findings not open on the branch before this upload.
    pub new: i64,
    pub still_open: i64,
    /// Findings open before this upload and absent from it.
    pub fixed: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uploaded_finding_never_carries_the_secret_or_the_remediation() {
        let finding = Finding {
            rule_id: "github-pat-classic".into(),
            category: Category::Secret,
            severity: Severity::High,
            confidence: Confidence::High,
            title: "GitHub personal access token".into(),
            location: Location {
                path: "a.env".into(),
                start_line: 1,
                start_column: 7,
                end_line: 1,
                end_column: 47,
            },
            snippet: "TOKEN=ghp_*****".into(),
            remediation: "Revoke it.".into(),
            fingerprint: "f".repeat(64),
            secret: Some("ghp_R8x2Lq9vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8U".into()),
            provenance: None,
            occurrences: Vec::new(),
            flow: Vec::new(),
            value_fingerprint: String::new(),
            masked_values: Vec::new(),
        };
        let json = serde_json::to_string(&UploadedFinding::from(&finding)).unwrap();
        assert!(!json.contains("R8x2Lq9v"), "{json}");
        assert!(!json.contains("Revoke"), "{json}");
        assert!(json.contains("\"path\":\"a.env\""), "{json}");
    }

    #[test]
    fn uploads_without_optional_fields_parse() {
        let body = r#"{"repository": "app", "branch": "main", "findings": [{"rule_id": "r",
            "category": "secret", "severity": "high", "confidence": "high", "fingerprint": "f",
            "location": {"path": "a", "start_line": 1, "start_column": 1, "end_line": 1,
            "end_column": 2}, "provenance": {"commit": "abc"}}]}"#;
        let upload: ScanUpload = serde_json::from_str(body).unwrap();
        assert_eq!(upload.commit, None);
        let provenance = upload.findings[0].provenance.as_ref().unwrap();
        assert_eq!(
            (provenance.author.as_str(), provenance.date.as_str()),
            ("", "")
        );
    }
}
