//! `k8s-default-namespace`: a namespaced object lands in the `default` namespace.
//!
//! **What**: a workload, Service, Secret, ConfigMap, ServiceAccount, Role, RoleBinding or
//! Ingress whose `metadata.namespace` is `default` or absent (applied without `-n`, it goes to
//! `default`).
//! **Why**: namespaces are where RBAC, network policies, quotas and Pod Security admission are
//! scoped; everything in `default` shares one boundary, so one compromised workload reaches the
//! rest, and policies written for a team's namespace never apply.
//! **Example**: `metadata: { name: web }` in a Deployment.
//! **Fix**: `metadata: { name: web, namespace: shop }`, with that namespace's own policies (or
//! set it once for the directory with kustomize's `namespace:`).
//!
//! Cluster-scoped kinds (ClusterRole, Namespace, PersistentVolume, ...) have no namespace and
//! are not reported. Low confidence: a manifest applied with `kubectl -n` has none on purpose.

use super::Manifest;
use crate::misconfig::yaml_tree::Node;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct DefaultNamespace;

static META: CheckMeta = CheckMeta {
    id: "k8s-default-namespace",
    doc: include_str!("default_namespace.rs"),
    title: "Object in the default namespace",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::Low,
};

/// The namespaced kinds whose placement is a security boundary.
const NAMESPACED: &[&str] = &[
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "DeploymentConfig",
    "Service",
    "Secret",
    "ConfigMap",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "Ingress",
];

impl super::Check<Manifest> for DefaultNamespace {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for doc in &manifest.documents {
            let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
            let Some((metadata_key, metadata)) = doc.entry("metadata") else {
                continue;
            };
            if !NAMESPACED.contains(&kind) {
                continue;
            }
            let (pos, evidence) = match metadata.entry("namespace") {
                Some((key, value)) if value.as_str() == Some("default") => {
                    (key.pos, "namespace: default")
                }
                Some(_) => continue,
                None => (metadata_key.pos, "no namespace"),
            };
            let name = metadata.get("name").and_then(Node::as_str).unwrap_or("?");
            findings.push(META.finding(
                path,
                pos.line,
                pos.column,
                super::line_text(manifest, pos.line),
                &format!("{kind}/{name}:{evidence}"),
            ));
        }
    }
}
