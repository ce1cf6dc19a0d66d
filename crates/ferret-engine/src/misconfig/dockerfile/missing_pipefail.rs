//! `dockerfile-pipe-without-pipefail`: a piped `RUN` whose failures are hidden.
//!
//! **What**: `RUN a | b` under the default `/bin/sh -c` shell without `set -o pipefail`; not
//! under a `SHELL` that sets pipefail (`["/bin/bash", "-o", "pipefail", "-c"]`,
//! `/bin/sh -o pipefail`) or is not a POSIX shell (PowerShell, `cmd`).
//! **Why**: only the last command's status counts — a failed download piped into `tar` or a
//! checksum tool passes the build, shipping a broken or unverified image.
//! **Example**: `RUN wget -O- https://x/app.tgz | tar xz`.
//! **Fix**: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN, or `set -o pipefail &&` in it.

use super::{shell_commands, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct MissingPipefail;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-pipe-without-pipefail",
    doc: include_str!("missing_pipefail.rs"),
    format: "Dockerfile",
    title: "Piped RUN without pipefail",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl Check<Dockerfile> for MissingPipefail {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let mut pipefail_shell = false;
        for instruction in &file.instructions {
            match instruction.keyword.as_str() {
                "FROM" => pipefail_shell = false,
                // A shell with pipefail set, or one whose pipes are not POSIX pipes
                // (PowerShell, cmd), leaves nothing to report.
                "SHELL" => {
                    let shell = instruction.args.to_ascii_lowercase();
                    let not_posix = ["pwsh", "powershell", "cmd"].iter().any(|name| {
                        shell
                            .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
                            .any(|word| word == *name || word == format!("{name}.exe"))
                    });
                    pipefail_shell = shell.contains("pipefail") || not_posix;
                }
                "RUN" if !pipefail_shell => {
                    let exec_form = instruction.args.trim_start().starts_with('[');
                    let piped = shell_commands(&instruction.args)
                        .iter()
                        .any(|(_, piped)| *piped);
                    if piped && !exec_form && !instruction.args.contains("pipefail") {
                        findings.push(META.finding(
                            path,
                            instruction.line,
                            instruction.column,
                            &instruction.text,
                            &instruction.args,
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}
