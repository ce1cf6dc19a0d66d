//! Project configuration: `.ferret.toml` in the scanned root, or a file given with `--config`.
//!
//! ```toml
//! disable = ["generic-password"]          # rule ids never run
//! exclude = ["tests/fixtures/", "*.min.js"] # gitignore-syntax path excludes
//! allow_values = ["my-public-demo-token"]  # exact secret values never reported
//! allow_patterns = ['''^test_[a-z]+$''']  # regexes; a matching secret is not reported
//! max_file_size = 10485760                 # bytes; larger files are skipped (and reported)
//!
//! [severity]                               # per-rule severity overrides
//! jwt = "low"
//!
//! [[rule]]                                 # custom rules, same format as rules/secrets/*.toml
//! id = "acme-internal-token"
//! ...
//! ```

use crate::control_file::{self, Links};
use crate::secrets::{SecretMatcher, SecretRuleSpec};
use ferret_core::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for in the scanned root.
pub const CONFIG_FILE_NAME: &str = ".ferret.toml";

/// Parsed `.ferret.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub allow_values: Vec<String>,
    #[serde(default)]
    pub allow_patterns: Vec<String>,
    #[serde(default)]
    pub max_file_size: Option<u64>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<SecretRuleSpec>,
    /// Where the config came from (for error messages).
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

/// A configuration problem, always naming the file.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ConfigError {
    pub file: String,
    pub problem: String,
}

/// Config text that does not parse: where, and the parser's message (never the text itself).
#[derive(Debug, thiserror::Error)]
pub struct ConfigSyntaxError {
    /// Line and column (1-based) when the parser knows them.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl std::fmt::Display for ConfigSyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "line {line}, column {column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl Config {
    /// Reads and parses a config file (see [`control_file`] for what is refused).
    pub fn load(path: &Path, links: Links) -> Result<Config, ConfigError> {
        let text = control_file::read(path, links).map_err(|e| ConfigError {
            file: path.display().to_string(),
            problem: e.to_string(),
        })?;
        let mut config = Config::parse(&text).map_err(|e| ConfigError {
            file: path.display().to_string(),
            problem: e.to_string(),
        })?;
        config.origin = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses config text; the error is one line with the position, never the text itself.
    pub fn parse(text: &str) -> Result<Config, ConfigSyntaxError> {
        toml::from_str(text).map_err(|e| {
            let message = control_file::sanitize_message(e.message());
            let position = e.span().map(|span| {
                let before = &text.as_bytes()[..span.start.min(text.len())];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                let column = before.len()
                    - before
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1)
                    + 1;
                (line, column)
            });
            ConfigSyntaxError { position, message }
        })
    }

    /// The config for scanning `root`: `explicit` if given, else `root/.ferret.toml` if present.
    pub fn discover(root: &Path, explicit: Option<&Path>) -> Result<Config, ConfigError> {
        if let Some(path) = explicit {
            return Config::load(path, Links::Follow);
        }
        let candidate = root.join(CONFIG_FILE_NAME);
        // The tree's own file: present in any form (a link, a FIFO) means read it safely.
        if root.is_dir() && std::fs::symlink_metadata(&candidate).is_ok() {
            Config::load(&candidate, Links::Refuse)
        } else {
            Ok(Config::default())
        }
    }

    fn error(&self, problem: String) -> ConfigError {
        ConfigError {
            file: self
                .origin
                .as_ref()
                .map_or_else(|| CONFIG_FILE_NAME.to_string(), |p| p.display().to_string()),
            problem,
        }
    }

    /// Applies this config to the built-in rules: adds custom rules (checking their examples),
    /// drops disabled ones, overrides severities. Unknown rule ids are errors (likely typos);
    /// `other_rules` are the ids of non-secret checks, which `disable` and `severity` may name too.
    pub fn secret_rules(
        &self,
        builtin: Vec<SecretRuleSpec>,
        other_rules: &[String],
    ) -> Result<Vec<SecretRuleSpec>, ConfigError> {
        let mut specs = builtin;
        for custom in &self.rules {
            let single =
                SecretMatcher::new(vec![custom.clone()]).map_err(|e| self.error(e.to_string()))?;
            if let Some(problem) = crate::examples::check_rule_examples(&single, custom) {
                return Err(self.error(format!("rule '{}': {problem}", custom.id)));
            }
            if let Some(existing) = specs.iter_mut().find(|s| s.id == custom.id) {
                *existing = custom.clone();
            } else {
                specs.push(custom.clone());
            }
        }
        let known =
            |id: &str| specs.iter().any(|s| s.id == id) || other_rules.iter().any(|o| o == id);
        for id in self.disable.iter().chain(self.severity.keys()) {
            if !known(id) {
                return Err(self.error(format!("unknown rule id '{id}'")));
            }
        }
        specs.retain(|s| !self.disable.contains(&s.id));
        for spec in &mut specs {
            if let Some(severity) = self.severity.get(&spec.id) {
                spec.severity = *severity;
            }
        }
        Ok(specs)
    }

    /// Compiled `allow_patterns`.
    pub fn allow_regexes(&self) -> Result<Vec<regex::bytes::Regex>, ConfigError> {
        self.allow_patterns
            .iter()
            .map(|p| {
                regex::bytes::Regex::new(p).map_err(|e| {
                    self.error(format!(
                        "invalid allow_patterns regex '{p}': {}",
                        e.to_string().lines().last().unwrap_or("").trim()
                    ))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_fields_and_rejects_unknown_ones() {
        let config = Config::parse(
            r#"
disable = ["jwt"]
exclude = ["fixtures/"]
allow_values = ["abc"]
max_file_size = 1000
[severity]
generic-password = "low"
"#,
        )
        .unwrap();
        assert_eq!(config.disable, vec!["jwt"]);
        assert_eq!(config.max_file_size, Some(1000));
        assert_eq!(config.severity["generic-password"], Severity::Low);
        let err = Config::parse("disabel = []").unwrap_err().to_string();
        assert!(err.contains("disabel"), "{err}");
        assert!(!err.contains('\n'));
    }
}
