//! Project configuration: `.ferret.toml` in the scanned root, or a file given with `--config`.
//!
//! The top level holds what applies to every analyzer; each analyzer has its own section,
//! defined and validated in its module: `[secrets]` ([`SecretSettings`]) and `[iac]`, the
//! configuration checks ([`IacSettings`]). (Three things were once all called "config": this is
//! the *project settings* file; the checks of configuration files are *iac*; the server's
//! settings are `ferret_server::config`.)
//!
//! ```toml
//! disable = ["generic-password"]          # rule ids never run
//! exclude = ["tests/fixtures/", "*.min.js"] # gitignore-syntax paths no analyzer reads
//! max_file_size = 10485760                 # bytes; larger files are skipped (and reported)
//!
//! [severity]                               # per-rule severity overrides
//! jwt = "low"
//!
//! [secrets]                                # see secrets::settings
//! allow_values = ["my-public-demo-token"]
//!
//! [iac]                                    # see misconfig::settings
//! exclude = ["examples/"]
//!
//! [dependencies]                           # see deps::DependencySettings
//! ignore = [{ id = "RUSTSEC-2020-0071", reason = "not reachable", until = "2027-03-31" }]
//! ```
//!
//! `allow_values`, `allow_patterns` and `[[rule]]` at the top level (earlier versions' places)
//! still work and count as part of `[secrets]`.

use crate::control_file::{self, Links};
pub use crate::deps::DependencySettings;
pub use crate::misconfig::settings::IacSettings;
pub use crate::secrets::settings::SecretSettings;
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
    pub max_file_size: Option<u64>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// `[secrets]`, with the top-level spellings merged in by [`Config::parse`].
    #[serde(default)]
    pub secrets: SecretSettings,
    /// `[iac]`.
    #[serde(default)]
    pub iac: IacSettings,
    /// `[dependencies]`.
    #[serde(default)]
    pub dependencies: DependencySettings,
    #[serde(default, rename = "allow_values")]
    top_level_allow_values: Vec<String>,
    #[serde(default, rename = "allow_patterns")]
    top_level_allow_patterns: Vec<String>,
    #[serde(default, rename = "rule")]
    top_level_rules: Vec<SecretRuleSpec>,
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
        let mut config: Config = toml::from_str(text).map_err(|e| {
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
        })?;
        config.secrets.merge(SecretSettings {
            allow_values: std::mem::take(&mut config.top_level_allow_values),
            allow_patterns: std::mem::take(&mut config.top_level_allow_patterns),
            exclude: Vec::new(),
            rules: std::mem::take(&mut config.top_level_rules),
        });
        config
            .dependencies
            .validate()
            .map_err(|message| ConfigSyntaxError {
                position: None,
                message,
            })?;
        Ok(config)
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

    /// An error about this file (it names the file).
    pub(crate) fn error(&self, problem: String) -> ConfigError {
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
        for custom in &self.secrets.rules {
            let single =
                SecretMatcher::new(vec![custom.clone()]).map_err(|e| self.error(e.to_string()))?;
            // Built now, so a pattern too large to build is an error here, not a silent no-op.
            single
                .check_rules()
                .map_err(|e| self.error(e.to_string()))?;
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

    /// Compiled `[secrets] allow_patterns`.
    pub fn allow_regexes(&self) -> Result<Vec<regex::bytes::Regex>, ConfigError> {
        self.secrets
            .allow_regexes()
            .map_err(|problem| self.error(format!("[secrets] {problem}")))
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

    #[test]
    fn top_level_secret_keys_join_the_secrets_section() {
        let config = Config::parse(
            r#"
allow_values = ["top"]
allow_patterns = ["^t"]
[secrets]
allow_values = ["section"]
exclude = ["fixtures/"]
[iac]
exclude = ["examples/"]
"#,
        )
        .unwrap();
        assert_eq!(config.secrets.allow_values, vec!["section", "top"]);
        assert_eq!(config.secrets.allow_patterns, vec!["^t"]);
        assert_eq!(config.secrets.exclude, vec!["fixtures/"]);
        assert_eq!(config.iac.exclude, vec!["examples/"]);
        let err = Config::parse("[iac]\ndisable = []")
            .unwrap_err()
            .to_string();
        assert!(err.contains("disable"), "{err}");
    }
}
