//! Every built-in rule's own examples, run through the whole matcher with all rules loaded:
//! each positive example must be reported by its rule, no negative example may be.

use ferret_engine::examples::check_rule_examples;
use ferret_engine::secrets::{builtin_rule_specs, SecretMatcher};

#[test]
fn builtin_rules_parse_compile_and_have_enough_examples() {
    let specs = builtin_rule_specs().expect("built-in rule files parse");
    assert!(specs.len() >= 400, "only {} rules", specs.len());
    for spec in &specs {
        assert!(
            spec.examples.positive.len() >= 2,
            "{}: needs 2 positive examples",
            spec.id
        );
        assert!(
            spec.examples.negative.len() >= 2,
            "{}: needs 2 negative examples",
            spec.id
        );
    }
    // Regexes are built on first use when scanning; build them all here.
    let matcher = SecretMatcher::new(specs).expect("built-in rules parse");
    if let Err(e) = matcher.check_rules() {
        panic!("built-in rules compile: {e}");
    }
}

#[test]
fn every_rule_finds_its_positives_and_ignores_its_negatives() {
    let specs = builtin_rule_specs().unwrap();
    let matcher = SecretMatcher::new(specs.clone()).unwrap();
    let failures: Vec<String> = specs
        .iter()
        .filter_map(|spec| {
            check_rule_examples(&matcher, spec).map(|problem| format!("{}: {problem}", spec.id))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} rule(s) fail their examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn negative_examples_produce_no_finding_from_any_provider_rule() {
    // A truncated token assigned to `TOKEN=` may still be reported by a generic rule (it is a
    // random value under a secret-like name); no provider rule may claim it.
    let specs = builtin_rule_specs().unwrap();
    let matcher = SecretMatcher::new(specs.clone()).unwrap();
    let mut failures = Vec::new();
    for spec in &specs {
        for example in &spec.examples.negative {
            for m in matcher
                .find(example.as_bytes())
                .into_iter()
                .filter(|m| !matcher.rules()[m.rule].spec.generic)
            {
                failures.push(format!(
                    "{}: negative {example:?} reported by {}",
                    spec.id,
                    matcher.rules()[m.rule].id()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
