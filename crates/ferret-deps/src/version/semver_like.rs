//! Semantic-version-like ordering: npm, crates.io, Go, Hex (three numeric components), NuGet
//! (four, prerelease labels compared case-insensitively) and Pub (build metadata breaks ties).
//!
//! Lenient like OSV's own matcher: a leading `v` is ignored, missing components count as 0,
//! components past the limit move into the prerelease part, build metadata (`+…`) is ignored
//! except by Pub. Ported from osv-scalibr `semantic/version-semver*.go` (Apache-2.0).

use super::{cmp_digits, cmp_segment};
use std::cmp::Ordering;

/// A parsed version: numeric components and everything after them.
struct SemverLike<'a> {
    components: Vec<&'a str>,
    build: String,
}

fn parse(version: &str, max_components: usize) -> SemverLike<'_> {
    let line = version.strip_prefix('v').unwrap_or(version);
    let mut components = Vec::new();
    let mut start = None;
    let mut build = String::new();
    for (i, c) in line.char_indices() {
        if c.is_ascii_digit() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            components.push(&line[s..i]);
        }
        if c != '.' {
            build = line[i..].to_string();
            break;
        }
    }
    if build.is_empty() {
        if let Some(s) = start {
            components.push(&line[s..]);
        }
    }
    if components.len() > max_components {
        for extra in components.split_off(max_components) {
            let number = extra.trim_start_matches('0');
            build.push('.');
            build.push_str(if number.is_empty() { "0" } else { number });
        }
    }
    SemverLike { components, build }
}

fn cmp_components(a: &[&str], b: &[&str]) -> Ordering {
    (0..a.len().max(b.len()))
        .map(|i| cmp_digits(a.get(i).unwrap_or(&"0"), b.get(i).unwrap_or(&"0")))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Prerelease precedence (semver.org item 11); build metadata is dropped first.
fn cmp_prerelease(a: &str, b: &str) -> Ordering {
    let strip = |s: &'_ str| -> String {
        let s = s.split('+').next().unwrap_or("");
        s.strip_prefix('-').unwrap_or(s).to_string()
    };
    let (a, b) = (strip(a), strip(b));
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (x, y) in a.iter().zip(&b) {
        let order = cmp_segment(x, y, Ordering::Less);
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// npm, crates.io, Go, Hex.
pub fn compare_semver(a: &str, b: &str) -> Ordering {
    let (a, b) = (parse(a, 3), parse(b, 3));
    cmp_components(&a.components, &b.components).then_with(|| cmp_prerelease(&a.build, &b.build))
}

/// NuGet: four components, case-insensitive labels.
pub fn compare_nuget(a: &str, b: &str) -> Ordering {
    let (a, b) = (parse(a, 4), parse(b, 4));
    cmp_components(&a.components, &b.components)
        .then_with(|| cmp_prerelease(&a.build.to_ascii_lowercase(), &b.build.to_ascii_lowercase()))
}

/// Pub: semver precedence, then build metadata compared as text.
pub fn compare_pub(a: &str, b: &str) -> Ordering {
    let (a, b) = (parse(a, 3), parse(b, 3));
    let metadata = |build: &str| build.split_once('+').map(|(_, m)| m.to_string());
    cmp_components(&a.components, &b.components)
        .then_with(|| cmp_prerelease(&a.build, &b.build))
        .then_with(|| {
            metadata(&a.build)
                .unwrap_or_default()
                .cmp(&metadata(&b.build).unwrap_or_default())
        })
}
