//! `gha-write-all-permissions`: the workflow token may write everything.
//!
//! **What**: `permissions: write-all`.
//! **Why**: any compromised step (a dependency, an injected script) can push code, create
//! releases, and change settings with the job's `GITHUB_TOKEN`.
//! **Example**: `permissions: write-all`.
//! **Fix**: grant only what each job needs: `permissions: { contents: read }`, plus specific writes.
//!
//! A workflow-level setting that every job overrides with its own `permissions:` applies to
//! no job and is not reported.

use super::{column_of, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct WriteAllPermissions;

static META: CheckMeta = CheckMeta {
    id: "gha-write-all-permissions",
    doc: include_str!("write_all_permissions.rs"),
    title: "Workflow token with write-all permissions",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl Check<Workflow> for WriteAllPermissions {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for line in workflow.permissions_shorthand("write-all") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "permissions"),
                &line.text,
                "write-all",
            ));
        }
    }
}
