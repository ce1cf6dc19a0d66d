//! `compose-secret-in-environment`: a secret is written into a service environment.
//!
//! **What**: `environment:` entries such as `DB_PASSWORD: hunter2` or `- API_TOKEN=abc`.
//! **Why**: the value is in the repository and in `docker inspect` output.
//! **Example**: `POSTGRES_PASSWORD: example123`.
//! **Fix**: `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}` or Docker secrets.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SecretEnvironment;

static META: CheckMeta = CheckMeta {
    id: "compose-secret-in-environment",
    doc: include_str!("secret_environment.rs"),
    title: "Secret in service environment",
    format: "docker-compose",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

impl super::Check<Manifest> for SecretEnvironment {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        for line in &manifest.lines {
            let entry = line.text.trim().trim_start_matches("- ").trim();
            let pair = entry.split_once('=').or_else(|| entry.split_once(": "));
            if let Some((name, value)) = pair {
                let name = name.trim();
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                if super::secret_name(name) && super::literal(value) && !name.contains(' ') {
                    let mut finding = META.credential_finding(
                        path,
                        line.number,
                        column_of(line, name),
                        &line.text,
                        name,
                        value,
                    );
                    finding.snippet = format!("{name}: *****");
                    findings.push(finding);
                }
            }
        }
    }
}
