//! `k8s-capabilities-not-dropped`: a container keeps the runtime's default capabilities.
//!
//! **What**: a container whose `securityContext.capabilities.drop` does not include `ALL`.
//! **Why**: the default set includes `NET_RAW` (packet spoofing, ARP poisoning inside the
//! cluster network), `CHOWN`, `SETUID` and others that an attacker can use to escalate.
//! **Example**: `capabilities: { add: ["NET_BIND_SERVICE"] }` without a drop.
//! **Fix**: `capabilities: { drop: ["ALL"] }`, adding back only what is needed.

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct CapabilitiesNotDropped;

static META: CheckMeta = CheckMeta {
    id: "k8s-capabilities-not-dropped",
    doc: include_str!("capabilities_not_dropped.rs"),
    title: "Capabilities not dropped",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for CapabilitiesNotDropped {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            for container in pod.containers() {
                let capabilities = container.path(&["securityContext", "capabilities"]);
                let drop = capabilities.and_then(|c| c.entry("drop"));
                let drops_all = drop.is_some_and(|(_, list)| {
                    list.items()
                        .iter()
                        .any(|c| c.as_str().is_some_and(|c| c.eq_ignore_ascii_case("all")))
                });
                if drops_all {
                    continue;
                }
                let pos = drop
                    .map(|(k, _)| k.pos)
                    .unwrap_or_else(|| PodSpec::container_pos(container));
                findings
                    .push(pod.container_finding(&META, path, manifest, container, pos, "drop-all"));
            }
        }
    }
}
