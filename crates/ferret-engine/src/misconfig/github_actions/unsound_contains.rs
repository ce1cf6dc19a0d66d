//! `gha-unsound-contains`: `contains()` over a string where a list was meant.
//!
//! **What**: a condition `contains('refs/heads/main refs/heads/release', github.ref)` — the
//! first argument a string literal, the second a context value.
//! **Why**: on a string, `contains` is a substring test: a branch named `main` (or `refs/heads/m`,
//! or `release`) that someone can push passes a check meant to allow exactly two refs, and
//! reaches the deploy or the secrets behind it.
//! **Example**: `if: contains('refs/heads/main refs/heads/develop', github.ref)`.
//! **Fix**: compare against a list: `contains(fromJSON('["refs/heads/main", "refs/heads/develop"]'), github.ref)`,
//! or use `==` for one value.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct UnsoundContains;

static META: CheckMeta = CheckMeta {
    id: "gha-unsound-contains",
    doc: include_str!("unsound_contains.rs"),
    title: "contains() on a string literal",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

/// `contains('<literal>', <context>.…)`: a quoted haystack, a context needle.
static UNSOUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bcontains\(\s*'[^']*'\s*,\s*(?:github|env|inputs|vars|steps|needs|matrix)\b[\w.\-\[\]'*]*\s*\)")
        .expect("the unsound-contains pattern compiles")
});

impl Check<Workflow> for UnsoundContains {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for line in &workflow.lines {
            if line.text.trim_start().starts_with('#') {
                continue;
            }
            for found in UNSOUND.find_iter(&line.text) {
                findings.push(META.finding(
                    path,
                    line.number,
                    found.start() as u32 + 1,
                    &line.text,
                    found.as_str(),
                ));
            }
        }
    }
}
