//! `k8s-host-namespaces`: the pod shares host namespaces.
//!
//! **What**: `hostPID`, `hostIPC` or `hostNetwork: true`.
//! **Why**: the pod can see and signal node processes, read shared memory, or sniff node traffic.
//! **Example**: `hostNetwork: true`.
//! **Fix**: remove them.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct HostNamespaces;

static META: CheckMeta = CheckMeta {
    id: "k8s-host-namespaces",
    doc: include_str!("host_namespaces.rs"),
    title: "Host namespaces shared",
    format: "Kubernetes",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for HostNamespaces {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for key in ["hostPID", "hostIPC", "hostNetwork"] {
            for line in manifest.flagged(key, |v| v == "true") {
                findings.push(META.finding(
                    path,
                    line.number,
                    column_of(line, key),
                    &line.text,
                    key,
                ));
            }
        }
    }
}
