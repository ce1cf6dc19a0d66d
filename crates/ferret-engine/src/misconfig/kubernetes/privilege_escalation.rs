//! `k8s-allow-privilege-escalation`: privilege escalation is allowed.
//!
//! **What**: `allowPrivilegeEscalation: true`; or a container in a pod template that does not
//! set `allowPrivilegeEscalation: false` (Kubernetes then allows it), reported at low severity.
//! **Why**: setuid binaries in the image can gain root.
//! **Example**: `allowPrivilegeEscalation: true`.
//! **Fix**: `allowPrivilegeEscalation: false`.

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct PrivilegeEscalation;

static META: CheckMeta = CheckMeta {
    id: "k8s-allow-privilege-escalation",
    doc: include_str!("privilege_escalation.rs"),
    title: "Privilege escalation allowed",
    format: "Kubernetes",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for PrivilegeEscalation {
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
        for pod in pod_specs(manifest) {
            for container in pod.containers() {
                let setting = container
                    .get("securityContext")
                    .and_then(|c| c.get("allowPrivilegeEscalation"));
                // Explicit values are handled above (true) or safe (false).
                if setting.is_some() {
                    continue;
                }
                let pos = PodSpec::container_pos(container);
                let mut finding = pod.container_finding(
                    &META,
                    path,
                    manifest,
                    container,
                    pos,
                    "allowPrivilegeEscalation-default",
                );
                finding.severity = Severity::Low;
                findings.push(finding);
            }
        }
    }
}
