//! `gha-anonymous-definition` (pedantic): a workflow or job without a `name:`.
//!
//! **What**: a workflow file with no top-level `name:` (low), and jobs with no `name:`
//! (informational; jobs that call a reusable workflow are left out). Opt-in:
//! `--select pedantic` or the id.
//! **Why**: GitHub then shows the file path or the job id in the Actions tab, branch protection
//! rules and audit logs, which makes required checks and incident timelines harder to read and
//! easier to confuse.
//! **Example**: `on: push` … `jobs: { build: { runs-on: ubuntu-latest, … } }`.
//! **Fix**: `name: CI` at the top, and `name: Build` on each job.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct AnonymousDefinition;

static META: CheckMeta = CheckMeta {
    id: "gha-anonymous-definition",
    doc: include_str!("anonymous_definition.rs"),
    title: "Workflow or job without a name",
    format: "GitHub Actions",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl Check<Workflow> for AnonymousDefinition {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let Some(root) = &workflow.root else {
            return;
        };
        if root.get("jobs").is_none() {
            return;
        }
        if root.get("name").is_none() {
            let line = workflow
                .lines
                .iter()
                .find(|l| !l.text.trim().is_empty() && !l.text.trim_start().starts_with('#'))
                .map_or(1, |l| l.number);
            findings.push(META.finding(path, line, 1, workflow.line_text(line), "workflow"));
        }
        for (key, job) in workflow.jobs() {
            if job.get("name").is_some() || job.get("uses").is_some() {
                continue;
            }
            let name = key.as_str().unwrap_or("");
            let mut finding = META.finding(
                path,
                key.pos.line,
                key.pos.column,
                workflow.line_text(key.pos.line),
                &format!("job:{name}"),
            );
            finding.severity = Severity::Info;
            findings.push(finding);
        }
    }
}
