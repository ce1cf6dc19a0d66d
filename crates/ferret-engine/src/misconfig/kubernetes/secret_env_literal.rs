//! `k8s-secret-env-literal`: a secret is a literal environment value.
//!
//! **What**: `- name: DB_PASSWORD` followed by `value: ...`.
//! **Why**: the secret sits in the manifest, the repository and the API object for anyone with read access.
//! **Example**: `name: API_TOKEN` / `value: abc123`.
//! **Fix**: `valueFrom: secretKeyRef: {name: app, key: token}`.

use super::Manifest;
use crate::misconfig::yaml_lines::column_of;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SecretEnvLiteral;

static META: CheckMeta = CheckMeta {
    id: "k8s-secret-env-literal",
    doc: include_str!("secret_env_literal.rs"),
    title: "Secret as a literal env value",
    format: "Kubernetes",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

impl super::Check<Manifest> for SecretEnvLiteral {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, manifest: &Manifest, findings: &mut Vec<Finding>) {
        let mut secret_var: Option<String> = None;
        for line in &manifest.lines {
            if let Some(name) = crate::misconfig::yaml_lines::key_value(&line.text, "name") {
                let name = name.trim_matches(|c| c == '"' || c == '\'');
                secret_var = super::secret_name(name).then(|| name.to_string());
                continue;
            }
            if let (Some(name), Some(value)) = (
                &secret_var,
                crate::misconfig::yaml_lines::key_value(&line.text, "value"),
            ) {
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                if super::literal(value) {
                    let mut finding = META.credential_finding(
                        path,
                        line.number,
                        column_of(line, "value"),
                        &line.text,
                        name,
                        value,
                    );
                    finding.snippet = format!("{name}: *****");
                    findings.push(finding);
                }
                secret_var = None;
            }
        }
    }
}
