//! `compose-docker-socket`: the Docker socket is mounted into a service.
//!
//! **What**: a volume with `/var/run/docker.sock`.
//! **Why**: whoever controls the socket controls every container and the host.
//! **Example**: `- /var/run/docker.sock:/var/run/docker.sock`.
//! **Fix**: remove the mount or put a filtered socket proxy in between.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct DockerSocket;

static META: CheckMeta = CheckMeta {
    id: "compose-docker-socket",
    doc: include_str!("docker_socket.rs"),
    title: "Docker socket mounted",
    format: "docker-compose",
    severity: Severity::Critical,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for DockerSocket {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest
            .lines
            .iter()
            .filter(|l| !l.text.trim_start().starts_with('#') && l.text.contains("docker.sock"))
        {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "/var/run/docker.sock"),
                &line.text,
                "docker.sock",
            ));
        }
    }
}
