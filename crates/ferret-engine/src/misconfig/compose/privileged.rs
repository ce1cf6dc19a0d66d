//! `compose-privileged`: a service runs privileged.
//!
//! **What**: `privileged: true` on a service.
//! **Why**: a privileged container is root on the host in all but name.
//! **Example**: `privileged: true`.
//! **Fix**: drop it; add the single capability needed with `cap_add`.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct Privileged;

static META: CheckMeta = CheckMeta {
    id: "compose-privileged",
    doc: include_str!("privileged.rs"),
    title: "Privileged container",
    format: "docker-compose",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for Privileged {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("privileged", |v| v == "true") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "privileged"),
                &line.text,
                "privileged",
            ));
        }
    }
}
