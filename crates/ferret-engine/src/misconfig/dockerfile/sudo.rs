//! `dockerfile-sudo`: `sudo` in a build step.
//!
//! **What**: a `RUN` command that calls `sudo`.
//! **Why**: build steps already run as the current `USER`; sudo adds a setuid binary and
//! unpredictable TTY/signal behaviour, and usually hides a privilege problem.
//! **Example**: `RUN sudo apt-get install -y git`.
//! **Fix**: switch with `USER root` for the step, then back to the unprivileged user.

use super::{program, shell_commands, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct Sudo;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-sudo",
    doc: include_str!("sudo.rs"),
    format: "Dockerfile",
    title: "sudo used in a build step",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for Sudo {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file.instructions.iter().filter(|i| i.keyword == "RUN") {
            if shell_commands(&instruction.args)
                .iter()
                .any(|(c, _)| program(c) == "sudo")
            {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    "sudo",
                ));
            }
        }
    }
}
