//! `dockerfile-pip-cache`: `pip install` that keeps its download cache in the image.
//!
//! **What**: `pip install` without `--no-cache-dir`, where no `PIP_NO_CACHE_DIR` is set and no
//! cache mount is used (hadolint DL3042).
//! **Why**: pip's cache ends up in the layer: a bigger image with files nothing reads.
//! **Example**: `RUN pip install -r requirements.txt`.
//! **Fix**: `RUN pip install --no-cache-dir -r requirements.txt`, or
//! `RUN --mount=type=cache,target=/root/.cache/pip pip install …`.

use super::{runs_of, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct PipCache;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-pip-cache",
    doc: include_str!("pip_cache.rs"),
    format: "Dockerfile",
    title: "pip install keeps its cache in the image",
    severity: Severity::Info,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for PipCache {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let env_off = file.instructions.iter().any(|i| {
            (i.keyword == "ENV" || i.keyword == "ARG")
                && super::assignments(&i.args).iter().any(|(name, value)| {
                    name == "PIP_NO_CACHE_DIR"
                        && !matches!(
                            value.to_ascii_lowercase().as_str(),
                            "0" | "false" | "no" | "off"
                        )
                })
        });
        if env_off {
            return;
        }
        let mut reported = std::collections::BTreeSet::new();
        for (instruction, _, args) in
            runs_of(file, &["pip", "pip3", "python", "python3"], "install")
        {
            let cache_mount = instruction.args.contains("--mount=type=cache");
            let off = args
                .iter()
                .any(|a| a == "--no-cache-dir" || a == "--no-cache-dir=1");
            if !off && !cache_mount && reported.insert(instruction.line) {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    "pip install",
                ));
            }
        }
    }
}
