//! docker-compose: a line-oriented view of the file and the checks, one module each.

mod docker_socket;
mod host_network;
mod privileged;
mod secret_environment;

use super::yaml_lines::{lines, values, Line};
use super::CheckMeta;
use ferret_core::Finding;

/// One docker-compose check.
pub trait Check: Sync {
    fn meta(&self) -> &'static CheckMeta;
    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>);
}

/// Every docker-compose check.
pub static CHECKS: &[&dyn Check] = &[
    &privileged::Privileged,
    &docker_socket::DockerSocket,
    &host_network::HostNetwork,
    &secret_environment::SecretEnvironment,
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
