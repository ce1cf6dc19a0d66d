//! `dockerfile-curl-pipe-shell`: a download piped straight into a shell.
//!
//! **What**: `curl … | sh`, `wget -O- … | bash` and the like in `RUN`.
//! **Why**: whatever the server returns is executed as root during the build, unverified.
//! **Example**: `RUN curl -fsSL https://get.example.sh | sh`.
//! **Fix**: download to a file, verify its checksum or signature, then run it.

use super::{program, shell_commands, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct CurlPipeShell;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-curl-pipe-shell",
    doc: include_str!("curl_pipe_shell.rs"),
    format: "Dockerfile",
    title: "Remote script piped into a shell",
    severity: Severity::High,
    confidence: Confidence::High,
};

const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ash", "ksh", "python", "python3", "perl", "ruby", "node",
];

impl Check<Dockerfile> for CurlPipeShell {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file.instructions.iter().filter(|i| i.keyword == "RUN") {
            let commands = shell_commands(&instruction.args);
            for pair in commands.windows(2) {
                let (fetch, piped) = (&pair[0].0, pair[0].1);
                let shell = program(&pair[1].0);
                let shell = if shell == "sudo" {
                    pair[1].0.split_whitespace().nth(1).unwrap_or("")
                } else {
                    shell
                };
                if piped && matches!(program(fetch), "curl" | "wget") && SHELLS.contains(&shell) {
                    let evidence = format!("{fetch} | {shell}");
                    findings.push(META.finding(
                        path,
                        instruction.line,
                        instruction.column,
                        &instruction.text,
                        &evidence,
                    ));
                }
            }
        }
    }
}
