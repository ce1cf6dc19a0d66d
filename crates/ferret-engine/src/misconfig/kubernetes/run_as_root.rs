//! `k8s-run-as-root`: a container is told to run as root.
//!
//! **What**: `runAsUser: 0` or `runAsNonRoot: false`.
//! **Why**: root in the container is one kernel bug from root on the node.
//! **Example**: `runAsUser: 0`.
//! **Fix**: `runAsNonRoot: true`, `runAsUser: 10001`.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct RunAsRoot;

static META: CheckMeta = CheckMeta {
    id: "k8s-run-as-root",
    doc: include_str!("run_as_root.rs"),
    title: "Container runs as root",
    format: "Kubernetes",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for RunAsRoot {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("runAsUser", |v| v == "0") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "runAsUser"),
                &line.text,
                "runAsUser: 0",
            ));
        }
        for line in manifest.flagged("runAsNonRoot", |v| v == "false") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "runAsNonRoot"),
                &line.text,
                "runAsNonRoot: false",
            ));
        }
    }
}
