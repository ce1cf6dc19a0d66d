//! `k8s-run-as-root`: a container is told to run as root.
//!
//! **What**: `runAsUser: 0` or `runAsNonRoot: false`.
//! **Why**: root in the container is one kernel bug from root on the node.
//! **Example**: `runAsUser: 0`.
//! **Fix**: `runAsNonRoot: true`, `runAsUser: 10001`.
//!
//! A pod-level setting that every container of the pod overrides with its own applies to no
//! process and is not reported.

use super::{pod_specs, Manifest};
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use std::collections::HashSet;

pub struct RunAsRoot;

static META: CheckMeta = CheckMeta {
    id: "k8s-run-as-root",
    doc: include_str!("run_as_root.rs"),
    title: "Container runs as root",
    format: "Kubernetes",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for RunAsRoot {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        let overridden = overridden_pod_settings(manifest);
        let applies = |number: &u32| !overridden.contains(number);
        for line in manifest
            .flagged("runAsUser", |v| v == "0")
            .filter(|l| applies(&l.number))
        {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "runAsUser"),
                &line.text,
                "runAsUser: 0",
            ));
        }
        for line in manifest
            .flagged("runAsNonRoot", |v| v == "false")
            .filter(|l| applies(&l.number))
        {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "runAsNonRoot"),
                &line.text,
                "runAsNonRoot: false",
            ));
        }
    }
}

/// Lines of pod-level `runAsUser` / `runAsNonRoot` settings that every container overrides.
fn overridden_pod_settings(manifest: &Manifest) -> HashSet<u32> {
    let mut lines = HashSet::new();
    for pod in pod_specs(manifest) {
        for key in ["runAsUser", "runAsNonRoot"] {
            let Some((setting, _)) = pod.spec.get("securityContext").and_then(|c| c.entry(key))
            else {
                continue;
            };
            let mut containers = pod.containers().peekable();
            if containers.peek().is_some()
                && containers.all(|c| c.path(&["securityContext", key]).is_some())
            {
                lines.insert(setting.pos.line);
            }
        }
    }
    lines
}
