//! `dockerfile-sudo`: `sudo` in a build step or in the image.
//!
//! **What**: a `RUN` command that calls `sudo`, or installs the `sudo` package
//! (`apt-get install sudo`, `apk add sudo`, `dnf install sudo`, …) into the image.
//! **Why**: build steps already run as the current `USER`; sudo adds a setuid binary and
//! unpredictable TTY/signal behaviour, and usually hides a privilege problem; shipped in the
//! image, it is a ready path from the application's user to root.
//! **Example**: `RUN sudo apt-get install -y git`.
//! **Fix**: switch with `USER root` for the step, then back to the unprivileged user.

use super::{program, runs_of, shell_commands, Check, Dockerfile};
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
        let installs_sudo: Vec<u32> = runs_of(
            file,
            &["apt-get", "apt", "yum", "dnf", "microdnf"],
            "install",
        )
        .chain(runs_of(file, &["apk"], "add"))
        .filter(|(_, _, args)| {
            args.iter()
                .any(|a| a == "sudo" || a.starts_with("sudo=") || a.starts_with("sudo-"))
        })
        .map(|(instruction, _, _)| instruction.line)
        .collect();
        for instruction in file.instructions.iter().filter(|i| i.keyword == "RUN") {
            let calls_sudo = shell_commands(&instruction.args)
                .iter()
                .any(|(c, _)| program(c) == "sudo");
            if calls_sudo || installs_sudo.contains(&instruction.line) {
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
