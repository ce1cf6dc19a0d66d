//! `dockerfile-apt-without-yes`: `apt-get install` that would stop to ask.
//!
//! **What**: `apt-get install` (or `apt install`) without `-y`, `--yes`, `--assume-yes` or
//! `-qq` (hadolint DL3014).
//! **Why**: a build has no one to answer the prompt: the install aborts, or depends on
//! `DEBIAN_FRONTEND` tricks that break on the next base image.
//! **Example**: `RUN apt-get install curl`.
//! **Fix**: `RUN apt-get install -y --no-install-recommends curl`.

use super::{runs_of, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct AptWithoutYes;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-apt-without-yes",
    doc: include_str!("apt_without_yes.rs"),
    format: "Dockerfile",
    title: "apt-get install without -y",
    severity: Severity::Info,
    confidence: Confidence::High,
};

/// Whether the options answer the prompt: `-y`, `-qq`, combined short flags (`-qy`), or
/// the long forms.
fn answers_yes(args: &[String]) -> bool {
    args.iter().any(|a| {
        matches!(a.as_str(), "--yes" | "--assume-yes" | "-qq")
            || a.starts_with("--assume-yes=")
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('y'))
    })
}

impl Check<Dockerfile> for AptWithoutYes {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let mut reported = std::collections::BTreeSet::new();
        for (instruction, _, args) in runs_of(file, &["apt-get", "apt"], "install") {
            if !answers_yes(&args) && reported.insert(instruction.line) {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    "apt-get install",
                ));
            }
        }
    }
}
