//! `k8s-docker-socket-hostpath`: the container runtime socket is mounted.
//!
//! **What**: a `hostPath` of `/var/run/docker.sock` or `containerd.sock`.
//! **Why**: it controls every container on the node.
//! **Example**: `path: /var/run/docker.sock`.
//! **Fix**: remove the volume.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct DockerSocket;

static META: CheckMeta = CheckMeta {
    id: "k8s-docker-socket-hostpath",
    doc: include_str!("docker_socket.rs"),
    title: "Container runtime socket mounted",
    format: "Kubernetes",
    severity: Severity::Critical,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for DockerSocket {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("path", |v| {
            v.ends_with("docker.sock") || v.ends_with("containerd.sock") || v.ends_with("crio.sock")
        }) {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "path"),
                &line.text,
                "runtime socket",
            ));
        }
    }
}
