//! `dockerfile-unpinned-base-image`: a base image without a version, or `:latest`.
//!
//! **What**: `FROM image` or `FROM image:latest` without an `@sha256:` digest.
//! **Why**: the build silently picks up whatever the tag points to today — a compromised or
//! breaking upstream image flows straight into your release.
//! **Example**: `FROM python:latest`.
//! **Fix**: pin a version tag and, better, a digest: `FROM python:3.12-slim@sha256:…`.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct UnpinnedBase;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-unpinned-base-image",
    doc: include_str!("unpinned_base.rs"),
    format: "Dockerfile",
    title: "Base image not pinned",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for UnpinnedBase {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let aliases: Vec<&str> = file
            .stages
            .iter()
            .filter_map(|s| s.alias.as_deref())
            .collect();
        for stage in &file.stages {
            let image = stage.image.as_str();
            if image == "scratch"
                || image.contains('@')
                || image.contains('$')
                || aliases.contains(&image)
            {
                continue;
            }
            let name = image.rsplit('/').next().unwrap_or(image);
            let unpinned = match name.split_once(':') {
                None => true,
                Some((_, tag)) => tag == "latest",
            };
            if unpinned {
                let from = &file.instructions[stage.from];
                findings.push(META.finding(path, from.line, from.column, &from.text, image));
            }
        }
    }
}
