//! `gha-secrets-inherit`: a reusable workflow receives every secret.
//!
//! **What**: `secrets: inherit` on a job calling a reusable workflow.
//! **Why**: the called workflow (and anything it runs) gets all of the caller's secrets, not the
//! few it needs.
//! **Example**: `uses: org/shared/.github/workflows/deploy.yml@main` with `secrets: inherit`.
//! **Fix**: pass only the named secrets it needs under `secrets:`.

use super::{column_of, ActionsCheck, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SecretsInherit;

static META: CheckMeta = CheckMeta {
    id: "gha-secrets-inherit",
    title: "All secrets passed to a reusable workflow",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
    description: "`secrets: inherit` passes every secret of the caller to the reusable workflow.",
    remediation: "List the secrets the reusable workflow needs explicitly under `secrets:`.",
};

impl ActionsCheck for SecretsInherit {
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
