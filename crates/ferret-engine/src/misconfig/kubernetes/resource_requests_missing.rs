//! `k8s-resource-requests-missing`: a container requests no CPU or memory.
//!
//! **What**: a container with neither `resources.requests.cpu` nor `resources.limits.cpu` (or
//! the same for `memory`). A limit without a request is not reported: Kubernetes then requests
//! the limit.
//! **Why**: the scheduler places pods by their requests; a pod that requests nothing is packed
//! onto any node and is the first evicted under pressure (`BestEffort`), and noisy or hostile
//! neighbours can starve it.
//! **Example**: `resources: {}`.
//! **Fix**: `resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }`.

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ResourceRequestsMissing;

static META: CheckMeta = CheckMeta {
    id: "k8s-resource-requests-missing",
    doc: include_str!("resource_requests_missing.rs"),
    title: "Container without resource requests",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for ResourceRequestsMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            for container in pod.containers() {
                let set =
                    |group: &str, key: &str| container.path(&["resources", group, key]).is_some();
                let missing: Vec<&str> = ["cpu", "memory"]
                    .into_iter()
                    .filter(|k| !set("requests", k) && !set("limits", k))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let pos = PodSpec::resources_pos(container);
                let what = format!("requests:{}", missing.join(","));
                findings.push(pod.container_finding(&META, path, manifest, container, pos, &what));
            }
        }
    }
}
