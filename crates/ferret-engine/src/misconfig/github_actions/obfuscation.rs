//! `gha-obfuscated-expression`: workflow references written to hide what they do.
//!
//! **What**: `uses:` paths with `.`/`..`/empty segments (`actions/checkout/./@v4`,
//! `actions//checkout@v4`); expressions that index contexts with string literals
//! (`github['event']['issue']['title']`), which slips past reviewers and simple scanners (a
//! single lookup by name such as `secrets['DEPLOY-KEY']` is the usual spelling, not reported); and
//! expressions that are a constant (`${{ 'main' }}`).
//! **Why**: these forms behave like their plain spelling but defeat review and pattern
//! matching — in a workflow, a reason to look closely.
//! **Example**: `run: echo "${{ github['event']['issue']['title'] }}"`.
//! **Fix**: write the plain form: `actions/checkout@v4`, `github.event.issue.title`, `main`.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct Obfuscation;

static META: CheckMeta = CheckMeta {
    id: "gha-obfuscated-expression",
    doc: include_str!("obfuscation.rs"),
    title: "Obfuscated action reference or expression",
    format: "GitHub Actions",
    severity: Severity::Low,
    confidence: Confidence::High,
};

fn obfuscated_uses(value: &str) -> bool {
    let target = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if target.starts_with("docker://") || target.starts_with("./") || target.starts_with("$/") {
        return false;
    }
    let path = target.split('@').next().unwrap_or(target);
    target.contains('@')
        && path
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
}

/// An expression indexing a context with a string literal, or a bare constant.
fn obfuscated_expression(expression: &str) -> bool {
    let inner = expression
        .trim_start_matches("${{")
        .trim_end_matches("}}")
        .trim();
    // `secrets['NAME']` and the like — one literal index into a map of names the workflow
    // defines — is the usual way to spell a name with dashes, not an attempt to hide anything.
    let named_lookup = inner.matches("['").count() == 1
        && inner.ends_with("']")
        && [
            "secrets", "vars", "env", "inputs", "matrix", "needs", "steps",
        ]
        .iter()
        .any(|map| inner.split("['").next() == Some(*map));
    let indexed = !named_lookup
        && inner.contains("['")
        && inner.split("['").next().is_some_and(|head| {
            let head = head.trim();
            !head.is_empty()
                && head.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || c == '.'
                        || c == '_'
                        || c == '-'
                        || c == ']'
                        || c == '['
                        || c == '\''
                })
        });
    let constant = inner.len() >= 2
        && inner.starts_with('\'')
        && inner.ends_with('\'')
        && !inner[1..inner.len() - 1].contains('\'');
    indexed || constant
}

impl Check<Workflow> for Obfuscation {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for line in &workflow.lines {
            let text = &line.text;
            if text.trim_start().starts_with('#') {
                continue;
            }
            if let Some(value) = super::key_value(text, "uses") {
                if obfuscated_uses(value) {
                    let column = super::column_of(line, "uses");
                    findings.push(META.finding(path, line.number, column, text, value.trim()));
                }
            }
            let mut from = 0;
            while let Some(start) = text[from..].find("${{").map(|s| s + from) {
                let end = text[start..]
                    .find("}}")
                    .map_or(text.len(), |e| start + e + 2);
                let expression = &text[start..end];
                if obfuscated_expression(expression) {
                    let column = text[..start].chars().count() as u32 + 1;
                    findings.push(META.finding(path, line.number, column, text, expression));
                }
                from = end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_obfuscation() {
        assert!(obfuscated_uses("actions/checkout/./@v4"));
        assert!(obfuscated_uses("actions//checkout@v4"));
        assert!(!obfuscated_uses("actions/checkout@v4"));
        assert!(!obfuscated_uses("./.github/actions/local"));
        assert!(obfuscated_expression(
            "${{ github['event']['issue']['title'] }}"
        ));
        assert!(obfuscated_expression("${{ 'main' }}"));
        assert!(!obfuscated_expression("${{ github.event.issue.title }}"));
        assert!(!obfuscated_expression("${{ matrix.os == 'linux' }}"));
        assert!(!obfuscated_expression("${{ fromJSON('[1]') }}"));
        assert!(!obfuscated_expression("${{ secrets['DEPLOY-KEY'] }}"));
        assert!(obfuscated_expression("${{ secrets['A']['B'] }}"));
        assert!(obfuscated_expression("${{ github['sha'] }}"));
    }
}
