//! The secrets [`Analyzer`]: turns matcher spans into findings with locations, redacted
//! snippets and fingerprints, after the user's allowlist.

use super::{SecretMatcher, SecretRuleSpec};
use crate::analyzer::{Analyzer, RuleInfo, SourceFile};
use crate::keywords::Keyword;
use crate::text::LineIndex;
use ferret_core::redact::{self, ValueMask};
use ferret_core::{fingerprint, redacted_snippet, Category, Finding, Location};
use regex::bytes::Regex;

/// Finds leaked secrets.
pub struct SecretAnalyzer {
    matcher: SecretMatcher,
    allow_values: Vec<Vec<u8>>,
    allow_patterns: Vec<Regex>,
    show_secrets: bool,
}

impl SecretAnalyzer {
    pub fn new(matcher: SecretMatcher) -> SecretAnalyzer {
        SecretAnalyzer {
            matcher,
            allow_values: Vec::new(),
            allow_patterns: Vec::new(),
            show_secrets: false,
        }
    }

    /// Values never reported: exact strings and regexes (matched against the secret value).
    pub fn with_allowlist(mut self, values: Vec<String>, patterns: Vec<Regex>) -> SecretAnalyzer {
        self.allow_values = values.into_iter().map(String::into_bytes).collect();
        self.allow_patterns = patterns;
        self
    }

    /// Put the raw secret into findings (`--show-secrets`).
    pub fn show_secrets(mut self, show: bool) -> SecretAnalyzer {
        self.show_secrets = show;
        self
    }

    pub fn matcher(&self) -> &SecretMatcher {
        &self.matcher
    }

    fn allowed(&self, value: &[u8]) -> bool {
        self.allow_values.iter().any(|v| v == value)
            || self.allow_patterns.iter().any(|p| p.is_match(value))
    }
}

fn info(spec: &SecretRuleSpec) -> RuleInfo {
    RuleInfo {
        id: spec.id.clone(),
        name: spec.name.clone(),
        category: Category::Secret,
        provider: spec.provider.clone(),
        severity: spec.severity,
        confidence: spec.confidence,
        description: spec.description.clone(),
        remediation: spec.remediation.clone(),
    }
}

impl Analyzer for SecretAnalyzer {
    fn keywords(&self) -> Vec<Keyword> {
        self.matcher.keywords()
    }

    fn analyze(&self, file: &SourceFile<'_>, findings: &mut Vec<Finding>) {
        let matches = match file.keyword_hits {
            Some(hits) => self.matcher.find_at(file.content, hits),
            None => self.matcher.find(file.content),
        };
        if matches.is_empty() {
            return;
        }
        let matches: Vec<_> = matches
            .into_iter()
            .filter(|m| !self.allowed(&file.content[m.secret.clone()]))
            .collect();
        // Every value found in the file (pair partners too) is masked in every snippet, not
        // just the one matched.
        let text_of = |span: &std::ops::Range<usize>| {
            String::from_utf8_lossy(&file.content[span.clone()]).into_owned()
        };
        let values: Vec<Vec<String>> = matches
            .iter()
            .map(|m| {
                std::iter::once(&m.secret)
                    .chain(&m.partner)
                    .map(text_of)
                    .collect()
            })
            .collect();
        let mask = ValueMask::new(&values.concat());
        let index = LineIndex::new(file.content);
        for (m, masked_values) in matches.iter().zip(values) {
            let value = &file.content[m.secret.clone()];
            let spec = &self.matcher.rules()[m.rule].spec;
            let (start_line, start_column) = index.position(m.secret.start);
            let (end_line, end_column) = index.position(m.secret.end);
            let (line_text, span) = index.line_with_span(m.secret.clone());
            let title = match m.partner {
                Some(_) => format!("{} (with its pair)", spec.name),
                None => spec.name.clone(),
            };
            findings.push(Finding {
                rule_id: spec.id.clone(),
                category: Category::Secret,
                severity: spec.severity,
                confidence: spec.confidence,
                title,
                location: Location {
                    path: file.path.to_string(),
                    start_line,
                    start_column,
                    end_line,
                    end_column,
                },
                // Other key-like runs beside a secret are likely credentials too.
                snippet: redact::mask_token_like(&redacted_snippet(&line_text, span, &mask)),
                remediation: spec.remediation.clone(),
                fingerprint: fingerprint(&spec.id, file.path, value),
                // A pair shows both halves, the partner first (`ID SECRET`).
                secret: self.show_secrets.then(|| {
                    masked_values
                        .iter()
                        .rev()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
                provenance: None,
                occurrences: Vec::new(),
                value_fingerprint: fingerprint(&spec.id, "", value),
                masked_values,
            });
        }
    }

    fn rules(&self) -> Vec<RuleInfo> {
        self.matcher.rules().iter().map(|r| info(&r.spec)).collect()
    }
}
