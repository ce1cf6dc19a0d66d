//! The engine registry: the one place that knows every analyzer and every rule.
//!
//! [`Catalog`] holds the rule catalog — the built-in secret rules (with a project's custom
//! rules, disables and severity overrides applied) and the configuration checks — and builds the
//! analyzers that run them. The scanner, `ferret rules`, SARIF rule metadata and the server's
//! re-redaction all read it, so a rule is described the same way everywhere.
//!
//! A new analyzer family registers here: add it to [`Catalog::rules`] (its metadata) and to
//! [`Catalog::analyzers`] (the instance that runs).

use crate::analyzer::{Analyzer, RuleInfo};
use crate::code::{code_analyzer, code_rule_info, CodeRulesAnalyzer};
use crate::config::Config;
use crate::deps::DependencyAnalyzer;
use crate::misconfig::ConfigAnalyzer;
use crate::scan::ScanError;
use crate::secrets::{builtin_rule_specs, SecretAnalyzer, SecretMatcher, SecretRuleSpec};
use ferret_core::Category;

/// Every rule Ferret can run, as configured.
#[derive(Debug, Clone)]
pub struct Catalog {
    secret_rules: Vec<SecretRuleSpec>,
    checks: Vec<RuleInfo>,
}

/// One rule of the catalog, with what only its family has.
#[derive(Debug, Clone, Copy)]
pub enum RuleEntry<'a> {
    Secret(&'a SecretRuleSpec),
    Check(&'a RuleInfo),
}

impl Catalog {
    /// The built-in rules, unconfigured.
    pub fn builtin() -> Result<Catalog, ScanError> {
        let mut checks = ConfigAnalyzer.rules();
        let code = code_analyzer().map_err(ScanError::CodeRules)?;
        checks.extend(code.rules().iter().map(|rule| code_rule_info(&rule.spec)));
        checks.push(crate::deps::rule_info());
        Ok(Catalog {
            secret_rules: builtin_rule_specs()?,
            checks,
        })
    }

    /// The built-in rules with `config` applied: custom secret rules (their examples checked),
    /// disabled rules dropped, severities overridden. Unknown rule ids are errors.
    pub fn configured(config: &Config) -> Result<Catalog, ScanError> {
        let mut catalog = Catalog::builtin()?;
        let check_ids: Vec<String> = catalog.checks.iter().map(|r| r.id.clone()).collect();
        catalog.secret_rules = config.secret_rules(catalog.secret_rules, &check_ids)?;
        for check in &mut catalog.checks {
            if let Some(severity) = config.severity.get(&check.id) {
                check.severity = *severity;
            }
        }
        catalog.checks.retain(|c| !config.disable.contains(&c.id));
        Ok(catalog)
    }

    /// The secret rules, as written (compile them with [`SecretMatcher::new`]).
    pub fn secret_rules(&self) -> &[SecretRuleSpec] {
        &self.secret_rules
    }

    /// The configuration checks' and code rules' metadata.
    pub fn checks(&self) -> &[RuleInfo] {
        &self.checks
    }

    /// Every rule's metadata: secret rules, then configuration checks, then code rules.
    pub fn rules(&self) -> Vec<RuleInfo> {
        let mut rules: Vec<RuleInfo> = self.secret_rules.iter().map(secret_rule_info).collect();
        rules.extend(self.checks.iter().cloned());
        rules
    }

    /// The rule with this id.
    pub fn find(&self, id: &str) -> Option<RuleEntry<'_>> {
        self.secret_rules
            .iter()
            .find(|s| s.id == id)
            .map(RuleEntry::Secret)
            .or_else(|| {
                self.checks
                    .iter()
                    .find(|c| c.id == id)
                    .map(RuleEntry::Check)
            })
    }

    /// The analyzers that run this catalog: the secret analyzer over `secret_rules` (a subset
    /// of [`Catalog::secret_rules`] the caller selected), the configuration checks when
    /// `checks` is set, the code rules when `code` is, and the dependency analyzer given.
    pub fn analyzers(
        &self,
        secret_rules: Vec<SecretRuleSpec>,
        secrets: impl FnOnce(SecretAnalyzer) -> SecretAnalyzer,
        checks: bool,
        code: bool,
        dependencies: Option<DependencyAnalyzer>,
    ) -> Result<Vec<Box<dyn Analyzer>>, ScanError> {
        let matcher = SecretMatcher::new(secret_rules)?;
        let mut analyzers: Vec<Box<dyn Analyzer>> =
            vec![Box::new(secrets(SecretAnalyzer::new(matcher)))];
        if checks {
            analyzers.push(Box::new(ConfigAnalyzer));
        }
        if code {
            analyzers.push(Box::new(
                CodeRulesAnalyzer::new().map_err(ScanError::CodeRules)?,
            ));
        }
        if let Some(dependencies) = dependencies {
            analyzers.push(Box::new(dependencies));
        }
        Ok(analyzers)
    }
}

impl RuleEntry<'_> {
    pub fn info(&self) -> RuleInfo {
        match self {
            RuleEntry::Secret(spec) => secret_rule_info(spec),
            RuleEntry::Check(info) => (*info).clone(),
        }
    }
}

/// A secret rule's metadata.
pub fn secret_rule_info(spec: &SecretRuleSpec) -> RuleInfo {
    RuleInfo {
        id: spec.id.clone(),
        name: spec.name.clone(),
        category: Category::Secret,
        provider: spec.provider.clone(),
        severity: spec.severity,
        confidence: spec.confidence,
        description: spec.description.clone(),
        remediation: spec.remediation.clone(),
        help: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_lists_every_family_once_and_applies_the_config() {
        let builtin = Catalog::builtin().unwrap();
        let rules = builtin.rules();
        assert!(rules.iter().any(|r| r.category == Category::Secret));
        assert!(rules.iter().any(|r| r.category == Category::Config));
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "rule ids are unique across analyzers");

        let check = builtin.checks()[0].id.clone();
        let config = Config::parse(&format!(
            "disable = ['{check}']\n[severity]\ngithub-pat-classic = 'low'\n"
        ))
        .unwrap();
        let configured = Catalog::configured(&config).unwrap();
        assert!(configured.find(&check).is_none());
        let Some(RuleEntry::Secret(spec)) = configured.find("github-pat-classic") else {
            panic!("github-pat-classic is a secret rule");
        };
        assert_eq!(spec.severity, ferret_core::Severity::Low);
        assert_eq!(configured.rules().len(), rules.len() - 1);
    }
}
