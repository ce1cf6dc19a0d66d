//! `gha-read-all-permissions`: the workflow token may read everything.
//!
//! **What**: `permissions: read-all`, for the workflow or a job.
//! **Why**: it grants read access to every scope — including ones the workflow has no use for
//! (security events, packages, deployments, private repository contents in other workflows'
//! artifacts) — so a compromised step can read more than it should.
//! **Example**: `permissions: read-all`.
//! **Fix**: name the scopes the job reads: `permissions: { contents: read }`.
//!
//! A workflow-level setting that every job overrides with its own `permissions:` applies to
//! no job and is not reported.

use super::{column_of, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ReadAllPermissions;

static META: CheckMeta = CheckMeta {
    id: "gha-read-all-permissions",
    doc: include_str!("read_all_permissions.rs"),
    title: "Workflow token with read-all permissions",
    format: "GitHub Actions",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl Check<Workflow> for ReadAllPermissions {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for line in workflow.permissions_shorthand("read-all") {
            findings.push(META.finding(
                path,
                line.number,
                column_of(line, "permissions"),
                &line.text,
                "read-all",
            ));
        }
    }
}
