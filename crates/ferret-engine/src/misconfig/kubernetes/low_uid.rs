//! `k8s-low-uid`: a container may run with a UID that also exists on the node.
//!
//! **What**: a container whose effective `runAsUser` (its own, else the pod's) is below 10000,
//! or not set at all (the image's user applies, usually root or a low id; low confidence).
//! `runAsUser: 0` is `k8s-run-as-root`'s.
//! **Why**: without user namespaces, a UID in a container is the same UID on the node; low ids
//! belong to the node's own accounts and services, so a process that breaks out of the
//! container acts as one of them, with their files.
//! **Example**: `securityContext: { runAsUser: 1000 }`.
//! **Fix**: `runAsUser: 10001` (and `runAsGroup`), with an image that works as that user.

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct LowUid;

static META: CheckMeta = CheckMeta {
    id: "k8s-low-uid",
    doc: include_str!("low_uid.rs"),
    title: "Container UID below 10000",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

/// The lowest UID that no distribution gives to its own accounts.
const HIGH_UID: i64 = 10_000;

impl super::Check<Manifest> for LowUid {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            for container in pod.containers() {
                let user = pod.security_setting(container, "runAsUser");
                let uid = user.and_then(|u| u.as_i64());
                let (pos, confidence) = match (user, uid) {
                    // Root, or a value that is not a number (a template): another check's, or unknown.
                    (Some(_), Some(0)) | (Some(_), None) => continue,
                    (Some(_), Some(uid)) if uid >= HIGH_UID => continue,
                    (Some(node), Some(_)) => (node.pos, Confidence::Medium),
                    (None, _) => (PodSpec::container_pos(container), Confidence::Low),
                };
                let mut finding =
                    pod.container_finding(&META, path, manifest, container, pos, "uid");
                finding.confidence = confidence;
                findings.push(finding);
            }
        }
    }
}
