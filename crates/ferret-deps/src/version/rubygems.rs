//! RubyGems version ordering (`Gem::Version`): a `.` between digits and letters, numeric
//! segments before the first letter, trailing zeros dropped from both groups, letters (a
//! prerelease) before numbers. Ported from osv-scalibr `semantic/version-rubygems.go`
//! (Apache-2.0).

use super::{cmp_segment, is_digits};
use std::cmp::Ordering;

fn segments(version: &str) -> Vec<String> {
    let mut canonical = String::new();
    let mut previous_was_digit = true;
    let mut check_previous = false;
    for c in version.chars() {
        if c == '.' {
            check_previous = false;
            canonical.push('.');
            continue;
        }
        let digit = c.is_ascii_digit();
        if check_previous && previous_was_digit != digit {
            canonical.push('.');
        }
        canonical.push(c);
        previous_was_digit = digit;
        check_previous = true;
    }
    let (mut numbers, mut build) = (Vec::new(), Vec::new());
    for segment in canonical.split('.') {
        if !build.is_empty() || !is_digits(segment) {
            build.push(segment.to_string());
        } else {
            numbers.push(segment.to_string());
        }
    }
    let drop_zeros = |segs: &mut Vec<String>| {
        while segs.last().is_some_and(|s| s == "0") {
            segs.pop();
        }
    };
    drop_zeros(&mut numbers);
    drop_zeros(&mut build);
    numbers.extend(build);
    numbers
}

pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (segments(a), segments(b));
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).map_or("0", String::as_str);
        let y = b.get(i).map_or("0", String::as_str);
        let order = cmp_segment(x, y, Ordering::Greater);
        if order.is_ne() {
            return order;
        }
    }
    Ordering::Equal
}
