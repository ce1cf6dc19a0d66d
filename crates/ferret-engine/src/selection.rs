//! Which rules run and which findings are reported: `--select` / `--ignore` by analyzer or rule
//! id (ruff style), and `--min-confidence` / `--min-severity` floors.
//!
//! A selector is an analyzer name (`secrets`, `config`), a rule id, or a rule-id prefix ending in
//! `*` (`aws-*`, `gha-*`). `select` empty means everything; `ignore` wins over `select`. A
//! selector that matches no rule is an error (it is usually a typo).
//!
//! Pedantic checks (style and hygiene audits, like zizmor's `pedantic` persona) are opt-in: they
//! run only when a selector names them by id or is `pedantic`.

use crate::analyzer::RuleInfo;
use ferret_core::{Category, Confidence, Finding, Severity};

/// The selection and the reporting floors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleFilter {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub min_confidence: Option<Confidence>,
    pub min_severity: Option<Severity>,
}

/// The analyzer a selector such as `secrets` names.
fn analyzer_category(selector: &str) -> Option<Category> {
    match selector {
        "secrets" | "secret" => Some(Category::Secret),
        "config" | "iac" | "misconfig" => Some(Category::Config),
        "code" | "sast" => Some(Category::Code),
        "deps" | "dependencies" | "sca" => Some(Category::Dependency),
        _ => None,
    }
}

fn matches(selector: &str, id: &str, category: Category) -> bool {
    if selector == "pedantic" {
        return crate::misconfig::PEDANTIC.contains(&id);
    }
    if let Some(wanted) = analyzer_category(selector) {
        return wanted == category;
    }
    // Dependency findings carry their advisory's id; the family's catalog id names them all.
    if category == Category::Dependency && selector == crate::deps::RULE_ID {
        return true;
    }
    match selector.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => selector == id,
    }
}

/// `RUSTSEC-2021-0003`, `GHSA-xxxx-xxxx-xxxx`, `CVE-2020-8203`, `PYSEC-…`, `GO-…`: an
/// advisory's id, which names dependency findings.
fn is_advisory_id(selector: &str) -> bool {
    let Some((prefix, rest)) = selector.split_once('-') else {
        return false;
    };
    prefix.len() >= 2
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A `--select` / `--ignore` selector that names no rule.
#[derive(Debug, thiserror::Error)]
#[error("'{0}' names no rule (use an analyzer — secrets, config, code, deps — a rule id from `ferret rules list`, or a prefix ending in *)")]
pub struct UnknownSelector(pub String);

impl RuleFilter {
    /// Checks that every selector names at least one of `rules`.
    pub fn validate(&self, rules: &[RuleInfo]) -> Result<(), UnknownSelector> {
        for selector in self.select.iter().chain(&self.ignore) {
            if !rules.iter().any(|r| matches(selector, &r.id, r.category))
                && !is_advisory_id(selector)
            {
                return Err(UnknownSelector(selector.clone()));
            }
        }
        Ok(())
    }

    /// Whether the rule runs at all.
    pub fn runs(&self, id: &str, category: Category) -> bool {
        if crate::misconfig::PEDANTIC.contains(&id)
            && !self.select.iter().any(|s| s == id || s == "pedantic")
        {
            return false;
        }
        (self.select.is_empty() || self.select.iter().any(|s| matches(s, id, category)))
            && !self.ignore.iter().any(|s| matches(s, id, category))
    }

    /// Whether the dependency analyzer runs: selected as a family, by an advisory id or by
    /// default, and not ignored as a family.
    pub fn runs_dependencies(&self) -> bool {
        let family = |s: &String| {
            analyzer_category(s) == Some(Category::Dependency) || s == crate::deps::RULE_ID
        };
        let selected =
            self.select.is_empty() || self.select.iter().any(|s| family(s) || is_advisory_id(s));
        selected && !self.ignore.iter().any(family)
    }

    /// Whether a finding is reported.
    pub fn reports(&self, finding: &Finding) -> bool {
        self.runs(&finding.rule_id, finding.category)
            && self.min_confidence.is_none_or(|c| finding.confidence >= c)
            && self.min_severity.is_none_or(|s| finding.severity >= s)
    }

    /// Whether nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == RuleFilter::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, category: Category) -> RuleInfo {
        RuleInfo {
            id: id.into(),
            name: id.into(),
            category,
            provider: "p".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            description: "d".into(),
            remediation: "r".into(),
            help: None,
        }
    }

    #[test]
    fn selects_by_analyzer_id_and_prefix() {
        let rules = [
            rule("aws-access-key-id", Category::Secret),
            rule("jwt", Category::Secret),
            rule("gha-template-injection", Category::Config),
        ];
        let filter = RuleFilter {
            select: vec!["secrets".into()],
            ignore: vec!["jwt".into()],
            ..RuleFilter::default()
        };
        assert!(filter.validate(&rules).is_ok());
        assert!(filter.runs("aws-access-key-id", Category::Secret));
        assert!(!filter.runs("jwt", Category::Secret));
        assert!(!filter.runs("gha-template-injection", Category::Config));
        let prefix = RuleFilter {
            select: vec!["gha-*".into()],
            ..RuleFilter::default()
        };
        assert!(prefix.runs("gha-template-injection", Category::Config));
        assert!(!prefix.runs("jwt", Category::Secret));
        let typo = RuleFilter {
            select: vec!["secretz".into()],
            ..RuleFilter::default()
        };
        assert_eq!(typo.validate(&rules).unwrap_err().0, "secretz");
    }

    #[test]
    fn pedantic_checks_run_only_when_named() {
        let id = "gha-anonymous-definition";
        assert!(crate::misconfig::PEDANTIC.contains(&id));
        assert!(!RuleFilter::default().runs(id, Category::Config));
        let prefix = RuleFilter {
            select: vec!["gha-*".into()],
            ..RuleFilter::default()
        };
        assert!(!prefix.runs(id, Category::Config));
        for selector in [id, "pedantic"] {
            let named = RuleFilter {
                select: vec![selector.into()],
                ..RuleFilter::default()
            };
            assert!(named.runs(id, Category::Config), "{selector}");
            assert!(!named.runs("gha-template-injection", Category::Config));
        }
    }
}
