//! `gha-artipacked`: checkout credentials persisted where artifacts can pick them up.
//!
//! **What**: an `actions/checkout` step without `persist-credentials: false`. High severity
//! when the same job uploads an artifact (`actions/upload-artifact`), medium otherwise.
//! **Why**: checkout writes the job's `GITHUB_TOKEN` into `.git/config`; an artifact of the
//! workspace (or any later step, action or build script) then carries a token with the job's
//! write permissions — published to anyone who can download the artifact.
//! **Example**: `- uses: actions/checkout@v4` followed by `upload-artifact` with `path: .`.
//! **Fix**: `with: { persist-credentials: false }` on checkout, and pass a token explicitly
//! to the one step that needs to push.
//!
//! An explicit `persist-credentials: true` (the job pushes with it) is reported only when the
//! job also uploads artifacts.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct Artipacked;

static META: CheckMeta = CheckMeta {
    id: "gha-artipacked",
    doc: include_str!("artipacked.rs"),
    title: "Checkout persists credentials",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

impl Check<Workflow> for Artipacked {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let steps = workflow.steps();
        for step in &steps {
            if !step.uses_action("actions/checkout") {
                continue;
            }
            let setting = step.input_bool("persist-credentials");
            let uploads = steps
                .iter()
                .any(|s| s.job == step.job && s.uses_action("actions/upload-artifact"));
            // `false` stores nothing; an explicit `true` is a choice (a later `git push`),
            // reported only where an artifact upload could carry the credential away.
            if setting == Some(false) || (setting == Some(true) && !uploads) {
                continue;
            }
            let pos = step.pos();
            let text = workflow.line_text(pos.line);
            let mut finding = META.finding(
                path,
                pos.line,
                pos.column,
                text,
                &format!("{}:checkout", step.job),
            );
            if uploads {
                finding.severity = Severity::High;
            }
            findings.push(finding);
        }
    }
}
