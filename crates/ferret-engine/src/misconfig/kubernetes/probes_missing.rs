//! `k8s-probes-missing`: a long-running container has no liveness or readiness probe.
//!
//! **What**: a container (not an init container, not in a Job or CronJob) without
//! `livenessProbe` or `readinessProbe`.
//! **Why**: without a readiness probe, traffic reaches a pod before it can serve or after it
//! broke; without a liveness probe, a hung process (deadlock, exhausted pool — or an attack that
//! wedges it) stays in rotation until someone notices. Availability is part of security.
//! **Example**: a Deployment container with `image` and `ports` only.
//! **Fix**: `readinessProbe: { httpGet: { path: /ready, port: 8080 } }` and a `livenessProbe`
//! on a cheap health endpoint.

use super::{pod_specs, Manifest, PodSpec};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ProbesMissing;

static META: CheckMeta = CheckMeta {
    id: "k8s-probes-missing",
    doc: include_str!("probes_missing.rs"),
    title: "Container without liveness or readiness probe",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl super::Check<Manifest> for ProbesMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            // Run-to-completion pods have nothing to keep alive or route traffic to.
            let finite = matches!(pod.kind, "Job" | "CronJob")
                || matches!(
                    pod.spec.get("restartPolicy").and_then(|p| p.as_str()),
                    Some("Never" | "OnFailure")
                );
            if finite {
                continue;
            }
            for container in pod.main_containers() {
                let missing: Vec<&str> = ["livenessProbe", "readinessProbe"]
                    .into_iter()
                    .filter(|k| container.get(k).is_none())
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let pos = PodSpec::container_pos(container);
                let what = missing.join(",");
                findings.push(pod.container_finding(&META, path, manifest, container, pos, &what));
            }
        }
    }
}
