//! PyPI version ordering (PEP 440, as `packaging` orders it), with the pre-PEP 440 "legacy"
//! versions (`0.3m1`, `0.1-bulbasaur`) ordered before every valid one, among themselves by
//! setuptools' old key. Ported from osv-scalibr `semantic/version-pypi.go` (Apache-2.0).

use super::{cmp_digits, cmp_segment};
use regex::Regex;
use std::cmp::Ordering;
use std::sync::LazyLock;

static PEP440: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*v?(?:(?:(?P<epoch>[0-9]+)!)?(?P<release>[0-9]+(?:\.[0-9]+)*)(?P<pre>[-_\.]?(?P<pre_l>(a|b|c|rc|alpha|beta|pre|preview))[-_\.]?(?P<pre_n>[0-9]+)?)?(?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_\.]?(?P<post_l>post|rev|r)[-_\.]?(?P<post_n2>[0-9]+)?))?(?P<dev>[-_\.]?(?P<dev_l>dev)[-_\.]?(?P<dev_n>[0-9]+)?)?)(?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$",
    )
    .expect("valid regex")
});
static LEGACY_PARTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+|[a-z]+|\.|-)").expect("valid regex"));

/// A label with its number (`rc1`), the number defaulting to 0.
#[derive(Debug, Default, Clone)]
struct Labelled {
    letter: String,
    number: Option<String>,
}

fn labelled(letter: Option<&str>, number: Option<&str>) -> Labelled {
    match (letter, number) {
        (Some(letter), number) => {
            let letter = match letter {
                "alpha" => "a",
                "beta" => "b",
                "c" | "pre" | "preview" => "rc",
                "rev" | "r" => "post",
                other => other,
            };
            Labelled {
                letter: letter.to_string(),
                number: Some(number.unwrap_or("0").to_string()),
            }
        }
        (None, Some(number)) => Labelled {
            letter: "post".to_string(),
            number: Some(number.to_string()),
        },
        (None, None) => Labelled::default(),
    }
}

#[derive(Debug, Default)]
struct PyPiVersion {
    epoch: String,
    release: Vec<String>,
    pre: Labelled,
    post: Labelled,
    dev: Labelled,
    local: Vec<String>,
    /// Set for versions that are not PEP 440.
    legacy: Vec<String>,
}

fn legacy(version: &str) -> PyPiVersion {
    let mut parts: Vec<String> = Vec::new();
    let found = LEGACY_PARTS.find_iter(version).map(|m| m.as_str());
    for part in found.chain(std::iter::once("final")) {
        if part.is_empty() || part == "." {
            continue;
        }
        let part = match part {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            other => other,
        };
        let part = if part.as_bytes()[0].is_ascii_digit() {
            format!("{part:0>8}")
        } else {
            format!("*{part}")
        };
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    }
    PyPiVersion {
        legacy: parts,
        ..PyPiVersion::default()
    }
}

fn parse(version: &str) -> PyPiVersion {
    let version = version.to_lowercase();
    let Some(m) = PEP440.captures(&version) else {
        return legacy(&version);
    };
    let group = |name: &str| m.name(name).map(|g| g.as_str()).filter(|s| !s.is_empty());
    PyPiVersion {
        epoch: group("epoch").unwrap_or("0").to_string(),
        release: group("release")
            .unwrap_or("0")
            .split('.')
            .map(str::to_string)
            .collect(),
        pre: labelled(group("pre_l"), group("pre_n")),
        post: labelled(group("post_l"), group("post_n1").or(group("post_n2"))),
        dev: labelled(group("dev_l"), group("dev_n")),
        local: group("local")
            .map(|l| l.split(['.', '_', '-']).map(str::to_string).collect())
            .unwrap_or_default(),
        legacy: Vec::new(),
    }
}

fn cmp_numbers(a: &[String], b: &[String]) -> Ordering {
    (0..a.len().max(b.len()))
        .map(|i| {
            let x = a.get(i).map_or("0", String::as_str);
            let y = b.get(i).map_or("0", String::as_str);
            cmp_digits(x, y)
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn cmp_optional(a: &Option<String>, b: &Option<String>, missing: Ordering) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => missing,
        (Some(_), None) => missing.reverse(),
        (Some(x), Some(y)) => cmp_digits(x, y),
    }
}

impl PyPiVersion {
    /// A dev release without pre or post sorts before every prerelease of its release.
    fn dev_only(&self) -> bool {
        self.pre.number.is_none() && self.post.number.is_none() && self.dev.number.is_some()
    }

    fn cmp_pre(&self, other: &PyPiVersion) -> Ordering {
        match (self.dev_only(), other.dev_only()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        match (&self.pre.number, &other.pre.number) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => self.pre.letter.as_bytes()[0]
                .cmp(&other.pre.letter.as_bytes()[0])
                .then_with(|| cmp_digits(x, y)),
        }
    }

    fn cmp_local(&self, other: &PyPiVersion) -> Ordering {
        for (x, y) in self.local.iter().zip(&other.local) {
            let order = cmp_segment(x, y, Ordering::Greater);
            if order.is_ne() {
                return order;
            }
        }
        self.local.len().cmp(&other.local.len())
    }
}

pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (parse(a), parse(b));
    let legacy = match (a.legacy.is_empty(), b.legacy.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.legacy.concat().cmp(&b.legacy.concat()),
    };
    legacy
        .then_with(|| cmp_digits(&a.epoch, &b.epoch))
        .then_with(|| cmp_numbers(&a.release, &b.release))
        .then_with(|| a.cmp_pre(&b))
        .then_with(|| cmp_optional(&a.post.number, &b.post.number, Ordering::Less))
        .then_with(|| cmp_optional(&a.dev.number, &b.dev.number, Ordering::Greater))
        .then_with(|| a.cmp_local(&b))
}
