//! `k8s-dangerous-capabilities`: dangerous capabilities are added.
//!
//! **What**: `capabilities.add` with SYS_ADMIN, NET_RAW, ALL, ...
//! **Why**: each is a well-known container-escape or network-attack primitive.
//! **Example**: `add: ["SYS_ADMIN"]`.
//! **Fix**: `drop: ["ALL"]`, add back only what is needed.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct DangerousCapabilities;

static META: CheckMeta = CheckMeta {
    id: "k8s-dangerous-capabilities",
    doc: include_str!("dangerous_capabilities.rs"),
    title: "Dangerous capability added",
    format: "Kubernetes",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl super::Check<Manifest> for DangerousCapabilities {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        const DANGEROUS: &[&str] = &[
            "SYS_ADMIN",
            "NET_ADMIN",
            "NET_RAW",
            "SYS_PTRACE",
            "SYS_MODULE",
            "ALL",
        ];
        let mut in_add: Option<usize> = None;
        for line in &manifest.lines {
            let text = line.text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            if in_add.is_some_and(|indent| line.indent <= indent && !text.starts_with("- ")) {
                in_add = None;
            }
            let names: Vec<&str> =
                if let Some(value) = crate::misconfig::yaml_lines::key_value(&line.text, "add") {
                    in_add = Some(line.indent);
                    value
                        .trim_matches(|c| c == '[' || c == ']')
                        .split(',')
                        .collect()
                } else if in_add.is_some() && text.starts_with("- ") {
                    vec![text.trim_start_matches("- ")]
                } else {
                    continue;
                };
            for name in names {
                let name = name.trim().trim_matches(|c| c == '"' || c == '\'');
                if DANGEROUS.contains(&name) {
                    findings.push(META.finding(
                        path,
                        line.number,
                        column_of(line, name),
                        &line.text,
                        name,
                    ));
                }
            }
        }
    }
}
