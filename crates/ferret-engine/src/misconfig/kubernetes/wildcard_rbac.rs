//! `k8s-wildcard-rbac`: an RBAC rule uses wildcards.
//!
//! **What**: `verbs: ["*"]`, `resources: ["*"]` or `apiGroups: ["*"]` in a Role or ClusterRole
//! rule.
//! **Why**: wildcards grant everything, including future resource types and secrets; an
//! `apiGroups` wildcard reaches every API group, custom resources included.
//! **Example**: `verbs: ["*"]`.
//! **Fix**: enumerate API groups, verbs and resources.

use super::Manifest;
use crate::misconfig::yaml_tree::Node;
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
        for doc in &manifest.documents {
            let rules = doc.get("rules").map(Node::items).unwrap_or(&[]);
            for rule in rules {
                for key in ["apiGroups", "verbs", "resources"] {
                    let Some((name, list)) = rule.entry(key) else {
                        continue;
                    };
                    // `["*"]` on the key's line, or `- '*'` items below it.
                    let wildcard = list.items().iter().any(|item| item.as_str() == Some("*"))
                        || list.as_str() == Some("*");
                    if wildcard {
                        findings.push(META.finding(
                            path,
                            name.pos.line,
                            name.pos.column,
                            super::line_text(manifest, name.pos.line),
                            key,
                        ));
                    }
                }
            }
        }
    }
}
