//! `k8s-writable-root-filesystem`: a container can write to its root filesystem.
//!
//! **What**: a container without `securityContext.readOnlyRootFilesystem: true`.
//! **Why**: an attacker who gets code execution can drop tools, modify binaries and persist in
//! the container; a read-only root makes that much harder.
//! **Example**: `securityContext: { allowPrivilegeEscalation: false }` alone.
//! **Fix**: `readOnlyRootFilesystem: true`, with `emptyDir` volumes for the paths that must be
//! writable (`/tmp`, caches).

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct WritableRootFilesystem;

static META: CheckMeta = CheckMeta {
    id: "k8s-writable-root-filesystem",
    doc: include_str!("writable_root_filesystem.rs"),
    title: "Writable root filesystem",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for WritableRootFilesystem {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            for container in pod.containers() {
                let setting = container
                    .get("securityContext")
                    .and_then(|c| c.entry("readOnlyRootFilesystem"));
                if setting.is_some_and(|(_, v)| v.as_bool() == Some(true)) {
                    continue;
                }
                let pos = setting
                    .map(|(k, _)| k.pos)
                    .unwrap_or_else(|| PodSpec::container_pos(container));
                findings.push(pod.container_finding(
                    &META,
                    path,
                    manifest,
                    container,
                    pos,
                    "read-only-root",
                ));
            }
        }
    }
}
