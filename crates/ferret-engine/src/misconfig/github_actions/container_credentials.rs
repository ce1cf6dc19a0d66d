//! `gha-hardcoded-container-credentials`: a registry password written into the workflow.
//!
//! **What**: `container:`/`services:` `credentials:` with a literal `password:`.
//! **Why**: the password is in the repository for everyone with read access, and in every fork.
//! **Example**: `credentials: { username: bot, password: hunter2 }`.
//! **Fix**: `password: ${{ secrets.REGISTRY_PASSWORD }}`.

use super::{column_of, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ContainerCredentials;

static META: CheckMeta = CheckMeta {
    id: "gha-hardcoded-container-credentials",
    doc: include_str!("container_credentials.rs"),
    title: "Hard-coded container registry password",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl Check<Workflow> for ContainerCredentials {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let mut in_credentials: Option<usize> = None;
        for line in &workflow.lines {
            if line.text.trim().is_empty() {
                continue;
            }
            if let Some(indent) = in_credentials {
                if line.indent <= indent {
                    in_credentials = None;
                }
            }
            if super::key_value(&line.text, "credentials").is_some() {
                in_credentials = Some(line.indent);
                continue;
            }
            if in_credentials.is_some() {
                if let Some(value) = super::key_value(&line.text, "password") {
                    let value = value.trim_matches(|c| c == '"' || c == '\'');
                    if !value.is_empty() && !value.contains("${{") {
                        let mut finding = META.credential_finding(
                            path,
                            line.number,
                            column_of(line, "password"),
                            &line.text,
                            value,
                            value,
                        );
                        finding.snippet = "password: *****".to_string();
                        findings.push(finding);
                    }
                }
            }
        }
    }
}
