//! `gha-archived-action`: an action or reusable workflow from an archived repository.
//!
//! **What**: `uses:` of a repository its owner archived — GitHub's own `actions/create-release`,
//! `actions/upload-release-asset`, `actions/setup-ruby`, the whole `actions-rs/*` family,
//! `crazy-max/ghaction-docker-buildx`, Azure's retired `azure/*` actions, and others.
//! **Why**: an archived action gets no fixes: a vulnerability found in it, or in the runtime and
//! dependencies it pins, stays there; its deprecated Node versions stop running; and nobody
//! watches its tags.
//! **Example**: `uses: actions-rs/toolchain@v1`.
//! **Fix**: move to the maintained replacement (`dtolnay/rust-toolchain`,
//! `softprops/action-gh-release`, `ruby/setup-ruby`, `docker/setup-buildx-action`, …), pinned to a
//! commit.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ArchivedAction;

static META: CheckMeta = CheckMeta {
    id: "gha-archived-action",
    doc: include_str!("archived_action.rs"),
    title: "Action from an archived repository",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

/// Repositories archived by their owners (lower case), well-known in workflows.
const ARCHIVED: &[&str] = &[
    "actions/create-release",
    "actions/upload-release-asset",
    "actions/setup-ruby",
    "actions/setup-elixir",
    "actions/setup-haskell",
    "actions-rs/toolchain",
    "actions-rs/cargo",
    "actions-rs/audit-check",
    "actions-rs/clippy-check",
    "actions-rs/components-nightly",
    "actions-rs/grcov",
    "actions-rs/install",
    "actions-rs/tarpaulin",
    "crazy-max/ghaction-docker-buildx",
    "azure/container-actions",
    "azure/k8s-actions",
    "azure/get-keyvault-secrets",
    "azure/webapps-container-deploy",
    "azure/appservice-actions",
    "azure/container-scan",
    "8398a7/action-slack",
    "cedrickring/golang-action",
    "aquasecurity/cfsec",
    "cirrus-actions/rebase",
];

/// The repository part of a `uses:` reference (`owner/repo` of `owner/repo/path@ref`).
fn repository(uses: &str) -> Option<String> {
    let target = uses.trim().split('@').next()?;
    let mut parts = target.split('/');
    let (owner, repo) = (parts.next()?, parts.next()?);
    Some(format!("{owner}/{repo}").to_ascii_lowercase())
}

impl Check<Workflow> for ArchivedAction {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for (pos, uses) in workflow.uses_references() {
            if repository(uses).is_some_and(|r| ARCHIVED.contains(&r.as_str())) {
                findings.push(META.finding(
                    path,
                    pos.line,
                    pos.column,
                    workflow.line_text(pos.line),
                    uses,
                ));
            }
        }
    }
}
