//! `gha-workflow-write-permission`: a write scope granted to every job at the workflow level.
//!
//! **What**: a top-level `permissions:` mapping with `<scope>: write` (`contents: write`,
//! `id-token: write`, …) in a workflow with several jobs, not all of which set their own
//! `permissions:`. Severity follows the scope: high for `contents`, `packages`, `id-token`,
//! `actions`, `pull-requests`, `issues`, `pages`, `deployments` and `attestations`, medium for
//! most others, low for `statuses` and `models`. A single-job workflow (where the workflow level
//! is the job level), a reusable workflow called only by others, or one whose every job
//! overrides the block is not reported.
//! **Why**: every job — linters, test runners, third-party actions that only needed to read —
//! gets the write token; compromising any one of them is enough to push code, publish a package
//! or mint a cloud credential.
//! **Example**: `permissions: { contents: write }` at the top of a workflow with `test` and
//! `release` jobs.
//! **Fix**: `permissions: { contents: read }` (or `{}`) at the top, and the write scope only on
//! the job that needs it.

use super::{Check, Workflow};
use crate::misconfig::yaml_tree::Value;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct WorkflowWritePermission;

static META: CheckMeta = CheckMeta {
    id: "gha-workflow-write-permission",
    doc: include_str!("workflow_write_permission.rs"),
    title: "Write permission granted to every job",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

/// How much a `write` on each scope lets a compromised job do.
fn scope_severity(scope: &str) -> Severity {
    match scope {
        "actions" | "attestations" | "contents" | "deployments" | "id-token" | "issues"
        | "packages" | "pages" | "pull-requests" => Severity::High,
        "models" | "statuses" => Severity::Low,
        _ => Severity::Medium,
    }
}

impl Check<Workflow> for WorkflowWritePermission {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let Some(Value::Map(scopes)) = workflow
            .root
            .as_ref()
            .and_then(|r| r.get("permissions"))
            .map(|p| &p.value)
        else {
            return;
        };
        let jobs = workflow.jobs();
        let triggers = workflow.triggers();
        let reusable_only = triggers.len() == 1 && triggers[0] == "workflow_call";
        if jobs.len() <= 1
            || reusable_only
            || jobs.iter().all(|(_, job)| job.get("permissions").is_some())
        {
            return;
        }
        for (key, value) in scopes {
            let (Some(scope), Some("write")) = (key.as_str(), value.as_str()) else {
                continue;
            };
            let mut finding = META.finding(
                path,
                key.pos.line,
                key.pos.column,
                workflow.line_text(key.pos.line),
                &format!("permissions:{scope}"),
            );
            finding.severity = scope_severity(scope);
            findings.push(finding);
        }
    }
}
