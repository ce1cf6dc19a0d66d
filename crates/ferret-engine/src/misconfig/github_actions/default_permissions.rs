//! `gha-default-permissions`: jobs run with the repository's default token permissions.
//!
//! **What**: a workflow without a top-level `permissions:` block, reported for each job that
//! has no `permissions:` of its own.
//! **Why**: the default `GITHUB_TOKEN` is read-write on contents, packages, pull requests and
//! more in many repositories and organisations (everything created before February 2023, or
//! changed in settings); any compromised step gets all of it.
//! **Example**: `on: push` … `jobs: { build: { runs-on: ubuntu-latest, steps: … } }`.
//! **Fix**: `permissions: { contents: read }` at the top of the workflow, widening per job only
//! where needed.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct DefaultPermissions;

static META: CheckMeta = CheckMeta {
    id: "gha-default-permissions",
    doc: include_str!("default_permissions.rs"),
    title: "Job uses default token permissions",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

impl Check<Workflow> for DefaultPermissions {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let Some(root) = &workflow.root else {
            return;
        };
        if root.get("permissions").is_some() {
            return;
        }
        for (key, job) in workflow.jobs() {
            if job.get("permissions").is_some() {
                continue;
            }
            let name = key.as_str().unwrap_or("");
            let text = workflow.line_text(key.pos.line);
            findings.push(META.finding(
                path,
                key.pos.line,
                key.pos.column,
                text,
                &format!("job:{name}"),
            ));
        }
    }
}
