//! `gha-dangerous-trigger`: privileged triggers run on behalf of outsiders.
//!
//! **What**: a workflow on `pull_request_target`, `workflow_run` or `issue_comment`, each
//! reported at the trigger (medium) — the trigger itself is the risk to review, as zizmor's
//! `dangerous-triggers` reports it (a workflow whose one job is one `actions/labeler` step is
//! the documented safe use of `pull_request_target` and is not reported); and, critical, the
//! line where such a workflow checks out the pull request's head (`ref:
//! ${{ github.event.pull_request.head.sha }}`, `head.ref`, `github.head_ref`, `refs/pull/…`).
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
        let present: Vec<&str> = DANGEROUS
            .iter()
            .copied()
            .filter(|d| triggers.iter().any(|t| t == d))
            .filter(|d| !(*d == "pull_request_target" && only_labels(workflow)))
            .collect();
        if present.is_empty() {
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
        for trigger in present {
            if let Some(line) = trigger_line(workflow, trigger) {
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
}

/// The triggers reported, in the order zizmor documents them.
const DANGEROUS: &[&str] = &["pull_request_target", "workflow_run", "issue_comment"];

/// A workflow of one job with one step, `actions/labeler`: the safe, documented use of
/// `pull_request_target`.
fn only_labels(workflow: &Workflow) -> bool {
    let jobs = workflow.jobs();
    let steps = workflow.steps();
    jobs.len() == 1 && steps.len() == 1 && steps[0].uses_action("actions/labeler")
}

/// The line naming `trigger` under `on:`.
fn trigger_line<'a>(
    workflow: &'a Workflow,
    trigger: &str,
) -> Option<&'a crate::misconfig::yaml_lines::Line> {
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
        let named = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|word| word == trigger);
        if inside && named {
            return Some(line);
        }
    }
    None
}
