//! docker-compose: a line-oriented view of the file and the checks, one module each.

mod docker_socket;
mod host_network;
mod privileged;
mod secret_environment;

pub use super::yaml_lines::Manifest;
pub use super::Check;
pub use super::{literal, secret_name};

/// Every docker-compose check.
pub static CHECKS: &[&dyn Check<Manifest>] = &[
    &privileged::Privileged,
    &docker_socket::DockerSocket,
    &host_network::HostNetwork,
    &secret_environment::SecretEnvironment,
];
