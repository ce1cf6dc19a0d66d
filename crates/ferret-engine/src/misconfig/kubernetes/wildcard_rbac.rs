//! `k8s-wildcard-rbac`: an RBAC rule uses wildcards.
//!
//! **What**: `verbs: ["*"]`, `resources: ["*"]` or `apiGroups: ["*"]` in a Role or ClusterRole
//! rule.
//! **Why**: wildcards grant everything, including future resource types and secrets; an
//! `apiGroups` wildcard reaches every API group, custom resources included.
//! **Example**: `verbs: ["*"]`.
//! **Fix**: enumerate API groups, verbs and resources.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct WildcardRbac;

static META: CheckMeta = CheckMeta {
    id: "k8s-wildcard-rbac",
    doc: include_str!("wildcard_rbac.rs"),
    title: "Wildcard RBAC rule",
    format: "Kubernetes",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for WildcardRbac {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for key in ["apiGroups", "verbs", "resources"] {
            for line in manifest.flagged(key, |v| {
                v.contains("\"*\"") || v.contains("'*'") || v == "[*]"
            }) {
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
