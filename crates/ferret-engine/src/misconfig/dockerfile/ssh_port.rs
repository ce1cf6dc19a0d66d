//! `dockerfile-ssh-exposed`: SSH port 22 exposed.
//!
//! **What**: `EXPOSE 22`.
//! **Why**: an SSH daemon in a container is an extra, long-lived remote entry point with its
//! own credentials; `docker exec` or `kubectl exec` are the audited way in.
//! **Example**: `EXPOSE 22 8080`.
//! **Fix**: remove sshd and the EXPOSE; debug through the container runtime.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SshPort;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-ssh-exposed",
    doc: include_str!("ssh_port.rs"),
    format: "Dockerfile",
    title: "SSH port exposed",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for SshPort {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file.instructions.iter().filter(|i| i.keyword == "EXPOSE") {
            if instruction
                .args
                .split_whitespace()
                .any(|p| p == "22" || p == "22/tcp")
            {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    "22",
                ));
            }
        }
    }
}
