//! `k8s-run-as-non-root-missing`: nothing stops a container from running as root.
//!
//! **What**: a container whose own and pod-level `securityContext` set neither
//! `runAsNonRoot: true` nor a non-zero `runAsUser`.
//! **Why**: most images default to root; a root process that escapes the container (kernel or
//! runtime bug, writable host mount) is root on the node.
//! **Example**: a Deployment container with no `securityContext`.
//! **Fix**: `securityContext: { runAsNonRoot: true, runAsUser: 10001 }` on the pod or
//! container, with an image that works as that user.
//!
//! Explicit `runAsUser: 0` / `runAsNonRoot: false` are reported by `k8s-run-as-root` instead.

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct RunAsNonRootMissing;

static META: CheckMeta = CheckMeta {
    id: "k8s-run-as-non-root-missing",
    doc: include_str!("run_as_non_root_missing.rs"),
    title: "Container may run as root",
    format: "Kubernetes",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

impl super::Check<Manifest> for RunAsNonRootMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            for container in pod.containers() {
                if pod.security_setting(container, "runAsNonRoot").is_some()
                    || pod.security_setting(container, "runAsUser").is_some()
                {
                    continue;
                }
                let pos = PodSpec::container_pos(container);
                findings.push(pod.container_finding(
                    &META,
                    path,
                    manifest,
                    container,
                    pos,
                    "run-as-non-root",
                ));
            }
        }
    }
}
