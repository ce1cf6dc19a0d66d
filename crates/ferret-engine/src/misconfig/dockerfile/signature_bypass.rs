//! `dockerfile-package-signature-bypass`: package managers told to skip signature checks.
//!
//! **What**: `apt-get --allow-unauthenticated`/`--force-yes`, `yum`/`dnf --nogpgcheck`,
//! `rpm --nosignature`, `apk --allow-untrusted`.
//! **Why**: unsigned or tampered packages install silently.
//! **Example**: `RUN apt-get install -y --allow-unauthenticated curl`.
//! **Fix**: import the repository's signing key and keep verification on.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SignatureBypass;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-package-signature-bypass",
    doc: include_str!("signature_bypass.rs"),
    format: "Dockerfile",
    title: "Package signature checks bypassed",
    severity: Severity::High,
    confidence: Confidence::High,
};

const FLAGS: &[&str] = &[
    "--allow-unauthenticated",
    "--force-yes",
    "--nogpgcheck",
    "--nosignature",
    "--allow-untrusted",
    "gpgcheck=0",
];

impl Check<Dockerfile> for SignatureBypass {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file.instructions.iter().filter(|i| i.keyword == "RUN") {
            if let Some(flag) = FLAGS.iter().find(|f| instruction.args.contains(**f)) {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    flag,
                ));
            }
        }
    }
}
