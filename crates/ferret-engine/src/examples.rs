//! Runs a rule's own positive and negative examples through a matcher.

use crate::secrets::{SecretMatcher, SecretRuleSpec};

/// Checks that every positive example of `spec` is found by the rule `spec.id` in `matcher`, and
/// that no negative example is. Returns the first failure, described in one line.
pub fn check_rule_examples(matcher: &SecretMatcher, spec: &SecretRuleSpec) -> Option<String> {
    let rule_index = matcher.rules().iter().position(|r| r.id() == spec.id)?;
    for example in &spec.examples.positive {
        let found = matcher.find(example.as_bytes());
        if !found.iter().any(|m| m.rule == rule_index) {
            let others: Vec<&str> = found.iter().map(|m| matcher.rules()[m.rule].id()).collect();
            return Some(format!(
                "positive example not found: {example:?} (found instead: {others:?})"
            ));
        }
    }
    for example in &spec.examples.negative {
        if matcher
            .find(example.as_bytes())
            .iter()
            .any(|m| m.rule == rule_index)
        {
            return Some(format!("negative example matched: {example:?}"));
        }
    }
    None
}
