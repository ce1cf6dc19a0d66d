//! `gha-use-trusted-publishing`: a package is published with a long-lived token.
//!
//! **What**: a release step that authenticates to a package registry with a stored token where
//! the registry offers trusted publishing (OIDC): `pypa/gh-action-pypi-publish` given a
//! `password`, or `run:` commands `twine upload`, `uv publish`, `poetry publish`, `hatch publish`,
//! `cargo publish`, `gem push` or `npm publish` with a token from `secrets`.
//! **Why**: a registry token in the repository's secrets works from anywhere until someone
//! revokes it; a leaked one publishes malware under your package's name. Trusted publishing
//! mints a short-lived token for this workflow run only.
//! **Example**: `uses: pypa/gh-action-pypi-publish@release/v1` with `password: ${{ secrets.PYPI_TOKEN }}`.
//! **Fix**: register the workflow as a trusted publisher on PyPI, crates.io, RubyGems or npm,
//! grant the job `id-token: write`, and drop the token.

use super::{Check, Node, Workflow};
use crate::misconfig::yaml_tree::Value;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct TrustedPublishing;

static META: CheckMeta = CheckMeta {
    id: "gha-use-trusted-publishing",
    doc: include_str!("trusted_publishing.rs"),
    title: "Publishing with a stored token instead of trusted publishing",
    format: "GitHub Actions",
    severity: Severity::Info,
    confidence: Confidence::High,
};

/// Commands that publish to a registry offering trusted publishing.
const PUBLISH_COMMANDS: &[&str] = &[
    "twine upload",
    "uv publish",
    "poetry publish",
    "hatch publish",
    "cargo publish",
    "gem push",
    "npm publish",
];

impl Check<Workflow> for TrustedPublishing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for step in workflow.steps() {
            let token_input =
                step.uses_action("pypa/gh-action-pypi-publish") && step.input("password").is_some();
            let run = step.node.get("run").and_then(Node::as_str).unwrap_or("");
            let publishes = PUBLISH_COMMANDS.iter().any(|c| run.contains(c));
            // A run step publishes with a token when it is handed a secret: in the script or
            // in the step's environment.
            let env_secret = step.node.get("env").is_some_and(|env| match &env.value {
                Value::Map(entries) => entries
                    .iter()
                    .any(|(_, v)| v.as_str().is_some_and(|v| v.contains("secrets."))),
                _ => false,
            });
            let with_secret = run.contains("secrets.") || env_secret;
            if token_input || (publishes && with_secret) {
                let pos = step.pos();
                findings.push(META.finding(
                    path,
                    pos.line,
                    pos.column,
                    workflow.line_text(pos.line),
                    &format!("{}:publish@{}", step.job, pos.line),
                ));
            }
        }
    }
}
