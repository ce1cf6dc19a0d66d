//! `gha-dangerous-trigger`: privileged triggers that check out pull-request code.
//!
//! **What**: a workflow on `pull_request_target` or `workflow_run` that checks out the pull
//! request's head (`ref: ${{ github.event.pull_request.head.sha }}`, `head.ref`, `github.head_ref`).
//! **Why**: these triggers run with a write token and secrets, even for forks; building or running
//! the contributor's code there hands it both ("pwn request").
//! **Example**: `on: pull_request_target` + `actions/checkout` with `ref: ${{ github.event.pull_request.head.sha }}`.
//! **Fix**: use `pull_request` for untrusted code, or split into an unprivileged build and a
//! privileged follow-up that never executes PR content.

use super::{column_of, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct DangerousTrigger;

static META: CheckMeta = CheckMeta {
    id: "gha-dangerous-trigger",
    doc: include_str!("dangerous_trigger.rs"),
    title: "Privileged trigger checks out pull-request code",
    format: "GitHub Actions",
    severity: Severity::Critical,
    confidence: Confidence::Medium,
};

const PR_HEAD: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "refs/pull/",
];

impl Check<Workflow> for DangerousTrigger {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let triggers = workflow.triggers();
        if !triggers
            .iter()
            .any(|t| t == "pull_request_target" || t == "workflow_run")
        {
            return;
        }
        for (line, value) in workflow.values("ref") {
            let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            if let Some(head) = PR_HEAD.iter().find(|h| compact.contains(**h)) {
                findings.push(META.finding(
                    path,
                    line.number,
                    column_of(line, "ref"),
                    &line.text,
                    head,
                ));
            }
        }
    }
}
