//! `dockerfile-tls-verification-disabled`: certificate checks turned off during the build.
//!
//! **What**: `curl -k`/`--insecure`, `wget --no-check-certificate`, `GIT_SSL_NO_VERIFY`,
//! `git -c http.sslVerify=false`, `pip --trusted-host`, `npm config set strict-ssl false`,
//! `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`.
//! **Why**: anyone on the network path can swap what the build downloads.
//! **Example**: `RUN curl -k https://internal/pkg.tgz | tar xz`.
//! **Fix**: install the right CA certificate instead of disabling verification.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct TlsDisabled;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-tls-verification-disabled",
    doc: include_str!("tls_disabled.rs"),
    format: "Dockerfile",
    title: "TLS verification disabled",
    severity: Severity::High,
    confidence: Confidence::High,
};

/// (pattern, which instructions) — matched on whitespace-separated words or substrings.
const MARKERS: &[&str] = &[
    "--no-check-certificate",
    "--insecure",
    "git_ssl_no_verify",
    "sslverify=false",
    "sslverify false",
    "--trusted-host",
    "strict-ssl false",
    "strict-ssl=false",
    "node_tls_reject_unauthorized=0",
    "node_tls_reject_unauthorized 0",
    "pythonhttpsverify=0",
    "--disable-tls-verification",
];

impl Check<Dockerfile> for TlsDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file
            .instructions
            .iter()
            .filter(|i| matches!(i.keyword.as_str(), "RUN" | "ENV" | "ARG"))
        {
            let lower = instruction.args.to_ascii_lowercase();
            let curl_k = super::shell_commands(&lower).iter().any(|(cmd, _)| {
                super::program(cmd) == "curl"
                    && cmd.split_whitespace().any(|w| {
                        w == "-k" || (w.starts_with('-') && !w.starts_with("--") && w.contains('k'))
                    })
            });
            let marker = MARKERS.iter().find(|m| lower.contains(**m)).copied();
            if let Some(evidence) = marker.or(curl_k.then_some("curl -k")) {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    evidence,
                ));
            }
        }
    }
}
