//! `k8s-resource-limits-missing`: a container without CPU or memory limits.
//!
//! **What**: a container whose `resources.limits` lacks `memory` or `cpu`.
//! **Why**: one runaway or compromised container can starve every other workload on the node
//! (a denial of service), and crypto-miners love unlimited CPU.
//! **Example**: `resources: { requests: { cpu: 100m } }` with no limits.
//! **Fix**: `resources: { limits: { cpu: 500m, memory: 256Mi } }` (or a namespace
//! `LimitRange`).

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ResourceLimitsMissing;

static META: CheckMeta = CheckMeta {
    id: "k8s-resource-limits-missing",
    doc: include_str!("resource_limits_missing.rs"),
    title: "Container without resource limits",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for ResourceLimitsMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            for container in pod.containers() {
                let limits = container.path(&["resources", "limits"]);
                let missing: Vec<&str> = ["cpu", "memory"]
                    .into_iter()
                    .filter(|k| limits.and_then(|l| l.get(k)).is_none())
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let pos = PodSpec::resources_pos(container);
                let what = format!("limits:{}", missing.join(","));
                findings.push(pod.container_finding(&META, path, manifest, container, pos, &what));
            }
        }
    }
}
