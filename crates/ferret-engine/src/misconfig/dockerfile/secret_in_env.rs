//! `dockerfile-secret-in-env`: a secret-looking value set with `ENV` or `ARG`.
//!
//! **What**: `ENV API_TOKEN=abc123…` or `ARG DB_PASSWORD=…` with a literal value.
//! **Why**: ENV and ARG values are stored in the image's layers and history (`docker history`),
//! readable by anyone who can pull the image.
//! **Example**: `ENV AWS_SECRET_ACCESS_KEY=wJalr…`.
//! **Fix**: pass secrets at run time, or use BuildKit secret mounts: `RUN --mount=type=secret,id=token …`.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SecretInEnv;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-secret-in-env",
    doc: include_str!("secret_in_env.rs"),
    format: "Dockerfile",
    title: "Secret in ENV or ARG",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

impl Check<Dockerfile> for SecretInEnv {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file
            .instructions
            .iter()
            .filter(|i| i.keyword == "ENV" || i.keyword == "ARG")
        {
            for (name, value) in super::assignments(&instruction.args) {
                let secretish = crate::misconfig::secret_name(&name);
                let literal = !value.is_empty() && !value.starts_with('$') && value.len() >= 4;
                if secretish && literal {
                    findings.push(META.credential_finding(
                        path,
                        instruction.line,
                        instruction.column,
                        &instruction.text,
                        &name,
                        &value,
                    ));
                }
            }
        }
    }
}
