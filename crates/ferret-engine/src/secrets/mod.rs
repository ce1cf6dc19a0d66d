//! The secret analyzer: finds leaked credentials in file contents.
//!
//! Matching is built for throughput. All rules' keywords go into one case-insensitive
//! [`KeywordSet`] that runs once over each file; a rule's regex then runs only over the
//! lines around its keyword hits (merged into windows, so each line is searched at most once
//! per rule). Candidates pass the precision filters in [`filters`], context requirements and
//! allowlists; overlapping candidates are resolved so that a provider rule always beats a
//! generic one and the same secret at the same place is reported once.

mod analyzer;
pub mod decode;
pub mod filters;
mod rule;
pub mod settings;

pub use analyzer::SecretAnalyzer;
pub use rule::{parse_rule_file, Examples, RuleError, RuleFileError, SecretRule, SecretRuleSpec};

use crate::keywords::{Keyword, KeywordHit, KeywordSet};
use memchr::{memchr, memrchr};
use std::collections::HashMap;
use std::ops::Range;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// The rule files compiled into the binary: `(file name, TOML text)`.
pub fn builtin_rule_files() -> &'static [(&'static str, &'static str)] {
    builtin::BUILTIN_SECRET_RULE_FILES
}

/// Parses every built-in rule file.
pub fn builtin_rule_specs() -> Result<Vec<SecretRuleSpec>, RuleFileError> {
    let mut specs = Vec::new();
    for (name, text) in builtin_rule_files() {
        specs.extend(parse_rule_file(&format!("rules/secrets/{name}"), text)?);
    }
    Ok(specs)
}

/// How far (bytes) a single-line window may reach from a keyword hit on very long lines.
const LINE_WINDOW_CAP: usize = 4096;
/// How far (bytes) a multi-line rule's window reaches past its keyword.
const MULTILINE_WINDOW: usize = 64 * 1024;

/// A candidate secret in a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// Index of the rule in [`SecretMatcher::rules`].
    pub rule: usize,
    /// Byte range of the secret value.
    pub secret: Range<usize>,
    /// The other half of a credential pair (see `paired_with`), reported with this match.
    pub partner: Option<Range<usize>>,
    /// Written for documentation: a URL to a host reserved for examples (`example.com`,
    /// `*.test`). A stand-in more often than a leak, so it is reported at low confidence.
    pub documentation: bool,
}

/// Compiled secret rules with their shared keyword prefilter: finds secret spans in bytes.
pub struct SecretMatcher {
    rules: Vec<SecretRule>,
    /// Every rule's keywords, lower-cased and deduplicated, and their compiled set.
    patterns: Vec<String>,
    keywords: KeywordSet,
    /// For each keyword pattern, the rules that use it.
    keyword_rules: Vec<Vec<usize>>,
    /// For each rule, the rule finding the other half of its credential pair.
    partners: Vec<Option<usize>>,
    /// Provider words of setting names (`telegram`), each with the rules of that provider's
    /// credentials (rules' `name_words`).
    name_owners: HashMap<String, Vec<usize>>,
}

impl std::fmt::Debug for SecretMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretMatcher")
            .field("rules", &self.rules.len())
            .finish()
    }
}

/// Errors building a matcher.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzerError {
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("duplicate rule id '{0}'")]
    DuplicateId(String),
    #[error("rule '{0}' is paired with unknown rule '{1}'")]
    UnknownPartner(String, String),
    #[error("cannot build keyword prefilter: {0}")]
    Prefilter(#[from] crate::keywords::KeywordError),
    #[error(transparent)]
    RuleFile(#[from] RuleFileError),
}

impl SecretMatcher {
    /// Compiles `specs` into an analyzer. Rule ids must be unique.
    /// Builds every rule's regexes now (they are otherwise built on first use) and reports the
    /// first that cannot be built.
    pub fn check_rules(&self) -> Result<(), RuleError> {
        self.rules.iter().try_for_each(SecretRule::check)
    }

    pub fn new(specs: Vec<SecretRuleSpec>) -> Result<SecretMatcher, AnalyzerError> {
        let mut seen = std::collections::HashSet::new();
        let mut rules = Vec::with_capacity(specs.len());
        for spec in specs {
            if !seen.insert(spec.id.clone()) {
                return Err(AnalyzerError::DuplicateId(spec.id));
            }
            rules.push(SecretRule::compile(spec)?);
        }
        let ids: HashMap<&str, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.spec.id.as_str(), i))
            .collect();
        let mut partners = Vec::with_capacity(rules.len());
        for rule in &rules {
            partners.push(match &rule.spec.paired_with {
                Some(partner) => Some(*ids.get(partner.as_str()).ok_or_else(|| {
                    AnalyzerError::UnknownPartner(rule.spec.id.clone(), partner.clone())
                })?),
                None => None,
            });
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (rule_index, rule) in rules.iter().enumerate() {
            // A paired rule also runs where its partner's keywords occur.
            let partner_keywords = partners[rule_index]
                .map(|p| rules[p].spec.keywords.as_slice())
                .unwrap_or_default();
            for keyword in rule.spec.keywords.iter().chain(partner_keywords) {
                let key = keyword.to_ascii_lowercase();
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !keyword_rules[slot].contains(&rule_index) {
                    keyword_rules[slot].push(rule_index);
                }
            }
        }
        let keywords = KeywordSet::new(&patterns).map_err(AnalyzerError::Prefilter)?;
        let mut name_owners: HashMap<String, Vec<usize>> = HashMap::new();
        for (rule_index, rule) in rules.iter().enumerate() {
            for word in &rule.spec.name_words {
                name_owners
                    .entry(word.to_ascii_lowercase())
                    .or_default()
                    .push(rule_index);
            }
        }
        Ok(SecretMatcher {
            rules,
            patterns,
            keywords,
            keyword_rules,
            partners,
            name_owners,
        })
    }

    /// The built-in rules.
    pub fn builtin() -> Result<SecretMatcher, AnalyzerError> {
        SecretMatcher::new(builtin_rule_specs()?)
    }

    pub fn rules(&self) -> &[SecretRule] {
        &self.rules
    }

    /// The rules' keywords (matched ASCII-case-insensitively), as [`Self::find_at`] numbers them.
    pub fn keywords(&self) -> Vec<Keyword> {
        self.patterns
            .iter()
            .map(|p| Keyword {
                text: p.clone().into_bytes(),
                case_sensitive: false,
            })
            .collect()
    }

    /// Finds secrets in `content`, one match per secret span, sorted by position.
    pub fn find(&self, content: &[u8]) -> Vec<SecretMatch> {
        self.find_as(content, Syntax::Code)
    }

    /// [`Self::find`] in text of the given [`Syntax`].
    pub fn find_as(&self, content: &[u8], syntax: Syntax) -> Vec<SecretMatch> {
        self.find_at(content, &self.keyword_hits(content), syntax)
    }

    /// Every span any rule's pattern matches, without the precision filters, context
    /// requirements or allowlists (placeholders and documentation hosts included): what to mask
    /// in text whose secrets are not otherwise known, where hiding too much is harmless.
    pub fn find_for_redaction(&self, content: &[u8]) -> Vec<SecretMatch> {
        self.search(content, &self.keyword_hits(content), Mode::Redact)
            .into_iter()
            .map(|c| c.found)
            .collect()
    }

    fn keyword_hits(&self, content: &[u8]) -> Vec<KeywordHit> {
        let mut hits = Vec::new();
        self.keywords.for_each_hit(content, |keyword, start, end| {
            hits.push(KeywordHit {
                keyword,
                start,
                end,
            });
        });
        hits
    }

    /// [`Self::find_as`] with the occurrences of [`Self::keywords`] in `content` already located.
    pub fn find_at(
        &self,
        content: &[u8],
        keyword_hits: &[KeywordHit],
        syntax: Syntax,
    ) -> Vec<SecretMatch> {
        let candidates = self.search(content, keyword_hits, Mode::Report(syntax));
        let candidates = self.pair_up(content, candidates);
        // One finding per secret span: provider rules beat generic ones, then priority.
        let mut kept = self.resolve_overlaps(candidates.into_iter().map(|c| c.found).collect());
        // A pair is one finding: the partner half is reported with the match it completes.
        let partners: Vec<(usize, Range<usize>)> = kept
            .iter()
            .filter_map(|m| Some((self.partners[m.rule]?, m.partner.clone()?)))
            .collect();
        kept.retain(|m| !partners.contains(&(m.rule, m.secret.clone())));
        kept
    }

    /// Gives each candidate of a paired rule its nearest partner within `pair_lines`; drops
    /// candidates that needed a partner (no context) and have none.
    fn pair_up(&self, content: &[u8], mut candidates: Vec<Candidate>) -> Vec<Candidate> {
        let halves: Vec<(usize, Range<usize>)> = candidates
            .iter()
            .filter(|c| !c.needs_partner)
            .map(|c| (c.found.rule, c.found.secret.clone()))
            .collect();
        for candidate in &mut candidates {
            let Some(partner_rule) = self.partners[candidate.found.rule] else {
                continue;
            };
            let lines = self.rules[candidate.found.rule]
                .spec
                .pair_lines
                .unwrap_or(DEFAULT_PAIR_LINES) as usize;
            let at = candidate.found.secret.start;
            candidate.found.partner = halves
                .iter()
                .filter(|(rule, _)| *rule == partner_rule)
                .map(|(_, span)| span)
                .filter(|span| {
                    let (from, to) = (span.start.min(at), span.start.max(at));
                    memchr::memchr_iter(b'\n', &content[from..to]).count() <= lines
                })
                .min_by_key(|span| span.start.abs_diff(at))
                .cloned();
        }
        candidates.retain(|c| !c.needs_partner || c.found.partner.is_some());
        candidates
    }

    /// Runs each rule with a keyword hit over the windows around its hits.
    fn search(&self, content: &[u8], keyword_hits: &[KeywordHit], mode: Mode) -> Vec<Candidate> {
        // 1. Keyword hits, grouped per rule.
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for hit in keyword_hits {
            for &rule in &self.keyword_rules[hit.keyword] {
                hits.push((rule, hit.start, hit.end));
            }
        }
        if hits.is_empty() {
            return Vec::new();
        }
        hits.sort_unstable();

        // 2. Per rule: merged windows around hits, regex inside each window.
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut i = 0;
        while i < hits.len() {
            let rule_index = hits[i].0;
            let rule = &self.rules[rule_index];
            let mut window: Option<Range<usize>> = None;
            while i < hits.len() && hits[i].0 == rule_index {
                let next = self.window(rule, content, hits[i].1, hits[i].2);
                window = match window {
                    Some(current) if next.start <= current.end => {
                        Some(current.start..current.end.max(next.end))
                    }
                    Some(current) => {
                        self.search_window(rule_index, content, current, mode, &mut candidates);
                        Some(next)
                    }
                    None => Some(next),
                };
                i += 1;
            }
            if let Some(current) = window {
                self.search_window(rule_index, content, current, mode, &mut candidates);
            }
        }
        candidates
    }

    /// The byte window searched for `rule` around a keyword hit at `start..end`.
    fn window(&self, rule: &SecretRule, content: &[u8], start: usize, end: usize) -> Range<usize> {
        let reach = if rule.spec.paired_with.is_some() {
            rule.context_lines
                .max(rule.spec.pair_lines.unwrap_or(DEFAULT_PAIR_LINES))
        } else {
            rule.context_lines
        };
        let (before, after) = if rule.spec.multiline {
            (0, 0)
        } else if rule.has_context || rule.spec.paired_with.is_some() {
            (reach, reach)
        } else {
            (0, 0)
        };
        let from = lines_back(
            content,
            start,
            before,
            LINE_WINDOW_CAP * (before as usize + 1),
        );
        let to = if rule.spec.multiline {
            let limit = (end + MULTILINE_WINDOW).min(content.len());
            match memchr(b'\n', &content[limit..]) {
                Some(pos) if pos < LINE_WINDOW_CAP => limit + pos,
                _ => limit,
            }
        } else {
            lines_forward(content, end, after, LINE_WINDOW_CAP * (after as usize + 1))
        };
        from..to
    }

    fn search_window(
        &self,
        rule_index: usize,
        content: &[u8],
        window: Range<usize>,
        mode: Mode,
        out: &mut Vec<Candidate>,
    ) {
        let rule = &self.rules[rule_index];
        // Rules are checked when loaded; a pattern too large to build cannot match anything.
        let Ok(compiled) = rule.compiled() else {
            return;
        };
        let haystack = &content[window.clone()];
        // A window cut out of a long line starts inside its text, where `\b` and `^` would hold
        // at the cut (a run of `A`s in a base64 image read as a token's start): a match there
        // must also match with the text before the cut in view.
        let cut_mid_line = window.start > 0 && content[window.start - 1] != b'\n';
        for caps in compiled.regex.captures_iter(haystack) {
            if cut_mid_line
                && caps.get(0).is_some_and(|m| m.start() == 0)
                && compiled
                    .regex
                    .find_at(&content[..window.end], window.start)
                    .is_none_or(|m| m.start() != window.start)
            {
                continue;
            }
            // The `secret` group, else the first other group that took part, else the match.
            let group = caps
                .get(compiled.secret_group)
                .or_else(|| {
                    (1..caps.len())
                        .filter(|&i| i != compiled.name_group)
                        .find_map(|i| caps.get(i))
                })
                .or_else(|| caps.get(0));
            let Some(group) = group else {
                continue;
            };
            let secret = window.start + group.start()..window.start + group.end();
            if secret.is_empty() {
                continue;
            }
            let found = SecretMatch {
                rule: rule_index,
                secret: secret.clone(),
                partner: None,
                documentation: caps
                    .name("host")
                    .is_some_and(|host| filters::is_documentation_host(host.as_bytes())),
            };
            let Mode::Report(syntax) = mode else {
                out.push(Candidate {
                    found,
                    needs_partner: false,
                });
                continue;
            };
            // `cond ? "PASS" : "FAIL"` (or minified, `?"password":"public"`) is a conditional,
            // not a `"PASS": value` entry; `'Test2::Event::Pass' => …` names a module; and
            // `$labels['password'] = '…'` is a translation of the word.
            let name_match = caps.name("name");
            if let Some(m) = name_match {
                let before = &haystack[..m.start()];
                let unquoted = before
                    .strip_suffix(b"\"")
                    .or_else(|| before.strip_suffix(b"'"))
                    .unwrap_or(before);
                let quoted = unquoted.len() < before.len();
                let spaced = unquoted.last().is_some_and(u8::is_ascii_whitespace);
                let conditional = (spaced || quoted) && unquoted.trim_ascii_end().ends_with(b"?");
                // `urn:k8s:secret:name:key`: a segment of a colon-separated identifier (after
                // a word; `Prl23Db#@:password:Prl23Db#@` is a user and a password).
                let chained = before.len() >= 2
                    && before.ends_with(b":")
                    && before[before.len() - 2].is_ascii_alphanumeric()
                    && haystack.get(m.end()) == Some(&b':')
                    && haystack
                        .get(m.end() + 1)
                        .is_some_and(|b| !b.is_ascii_whitespace());
                if conditional
                    || chained
                    || filters::in_pkcs11_uri(before)
                    || before.ends_with(b"::")
                    || filters::indexes_text_table(unquoted)
                {
                    continue;
                }
            }
            // A name right after `/` is the end of a path (`"tests/etc/passwd": "<sha256>"`):
            // keep the slash so the plausibility check sees a file, not a variable. Prose
            // pairs labels with a slash (`ID:ops/PW:Rosebud42!`, `ID/Password=ops/…`).
            let name = name_match.map(|m| {
                let prose_label =
                    syntax == Syntax::Prose && matches!(haystack.get(m.end()), Some(b':' | b'='));
                let after_slash = m.start() > 0 && haystack[m.start() - 1] == b'/' && !prose_label;
                let mut name = String::from_utf8_lossy(m.as_bytes());
                // A name after a URL's escape (`%24skiptoken`, OData's `$skiptoken`) starts
                // after the escape's two hex digits.
                if m.start() > 0
                    && haystack[m.start() - 1] == b'%'
                    && m.as_bytes().len() > 2
                    && m.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit)
                {
                    name = String::from_utf8_lossy(&m.as_bytes()[2..]);
                }
                if after_slash {
                    return format!("/{name}");
                }
                // `moosend token = '<UUID>'`: the service named before a bare `token` says
                // whose token the UUID is, as `moosend_token` would.
                let uuid =
                    std::str::from_utf8(group.as_bytes()).is_ok_and(filters::looks_like_uuid);
                match filters::service_word_before(&haystack[..m.start()]) {
                    Some(service) if uuid && !name.contains(['_', '.', '-']) => {
                        format!("{service}_{name}")
                    }
                    _ => name.into_owned(),
                }
            });
            match self.accept(rule, content, secret, name.as_deref(), syntax) {
                Verdict::Accept => out.push(Candidate {
                    found,
                    needs_partner: false,
                }),
                Verdict::IfPaired => out.push(Candidate {
                    found,
                    needs_partner: true,
                }),
                Verdict::Reject => {}
            }
        }
    }

    fn accept(
        &self,
        rule: &SecretRule,
        content: &[u8],
        secret: Range<usize>,
        name: Option<&str>,
        syntax: Syntax,
    ) -> Verdict {
        use Verdict::Reject;
        let value = &content[secret.clone()];
        // The text before the value that names, labels or repeats it.
        let before = &content[secret.start.saturating_sub(200)..secret.start];
        // A label of an internationalised domain name (`xn--mk1bu44cnpyatigorskjervoyagexn` in
        // the public suffix list's data).
        if before.ends_with(b"xn--")
            || filters::follows_hash_label(&content[secret.start.saturating_sub(100)..secret.start])
            || filters::in_sealed_secret(content, secret.start)
            || filters::inside_base64_blob(content, &secret)
            || filters::is_docsearch_key(name, content, &secret)
            || filters::hex_named_as_digest(before, value)
            || name.is_some_and(|name| filters::is_challenge_token(name, before))
        {
            return Reject;
        }
        if let Some(max) = rule.spec.max_wordiness {
            // A bare run of key characters: identifiers, paths and ids fit its shape too. A
            // random run of letters and digits in one case holds word-like pieces by chance
            // (`wdvnousa87acfxp9…` scores 0.59), so it is allowed a quarter more; paths and
            // names with separators (`projects/proj123/keys/…`) are not.
            let one_case_run = value.iter().all(u8::is_ascii_alphanumeric)
                && (!value.iter().any(u8::is_ascii_uppercase)
                    || !value.iter().any(u8::is_ascii_lowercase));
            let max = if one_case_run { max + 0.25 } else { max };
            if filters::wordiness(&String::from_utf8_lossy(value)) > max
                || filters::assigned_to_id_name(before)
            {
                return Reject;
            }
        }
        // A short value typed by hand (`abcdefg12346+FJQCK`) stands in for a key; a long one is
        // reported, at low confidence.
        if filters::is_placeholder(value, rule.spec.repeats_ok)
            || filters::is_constant_name(value)
            || filters::repeats_the_user(before, value)
            || filters::repeats_a_named_user(
                before,
                value,
                &content[secret.end..content.len().min(secret.end + 200)],
            )
            || (value.len() < 20 && filters::is_surely_typed_by_hand(value))
            || std::str::from_utf8(value).is_ok_and(filters::is_time_based_uuid)
            || filters::encodes_a_stand_in(value)
            || filters::pem_body_is_text(value)
            // The same base64-encoded (`LS0tLS1CRUdJTi…`, a guide's `cat certificate.key | base64`).
            || (value.starts_with(b"LS0tLS1CRUdJTi")
                && filters::base64_decoded(value).is_some_and(|pem| filters::pem_body_is_text(&pem)))
            || filters::is_partial_jwt(value)
            || filters::sent_to_an_ingest_api(content, value)
            || in_an_image_source(
                &content[lines_back(content, secret.start, 2, LINE_WINDOW_CAP * 3)..secret.start],
            )
        {
            return Reject;
        }
        if let Some(min) = rule.spec.min_entropy {
            if filters::shannon_entropy(value) < filters::entropy_needed(min, value) {
                return Reject;
            }
        }
        let Ok(compiled) = rule.compiled() else {
            return Reject;
        };
        if compiled.allow.iter().any(|allow| allow.is_match(value))
            || (rule.spec.stand_in_passwords && filters::is_stand_in_connection_password(value))
        {
            return Reject;
        }
        if let Some(decoded) = &compiled.decoded {
            // A structured token whose inside names itself a sample (Grafana's `{"k":"EXAMPLE…"`).
            let real = |bytes: &[u8]| {
                decoded.is_match(bytes)
                    && !filters::names_an_example(bytes)
                    // A PEM block of words once decoded (`/* your unencrypted private key here
                    // */` between the markers, base64-encoded in a guide).
                    && !filters::pem_body_is_text(bytes)
                    && (!rule.spec.der
                        || (crate::text::is_whole_der(bytes)
                            && crate::text::pkcs12_may_hold_a_key(bytes)))
            };
            if !filters::base64_decoded(value).is_some_and(|bytes| real(&bytes)) {
                return Reject;
            }
        }
        if rule.spec.generic {
            // A made-up key counted out in full and base64-encoded under a generic name is a
            // test's stand-in.
            if filters::encodes_counted_text(value) {
                return Reject;
            }
            let name = name.unwrap_or("");
            let value = filters::before_an_html_entity(value, &content[secret.end..]);
            let mut setting = password_setting(content, &secret, syntax);
            setting.quoted |= rule.spec.literal_values;
            let plausible = if rule.spec.weak_values {
                filters::password_value_is_plausible(name, value, setting)
            } else {
                filters::generic_value_is_plausible(name, value)
            };
            if !plausible {
                return Reject;
            }
            let line = lines_back(content, secret.start, 0, LINE_WINDOW_CAP)
                ..lines_forward(content, secret.end, 0, LINE_WINDOW_CAP);
            if !rule.spec.weak_values
                && is_text_or_code(content, &secret, line.start, syntax, setting.quoted, name)
            {
                return Reject;
            }
            // `credentials: Base64-encoded credentials (client_id:client_secret)`: after a colon,
            // an unquoted value that runs on in words is a description (a docstring's argument).
            if !setting.quoted && setting.after_colon && runs_on_in_words(&content[secret.end..]) {
                return Reject;
            }
            // `Pass: 'preview' is NOT in the requested properties`: `pass` as a test's verdict, in
            // a sentence that goes on after the quote.
            if setting.quoted
                && name.eq_ignore_ascii_case("pass")
                && goes_on_as_a_sentence(&content[secret.end..line.end])
            {
                return Reject;
            }
            // `key: # a comment`: a `#` after white space opens a comment, not a value.
            let after_space = secret.start > 0 && content[secret.start - 1].is_ascii_whitespace();
            if value.first() == Some(&b'#') && after_space {
                return Reject;
            }
            // Status badges and coverage graphs carry public read tokens
            // (`…/graph/badge.svg?token=…`, `…/graphs/sunburst.svg?token=…`, shields.io's
            // `…/codecov/c/github/org/repo?token=…`), as do star-history charts embedded in a
            // README (`api.star-history.com/chart?…&sealed_token=…`).
            let line_text = &content[line.clone()];
            if line_text
                .windows(5)
                .any(|w| w.eq_ignore_ascii_case(b"badge"))
                || memchr::memmem::find(line_text, b"img.shields.io/").is_some()
                || memchr::memmem::find(line_text, b"api.star-history.com/").is_some()
                // A PayPal donation button's link (`paypal.com/donate?token=…`) is given to
                // every reader.
                || memchr::memmem::find(line_text, b"paypal.com/donate").is_some()
                || in_a_cmake_target_command(&content[line.start..secret.start])
                || zoom_invitation_passcode(&content[line.start..secret.start])
                || token_of_an_image_link(&content[line.start..secret.start])
                || key_of_a_map_tile_template(
                    &content[line.start..secret.start],
                    &content[secret.end..line.end],
                )
                || content[line.start..secret.start].ends_with(b".svg?token=")
            {
                return Reject;
            }
            let before_value = &content[line.start..secret.start];
            let after_quote = content[secret.end..line.end]
                .strip_prefix(b"\"")
                .or_else(|| content[secret.end..line.end].strip_prefix(b"'"));
            let tuple = !name.is_empty()
                && after_quote.is_some_and(|after| {
                    memchr::memmem::rfind(before_value, name.as_bytes())
                        .is_some_and(|at| filters::in_tuple_assignment(&before_value[..at], after))
                });
            let around = lines_back(content, secret.start, 2, LINE_WINDOW_CAP * 3)
                ..lines_forward(content, secret.end, 2, LINE_WINDOW_CAP * 3);
            let nearby = lines_back(content, secret.start, 5, LINE_WINDOW_CAP * 6)
                ..lines_forward(content, secret.end, 5, LINE_WINDOW_CAP * 6);
            if tuple
                || filters::names_a_passing_case(name, &content[around.clone()])
                || filters::listed_before_its_successor(value, &content[secret.end..line.end])
                || filters::probes_a_strength_check(&content[around.start..secret.start])
                || filters::probes_a_strength_check(&content[secret.end..around.end])
                || filters::in_country_table(name, &content[around.clone()])
                || filters::counted_in_a_series(&content[around.clone()], value)
                || filters::names_a_registry_key(&content[around], value)
                || filters::in_minified_line(name, content, secret.start)
                || self.near_miss_of_named_provider(name, value)
                || filters::named_not_secret(before_value, name, value)
                || filters::said_not_secret(content, line.clone(), secret.end)
                || filters::lists_secret_names(value, &content[secret.end..line.end])
                || filters::in_literal_union(before_value, name)
                || filters::in_resource_name(before_value)
                || filters::in_url_fragment(before_value, name)
                || filters::uuid_in_sql_values(before_value, value)
                || filters::keys_a_linked_record(before_value, name, value)
                || filters::repeats_a_public_key(&content[nearby.clone()], value)
                || filters::names_a_host(&content[nearby.clone()], value)
                || filters::used_as_a_public_key(name, &content[secret.end..nearby.end])
                || filters::in_regex_escape(before_value, name)
                || filters::is_public_client_key(name, value)
                || filters::continues_as_expression(&content[secret.end..line.end])
                || filters::declares_a_token_by_name(&content[secret.end..line.end])
            {
                return Reject;
            }
        }
        if let Some(context) = &compiled.context {
            let lines = rule.context_lines;
            let from = lines_back(
                content,
                secret.start,
                lines,
                LINE_WINDOW_CAP * (lines as usize + 1),
            );
            let to = lines_forward(
                content,
                secret.end,
                lines,
                LINE_WINDOW_CAP * (lines as usize + 1),
            );
            if !context.is_match(&content[from..to]) {
                return if rule.spec.paired_with.is_some() {
                    Verdict::IfPaired
                } else {
                    Reject
                };
            }
        }
        Verdict::Accept
    }

    /// True when `name` names a provider whose credentials all have rules (`TELEGRAM_TOKEN`)
    /// and `value` has the shape of none of them: a near miss of the provider's documented
    /// format (`1005:A8hx…` for a Telegram bot token), which the generic rules do not report
    /// in the provider's stead.
    fn near_miss_of_named_provider(&self, name: &str, value: &[u8]) -> bool {
        if self.name_owners.is_empty() {
            return false;
        }
        let mut owners = filters::name_words(name)
            .into_iter()
            .filter_map(|word| self.name_owners.get(&word))
            .flatten()
            .peekable();
        owners.peek().is_some()
            && !owners.any(|&owner| {
                self.rules[owner]
                    .compiled()
                    .is_ok_and(|c| c.value_shape.as_ref().is_some_and(|s| s.is_match(value)))
            })
    }

    fn resolve_overlaps(&self, mut candidates: Vec<SecretMatch>) -> Vec<SecretMatch> {
        let rank = |m: &SecretMatch| {
            let spec = &self.rules[m.rule].spec;
            (
                !spec.generic,
                spec.priority,
                spec.confidence,
                m.secret.len(),
            )
        };
        candidates.sort_by(|a, b| {
            rank(b)
                .cmp(&rank(a))
                .then(a.secret.start.cmp(&b.secret.start))
        });
        let mut kept: Vec<SecretMatch> = Vec::new();
        for candidate in candidates {
            let overlaps = kept.iter().any(|k| {
                k.secret.start < candidate.secret.end && candidate.secret.start < k.secret.end
            });
            if !overlaps {
                kept.push(candidate);
            }
        }
        kept.sort_by_key(|m| (m.secret.start, m.rule));
        kept
    }
}

/// True when a key-like value at `secret` (on the line starting at `line_start`) is text or code
/// rather than a literal key. Keys and tokens are ASCII: a value with other letters is text
/// (`"LoginCredentials": "Påloggingsinformasjon"`, a sentence in a locale file), and so is a
/// quoted value that the string goes on after in words (`"…": "Erabiltzaile/pasahitza ezarrita
/// …"`). In code an unquoted value made of words is a variable or a constant
/// (`IssuerPrivateKey: keyRSA2048,`, `x.Alg = oidc.SigningAlgRS256`), unless its name is
/// environment-style (shell's `API_KEY=…`), it is an XML element's text, or it stands inside a
/// string that opened before the name (`'password: sadefgq34y45h56q'`).
fn is_text_or_code(
    content: &[u8],
    secret: &Range<usize>,
    line_start: usize,
    syntax: Syntax,
    quoted: bool,
    name: &str,
) -> bool {
    let value = &content[secret.clone()];
    let before = secret.start.checked_sub(1).map(|i| content[i]);
    let goes_on = matches!(before, Some(b'"' | b'\'' | b'`'))
        && content.get(secret.end) == Some(&b' ')
        && content
            .get(secret.end + 1)
            .is_some_and(|b| b.is_ascii_alphabetic() || !b.is_ascii());
    if !value.is_ascii() || goes_on {
        return true;
    }
    if syntax != Syntax::Code || quoted || before == Some(b'>') {
        return false;
    }
    let in_string = content[line_start..secret.start]
        .iter()
        .filter(|&&b| b == b'"' || b == b'\'')
        .count()
        % 2
        == 1;
    // An upper-case name takes a bare word in shell (`DB_PASSWORD=hunter2`), where `=` has no
    // space around it; `CLINLIMS_PWD = line` in Python assigns a variable.
    let head = content[line_start..secret.start].trim_ascii_end();
    let spaced = head.ends_with(b" =") && secret.start > line_start + head.len();
    !in_string
        && (spaced || !filters::environment_style(name))
        && filters::reads_as_code_identifier(value)
}

/// True when `after` (the text after a value) goes on with a word of three letters or more:
/// ` credentials (…)`, ` for the service`.
fn runs_on_in_words(after: &[u8]) -> bool {
    let Some(rest) = after.strip_prefix(b" ") else {
        return false;
    };
    let word = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    word >= 3
        && rest
            .get(word)
            .is_none_or(|b| b.is_ascii_whitespace() || b",.;(".contains(b))
}

/// Whether the value is in the query of a link to an image (`https://viper.tapd.cn/icon/files/…
/// /1146949574001000046.png?token=54ae24aa…`): the token of one file's link, shown to everyone the
/// image is shown to, not a key to an account.
fn token_of_an_image_link(before_value: &[u8]) -> bool {
    let Some(query) = memchr::memrchr(b'?', before_value) else {
        return false;
    };
    let path = &before_value[..query];
    let Some(scheme) = memchr::memmem::rfind(path, b"://") else {
        return false;
    };
    let path = &path[scheme..];
    within_one_link(path)
        && within_one_link(&before_value[query..])
        && [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico"]
            .iter()
            .any(|extension| path.to_ascii_lowercase().ends_with(extension.as_bytes()))
}

/// Whether the value follows a CMake target command's scope keyword
/// (`target_link_libraries(common PRIVATE hercules-mt19937ar)`): `PRIVATE` lists libraries and
/// files, not a key.
fn in_a_cmake_target_command(before_value: &[u8]) -> bool {
    let line = before_value.trim_ascii_start().to_ascii_lowercase();
    line.starts_with(b"target_")
        && line.contains(&b'(')
        && [&b"private "[..], b"public ", b"interface "]
            .iter()
            .any(|scope| line.ends_with(scope))
}

/// Whether the value is in the address an HTML image loads (`<img … src="https://mailgun
/// .substack.com/api/v1/email/open?token=…">`, a newsletter's tracking pixel, or `<input
/// type="image" src="…">`): every reader's browser fetches it, so it grants nothing of an
/// account; so is a Markdown image's (`![alt](https://…?token=…)`). `before_value` is the text
/// before the value from up to two lines above.
fn in_an_image_source(before_value: &[u8]) -> bool {
    // A Markdown image (`![the castle](https://images-….wixmp.com/f/…/w_600,h_849/….jpg?token=
    // eyJ…)`): the address runs from `](` to the value without white space or `)`.
    if let Some(open) = memchr::memmem::rfind(before_value, b"](") {
        let (alt, address) = (&before_value[..open], &before_value[open + 2..]);
        let image = memchr::memmem::rfind(alt, b"![").is_some_and(|at| !alt[at..].contains(&b']'));
        if image
            && (address.starts_with(b"https://") || address.starts_with(b"http://"))
            && !address
                .iter()
                .any(|b| b.is_ascii_whitespace() || matches!(b, b')' | b'"' | b'\''))
        {
            return true;
        }
    }
    let Some(scheme) = link_scheme(before_value) else {
        return false;
    };
    let head = &before_value[..scheme];
    let head = &head[..head.len()
        - head
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_alphabetic())
            .count()];
    let Some(head) = head
        .strip_suffix(b"src=\"")
        .or_else(|| head.strip_suffix(b"src='"))
    else {
        return false;
    };
    let Some(open) = memchr::memrchr(b'<', head) else {
        return false;
    };
    let tag = head[open..].to_ascii_lowercase();
    !tag.contains(&b'>')
        && (tag.starts_with(b"<img")
            || (tag.starts_with(b"<input")
                && memchr::memmem::find(&tag, b"type=\"image\"").is_some()))
}

/// Whether the value is the key in a map's tile or imagery address template
/// (`https://gis.lfrz.gv.at/wmsgw/?…&BBOX={bbox}&…&KEY=4d80de69…`, `https://maps.tilehosting.com
/// /fonts/{fontstack}/{range}.pbf?key=…`): a map library fills the template in every reader's
/// browser, so its key is made to be public.
fn key_of_a_map_tile_template(before_value: &[u8], after_value: &[u8]) -> bool {
    const PLACEHOLDERS: &[&[u8]] = &[
        b"{z}",
        b"{x}",
        b"{y}",
        b"{-y}",
        b"{zoom}",
        b"{bbox}",
        b"{proj}",
        b"{quadkey}",
        b"{fontstack}",
        b"{range}",
        b"{width}",
        b"{height}",
    ];
    let Some(scheme) = link_scheme(before_value) else {
        return false;
    };
    let tail_len = after_value
        .iter()
        .position(|&b| ends_a_link(b))
        .unwrap_or(after_value.len());
    let link = [&before_value[scheme..], &after_value[..tail_len]]
        .concat()
        .to_ascii_lowercase();
    PLACEHOLDERS
        .iter()
        .any(|placeholder| memchr::memmem::find(&link, placeholder).is_some())
}

/// Where the URL that runs up to the value starts (its `://`), if the text from there on stays
/// within one link.
fn link_scheme(before_value: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(before_value, b"://").filter(|&at| within_one_link(&before_value[at..]))
}

/// Whether the value is the passcode in a Zoom meeting's invitation link
/// (`https://us05web.zoom.us/j/87535654586?pwd=CigbXigJ…` in a README's community meeting): it is
/// given to whoever has the link.
fn zoom_invitation_passcode(before_value: &[u8]) -> bool {
    let Some(at) = memchr::memmem::rfind(before_value, b"zoom.us/") else {
        return false;
    };
    let link = &before_value[at..];
    within_one_link(link)
        && (link.ends_with(b"?pwd=") || link.ends_with(b"&pwd=") || link.ends_with(b"?password="))
}

/// Whether `text`, a piece of a URL, holds nothing that ends a link in prose, markup or a list
/// (white space, a quote, `,`, `)`).
fn within_one_link(text: &[u8]) -> bool {
    !text.iter().any(|&b| ends_a_link(b))
}

/// A byte that ends a link in prose, markup or a list.
fn ends_a_link(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b',' | b')')
}

/// Whether the text after a quoted value (`' is NOT in the requested properties`) goes on with
/// three words or more of a sentence.
fn goes_on_as_a_sentence(after: &[u8]) -> bool {
    let after = after
        .strip_prefix(b"'")
        .or_else(|| after.strip_prefix(b"\""))
        .unwrap_or(after);
    let Some(rest) = after.strip_prefix(b" ") else {
        return false;
    };
    rest.split(|&b| b == b' ')
        .take(3)
        .filter(|word| !word.is_empty() && word.iter().all(u8::is_ascii_alphabetic))
        .count()
        == 3
}

/// Whether `after` (the text after a value) goes on with white space and another `name=` on the
/// same line.
fn next_is_assignment(after: &[u8]) -> bool {
    let gap = after
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let name = after[gap..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    gap > 0 && name > 0 && after.get(gap + name) == Some(&b'=')
}

/// How a value matched by a generic rule stands in its line (see
/// [`filters::PasswordSetting`]).
fn password_setting(
    content: &[u8],
    secret: &Range<usize>,
    syntax: Syntax,
) -> filters::PasswordSetting {
    let quoted = secret.start > 0 && b"\"'`".contains(&content[secret.start - 1]);
    let before = &content[secret.start.saturating_sub(8)..secret.start];
    let binder = before.trim_ascii_end();
    let binder = binder.strip_suffix(b"\"").unwrap_or(binder);
    let binder = binder.strip_suffix(b"'").unwrap_or(binder).trim_ascii_end();
    let line_end = memchr(b'\n', &content[secret.end..]).map_or(content.len(), |p| secret.end + p);
    let rest = content[secret.end..line_end].trim_ascii();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let rest = rest.trim_ascii_start();
    filters::PasswordSetting {
        quoted,
        // `"…common password":"english"===e.d`: an operand of a comparison either way.
        compared: binder.ends_with(b"==")
            || binder.ends_with(b"!=")
            || rest.starts_with(b"==")
            || rest.starts_with(b"!="),
        after_colon: binder.ends_with(b":") && !binder.ends_with(b":="),
        // `web1 ansible_host=10.0.0.5 ansible_password=… ansible_user=root`: in a configuration
        // file's line the next `name=` ends a value as the line's end does.
        ends_line: rest.is_empty()
            || rest.starts_with(b"#")
            || rest.starts_with(b"//")
            || (syntax == Syntax::Config && next_is_assignment(&content[secret.end..line_end])),
        syntax,
        spaced_equals: !quoted
            && binder.ends_with(b" =")
            && content[..secret.start].ends_with(b" "),
    }
}

/// Lines between the halves of a credential pair, unless the rule says otherwise.
const DEFAULT_PAIR_LINES: u32 = 3;

/// A match before pairing.
struct Candidate {
    found: SecretMatch,
    /// It lacks its context and stands only with a partner nearby.
    needs_partner: bool,
}

/// What [`SecretMatcher::accept`] makes of a candidate.
enum Verdict {
    Accept,
    /// Only with its pair's other half nearby.
    IfPaired,
    Reject,
}

/// Whether candidates are reported (filtered for precision) or only masked (everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Report(Syntax),
    Redact,
}

/// How an unquoted value reads in the text searched. In code it is usually a variable or a
/// type (`this.password = arg2`, `password: str`); in a configuration file — YAML,
/// `.properties`, INI, `.env`, an Ansible inventory (`hosts`, `inventory`) — an unquoted value
/// that ends its line, or is followed by the line's next `name=`, is a string
/// (`password: rosebud42`, `web1 ansible_password=rosebud42 ansible_user=root`); in prose —
/// notes, READMEs, logs, mail, a file without an extension that is not a script — a password
/// is written bare wherever it stands (`ssh ops@10.0.0.5 (pw: Rosebud42!)`, `PW:x7Lq2 ID:ops`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Syntax {
    #[default]
    Code,
    Config,
    Prose,
}

/// Extension-less files that hold code or build settings, not prose (`Makefile`, `Dockerfile`
/// and every other `…file` are told by their ending).
const EXTENSIONLESS_CODE: &[&str] = &["build", "workspace", "buck", "env", "configure"];

impl Syntax {
    /// The syntax of the file at `path`, by its name.
    pub fn of_path(path: &str) -> Syntax {
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
        let config = matches!(
            extension,
            "yml" | "yaml" | "properties" | "ini" | "cfg" | "conf" | "env"
        ) || name.starts_with(".env")
            || matches!(name.as_str(), ".npmrc" | ".pypirc" | "hosts" | "inventory");
        let prose = matches!(
            extension,
            "txt"
                | "text"
                | "md"
                | "markdown"
                | "rst"
                | "adoc"
                | "asciidoc"
                | "org"
                | "log"
                | "eml"
        ) || (!name.contains('.')
            && !name.ends_with("file")
            && !EXTENSIONLESS_CODE.contains(&name.as_str()));
        if config {
            Syntax::Config
        } else if prose {
            Syntax::Prose
        } else {
            Syntax::Code
        }
    }

    /// The syntax of a file from its name and its first bytes: an extension-less file that
    /// starts with `#!` is a script.
    pub fn of_file(path: &str, content: &[u8]) -> Syntax {
        match Syntax::of_path(path) {
            Syntax::Prose if content.starts_with(b"#!") => Syntax::Code,
            syntax => syntax,
        }
    }
}

/// Start of the line `lines` lines above the one containing `pos`, at most `cap` bytes back.
fn lines_back(content: &[u8], pos: usize, lines: u32, cap: usize) -> usize {
    let floor = pos.saturating_sub(cap);
    let mut at = pos;
    for _ in 0..=lines {
        match memrchr(b'\n', &content[floor..at]) {
            Some(nl) => at = floor + nl,
            None => return floor,
        }
    }
    at + 1
}

/// End of the line `lines` lines below the one containing `pos` (exclusive, before the
/// newline), at most `cap` bytes ahead.
fn lines_forward(content: &[u8], pos: usize, lines: u32, cap: usize) -> usize {
    let ceiling = (pos + cap).min(content.len());
    let mut at = pos;
    for i in 0..=lines {
        match memchr(b'\n', &content[at..ceiling]) {
            Some(nl) if i == lines => return at + nl,
            Some(nl) => at = at + nl + 1,
            None => return ceiling,
        }
    }
    ceiling
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unquoted_password_is_a_string_in_configuration_files_only() {
        for path in [
            "deploy/values.yaml",
            "app.yml",
            "src/main/resources/application.properties",
            "setup.cfg",
            "db.ini",
            "nginx.conf",
            ".env",
            ".env.production",
            "prod.env",
            ".npmrc",
            "inventories/prod/hosts",
        ] {
            assert_eq!(Syntax::of_path(path), Syntax::Config, "{path}");
        }
        for path in [
            "settings.py",
            "config.ts",
            "yaml.rs",
            "Makefile",
            "Dockerfile",
            "env",
        ] {
            assert_eq!(Syntax::of_path(path), Syntax::Code, "{path}");
        }
        let matcher = SecretMatcher::builtin().unwrap();
        let line = b"database:\n  password: rosebud42\n";
        assert_eq!(matcher.find_as(line, Syntax::Config).len(), 1);
        // In code the same text is an annotation or a variable.
        assert!(matcher.find_as(line, Syntax::Code).is_empty());
        assert!(matcher
            .find_as(b"  password: DB_PASSWORD\n", Syntax::Config)
            .is_empty());
        // An Ansible inventory line: the next `name=` ends the value.
        let host = b"web2 ansible_host=10.0.0.6 ansible_ssh_pass=harbor88 ansible_user=root\n";
        assert_eq!(matcher.find_as(host, Syntax::Config).len(), 1);
        assert!(matcher.find_as(host, Syntax::Code).is_empty());
        // An upper-case name in shell takes a bare word; with spaces around `=` it is a
        // language's assignment of a variable (`CLINLIMS_PWD = line` in Python).
        assert_eq!(
            matcher
                .find_as(b"export DB_PASSWORD=rosebud42\n", Syntax::Code)
                .len(),
            1
        );
        assert!(matcher
            .find_as(b"        CLINLIMS_PWD = line\n", Syntax::Code)
            .is_empty());
    }

    #[test]
    fn a_bare_password_in_prose_is_reported_where_code_would_read_a_name() {
        for path in [
            "README.md",
            "notes.txt",
            "docs/setup.rst",
            "deploy.log",
            "servers",
        ] {
            assert_eq!(Syntax::of_path(path), Syntax::Prose, "{path}");
        }
        assert_eq!(Syntax::of_file("bin/deploy", b"#!/bin/sh\n"), Syntax::Code);
        assert_eq!(Syntax::of_file("servers", b"web1\n"), Syntax::Prose);
        let matcher = SecretMatcher::builtin().unwrap();
        for line in [
            "ssh ops@10.0.0.5 (pw:Rosebud42!)\n",
            "PW:Hq7rTz92 ID:ops\n",
            "ID:ops/PW:Hq7rTz92!\n",
            "db host 10.0.0.7, pass:Lk3mQz9\n",
        ] {
            assert_eq!(
                matcher.find_as(line.as_bytes(), Syntax::Prose).len(),
                1,
                "{line}"
            );
            // In code the same text reads as names and expressions.
            assert!(
                matcher.find_as(line.as_bytes(), Syntax::Code).is_empty(),
                "{line}"
            );
        }
        // A word after `password:` is the sentence going on; a name is a name.
        for line in [
            "password: required for the admin account\n",
            "password: Enter it twice\n",
            "password: db_password\n",
        ] {
            assert!(
                matcher.find_as(line.as_bytes(), Syntax::Prose).is_empty(),
                "{line}"
            );
        }
    }

    #[test]
    fn a_value_under_a_provider_name_must_have_one_of_the_providers_shapes() {
        let matcher = SecretMatcher::builtin().unwrap();
        let rules = |text: &str| -> Vec<String> {
            matcher
                .find(text.as_bytes())
                .iter()
                .map(|m| matcher.rules()[m.rule].id().to_string())
                .collect()
        };
        // In Telegram's format: the provider's rule reports it.
        assert_eq!(
            rules("TELEGRAM_BOT_TOKEN = \"6567297222:AAlLfMKxNQK-PFHJE502KzwbV_WiFS1z0YY\"\n"),
            ["telegram-bot-token"]
        );
        // A near miss (a 4-digit bot id) under Telegram's name: nothing; under a name that says
        // no provider, the generic rule still reports the random value.
        let near_miss = "1005:A8hx4p5jtxdoh_i5trkyoj7zz1nd2lt9v2s";
        assert_eq!(
            rules(&format!("TELEGRAM_BOT_TOKEN = \"{near_miss}\"\n")),
            [] as [&str; 0]
        );
        assert_eq!(
            rules(&format!("SERVICE_TOKEN = \"{near_miss}\"\n")),
            ["generic-secret-assignment"]
        );
        // A provider with two formats: either shape passes (`wandb_v1_…` and 40 hex).
        assert_eq!(
            rules("wandb_api_key = 4c35c185de130998e28255a507cec59bedee455a\n"),
            ["wandb-api-key"]
        );
        assert_eq!(
            rules("wandb_api_key = 872ab943740b34157041da2529fb160d\n"),
            [] as [&str; 0]
        );
    }

    #[test]
    fn an_unquoted_identifier_in_code_is_a_variable_not_a_key() {
        let matcher = SecretMatcher::builtin().unwrap();
        let code = |text: &str| matcher.find_as(text.as_bytes(), Syntax::Code).len();
        assert_eq!(code("\tIssuerPrivateKey: keyRSA2048,\n"), 0);
        assert_eq!(
            code("x.AccessTokenAlg = oidc.SigningAlgECDSAUsingP521AndSHA512\n"),
            0
        );
        // A random run is no identifier anyone writes; an environment-style name in a shell
        // script holds a literal; a quoted value is a string.
        assert_eq!(code("private_key = Xk9mQ2vL8pR4tW7nB3cY\n"), 1);
        assert_eq!(code("PRIVATE_KEY=keyRSA2048Xq7Lm2Wc5\n"), 1);
        assert_eq!(code("private_key = \"keyRSA2048Xq7Lm2Wc5\"\n"), 1);
        // YAML keeps unquoted strings.
        assert_eq!(
            matcher
                .find_as(b"private_key: keyRSA2048Xq7Lm2Wc5\n", Syntax::Config)
                .len(),
            1
        );
    }

    #[test]
    fn text_in_a_locale_file_is_not_a_key() {
        let matcher = SecretMatcher::builtin().unwrap();
        for line in [
            "  \"LoginCredentials\": \"Påloggingsinformasjon\",\n",
            "  \"OnlyUsedIfUserPwdIsSet\": \"Erabiltzaile/pasahitza ezarrita badaude\",\n",
        ] {
            assert!(matcher.find(line.as_bytes()).is_empty(), "{line}");
        }
        assert_eq!(
            matcher
                .find(b"  \"LoginCredentials\": \"Xk9mQ2vL8pR4tW7n\",\n")
                .len(),
            1
        );
    }

    #[test]
    fn a_segment_of_a_colon_separated_identifier_is_not_a_name() {
        let matcher = SecretMatcher::builtin().unwrap();
        assert!(matcher
            .find(b"  - urn:k8s:secret:name:key1Xq7\n")
            .is_empty());
        // A Ruby symbol before `=>` is still a name.
        assert_eq!(
            matcher
                .find(b"conn = { :password => \"Xk9mQ2vL8pR4\" }\n")
                .len(),
            1
        );
    }

    #[test]
    fn names_that_say_the_value_fails_are_not_read_as_credentials() {
        let matcher = SecretMatcher::builtin().unwrap();
        for name in [
            "nonMatchingToken",
            "invalid_api_key",
            "fakeSecret",
            "wrong_token",
        ] {
            let text = format!("{name} = \"q7Lm2Wc5Nt9Rk3Xp\"\n");
            assert!(matcher.find(text.as_bytes()).is_empty(), "{text}");
        }
        assert_eq!(
            matcher
                .find(b"service_token = \"q7Lm2Wc5Nt9Rk3Xp\"\n")
                .len(),
            1
        );
    }

    #[test]
    fn a_url_to_a_documentation_host_is_found_and_marked_as_documentation() {
        let matcher = SecretMatcher::builtin().unwrap();
        let found = matcher.find(b"DB=mysql://app:Zq8rT2xW9k@db.example.com/shop\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].documentation);
        let found = matcher.find(b"DB=mysql://app:Zq8rT2xW9k@db.shop.io/shop\n");
        assert_eq!(found.len(), 1);
        assert!(!found[0].documentation);
    }

    #[test]
    fn line_helpers_find_line_bounds() {
        let text = b"one\ntwo\nthree\nfour";
        let pos = 9; // inside "three"
        assert_eq!(lines_back(text, pos, 0, 100), 8);
        assert_eq!(lines_back(text, pos, 1, 100), 4);
        assert_eq!(lines_back(text, pos, 5, 100), 0);
        assert_eq!(lines_forward(text, pos, 0, 100), 13);
        assert_eq!(lines_forward(text, pos, 1, 100), 18);
        assert_eq!(lines_back(text, 12, 0, 2), 10);
    }
}
