//! docker-compose: a line-oriented view of the file and the checks, one module each.

mod docker_socket;
mod host_network;
mod privileged;
mod secret_environment;

use super::yaml_lines::ManifestCheck;
pub use super::yaml_lines::{Manifest, ManifestCheck as Check};
pub use super::{literal, secret_name};

/// Every docker-compose check.
pub static CHECKS: &[&dyn ManifestCheck] = &[
    &privileged::Privileged,
    &docker_socket::DockerSocket,
    &host_network::HostNetwork,
    &secret_environment::SecretEnvironment,
];
