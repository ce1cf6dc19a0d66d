//! `k8s-allow-privilege-escalation`: privilege escalation is allowed.
//!
//! **What**: `allowPrivilegeEscalation: true`.
//! **Why**: setuid binaries in the image can gain root.
//! **Example**: `allowPrivilegeEscalation: true`.
//! **Fix**: `allowPrivilegeEscalation: false`.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct PrivilegeEscalation;

static META: CheckMeta = CheckMeta {
    id: "k8s-allow-privilege-escalation",
    title: "Privilege escalation allowed",
    format: "Kubernetes",
    severity: Severity::Medium,
    confidence: Confidence::High,
    description: "A container explicitly allows privilege escalation, so setuid binaries can gain more privileges.",
    remediation: "Set `allowPrivilegeEscalation: false` in every container securityContext.",
};

impl super::Check for PrivilegeEscalation {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("allowPrivilegeEscalation", |v| v == "true") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "allowPrivilegeEscalation"),
                &line.text,
                "allowPrivilegeEscalation",
            ));
        }
    }
}
