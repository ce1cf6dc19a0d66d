//! `gha-unpinned-tool`: an action installs whatever version of a tool is newest.
//!
//! **What**: a step of an action whose version input defaults to the latest release —
//! `aquasecurity/setup-trivy` and `1password/load-secrets-action` (`version`, default `latest`),
//! `extractions/setup-just` (`just-version`) and `extractions/setup-crate` (`version`, default
//! `*`) — with that input left out or set to `latest` / `*`.
//! **Why**: pinning the action to a commit does not pin the tool it downloads; a compromised or
//! broken release of the tool runs in CI with the job's
//! token and secrets the moment it is published.
//! **Example**: `uses: aquasecurity/setup-trivy@<sha>` with no `version:`.
//! **Fix**: set the version input to an exact release (`version: v0.61.0`).

use super::{Check, Node, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct UnpinnedTool;

static META: CheckMeta = CheckMeta {
    id: "gha-unpinned-tool",
    doc: include_str!("unpinned_tool.rs"),
    title: "Action installs an unpinned tool version",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

/// Actions whose tool version input defaults to "newest": (action, input, unpinned value).
const TOOL_ACTIONS: &[(&str, &str, &str)] = &[
    ("aquasecurity/setup-trivy", "version", "latest"),
    ("1password/load-secrets-action", "version", "latest"),
    ("extractions/setup-just", "just-version", "*"),
    ("extractions/setup-crate", "version", "*"),
];

impl Check<Workflow> for UnpinnedTool {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for step in workflow.steps() {
            for (action, input, newest) in TOOL_ACTIONS {
                if !step.uses_action(action) {
                    continue;
                }
                let pos = match step.node.path(&["with", input]) {
                    None => step.pos(),
                    Some(value) if value.as_str().map(str::trim) == Some(newest) => step
                        .node
                        .get("with")
                        .and_then(|w| w.entry(input))
                        .map_or(step.pos(), |(k, _): (&Node, &Node)| k.pos),
                    Some(_) => continue,
                };
                findings.push(META.finding(
                    path,
                    pos.line,
                    pos.column,
                    workflow.line_text(pos.line),
                    &format!("{}:{action}@{}", step.job, pos.line),
                ));
            }
        }
    }
}
