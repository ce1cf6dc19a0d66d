//! `k8s-privileged`: a container runs privileged.
//!
//! **What**: `securityContext.privileged: true`.
//! **Why**: a privileged container can take over the node.
//! **Example**: `privileged: true`.
//! **Fix**: drop it; use specific capabilities.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct Privileged;

static META: CheckMeta = CheckMeta {
    id: "k8s-privileged",
    doc: include_str!("privileged.rs"),
    title: "Privileged container",
    format: "Kubernetes",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for Privileged {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("privileged", |v| v == "true") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "privileged"),
                &line.text,
                "privileged",
            ));
        }
    }
}
