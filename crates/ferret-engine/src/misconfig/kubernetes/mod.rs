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

use super::yaml_lines::{lines, values, Line};
use super::CheckMeta;
use ferret_core::Finding;

/// One Kubernetes check.
pub trait Check: Sync {
    fn meta(&self) -> &'static CheckMeta;
    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>);
}

/// Every Kubernetes check.
pub static CHECKS: &[&dyn Check] = &[
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

/// The file's lines.
pub struct Manifest {
    pub lines: Vec<Line>,
}

impl Manifest {
    pub fn parse(text: &str) -> Manifest {
        Manifest { lines: lines(text) }
    }

    /// Lines where `key` has a value for which `flag` holds.
    pub fn flagged<'a>(
        &'a self,
        key: &'a str,
        flag: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Line> + 'a {
        values(&self.lines, key)
            .filter(move |(_, v)| flag(v))
            .map(|(l, _)| l)
    }
}

/// Secret-looking variable names.
pub fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
    ]
    .iter()
    .any(|s| upper.contains(s))
        && !["_FILE", "_PATH", "_URL", "_NAME", "_ID"]
            .iter()
            .any(|s| upper.ends_with(s))
}

/// A literal (not a reference such as `${VAR}` or `$(VAR)`, not empty) of some length.
pub fn literal(value: &str) -> bool {
    value.len() >= 4 && !value.contains('$') && !value.contains("{{") && value != "null"
}
