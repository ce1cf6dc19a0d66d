//! `gha-unsound-condition`: an `if:` that is always true.
//!
//! **What**: a job or step `if:` whose value holds `${{ … }}` but is not one expression and
//! nothing else: `if: |` (a block scalar keeps its trailing newline), or text around the
//! expression (`if: ${{ a }} && ${{ b }}`).
//! **Why**: GitHub then substitutes the expressions into a string, and any non-empty string is
//! true — the guard never stops the job, for example a deploy meant to run only on `main`.
//! **Example**: `if: |\n  ${{ github.ref == 'refs/heads/main' }}`.
//! **Fix**: write the condition bare (`if: github.ref == 'refs/heads/main'`), or as a single
//! `${{ … }}` on one line (`>-` folds without the newline).

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct UnsoundCondition;

static META: CheckMeta = CheckMeta {
    id: "gha-unsound-condition",
    doc: include_str!("unsound_condition.rs"),
    title: "Condition that is always true",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::High,
};

/// Whether GitHub evaluates `condition` as an interpolated (so always truthy) string.
pub fn always_true(condition: &str) -> bool {
    if !condition.contains("${{") {
        return false;
    }
    let whole = condition.starts_with("${{")
        && condition.ends_with("}}")
        && condition.matches("${{").count() == 1;
    !whole
}

impl Check<Workflow> for UnsoundCondition {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for owner in workflow.jobs_and_steps() {
            let Some((key, value)) = owner.entry("if") else {
                continue;
            };
            if value.as_str().is_some_and(always_true) {
                findings.push(META.finding(
                    path,
                    key.pos.line,
                    key.pos.column,
                    workflow.line_text(key.pos.line),
                    &format!("if@{}", key.pos.line),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::always_true;

    #[test]
    fn interpolated_conditions_are_always_true() {
        assert!(always_true("${{ github.ref == 'refs/heads/main' }}\n"));
        assert!(always_true("${{ a }} && ${{ b }}"));
        assert!(always_true("github.ref == 'x' && ${{ b }}"));
        assert!(!always_true("${{ github.ref == 'refs/heads/main' }}"));
        assert!(!always_true("github.ref == 'refs/heads/main'"));
        assert!(!always_true("success()"));
    }
}
