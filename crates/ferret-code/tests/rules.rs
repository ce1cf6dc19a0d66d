//! Every built-in code rule against its own examples: each `match` snippet must give a finding
//! of the rule (on every grammar of its family), no `no_match` snippet may.

use ferret_code::CodeAnalyzer;

#[test]
fn every_rule_matches_its_examples_and_only_those() {
    let analyzer = CodeAnalyzer::builtin().expect("built-in code rules load");
    assert!(!analyzer.rules().is_empty());
    // Matchers are built lazily per grammar at scan time; here all of them, now.
    if let Err(error) = analyzer.check() {
        panic!("{error}");
    }
    let failures: Vec<String> = (0..analyzer.rules().len())
        .filter_map(|i| analyzer.check_examples(i))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
