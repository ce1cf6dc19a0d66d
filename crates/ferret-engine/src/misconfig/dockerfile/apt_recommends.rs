//! `dockerfile-apt-install-recommends`: `apt-get install` without `--no-install-recommends`.
//!
//! **What**: `apt-get install` (or `apt install`) that also installs every recommended package
//! (hadolint DL3015).
//! **Why**: recommended packages are rarely needed in an image; they make it bigger and add
//! software, and vulnerabilities, that nothing uses.
//! **Example**: `RUN apt-get update && apt-get install -y curl`.
//! **Fix**: `apt-get install -y --no-install-recommends curl` (or set
//! `APT::Install-Recommends "false";` in `/etc/apt/apt.conf.d/`).

use super::{runs_of, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct AptRecommends;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-apt-install-recommends",
    doc: include_str!("apt_recommends.rs"),
    format: "Dockerfile",
    title: "apt-get install without --no-install-recommends",
    severity: Severity::Info,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for AptRecommends {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let configured = file.instructions.iter().any(|i| {
            i.keyword == "RUN" && i.args.contains("Install-Recommends") && i.args.contains("false")
        });
        if configured {
            return;
        }
        let mut reported = std::collections::BTreeSet::new();
        for (instruction, _, args) in runs_of(file, &["apt-get", "apt"], "install") {
            let off = args
                .iter()
                .any(|a| a == "--no-install-recommends" || a.contains("Install-Recommends=false"));
            if !off && reported.insert(instruction.line) {
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
