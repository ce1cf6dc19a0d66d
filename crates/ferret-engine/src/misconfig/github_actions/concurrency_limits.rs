//! `gha-concurrency-limits` (pedantic): runs of a workflow are not limited to one at a time.
//!
//! **What**: a workflow without a top-level `concurrency:`, reported once for the jobs that set
//! none of their own; and a `concurrency:` given as a bare group name, which queues new runs
//! instead of cancelling stale ones (no `cancel-in-progress`). Reusable workflows called only
//! by others are left to their callers. Opt-in: `--select pedantic` or the id.
//! **Why**: pushes in quick succession start overlapping runs that race on caches, deployments
//! and releases, and burn runner minutes; a run for an outdated commit can finish last and win.
//! **Example**: `on: push` with jobs and no `concurrency:`.
//! **Fix**: `concurrency: { group: ${{ github.workflow }}-${{ github.ref }},
//! cancel-in-progress: true }` at the top of the workflow.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ConcurrencyLimits;

static META: CheckMeta = CheckMeta {
    id: "gha-concurrency-limits",
    doc: include_str!("concurrency_limits.rs"),
    title: "Workflow runs without concurrency limits",
    format: "GitHub Actions",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl Check<Workflow> for ConcurrencyLimits {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let Some(root) = &workflow.root else {
            return;
        };
        let jobs = workflow.jobs();
        let triggers = workflow.triggers();
        if jobs.is_empty() || (triggers.len() == 1 && triggers[0] == "workflow_call") {
            return;
        }
        let mut report = |pos: super::Pos, evidence: &str| {
            findings.push(META.finding(
                path,
                pos.line,
                pos.column,
                workflow.line_text(pos.line),
                evidence,
            ));
        };
        match root.entry("concurrency") {
            Some((key, value)) if value.as_str().is_some() => {
                report(key.pos, "workflow:cancel-in-progress");
            }
            Some(_) => {}
            None => {
                for (key, job) in &jobs {
                    let name = key.as_str().unwrap_or("");
                    match job.entry("concurrency") {
                        None => report(key.pos, &format!("job:{name}")),
                        Some((key, value)) if value.as_str().is_some() => {
                            report(key.pos, &format!("job:{name}:cancel-in-progress"));
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
}
