//! The secret analyzer's section of `.ferret.toml`, `[secrets]`:
//!
//! ```toml
//! [secrets]
//! allow_values = ["my-public-demo-token"]   # exact values never reported
//! allow_patterns = ['''^test_[a-z]+$''']    # regexes; a matching value is not reported
//! exclude = ["tests/fixtures/"]             # paths whose secret findings are not reported
//!
//! [[secrets.rule]]                          # custom rules, same format as rules/secrets/*.toml
//! id = "acme-internal-token"
//! ```
//!
//! `allow_values`, `allow_patterns` and `[[rule]]` at the top level of the file (where earlier
//! versions read them) are still accepted and added to this section.

use super::SecretRuleSpec;
use serde::Deserialize;

/// `[secrets]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretSettings {
    #[serde(default)]
    pub allow_values: Vec<String>,
    #[serde(default)]
    pub allow_patterns: Vec<String>,
    /// Gitignore-syntax paths whose secret findings are dropped. The values found there are
    /// still masked in other analyzers' snippets.
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<SecretRuleSpec>,
}

impl SecretSettings {
    /// Adds `other`'s entries (the top-level spellings) to this section's.
    pub fn merge(&mut self, other: SecretSettings) {
        self.allow_values.extend(other.allow_values);
        self.allow_patterns.extend(other.allow_patterns);
        self.exclude.extend(other.exclude);
        self.rules.extend(other.rules);
    }

    /// The compiled `allow_patterns`; an error names the pattern and the regex problem.
    pub fn allow_regexes(&self) -> Result<Vec<regex::bytes::Regex>, String> {
        self.allow_patterns
            .iter()
            .map(|p| {
                regex::bytes::Regex::new(p).map_err(|e| {
                    format!(
                        "invalid allow_patterns regex '{p}': {}",
                        e.to_string().lines().last().unwrap_or("").trim()
                    )
                })
            })
            .collect()
    }
}
