//! Maven version ordering (the order of Maven's `ComparableVersion`): tokens split at `.`, `-`
//! and digit/letter transitions, each remembering its separator; trailing "null" tokens
//! (`0`, ``, `final`, `ga`) trimmed; well-known qualifiers ordered
//! `alpha < beta < milestone < rc < snapshot < (release) < sp`, unknown ones after them.
//! Ported from osv-scalibr `semantic/version-maven.go` (Apache-2.0).

use super::{cmp_digits, is_digits};
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    prefix: &'static str,
    value: String,
    /// Padding added to the shorter version while comparing.
    is_null: bool,
}

const KEYWORD_ORDER: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn keyword_order(keyword: &str) -> usize {
    KEYWORD_ORDER
        .iter()
        .position(|k| *k == keyword)
        .unwrap_or(KEYWORD_ORDER.len())
}

impl Token {
    fn same(&self, other: &Token) -> bool {
        self.prefix == other.prefix && self.value == other.value
    }

    /// `.qualifier < -qualifier < -number < .number`
    fn separator_order(&self) -> u8 {
        match (is_digits(&self.value), self.prefix) {
            (true, "-") => 2,
            (true, _) => 3,
            (false, "-") => 1,
            (false, _) => 0,
        }
    }

    fn less_than(&self, other: &Token) -> bool {
        if self.prefix != other.prefix {
            return self.separator_order() < other.separator_order();
        }
        let (mine, theirs) = (is_digits(&self.value), is_digits(&other.value));
        if mine && theirs {
            return cmp_digits(&self.value, &other.value) == Ordering::Less;
        }
        // Numbers sort after qualifiers, unless they are padding.
        if mine && !self.is_null {
            return false;
        }
        if theirs && !other.is_null {
            return true;
        }
        let (left, right) = (keyword_order(&self.value), keyword_order(&other.value));
        if left == KEYWORD_ORDER.len() && right == KEYWORD_ORDER.len() {
            return self.value < other.value;
        }
        left < right
    }

    /// The padding that stands opposite `token` in the shorter version.
    fn null_for(token: &Token) -> Token {
        if token.prefix == "-" {
            return Token {
                prefix: "-",
                value: String::new(),
                is_null: true,
            };
        }
        // `sp` is the one qualifier after the empty value.
        let value = if token.value == "sp" { "" } else { "0" };
        Token {
            prefix: ".",
            value: value.to_string(),
            is_null: true,
        }
    }
}

fn tokens(version: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut prefix = "";
    let mut rest = version;
    loop {
        let end = rest.find(['-', '.']).unwrap_or(rest.len());
        let raw = &rest[..end];
        let bytes = raw.as_bytes();
        let mut cuts: Vec<usize> = (1..bytes.len())
            .filter(|&i| bytes[i - 1].is_ascii_digit() != bytes[i].is_ascii_digit())
            .collect();
        cuts.push(raw.len());
        let mut from = 0;
        for (j, &cut) in cuts.iter().enumerate() {
            if j > 0 {
                prefix = "-";
            }
            let mut current = raw[from..cut].to_ascii_lowercase();
            if current.is_empty() {
                current = "0".to_string();
            }
            match current.as_str() {
                "cr" => current = "rc".to_string(),
                "ga" | "final" | "release" => current.clear(),
                "a" if cut != raw.len() => current = "alpha".to_string(),
                "b" if cut != raw.len() => current = "beta".to_string(),
                "m" if cut != raw.len() => current = "milestone".to_string(),
                _ => {}
            }
            if is_digits(&current) {
                let trimmed = current.trim_start_matches('0');
                current = if trimmed.is_empty() { "0" } else { trimmed }.to_string();
            }
            tokens.push(Token {
                prefix,
                value: current,
                is_null: false,
            });
            from = cut;
        }
        if end == rest.len() {
            break;
        }
        prefix = if rest.as_bytes()[end] == b'-' {
            "-"
        } else {
            "."
        };
        rest = &rest[end + 1..];
    }
    // Trim trailing null tokens, then again before each remaining hyphen, from the end.
    let should_trim = |t: &Token| matches!(t.value.as_str(), "0" | "" | "final" | "ga");
    let mut i = tokens.len() as isize - 1;
    while i > 0 {
        if should_trim(&tokens[i as usize]) {
            tokens.remove(i as usize);
            i -= 1;
            continue;
        }
        while i >= 0 && tokens[i as usize].prefix != "-" {
            i -= 1;
        }
        i -= 1;
    }
    tokens
}

pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (tokens(a), tokens(b));
    if a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.same(y)) {
        return Ordering::Equal;
    }
    for i in 0..a.len().max(b.len()) {
        let left = a.get(i).cloned().unwrap_or_else(|| Token::null_for(&b[i]));
        let right = b.get(i).cloned().unwrap_or_else(|| Token::null_for(&a[i]));
        if left.same(&right) {
            continue;
        }
        return if left.less_than(&right) {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    Ordering::Greater
}
