//! `k8s-service-account-token-default`: the service-account token is mounted by default.
//!
//! **What**: a pod template without `automountServiceAccountToken` (Kubernetes then mounts the
//! service account's API token into every container).
//! **Why**: most workloads never call the Kubernetes API, yet any code execution in them gets
//! API credentials with the service account's rights.
//! **Example**: a Deployment whose pod spec has no `automountServiceAccountToken`.
//! **Fix**: `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount),
//! and `true` only for workloads that need the API.
//!
//! An explicit `true` is reported by `k8s-service-account-token-automount`.

use super::{pod_specs, Manifest};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct TokenAutomountDefault;

static META: CheckMeta = CheckMeta {
    id: "k8s-service-account-token-default",
    doc: include_str!("token_automount_default.rs"),
    title: "Service-account token mounted by default",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl super::Check<Manifest> for TokenAutomountDefault {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for pod in pod_specs(manifest) {
            if pod.spec.get("automountServiceAccountToken").is_some() {
                continue;
            }
            let pos = pod.spec.pos;
            findings.push(META.finding(
                path,
                pos.line,
                pos.column,
                super::line_text(manifest, pos.line),
                &format!("{}:automount-default", pod.workload),
            ));
        }
    }
}
