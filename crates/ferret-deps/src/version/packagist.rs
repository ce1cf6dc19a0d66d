//! Packagist (Composer / PHP `version_compare`) ordering: `-`, `_`, `+` become `.`, a `.`
//! goes between digits and letters, and special words order
//! `dev < alpha/a < beta/b < RC/rc < (number) < pl/p`. Ported from osv-scalibr
//! `semantic/version-packagist.go` (Apache-2.0).

use super::{cmp_digits, is_digits};
use std::cmp::Ordering;

fn components(version: &str) -> Vec<String> {
    let version = version
        .strip_prefix('v')
        .or_else(|| version.strip_prefix('V'))
        .unwrap_or(version);
    let mut canonical = String::new();
    let mut previous: Option<char> = None;
    for c in version.chars() {
        let c = if matches!(c, '-' | '_' | '+') { '.' } else { c };
        if let Some(p) = previous {
            let (pd, cd) = (p.is_ascii_digit(), c.is_ascii_digit());
            if p != '.' && c != '.' && pd != cd {
                canonical.push('.');
            }
        }
        canonical.push(c);
        previous = Some(c);
    }
    canonical.split('.').map(str::to_string).collect()
}

fn weight(special: &str) -> u8 {
    if special.starts_with("RC") {
        return 3;
    }
    ["dev", "a", "b", "rc", "#", "p"]
        .iter()
        .position(|s| special.starts_with(s))
        .map_or(0, |i| i as u8)
}

fn compare_components(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (is_digits(x), is_digits(y)) {
            (true, true) => cmp_digits(x, y),
            (false, false) => weight(x).cmp(&weight(y)),
            (true, false) => weight("#").cmp(&weight(y)),
            (false, true) => weight(x).cmp(&weight("#")),
        };
        if order.is_ne() {
            return order;
        }
    }
    let hash = || vec!["#".to_string()];
    match a.len().cmp(&b.len()) {
        Ordering::Greater if is_small_int(&a[b.len()]) => Ordering::Greater,
        Ordering::Greater => compare_components(&a[b.len()..], &hash()),
        Ordering::Less if is_small_int(&b[a.len()]) => Ordering::Less,
        Ordering::Less => compare_components(&hash(), &b[a.len()..]),
        Ordering::Equal => Ordering::Equal,
    }
}

/// What Go's `strconv.Atoi` accepts: an optional sign and digits that fit in 64 bits.
fn is_small_int(s: &str) -> bool {
    s.parse::<i64>().is_ok()
}

pub fn compare(a: &str, b: &str) -> Ordering {
    compare_components(&components(a), &components(b))
}
