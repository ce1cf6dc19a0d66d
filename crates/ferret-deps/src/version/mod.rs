//! Version ordering per ecosystem, the order OSV's `ECOSYSTEM` and `SEMVER` ranges are walked
//! with: one comparator module per scheme, chosen by [`compare`].
//!
//! No kept crate passed every ordering vector of the ecosystems Ferret reads (see
//! `../shared/testdata/version-order/README.md`: the Maven crate gets `1-1 = 1-ga-1` wrong,
//! the RubyGems crate rejects `1beta`, the PEP 440 crate has no legacy fallback, and none
//! exists for Packagist, NuGet or Pub), so the comparators are ports of osv-scalibr's
//! `semantic` package (Apache-2.0), the ones osv-scanner matches with, and are tested against
//! the same vectors. Numbers are compared as digit strings, so no component overflows.

mod maven;
mod packagist;
mod pypi;
mod rubygems;
mod semver_like;

use crate::Ecosystem;
use std::cmp::Ordering;

/// Orders two versions of `ecosystem`'s packages. Total: every string is a version (lenient
/// parsing, like OSV's matcher), so a malformed version orders somewhere instead of failing.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Ordering {
    match ecosystem {
        Ecosystem::CratesIo | Ecosystem::Npm | Ecosystem::Go | Ecosystem::Hex => {
            semver_like::compare_semver(a, b)
        }
        Ecosystem::NuGet => semver_like::compare_nuget(a, b),
        Ecosystem::Pub => semver_like::compare_pub(a, b),
        Ecosystem::PyPI => pypi::compare(a, b),
        Ecosystem::Maven => maven::compare(a, b),
        Ecosystem::RubyGems => rubygems::compare(a, b),
        Ecosystem::Packagist => packagist::compare(a, b),
    }
}

/// Non-empty and only ASCII digits.
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Orders two version segments: numbers numerically, words as text, and a number against a
/// word as `number_vs_word` says (semver puts numbers first, PEP 440 and RubyGems last).
fn cmp_segment(x: &str, y: &str, number_vs_word: Ordering) -> Ordering {
    match (is_digits(x), is_digits(y)) {
        (true, true) => cmp_digits(x, y),
        (false, false) => x.cmp(y),
        (true, false) => number_vs_word,
        (false, true) => number_vs_word.reverse(),
    }
}

/// Compares two runs of ASCII digits as numbers of any size.
fn cmp_digits(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs one vector file (`A < B` per line) against `ecosystem`; returns the failures.
    fn failures(ecosystem: Ecosystem, file: &str) -> Vec<String> {
        let path = format!(
            "{}/../../../shared/testdata/version-order/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{path}: {e} (the shared test data sits beside the repository)")
        });
        let mut failed = Vec::new();
        let mut total = 0;
        for line in text.lines() {
            if line.is_empty() || line.starts_with("# ") || line.starts_with("// ") {
                continue;
            }
            let parts: Vec<&str> = line.split(' ').collect();
            let [a, op, b] = parts[..] else {
                panic!("{file}: malformed line {line:?}");
            };
            let expected = match op {
                "<" => Ordering::Less,
                "=" => Ordering::Equal,
                ">" => Ordering::Greater,
                _ => panic!("{file}: unknown operator in {line:?}"),
            };
            total += 1;
            let got = compare(ecosystem, a, b);
            let reverse = compare(ecosystem, b, a);
            if got != expected || reverse != expected.reverse() {
                failed.push(format!("{line} (got {got:?}, reversed {reverse:?})"));
            }
        }
        assert!(total > 0, "{file} has vectors");
        failed
    }

    #[test]
    fn every_vector_of_every_ecosystem_orders_as_the_native_tools_do() {
        let cases = [
            (Ecosystem::Npm, "osv-scalibr-semantic/semver-versions.txt"),
            (
                Ecosystem::CratesIo,
                "osv-scalibr-semantic/semver-versions.txt",
            ),
            (Ecosystem::Go, "osv-scalibr-semantic/semver-versions.txt"),
            (Ecosystem::Hex, "osv-scalibr-semantic/semver-versions.txt"),
            (Ecosystem::Npm, "node-semver/comparisons.txt"),
            (Ecosystem::Npm, "node-semver/equality.txt"),
            (Ecosystem::PyPI, "osv-scalibr-semantic/pypi-versions.txt"),
            (
                Ecosystem::PyPI,
                "osv-scalibr-semantic/pypi-versions-generated.txt",
            ),
            (Ecosystem::Maven, "osv-scalibr-semantic/maven-versions.txt"),
            (
                Ecosystem::Maven,
                "osv-scalibr-semantic/maven-versions-generated.txt",
            ),
            (
                Ecosystem::RubyGems,
                "osv-scalibr-semantic/rubygems-versions.txt",
            ),
            (
                Ecosystem::RubyGems,
                "osv-scalibr-semantic/rubygems-versions-generated.txt",
            ),
            (
                Ecosystem::Packagist,
                "osv-scalibr-semantic/packagist-versions.txt",
            ),
            (
                Ecosystem::Packagist,
                "osv-scalibr-semantic/packagist-versions-generated.txt",
            ),
            (Ecosystem::NuGet, "osv-scalibr-semantic/nuget-versions.txt"),
            (Ecosystem::Pub, "osv-scalibr-semantic/pub-versions.txt"),
        ];
        let mut report = String::new();
        for (ecosystem, file) in cases {
            let failed = failures(ecosystem, file);
            if !failed.is_empty() {
                report.push_str(&format!(
                    "{ecosystem:?} {file}: {} wrong, e.g. {:?}\n",
                    failed.len(),
                    &failed[..failed.len().min(5)]
                ));
            }
        }
        assert!(report.is_empty(), "{report}");
    }

    #[test]
    fn huge_numbers_and_leading_zeros_compare_as_numbers() {
        assert_eq!(cmp_digits("0010", "9"), Ordering::Greater);
        assert_eq!(
            compare(Ecosystem::CratesIo, "1.99999999999999999999999.0", "1.2.0"),
            Ordering::Greater
        );
        assert_eq!(compare(Ecosystem::PyPI, "1.0", "1.0.0"), Ordering::Equal);
    }
}
