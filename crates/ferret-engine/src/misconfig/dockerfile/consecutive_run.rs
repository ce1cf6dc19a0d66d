//! `dockerfile-consecutive-run`: consecutive `RUN` instructions that could be one.
//!
//! **What**: a `RUN` directly after another `RUN` in the same stage (hadolint DL3059). Reported
//! once per run of them, at the second.
//! **Why**: each `RUN` is a layer: files one step deletes still ship in the layer before it,
//! and many small layers make images bigger and pulls slower.
//! **Example**: `RUN apt-get update` followed by `RUN apt-get install -y curl`.
//! **Fix**: join them with `&&` (and a `\` line continuation) into one `RUN`.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ConsecutiveRun;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-consecutive-run",
    doc: include_str!("consecutive_run.rs"),
    format: "Dockerfile",
    title: "Consecutive RUN instructions",
    severity: Severity::Info,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for ConsecutiveRun {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let mut in_run = false;
        for pair in file.instructions.windows(2) {
            let (before, this) = (&pair[0], &pair[1]);
            let consecutive = before.keyword == "RUN"
                && this.keyword == "RUN"
                && before.stage == this.stage
                // A cache or secret mount is a reason to keep a step apart.
                && !this.args.trim_start().starts_with("--mount");
            if consecutive && !in_run {
                findings.push(META.finding(path, this.line, this.column, &this.text, &this.args));
            }
            in_run = consecutive;
        }
    }
}
