//! Kubernetes: the checks, one module each, over a line-oriented view of the file (for values
//! that are present) and its positioned YAML documents (for settings that are missing).

mod capabilities_not_dropped;
mod dangerous_capabilities;
mod default_namespace;
mod docker_socket;
mod host_namespaces;
mod image_digest_missing;
mod image_not_pinned;
mod low_uid;
pub mod network_policy_missing;
mod privilege_escalation;
mod privileged;
mod probes_missing;
mod resource_limits_missing;
mod resource_requests_missing;
mod run_as_non_root_missing;
mod run_as_root;
mod seccomp_profile_missing;
mod secret_env_literal;
mod token_automount;
mod token_automount_default;
mod wildcard_rbac;
mod writable_root_filesystem;

pub use super::yaml_lines::Manifest;
pub use super::Check;
pub use super::{literal, secret_name};

/// Every Kubernetes check.
pub static CHECKS: &[&dyn Check<Manifest>] = &[
    &privileged::Privileged,
    &privilege_escalation::PrivilegeEscalation,
    &host_namespaces::HostNamespaces,
    &docker_socket::DockerSocket,
    &dangerous_capabilities::DangerousCapabilities,
    &run_as_root::RunAsRoot,
    &wildcard_rbac::WildcardRbac,
    &secret_env_literal::SecretEnvLiteral,
    &image_not_pinned::ImageNotPinned,
    &token_automount::TokenAutomount,
    &run_as_non_root_missing::RunAsNonRootMissing,
    &resource_limits_missing::ResourceLimitsMissing,
    &writable_root_filesystem::WritableRootFilesystem,
    &capabilities_not_dropped::CapabilitiesNotDropped,
    &token_automount_default::TokenAutomountDefault,
    &seccomp_profile_missing::SeccompProfileMissing,
    &image_digest_missing::ImageDigestMissing,
    &probes_missing::ProbesMissing,
    &resource_requests_missing::ResourceRequestsMissing,
    &default_namespace::DefaultNamespace,
    &low_uid::LowUid,
];

use super::yaml_tree::Node;
use super::CheckMeta;
use ferret_core::Finding;

/// A pod template found in a workload document.
pub struct PodSpec<'a> {
    /// `Deployment/web`.
    pub workload: String,
    /// The workload's kind: `Deployment`, `CronJob`, `Pod`, ...
    pub kind: &'a str,
    /// The pod's `metadata` (a Pod's own, or its template's), for annotations.
    pub metadata: Option<&'a Node>,
    /// The pod `spec` mapping.
    pub spec: &'a Node,
    /// The workload's `metadata.namespace` (or its template's), when written.
    pub namespace: Option<&'a str>,
}

impl<'a> PodSpec<'a> {
    /// Containers and init containers.
    pub fn containers(&self) -> impl Iterator<Item = &'a Node> + 'a {
        let spec = self.spec;
        ["containers", "initContainers"]
            .into_iter()
            .filter_map(move |key| spec.get(key))
            .flat_map(|list| list.items().iter())
    }

    /// Containers only: the long-running ones that probes are for.
    pub fn main_containers(&self) -> &'a [Node] {
        self.spec.get("containers").map(Node::items).unwrap_or(&[])
    }

    /// A `securityContext` setting as it applies to `container`: the container's own, else the
    /// pod's (Kubernetes lets the container override the pod).
    pub fn security_setting(&self, container: &'a Node, key: &str) -> Option<&'a Node> {
        container
            .path(&["securityContext", key])
            .or_else(|| self.spec.path(&["securityContext", key]))
    }

    /// A container's name, for fingerprints.
    pub fn container_name(container: &Node) -> &str {
        container.get("name").and_then(Node::as_str).unwrap_or("?")
    }

    /// A finding about `container` at `pos`, fingerprinted by workload, container and `what`.
    pub fn container_finding(
        &self,
        meta: &CheckMeta,
        path: &str,
        manifest: &Manifest,
        container: &Node,
        pos: super::yaml_tree::Pos,
        what: &str,
    ) -> Finding {
        let name = Self::container_name(container);
        meta.finding(
            path,
            pos.line,
            pos.column,
            line_text(manifest, pos.line),
            &format!("{}:{name}:{what}", self.workload),
        )
    }

    /// Where to report a container's resource settings: its `resources:` key, else its name.
    pub fn resources_pos(container: &Node) -> super::yaml_tree::Pos {
        container
            .entry("resources")
            .map(|(k, _)| k.pos)
            .unwrap_or_else(|| Self::container_pos(container))
    }

    /// Where to report something missing from a container: its `name:` key, or the container.
    pub fn container_pos(container: &Node) -> super::yaml_tree::Pos {
        container
            .entry("name")
            .map(|(k, _)| k.pos)
            .unwrap_or(container.pos)
    }
}

/// Every pod template in the manifest's documents (Pod, Deployment, StatefulSet, DaemonSet,
/// ReplicaSet, ReplicationController, Job, CronJob, OpenShift's DeploymentConfig; `List` items
/// too).
pub fn pod_specs(manifest: &Manifest) -> Vec<PodSpec<'_>> {
    fn visit<'a>(doc: &'a Node, out: &mut Vec<PodSpec<'a>>) {
        let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
        let name = doc
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("?");
        let template = match kind {
            "Pod" => Some(doc),
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "ReplicationController"
            | "Job"
            | "DeploymentConfig" => doc.path(&["spec", "template"]),
            "CronJob" => doc.path(&["spec", "jobTemplate", "spec", "template"]),
            "List" => {
                for item in doc.get("items").map(Node::items).unwrap_or(&[]) {
                    visit(item, out);
                }
                None
            }
            _ => None,
        };
        if let Some(spec) = template.and_then(|t| t.get("spec")) {
            let metadata = template.and_then(|t| t.get("metadata"));
            let namespace = |m: Option<&'a Node>| m?.get("namespace")?.as_str();
            out.push(PodSpec {
                workload: format!("{kind}/{name}"),
                kind,
                metadata,
                spec,
                namespace: namespace(doc.get("metadata")).or_else(|| namespace(metadata)),
            });
        }
    }
    let mut out = Vec::new();
    for doc in &manifest.documents {
        visit(doc, &mut out);
    }
    out
}

/// The source line at `line` (1-based), for snippets.
pub fn line_text(manifest: &Manifest, line: u32) -> &str {
    manifest
        .lines
        .get(line as usize - 1)
        .map(|l| l.text.as_str())
        .unwrap_or("")
}
