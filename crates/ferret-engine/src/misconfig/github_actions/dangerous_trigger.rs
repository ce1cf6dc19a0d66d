//! `gha-dangerous-trigger`: privileged triggers run on behalf of outsiders.
//!
//! **What**: a workflow on `pull_request_target` or `workflow_run`: critical when it checks out
//! the pull request's head (`ref: ${{ github.event.pull_request.head.sha }}`, `head.ref`,
//! `github.head_ref`, `refs/pull/…`), reported at that line; otherwise medium, at the trigger —
//! the trigger itself is the risk to review, as zizmor's `dangerous-triggers` reports it.
//! **Why**: these triggers run with a write token and secrets, even for forks; building or running
//! the contributor's code there hands it both ("pwn request"), and any later step that reads
//! pull-request data can be steered by it.
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
    title: "Privileged pull-request trigger",
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
        let before = findings.len();
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
        if findings.len() > before {
            return;
        }
        // No checkout of the pull request's code: the trigger itself, at medium.
        if let Some((line, trigger)) = trigger_line(workflow) {
            let mut finding = META.finding(
                path,
                line.number,
                column_of(line, trigger),
                &line.text,
                trigger,
            );
            finding.severity = Severity::Medium;
            findings.push(finding);
        }
    }
}

/// The line naming the first privileged trigger under `on:`.
fn trigger_line(
    workflow: &Workflow,
) -> Option<(&crate::misconfig::yaml_lines::Line, &'static str)> {
    let mut inside = false;
    for line in &workflow.lines {
        let text = line.text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        if line.indent == 0 {
            inside = ["on:", "\"on\":", "'on':"]
                .iter()
                .any(|k| text.starts_with(k));
        }
        if !inside {
            continue;
        }
        for trigger in ["pull_request_target", "workflow_run"] {
            let named = text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|word| word == trigger);
            if named {
                return Some((line, trigger));
            }
        }
    }
    None
}
