//! OSV advisories and OSV's matching rules: is this version of this package affected, and
//! which version fixes it.
//!
//! An advisory affects a version when the version is listed in `versions`, or when walking a
//! `SEMVER` or `ECOSYSTEM` range's events in version order leaves it affected (`introduced`
//! sets, `fixed` at or below the version clears, `last_affected` below it clears). `GIT` ranges
//! name commits, not releases, and are not used. Withdrawn advisories never match.

use crate::version::compare;
use crate::Ecosystem;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// An OSV record, the fields matching and reporting use (unknown fields are ignored).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityScore>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub database_specific: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct SeverityScore {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<AffectedPackage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityScore>,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub database_specific: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct AffectedPackage {
    pub ecosystem: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One range event; OSV sets exactly one of these.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl Affected {
    /// Whether this entry is about `name` in `ecosystem` (names compared as the ecosystem
    /// spells them).
    pub fn is_for(&self, ecosystem: Ecosystem, name: &str) -> bool {
        self.package.as_ref().is_some_and(|p| {
            p.ecosystem.split(':').next() == Some(ecosystem.osv_name())
                && ecosystem.normalize_name(&p.name) == ecosystem.normalize_name(name)
        })
    }

    /// Whether `version` is affected by this entry.
    pub fn affects(&self, ecosystem: Ecosystem, version: &str) -> bool {
        if self
            .versions
            .iter()
            .any(|v| v == version || compare(ecosystem, v, version) == Ordering::Equal)
        {
            return true;
        }
        self.ranges
            .iter()
            .any(|range| range_affects(ecosystem, range, version))
    }

    /// The `fixed` versions above `version`, lowest first.
    pub fn fixes_above(&self, ecosystem: Ecosystem, version: &str) -> Vec<String> {
        let mut fixes: Vec<String> = self
            .ranges
            .iter()
            .filter(|r| r.kind != "GIT")
            .flat_map(|r| r.events.iter().filter_map(|e| e.fixed.clone()))
            .filter(|fixed| compare(ecosystem, fixed, version) == Ordering::Greater)
            .collect();
        fixes.sort_by(|a, b| compare(ecosystem, a, b));
        fixes.dedup();
        fixes
    }

    /// RustSec's `informational` (`unmaintained`, `unsound`, `notice`): not a vulnerability.
    pub fn informational(&self) -> Option<&str> {
        self.database_specific
            .get("informational")
            .and_then(|v| v.as_str())
    }
}

fn range_affects(ecosystem: Ecosystem, range: &Range, version: &str) -> bool {
    let order = |a: &str, b: &str| match range.kind.as_str() {
        "SEMVER" => compare(Ecosystem::CratesIo, a, b),
        _ => compare(ecosystem, a, b),
    };
    if !matches!(range.kind.as_str(), "SEMVER" | "ECOSYSTEM") {
        return false;
    }
    // "0" is below every version.
    let key = |e: &Event| -> Option<(String, u8)> {
        if let Some(v) = &e.introduced {
            return Some((v.clone(), 0));
        }
        if let Some(v) = &e.fixed {
            return Some((v.clone(), 1));
        }
        e.last_affected.clone().map(|v| (v, 2))
    };
    let mut events: Vec<(String, u8)> = range.events.iter().filter_map(key).collect();
    events.sort_by(|(a, ka), (b, kb)| {
        let zero = |v: &str| v == "0";
        match (zero(a), zero(b)) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => order(a, b),
        }
        .then(ka.cmp(kb))
    });
    let mut affected = false;
    for (at, kind) in &events {
        let cmp = if at == "0" {
            Ordering::Greater
        } else {
            order(version, at)
        };
        match kind {
            0 if cmp != Ordering::Less => affected = true,
            1 if cmp != Ordering::Less => affected = false,
            2 if cmp == Ordering::Greater => affected = false,
            _ => {}
        }
    }
    affected
}

impl Advisory {
    /// The entries of this advisory that affect `name`@`version`.
    pub fn affecting<'a>(
        &'a self,
        ecosystem: Ecosystem,
        name: &'a str,
        version: &'a str,
    ) -> impl Iterator<Item = &'a Affected> + 'a {
        self.affected
            .iter()
            .filter(move |a| a.is_for(ecosystem, name) && a.affects(ecosystem, version))
    }

    /// The highest CVSS base score of the advisory or its affected entries, with the vector
    /// (v3.x and v4.0 vectors are scored; others are ignored).
    pub fn cvss(&self) -> Option<(f64, String)> {
        self.severity
            .iter()
            .chain(self.affected.iter().flat_map(|a| &a.severity))
            .filter_map(|s| {
                let vector: cvss::Cvss = s.score.parse().ok()?;
                Some((vector.score(), s.score.clone()))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// GitHub's severity word (`CRITICAL`, `HIGH`, `MODERATE`, `LOW`) when the record has one.
    pub fn severity_word(&self) -> Option<&str> {
        self.database_specific
            .get("severity")
            .and_then(|s| s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(kind: &str, events: &[(&str, &str)]) -> Affected {
        Affected {
            package: Some(AffectedPackage {
                ecosystem: "PyPI".into(),
                name: "Django".into(),
            }),
            ranges: vec![Range {
                kind: kind.into(),
                events: events
                    .iter()
                    .map(|(k, v)| {
                        let mut e = Event::default();
                        let v = Some(v.to_string());
                        match *k {
                            "introduced" => e.introduced = v,
                            "fixed" => e.fixed = v,
                            _ => e.last_affected = v,
                        }
                        e
                    })
                    .collect(),
            }],
            versions: vec![],
            severity: vec![],
            database_specific: serde_json::Value::Null,
        }
    }

    #[test]
    fn ranges_follow_osv_event_semantics() {
        let a = range(
            "ECOSYSTEM",
            &[
                ("introduced", "0"),
                ("fixed", "2.2.28"),
                ("introduced", "3.0"),
                ("fixed", "3.2.13"),
            ],
        );
        let eco = Ecosystem::PyPI;
        for (version, expected) in [
            ("1.0", true),
            ("2.2.27", true),
            ("2.2.28", false),
            ("2.2.30", false),
            ("3.0", true),
            ("3.0rc1", false),
            ("3.2.12", true),
            ("3.2.13", false),
            ("4.0", false),
        ] {
            assert_eq!(a.affects(eco, version), expected, "{version}");
        }
        assert_eq!(a.fixes_above(eco, "3.1"), vec!["3.2.13".to_string()]);
        assert_eq!(a.fixes_above(eco, "1.0")[0], "2.2.28");
        assert!(a.is_for(eco, "django"));

        let last = range(
            "ECOSYSTEM",
            &[("introduced", "1.0"), ("last_affected", "1.5")],
        );
        assert!(
            last.affects(eco, "1.5") && !last.affects(eco, "1.5.1") && !last.affects(eco, "0.9")
        );
        let git = range("GIT", &[("introduced", "0")]);
        assert!(!git.affects(eco, "1.0"));
    }

    #[test]
    fn cvss_v3_and_v4_vectors_are_scored() {
        let advisory: Advisory = serde_json::from_str(
            r#"{"id":"X-1","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
               {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"}],
               "affected":[]}"#,
        )
        .unwrap();
        let (score, _) = advisory.cvss().unwrap();
        assert_eq!(score, 9.8);
    }
}
