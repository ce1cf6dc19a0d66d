//! `gha-superfluous-action`: a third-party action for what the runner already does.
//!
//! **What**: steps using an action whose whole job is a command the GitHub-hosted runner ships:
//! releases (`ncipollo/release-action`, `softprops/action-gh-release`,
//! `elgohr/Github-Release-Action`, `svenstaro/upload-release-action` — `gh release`), issues
//! and labels (`dacbd/create-issue-action`, `actions-ecosystem/action-add-labels` and
//! `-remove-labels` — `gh issue`/`gh pr edit`), `addnab/docker-run-action` (`docker run`),
//! `sergeysova/jq-action` (`jq`), `dtolnay/rust-toolchain` (`rustup`). Informational.
//! **Why**: each action is more code from another party running with the job's token and
//! secrets, to be pinned, reviewed and kept up to date, for no capability the runner lacks.
//! **Example**: `uses: softprops/action-gh-release@v2` to upload `dist/*`.
//! **Fix**: the built-in tool in a `run:` step: `gh release create "$TAG" dist/*` with
//! `GH_TOKEN: ${{ github.token }}`.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SuperfluousAction;

static META: CheckMeta = CheckMeta {
    id: "gha-superfluous-action",
    doc: include_str!("superfluous_action.rs"),
    title: "Action duplicates a tool the runner ships",
    format: "GitHub Actions",
    severity: Severity::Info,
    confidence: Confidence::High,
};

/// Actions and the runner's tool that does the same.
const SUPERFLUOUS: &[(&str, &str)] = &[
    ("ncipollo/release-action", "gh release"),
    ("softprops/action-gh-release", "gh release"),
    ("elgohr/Github-Release-Action", "gh release"),
    ("svenstaro/upload-release-action", "gh release upload"),
    ("dacbd/create-issue-action", "gh issue create"),
    (
        "actions-ecosystem/action-add-labels",
        "gh issue edit --add-label",
    ),
    (
        "actions-ecosystem/action-remove-labels",
        "gh issue edit --remove-label",
    ),
    ("addnab/docker-run-action", "docker run"),
    ("sergeysova/jq-action", "jq"),
    ("dtolnay/rust-toolchain", "rustup"),
];

impl Check<Workflow> for SuperfluousAction {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for step in workflow.steps() {
            let Some((action, tool)) = SUPERFLUOUS.iter().find(|(a, _)| step.uses_action(a)) else {
                continue;
            };
            let pos = step.pos();
            let mut finding = META.finding(
                path,
                pos.line,
                pos.column,
                workflow.line_text(pos.line),
                action,
            );
            finding.remediation = format!("{} Here: `{tool}`.", finding.remediation);
            findings.push(finding);
        }
    }
}
