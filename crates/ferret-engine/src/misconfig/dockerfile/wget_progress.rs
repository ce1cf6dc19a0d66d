//! `dockerfile-wget-progress`: `wget` filling the build log with its progress bar.
//!
//! **What**: `wget` in a `RUN` without `--progress=…`, `-q`/`--quiet` or `-nv`/`--no-verbose`
//! (hadolint DL3047).
//! **Why**: without a terminal, wget prints a line per few kilobytes: a large download buries
//! the build log (and the error you are looking for) under thousands of lines.
//! **Example**: `RUN wget https://downloads.example/tool.tgz`.
//! **Fix**: `RUN wget --progress=dot:giga https://downloads.example/tool.tgz` (or `-nv`).

use super::{command_words, shell_commands, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct WgetProgress;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-wget-progress",
    doc: include_str!("wget_progress.rs"),
    format: "Dockerfile",
    title: "wget without a progress setting",
    severity: Severity::Info,
    confidence: Confidence::High,
};

/// Whether wget's options keep the log short.
fn quiet(args: &[String]) -> bool {
    args.iter().any(|a| {
        a.starts_with("--progress")
            || matches!(a.as_str(), "--quiet" | "--no-verbose" | "-nv")
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('q'))
    })
}

impl Check<Dockerfile> for WgetProgress {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file.instructions.iter().filter(|i| i.keyword == "RUN") {
            let noisy = shell_commands(&instruction.args)
                .iter()
                .any(|(command, _)| {
                    let (program, args) = command_words(command);
                    program == "wget" && !quiet(&args)
                });
            if noisy {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    "wget",
                ));
            }
        }
    }
}
