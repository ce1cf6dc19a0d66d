//! Prints the rules that are slowest to compile (`cargo run --release --example rule_cost`),
//! to keep `ferret` start-up fast as rules are added.

use ferret_engine::secrets::{builtin_rule_specs, SecretMatcher};
use std::time::Instant;

fn main() {
    let specs = builtin_rule_specs().expect("rules parse");
    let started = Instant::now();
    SecretMatcher::new(specs.clone()).expect("rules compile");
    println!("all {} rules: {:?}", specs.len(), started.elapsed());
    let mut costs: Vec<(std::time::Duration, String)> = specs
        .into_iter()
        .map(|spec| {
            let id = spec.id.clone();
            let started = Instant::now();
            SecretMatcher::new(vec![spec]).expect("rule compiles");
            (started.elapsed(), id)
        })
        .collect();
    costs.sort();
    for (cost, id) in costs.iter().rev().take(15) {
        println!("{cost:>12?}  {id}");
    }
}
