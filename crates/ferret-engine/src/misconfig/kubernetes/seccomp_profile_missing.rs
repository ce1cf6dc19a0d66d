//! `k8s-seccomp-profile-missing`: containers run without a seccomp profile.
//!
//! **What**: a pod template whose containers get no `seccompProfile` of type `RuntimeDefault`
//! or `Localhost` (from the pod's `securityContext`, each container's own, or the legacy
//! `seccomp.security.alpha.kubernetes.io/pod` annotation), or that asks for `Unconfined`.
//! **Why**: without a profile, Kubernetes runs containers `Unconfined`: every system call is
//! open to an attacker in the container, including the rarely used ones behind most container
//! escapes (`unshare`, `keyctl`, `bpf`, ...).
//! **Example**: a Deployment with no `seccompProfile` anywhere.
//! **Fix**: `securityContext: { seccompProfile: { type: RuntimeDefault } }` in the pod spec.

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::yaml_tree::Node;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SeccompProfileMissing;

static META: CheckMeta = CheckMeta {
    id: "k8s-seccomp-profile-missing",
    doc: include_str!("seccomp_profile_missing.rs"),
    title: "No seccomp profile",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

/// Whether a `seccompProfile` mapping confines the process.
fn confining(profile: &Node) -> bool {
    matches!(
        profile.get("type").and_then(Node::as_str),
        Some("RuntimeDefault" | "Localhost")
    )
}

impl super::Check<Manifest> for SeccompProfileMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            let annotated = pod
                .metadata
                .and_then(|m| m.path(&["annotations", "seccomp.security.alpha.kubernetes.io/pod"]))
                .and_then(Node::as_str)
                .is_some_and(|v| {
                    v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/")
                });
            let unconfined = pod.containers().find(|c| {
                pod.security_setting(c, "seccompProfile")
                    .is_some_and(|p| !annotated && !confining(p))
            });
            let all_confined = annotated
                || pod.containers().all(|c| {
                    pod.security_setting(c, "seccompProfile")
                        .is_some_and(confining)
                });
            if all_confined && unconfined.is_none() {
                continue;
            }
            let pos = match unconfined {
                Some(container) => PodSpec::container_pos(container),
                None => pod
                    .spec
                    .entry("securityContext")
                    .map(|(k, _)| k.pos)
                    .unwrap_or(pod.spec.pos),
            };
            findings.push(META.finding(
                path,
                pos.line,
                pos.column,
                super::line_text(manifest, pos.line),
                &format!("{}:seccomp", pod.workload),
            ));
        }
    }
}
