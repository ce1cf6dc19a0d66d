//! The secrets [`Analyzer`]: turns matcher spans into findings with locations, redacted
//! snippets and fingerprints, after the user's allowlist.

use super::{decode, filters, SecretMatch, SecretMatcher, Syntax};
use crate::analyzer::{Analyzer, RuleInfo, SourceFile};
use crate::keywords::Keyword;
use crate::text::LineIndex;
use ferret_core::redact::{self, ValueMask};
use ferret_core::{fingerprint, redacted_snippet, Category, Confidence, Finding, Location};
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

impl Analyzer for SecretAnalyzer {
    fn keywords(&self) -> Vec<Keyword> {
        let mut keywords = self.matcher.keywords();
        // Markers of encoded content, numbered after the rules' keywords.
        keywords.extend(decode::TRIGGERS.iter().map(|t| Keyword {
            text: t.as_bytes().to_vec(),
            case_sensitive: false,
        }));
        keywords
    }

    fn analyze(&self, file: &SourceFile<'_>, findings: &mut Vec<Finding>) {
        let rule_keywords = self.matcher.keywords().len();
        let syntax = Syntax::of_file(file.path, file.content);
        let (mut matches, encoded) = match file.keyword_hits {
            Some(hits) => {
                let (rules, triggers): (Vec<_>, Vec<_>) =
                    hits.iter().partition(|h| h.keyword < rule_keywords);
                (
                    self.matcher.find_at(file.content, &rules, syntax),
                    !triggers.is_empty(),
                )
            }
            None => (self.matcher.find_as(file.content, syntax), true),
        };
        matches.retain(|m| !self.allowed(&file.content[m.secret.clone()]));
        // One finding per rule, line and value: a value repeated on its line (a diagram's JSON
        // holding the same signed URL forty times) is one leak, and its snippet masks every copy.
        let mut seen_on_line = std::collections::HashSet::new();
        matches.retain(|m| {
            let line = memchr::memrchr(b'\n', &file.content[..m.secret.start]).map_or(0, |p| p + 1);
            seen_on_line.insert((m.rule, line, &file.content[m.secret.clone()]))
        });
        let text_of = |span: &std::ops::Range<usize>| {
            String::from_utf8_lossy(&file.content[span.clone()]).into_owned()
        };
        // Each hit: the match, its value(s) — pair partners too — and, for a value found
        // decoded, the encoded text standing in the file.
        let mut hits: Vec<(SecretMatch, Vec<String>)> = matches
            .into_iter()
            .map(|m| {
                let values = std::iter::once(&m.secret)
                    .chain(&m.partner)
                    .map(text_of)
                    .collect();
                (m, values)
            })
            .collect();
        if encoded {
            let mut seen: std::collections::HashSet<(usize, String)> = hits
                .iter()
                .map(|(m, values)| (m.rule, values[0].clone()))
                .collect();
            let views = decode::views(file.content, 2);
            // A generic rule's reading of an encoded value that a view decodes whole (a
            // Kubernetes `Secret`'s base64) is left to the view, which sees the value itself.
            let replaced: Vec<std::ops::Range<usize>> = views
                .iter()
                .filter_map(|view| view.replaces.clone())
                .collect();
            hits.retain(|(m, _)| {
                !(self.matcher.rules()[m.rule].spec.generic
                    && replaced
                        .iter()
                        .any(|span| span.start <= m.secret.start && m.secret.end <= span.end))
            });
            for view in views {
                for m in self.matcher.find(&view.text) {
                    let value = String::from_utf8_lossy(&view.text[m.secret.clone()]).into_owned();
                    if self.allowed(value.as_bytes()) || !seen.insert((m.rule, value.clone())) {
                        continue;
                    }
                    let original = view.original(&m.secret);
                    let encoded = text_of(&original);
                    hits.push((
                        SecretMatch {
                            rule: m.rule,
                            secret: original,
                            partner: None,
                            documentation: m.documentation,
                        },
                        vec![value, encoded],
                    ));
                }
            }
        }
        // Source maps list every identifier of a bundle as a string: generic rules would take
        // `"privateKey","_fromJSON"` for an assignment. Provider formats are still looked for.
        if file.path.ends_with(".map") {
            hits.retain(|(m, _)| !self.matcher.rules()[m.rule].spec.generic);
        }
        // A provider rule that recognises the decoded value beats a generic rule that only saw
        // the encoded text at the same place, and the same rule finding the value both decoded
        // and as written (`user:foo%40bar@host`) reports it once, decoded.
        let decoded_spans: Vec<(usize, std::ops::Range<usize>)> = hits
            .iter()
            .filter(|(m, v)| v.len() > 1 && m.partner.is_none())
            .map(|(m, _)| (m.rule, m.secret.clone()))
            .collect();
        if !decoded_spans.is_empty() {
            hits.retain(|(m, v)| {
                let generic = self.matcher.rules()[m.rule].spec.generic;
                !(v.len() == 1
                    && decoded_spans.iter().any(|(rule, d)| {
                        (generic || *rule == m.rule)
                            && d.start < m.secret.end
                            && m.secret.start < d.end
                    }))
            });
        }
        if hits.is_empty() {
            return;
        }
        // Every value found in the file is masked in every snippet, not just the one matched.
        let mask = ValueMask::new(&hits.iter().flat_map(|(_, v)| v.clone()).collect::<Vec<_>>());
        let index = LineIndex::new(file.content);
        for (m, masked_values) in hits {
            // The value as decoded (the text in the file for plain matches).
            let value = masked_values[0].as_bytes();
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
                // A value typed by hand (`abcd1234…`, or its base64), a URL to `example.com` or a URL's
                // password built of stand-in words (`testpass`) is a stand-in more often than a
                // leak.
                confidence: if m.documentation
                    || filters::is_typed_by_hand(value)
                    || filters::encodes_a_typed_value(value)
                    || (spec.stand_in_passwords && filters::built_of_stand_in_words(value))
                {
                    Confidence::Low
                } else {
                    spec.confidence
                },
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
                secret: self.show_secrets.then(|| match &m.partner {
                    Some(_) => format!("{} {}", masked_values[1], masked_values[0]),
                    None => masked_values[0].clone(),
                }),
                provenance: None,
                occurrences: Vec::new(),
                flow: Vec::new(),
                value_fingerprint: fingerprint(&spec.id, "", value),
                masked_values,
            });
        }
    }

    fn rules(&self) -> Vec<RuleInfo> {
        self.matcher
            .rules()
            .iter()
            .map(|r| crate::registry::secret_rule_info(&r.spec))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(path: &str, text: &str) -> Vec<Finding> {
        let analyzer = SecretAnalyzer::new(SecretMatcher::builtin().unwrap());
        let file = SourceFile {
            path,
            content: text.as_bytes(),
            keyword_hits: None,
            root: None,
        };
        let mut found = Vec::new();
        analyzer.analyze(&file, &mut found);
        found
    }

    #[test]
    fn a_value_repeated_on_its_line_is_one_finding() {
        let token = "6567297222:AAlLfMKxNQK-PFHJE502KzwbV_WiFS1z0YY";
        let line = format!("TELEGRAM_TOKEN={token} # again {token} and {token}\n");
        assert_eq!(findings("bot.env", &line).len(), 1);
        // On two lines, two findings.
        assert_eq!(findings("bot.env", &line.repeat(2)).len(), 2);
    }

    #[test]
    fn a_url_templates_named_parts_in_a_readme_are_not_a_secret() {
        let table = "| [MailerSend](https://example.com/) | mailersend:// | (TCP) 443 | mailersend://APIToken:FromEmail/ToEmail1/ToEmail2/ToEmailN/ |\n";
        assert_eq!(findings("README.md", table).len(), 0);
        let random = "| [MailerSend](https://example.com/) | mailersend:// | (TCP) 443 | mailersend://APIToken:Xk9mQ2vL8pR4tWn6/Yb3Hs7Jd5Fc1Ge0/ |\n";
        assert_eq!(findings("README.md", random).len(), 1);
    }

    #[test]
    fn a_url_password_built_of_stand_in_words_is_low_confidence() {
        let confidence = |line: &str| {
            findings("ci.yml", line)
                .into_iter()
                .map(|f| f.confidence)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            confidence("DATABASE_URL: postgres://app:testpass@localhost:5432/test_db\n"),
            vec![Confidence::Low]
        );
        assert_eq!(
            confidence("DATABASE_URL: postgres://app:Zq8rT2xW9k@db.internal:5432/app\n"),
            vec![Confidence::High]
        );
    }
}
