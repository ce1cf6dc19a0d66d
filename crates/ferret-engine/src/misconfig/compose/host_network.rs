//! `compose-host-network`: a service uses the host network.
//!
//! **What**: `network_mode: host`.
//! **Why**: the container can bind every host interface and reach services bound to localhost.
//! **Example**: `network_mode: host`.
//! **Fix**: use a bridge network and `ports:`.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct HostNetwork;

static META: CheckMeta = CheckMeta {
    id: "compose-host-network",
    doc: include_str!("host_network.rs"),
    title: "Host network mode",
    format: "docker-compose",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for HostNetwork {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("network_mode", |v| v == "host") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "network_mode"),
                &line.text,
                "host",
            ));
        }
    }
}
