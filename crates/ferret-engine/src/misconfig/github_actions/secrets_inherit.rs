//! `gha-secrets-inherit`: a reusable workflow receives every secret.
//!
//! **What**: `secrets: inherit` on a job calling a reusable workflow.
//! **Why**: the called workflow (and anything it runs) gets all of the caller's secrets, not the
//! few it needs.
//! **Example**: `uses: org/shared/.github/workflows/deploy.yml@main` with `secrets: inherit`.
//! **Fix**: pass only the named secrets it needs under `secrets:`.

use super::{column_of, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SecretsInherit;

static META: CheckMeta = CheckMeta {
    id: "gha-secrets-inherit",
    doc: include_str!("secrets_inherit.rs"),
    title: "All secrets passed to a reusable workflow",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<Workflow> for SecretsInherit {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for (line, value) in workflow.values("secrets") {
            if value == "inherit" {
                findings.push(META.finding(
                    path,
                    line.number,
                    column_of(line, "secrets"),
                    &line.text,
                    "inherit",
                ));
            }
        }
    }
}
