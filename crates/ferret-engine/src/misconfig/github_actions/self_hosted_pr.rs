//! `gha-self-hosted-runner-on-pr`: pull requests run on self-hosted machines.
//!
//! **What**: `runs-on: self-hosted` (or a list containing it) in a workflow triggered by
//! `pull_request` or `pull_request_target`.
//! **Why**: anyone who can open a pull request (on public repositories, anyone) runs code on your
//! machine, which usually persists between jobs and sits inside your network.
//! **Example**: `on: pull_request` with `runs-on: [self-hosted, linux]`.
//! **Fix**: use GitHub-hosted or ephemeral, isolated runners for pull requests.

use super::{column_of, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SelfHostedPr;

static META: CheckMeta = CheckMeta {
    id: "gha-self-hosted-runner-on-pr",
    doc: include_str!("self_hosted_pr.rs"),
    title: "Self-hosted runner on pull requests",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

impl Check<Workflow> for SelfHostedPr {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let triggers = workflow.triggers();
        if !triggers
            .iter()
            .any(|t| t == "pull_request" || t == "pull_request_target")
        {
            return;
        }
        for (line, value) in workflow.values("runs-on") {
            if value.contains("self-hosted") {
                findings.push(META.finding(
                    path,
                    line.number,
                    column_of(line, "runs-on"),
                    &line.text,
                    "self-hosted",
                ));
            }
        }
    }
}
