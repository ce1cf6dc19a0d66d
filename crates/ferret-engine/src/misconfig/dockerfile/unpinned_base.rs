//! `dockerfile-unpinned-base-image`: a base image without a version, or `:latest`.
//!
//! **What**: `FROM image` or `FROM image:latest` without an `@sha256:` digest.
//! **Why**: the build silently picks up whatever the tag points to today — a compromised or
//! breaking upstream image flows straight into your release.
//! **Example**: `FROM python:latest`.
//! **Fix**: pin a version tag and, better, a digest: `FROM python:3.12-slim@sha256:…`.
//!
//! `FROM $BASE_IMAGE` is read with the defaults of the `ARG`s declared before the first
//! `FROM` (`ARG BASE_IMAGE=$REGISTRY/base`); an image that stays unknown is not reported.

use super::{assignments, substitute, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use std::collections::HashMap;

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
        let defaults = global_arg_defaults(file);
        for stage in &file.stages {
            let Some(image) = substitute(&stage.image, &defaults) else {
                continue;
            };
            let image = image.as_str();
            if image == "scratch" || image.contains('@') || aliases.contains(&image) {
                continue;
            }
            let name = image.rsplit('/').next().unwrap_or(image);
            let unpinned = match name.split_once(':') {
                None => true,
                Some((_, tag)) => tag == "latest",
            };
            if unpinned {
                let from = &file.instructions[stage.from];
                findings.push(META.finding(path, from.line, from.column, &from.text, &stage.image));
            }
        }
    }
}

/// Defaults of the `ARG`s before the first `FROM`, the only ones a `FROM` line can use, each
/// resolved against the ones before it.
fn global_arg_defaults(file: &Dockerfile) -> HashMap<String, String> {
    let mut defaults = HashMap::new();
    for instruction in file.instructions.iter().take_while(|i| i.keyword != "FROM") {
        if instruction.keyword != "ARG" {
            continue;
        }
        // `ARG NAME` without a default leaves the name unknown.
        for (name, value) in assignments(&instruction.args) {
            if value.is_empty() {
                defaults.remove(&name);
            } else if let Some(value) = substitute(&value, &defaults) {
                defaults.insert(name, value);
            }
        }
    }
    defaults
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_lines_are_read_with_global_arg_defaults() {
        let file = Dockerfile::parse(
            "ARG REGISTRY=quay.io\nARG BASE=${REGISTRY}/jupyter/foundation\nARG TAG\nFROM $BASE\nFROM $BASE:$TAG\n",
        );
        let defaults = global_arg_defaults(&file);
        assert_eq!(
            substitute(&file.stages[0].image, &defaults).as_deref(),
            Some("quay.io/jupyter/foundation")
        );
        assert_eq!(substitute(&file.stages[1].image, &defaults), None);
    }
}
