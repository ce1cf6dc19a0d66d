//! `dockerfile-add-url`: `ADD` downloading from a URL.
//!
//! **What**: `ADD https://…` (or `http://`).
//! **Why**: the download is not verified (no checksum by default), is cached unpredictably and
//! may be unpacked; a tampered or moved file lands in the image unnoticed.
//! **Example**: `ADD https://example.com/tool.tar.gz /opt/`.
//! **Fix**: `RUN curl -fsSLO URL && echo "SHA256  file" | sha256sum -c -`, or `ADD --checksum=sha256:…`.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct AddUrl;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-add-url",
    doc: include_str!("add_url.rs"),
    format: "Dockerfile",
    title: "ADD fetches a remote URL",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for AddUrl {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file.instructions.iter().filter(|i| i.keyword == "ADD") {
            if instruction.args.contains("--checksum=") {
                continue;
            }
            if let Some(url) = instruction
                .args
                .split_whitespace()
                .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    url,
                ));
            }
        }
    }
}
