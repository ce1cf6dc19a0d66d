//! `k8s-image-digest-missing`: a container image is pinned by tag only.
//!
//! **What**: `image: nginx:1.27` — a version tag, no `@sha256:` digest.
//! **Why**: a tag is a pointer the registry owner (or whoever takes over the account) can move;
//! the digest is the only reference that always means the same bytes, so a tag alone lets a
//! re-pushed image roll out on the next pod restart.
//! **Example**: `image: redis:7.2.5`.
//! **Fix**: `image: redis:7.2.5@sha256:…` (tools such as Renovate keep the digest current).
//!
//! Images without a tag or with `latest` are reported by `k8s-image-not-pinned` instead.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ImageDigestMissing;

static META: CheckMeta = CheckMeta {
    id: "k8s-image-digest-missing",
    doc: include_str!("image_digest_missing.rs"),
    title: "Image pinned by tag, not digest",
    format: "Kubernetes",
    severity: Severity::Info,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for ImageDigestMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in manifest.flagged("image", |v| {
            let name = v.rsplit('/').next().unwrap_or(v);
            !v.contains('@')
                && !v.contains('$')
                && !v.contains("{{")
                && name
                    .split_once(':')
                    .is_some_and(|(_, tag)| !tag.is_empty() && tag != "latest")
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
