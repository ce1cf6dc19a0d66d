//! `k8s-service-account-token-automount`: the service-account token is mounted on purpose.
//!
//! **What**: `automountServiceAccountToken: true`.
//! **Why**: any code execution in the pod gets API credentials with the service account's rights.
//! **Example**: `automountServiceAccountToken: true`.
//! **Fix**: `automountServiceAccountToken: false`.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct TokenAutomount;

static META: CheckMeta = CheckMeta {
    id: "k8s-service-account-token-automount",
    doc: include_str!("token_automount.rs"),
    title: "Service-account token mounted",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl super::Check<Manifest> for TokenAutomount {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("automountServiceAccountToken", |v| v == "true") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "automountServiceAccountToken"),
                &line.text,
                "automount",
            ));
        }
    }
}
