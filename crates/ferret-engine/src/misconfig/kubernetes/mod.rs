//! Kubernetes: a line-oriented view of the file and the checks, one module each.

mod dangerous_capabilities;
mod docker_socket;
mod host_namespaces;
mod image_not_pinned;
mod privilege_escalation;
mod privileged;
mod run_as_root;
mod secret_env_literal;
mod token_automount;
mod wildcard_rbac;

use super::yaml_lines::ManifestCheck;
pub use super::yaml_lines::{Manifest, ManifestCheck as Check};
pub use super::{literal, secret_name};

/// Every Kubernetes check.
pub static CHECKS: &[&dyn ManifestCheck] = &[
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
];
