//! `k8s-network-policy-missing`: pods that no NetworkPolicy selects.
//!
//! **What**: a Pod, or a workload's pod template (Deployment, StatefulSet, DaemonSet, Job, …),
//! whose labels no `NetworkPolicy` among the scanned manifests selects — in the same namespace
//! (a manifest without `metadata.namespace` is applied to whichever namespace `kubectl -n`
//! names, so it matches any). `podSelector: {}` selects every pod of its namespace;
//! `matchLabels` and `matchExpressions` (`In`, `NotIn`, `Exists`, `DoesNotExist`) are evaluated.
//! This looks across files (checkov CKV2_K8S_6), so it runs on directory scans.
//! **Why**: a pod that no policy selects accepts traffic from, and sends it to, every pod in the
//! cluster: one compromised pod can reach databases, internal admin endpoints and the cloud
//! metadata service without crossing any boundary.
//! **Example**: a `Deployment` labelled `app: api` and no NetworkPolicy at all.
//! **Fix**: a default-deny policy per namespace (`podSelector: {}` with `policyTypes: [Ingress,
//! Egress]`), then policies that allow each workload exactly the traffic it needs.

use super::{pod_specs, Manifest};
use crate::misconfig::yaml_tree::{Node, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub static META: CheckMeta = CheckMeta {
    id: "k8s-network-policy-missing",
    doc: include_str!("network_policy_missing.rs"),
    title: "Pod not selected by any NetworkPolicy",
    format: "Kubernetes",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

/// A NetworkPolicy's reach: its namespace and pod selector.
struct Policy<'a> {
    namespace: Option<&'a str>,
    selector: Option<&'a Node>,
}

/// The string entries of a mapping.
fn string_map(node: Option<&Node>) -> Vec<(&str, &str)> {
    match node.map(|n| &n.value) {
        Some(Value::Map(entries)) => entries
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a label selector (`matchLabels`, `matchExpressions`; absent or empty selects all)
/// selects a pod with `labels`.
fn selects(selector: Option<&Node>, labels: &[(&str, &str)]) -> bool {
    let Some(selector) = selector else {
        return true;
    };
    let label = |key: &str| labels.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let by_labels = string_map(selector.get("matchLabels"))
        .iter()
        .all(|(key, value)| label(key) == Some(value));
    let expressions = selector
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or(&[]);
    let by_expressions = expressions.iter().all(|expression| {
        let key = expression.get("key").and_then(Node::as_str).unwrap_or("");
        let values: Vec<&str> = expression
            .get("values")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .collect();
        match expression.get("operator").and_then(Node::as_str) {
            Some("In") => label(key).is_some_and(|v| values.contains(&v)),
            Some("NotIn") => label(key).is_none_or(|v| !values.contains(&v)),
            Some("Exists") => label(key).is_some(),
            Some("DoesNotExist") => label(key).is_none(),
            // An operator this check does not know: assume it selects.
            _ => true,
        }
    });
    by_labels && by_expressions
}

/// Every NetworkPolicy in `manifests`.
fn policies<'a>(manifests: &'a [(String, Manifest)]) -> Vec<Policy<'a>> {
    manifests
        .iter()
        .flat_map(|(_, manifest)| &manifest.documents)
        .filter(|doc| doc.get("kind").and_then(Node::as_str) == Some("NetworkPolicy"))
        .map(|doc| Policy {
            namespace: doc.path(&["metadata", "namespace"]).and_then(Node::as_str),
            selector: doc.path(&["spec", "podSelector"]),
        })
        .collect()
}

/// Reports the pods of `manifests` (path, parsed file) that no policy among them selects.
pub fn run(manifests: &[(String, Manifest)], findings: &mut Vec<Finding>) {
    let policies = policies(manifests);
    for (path, manifest) in manifests {
        for pod in pod_specs(manifest) {
            let labels = string_map(pod.metadata.and_then(|m| m.get("labels")));
            let covered = policies.iter().any(|policy| {
                let same_namespace = match (policy.namespace, pod.namespace) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                };
                same_namespace && selects(policy.selector, &labels)
            });
            if covered {
                continue;
            }
            let pos = pod
                .metadata
                .map_or(pod.spec.pos, |metadata: &Node| metadata.pos);
            findings.push(META.finding(
                path,
                pos.line,
                pos.column,
                super::line_text(manifest, pos.line),
                &format!("{}:network-policy", pod.workload),
            ));
        }
    }
}
