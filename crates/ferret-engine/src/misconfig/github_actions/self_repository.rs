//! `gha-self-repository-reference`: a local action or workflow named by a `./` path.
//!
//! **What**: `uses: ./.github/actions/setup` on a step, or `uses: ./.github/workflows/x.yml` on
//! a job, where GitHub's self-repository form `uses: $/.github/…` exists.
//! **Why**: `./` is resolved against the runner's working directory — whatever was checked out
//! there, which after a checkout of a pull request's head (or of another repository) is code
//! the workflow's author never reviewed, running with the workflow's token and secrets. `$/`
//! always names this repository at the commit the workflow runs from.
//! **Example**: `- uses: ./.github/actions/setup`.
//! **Fix**: `- uses: $/.github/actions/setup` (and `uses: $/.github/workflows/x.yml` for jobs).

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SelfRepository;

static META: CheckMeta = CheckMeta {
    id: "gha-self-repository-reference",
    doc: include_str!("self_repository.rs"),
    title: "Local action or workflow referenced by ./ path",
    format: "GitHub Actions",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl Check<Workflow> for SelfRepository {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for (pos, target) in workflow.uses_references() {
            if target.starts_with("./") {
                findings.push(META.finding(
                    path,
                    pos.line,
                    pos.column,
                    workflow.line_text(pos.line),
                    target,
                ));
            }
        }
    }
}
