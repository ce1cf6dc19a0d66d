//! `gha-github-env`: untrusted data written to `GITHUB_ENV` or `GITHUB_PATH`.
//!
//! **What**: a `run:` line that appends to `$GITHUB_ENV` / `$GITHUB_PATH` and either expands an
//! attacker-controlled expression, or sits in a workflow on `pull_request_target` or
//! `workflow_run`, which run with privileges next to a pull request's code and artifacts (data
//! of other events reaches the line through expressions, which the first case covers).
//! **Why**: every later step runs with those variables: `LD_PRELOAD`, `NODE_OPTIONS`,
//! `BASH_ENV` or a poisoned `PATH` turn a written value into code execution with the
//! workflow's token and secrets.
//! **Example**: `run: echo "TITLE=${{ github.event.issue.title }}" >> $GITHUB_ENV`.
//! **Fix**: pass untrusted values to steps through `env:` (or step outputs) instead of
//! `GITHUB_ENV`, and never write outsiders' data to `GITHUB_PATH`.

use super::template_injection::controlled_context;
use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct GithubEnv;

static META: CheckMeta = CheckMeta {
    id: "gha-github-env",
    doc: include_str!("github_env.rs"),
    title: "Untrusted data written to GITHUB_ENV/GITHUB_PATH",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

impl Check<Workflow> for GithubEnv {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let privileged = workflow
            .triggers()
            .iter()
            .any(|t| t == "pull_request_target" || t == "workflow_run");
        for code in workflow.code.iter().filter(|c| c.key == "run") {
            let text = &code.line.text;
            let Some(at) = text.find("GITHUB_ENV").or_else(|| text.find("GITHUB_PATH")) else {
                continue;
            };
            let writes =
                text.contains(">>") || text.contains("Out-File") || text.contains("Add-Content");
            if !writes || !(privileged || controlled_context(text).is_some()) {
                continue;
            }
            let column = text[..at].chars().count() as u32 + 1;
            let target = if text[at..].starts_with("GITHUB_ENV") {
                "GITHUB_ENV"
            } else {
                "GITHUB_PATH"
            };
            findings.push(META.finding(
                path,
                code.line.number,
                column,
                text,
                &format!("{target}:{}", text.trim()),
            ));
        }
    }
}
