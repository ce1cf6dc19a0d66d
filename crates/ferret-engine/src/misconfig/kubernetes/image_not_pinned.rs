//! `k8s-image-not-pinned`: a container image is not pinned.
//!
//! **What**: `image: nginx` or `image: nginx:latest` without `@sha256:`.
//! **Why**: the node pulls whatever the tag points to at that moment; a poisoned or breaking image rolls out silently.
//! **Example**: `image: redis:latest`.
//! **Fix**: `image: redis:7.2.5@sha256:...`.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ImageNotPinned;

static META: CheckMeta = CheckMeta {
    id: "k8s-image-not-pinned",
    doc: include_str!("image_not_pinned.rs"),
    title: "Image without tag or digest",
    format: "Kubernetes",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for ImageNotPinned {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("image", |v| {
            let name = v.rsplit('/').next().unwrap_or(v);
            !v.contains('@')
                && !v.contains('$')
                && !v.is_empty()
                && name.split_once(':').is_none_or(|(_, tag)| tag == "latest")
        }) {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "image"),
                &line.text,
                &line.text,
            ));
        }
    }
}
