//! `dockerfile-chpasswd`: passwords set during the build.
//!
//! **What**: `chpasswd` (or `echo … | passwd --stdin`) in `RUN`.
//! **Why**: the password is written into the image's layers and build history, and a password
//! login inside a container is rarely needed.
//! **Example**: `RUN echo 'root:changeme' | chpasswd`.
//! **Fix**: do not set passwords in images; use key-based access or none at all.

use super::{program, shell_commands, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct Chpasswd;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-chpasswd",
    doc: include_str!("chpasswd.rs"),
    format: "Dockerfile",
    title: "Password set in the image",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for Chpasswd {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file.instructions.iter().filter(|i| i.keyword == "RUN") {
            let sets_password = shell_commands(&instruction.args).iter().any(|(cmd, _)| {
                let prog = program(cmd);
                prog == "chpasswd" || (prog == "passwd" && cmd.contains("--stdin"))
            });
            if sets_password {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    "chpasswd",
                ));
            }
        }
    }
}
