//! Secret rules as data: the TOML format under `rules/secrets/` and in `.ferret.toml`, and its
//! compiled form.
//!
//! ```toml
//! [[rule]]
//! id = "github-pat-classic"
//! name = "GitHub personal access token (classic)"
//! provider = "GitHub"
//! severity = "high"                 # info | low | medium | high | critical
//! confidence = "high"               # low | medium | high (default high)
//! description = "What the credential grants."
//! remediation = "How to revoke and rotate it at the provider."
//! keywords = ["ghp_"]               # literal prefilter, case-insensitive; one must occur
//! pattern = '''\b(?P<secret>ghp_[A-Za-z0-9]{36})\b'''
//! value = '''[a-f0-9]{32}'''         # instead of `pattern`, for keys without a prefix: the
//!                                   #   value assigned to a key/token/secret-like name or to
//!                                   #   a keyword itself (`railway = '…'`), with a keyword
//!                                   #   within `context_lines` (default 2) lines
//! min_entropy = 3.0                 # optional Shannon entropy (bits/char) of the secret
//! decoded = '''^\d{12}:'''           # optional: the secret is base64 whose decoding matches
//! der = false                       # with decoded: the decoding is one whole DER structure
//! max_wordiness = 0.5               # optional: at most this share in word-like runs (drops
//!                                   #   identifiers and paths that fit a bare key's shape)
//! context = '''(?i)github'''        # optional regex that must match within `context_lines`
//! context_lines = 4                 # lines before and after the secret searched for `context`
//! multiline = false                 # the pattern may span many lines (private keys)
//! generic = false                   # a generic rule loses to every provider rule on overlap
//! weak_values = false               # generic password rule: words are passwords too
//! literal_values = false            # with weak_values: unquoted values are literals too
//! priority = 0                      # among provider rules on the same span, highest wins
//! allow = ['''(?i)dummy''']         # the secret matching any of these is not reported
//! repeats_ok = false                # skip the "long run of one character" placeholder check
//! stand_in_passwords = false        # the secret is the password of a URL or connection
//!                                   #   string: conventional stand-ins (`password`, `root`,
//!                                   #   `123`, `${DB_PASS}`) are not reported
//! paired_with = "aws-access-key-id" # the other half of a credential pair: a match within
//! pair_lines = 3                    #   pair_lines also satisfies `context`; the pair is one finding
//! examples.positive = ["token = ghp_..."]
//! examples.negative = ["token = ghp_xxxxxxxx"]
//! ```
//!
//! The secret is the capture group named `secret`, else group 1, else the whole match. A `name`
//! group (generic rules) holds the variable name the value is assigned to; a `host` group naming
//! a documentation domain (`example.com`, `*.example`, `*.test`, `*.invalid`) drops the match.
//! Patterns run on bytes with ASCII semantics: `\w`, `\d`, `\s` and `\b` are ASCII-only and `.`
//! matches any byte.

use ferret_core::{Confidence, Severity};
use regex::bytes::{Regex, RegexBuilder};
use regex_syntax::hir::{Hir, HirKind};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// A rule file: a list of `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default, rename = "rule")]
    pub rules: Vec<SecretRuleSpec>,
}

/// Positive (must be found) and negative (must not be found) examples of a rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub positive: Vec<String>,
    #[serde(default)]
    pub negative: Vec<String>,
}

/// One secret rule as written in TOML.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRuleSpec {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub severity: Severity,
    #[serde(default = "default_confidence")]
    pub confidence: Confidence,
    pub description: String,
    pub remediation: String,
    pub keywords: Vec<String>,
    /// The whole match, with the secret in the group `secret` (required unless `value` is set).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pattern: String,
    /// The shape of a key without a prefix of its own; the rule then matches it as the value
    /// assigned to a key-, token- or secret-like name near one of `keywords`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Values with a larger share of their characters in word-like runs (identifiers such as
    /// `DisassociateSourceFromS3TableIntegration`, paths such as `com/AWSEC2/latest/UserGuide`)
    /// are not reported; for rules whose pattern is a bare run of key characters.
    #[serde(default)]
    pub max_wordiness: Option<f64>,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub context_lines: Option<u32>,
    #[serde(default)]
    pub multiline: bool,
    #[serde(default)]
    pub generic: bool,
    /// For a generic rule about passwords: the value may be a word (`super$ecret`,
    /// `whiteduke`); it is judged as a hard-coded password rather than as a random key.
    #[serde(default)]
    pub weak_values: bool,
    /// For a `weak_values` rule: the pattern's own shape makes the value a literal even when
    /// it is not quoted (`IDENTIFIED BY s3cret`, `-passin pass:s3cret`), where an unquoted word
    /// after `=` or `:` elsewhere would be a variable or a type.
    #[serde(default)]
    pub literal_values: bool,
    #[serde(default)]
    pub priority: i32,
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub repeats_ok: bool,
    /// The secret is the password of a URL's user info or of a connection string: the
    /// conventional stand-ins written there (`password`, `root`, `postgres`, `changeme`, `123`,
    /// a `$VARIABLE`), one list for every such rule (`filters::is_stand_in_connection_password`),
    /// are not reported.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stand_in_passwords: bool,
    /// The secret is base64 (standard or URL-safe, padded or not) whose decoded bytes must
    /// match this regex: tokens with a structure inside, such as Atlassian Data Center
    /// personal access tokens (`<12-digit id>:<random bytes>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<String>,
    /// With `decoded`: the decoded bytes are one whole DER structure (a private key as raw
    /// base64), whose outer length says exactly how many bytes follow. A value cut short or
    /// with other text glued on is not one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub der: bool,
    /// The rule finding the other half of a credential pair (an AWS key ID for a secret key). A
    /// match of it within `pair_lines` lines satisfies `context`, its keywords trigger this rule
    /// too, and the two are reported as one finding with both values masked.
    #[serde(default)]
    pub paired_with: Option<String>,
    #[serde(default)]
    pub pair_lines: Option<u32>,
    /// Words that, in a setting's name, say it holds this provider's credential (`telegram`
    /// in `TELEGRAM_BOT_TOKEN`). Set where the provider's formats are documented and every one
    /// of them has a rule: a value under such a name that none of the provider's rules matches
    /// is a near miss (cut short, a wrong prefix, something else glued on), and the generic
    /// rules leave it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub name_words: Vec<String>,
    #[serde(default)]
    pub examples: Examples,
}

fn default_confidence() -> Confidence {
    Confidence::High
}

/// A rule that could not be compiled.
#[derive(Debug, Clone, thiserror::Error)]
#[error("rule '{id}': {problem}")]
pub struct RuleError {
    pub id: String,
    pub problem: String,
}

/// A rule ready to run.
#[derive(Debug)]
pub struct SecretRule {
    pub spec: SecretRuleSpec,
    pub(crate) context_lines: u32,
    /// Whether the rule needs a `context` match near the secret.
    pub(crate) has_context: bool,
    /// The regexes, built the first time a keyword of the rule is seen: a scan that never
    /// meets a rule's keywords (most rules, on most files) never pays for compiling it.
    compiled: OnceLock<Result<Compiled, RuleError>>,
}

/// A rule's compiled regexes.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) regex: Regex,
    pub(crate) secret_group: usize,
    /// Index of the `name` group (generic rules), `usize::MAX` when absent.
    pub(crate) name_group: usize,
    pub(crate) context: Option<Regex>,
    pub(crate) allow: Vec<Regex>,
    pub(crate) decoded: Option<Regex>,
    /// For a rule with `name_words`: the shape of a whole value, its `secret` group (and other
    /// value groups, such as a legacy format's) anchored at both ends.
    pub(crate) value_shape: Option<Regex>,
}

const DEFAULT_CONTEXT_LINES: u32 = 4;

/// Lines searched for a keyword around a `value` rule's match unless `context_lines` says.
const VALUE_CONTEXT_LINES: u32 = 2;

/// A `value` rule's pattern: the value assigned (`=`, `:`, `:=`, `=>`) to a name that says
/// key, token, secret, password or authorization, quoted or not, optionally after `Bearer`;
/// or to a name that is the service itself, one of the rule's keywords of four letters or
/// digits or more, alone or followed by `_api` (`cloudsmith: "…"`, `railway = '…'`,
/// `deepgram-api: …`). Quotes may be escaped, as in JSON written inside a string
/// (`"{\"api_key\": \"…\"}"`).
fn assignment_pattern(value: &str, keywords: &[String]) -> String {
    let services: Vec<String> = keywords
        .iter()
        .filter(|k| k.len() >= 4 && k.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(|k| regex::escape(k))
        .collect();
    let service_name = if services.is_empty() {
        String::new()
    } else {
        format!(
            r#"|(?:(?m:^)|[^\w.\-"'])["']?(?i:{})(?:[_\-.](?i:api))?"#,
            services.join("|")
        )
    };
    format!(
        r#"(?:(?i:(?:api[_\-.]?)?key|apikey|(?:access[_\-.]?|auth[_\-.]?|api[_\-.]?|bearer[_\-.]?)?token|(?:client[_\-.]?|api[_\-.]?)?secret|password|passwd|pat|credentials?|certificate|authorization)[\w.\-]{{0,40}}?{service_name})\\?["']?\s*(?:=|:{{1,3}}=|:|=>|\?=|\.=)\s*(?:\\?["'`])?(?:Bearer\s+)?(?P<secret>{value})(?:[^A-Za-z0-9_\-]|$)"#
    )
}

/// A `value` rule's default context: one of its keywords, case-insensitively.
fn keyword_context(keywords: &[String]) -> String {
    let words: Vec<String> = keywords.iter().map(|k| regex::escape(k)).collect();
    format!("(?i){}", words.join("|"))
}

/// Checks a pattern's syntax without building it (cheap; the build happens on first use).
fn check_syntax(id: &str, what: &str, pattern: &str) -> Result<(), RuleError> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map(drop)
        .map_err(|e| RuleError {
            id: id.to_string(),
            problem: format!("invalid {what} regex: {}", first_line(&e.to_string())),
        })
}

fn compile(id: &str, what: &str, pattern: &str) -> Result<Regex, RuleError> {
    // ASCII semantics (`\w`, `\d`, `\s`, `\b`, case folding): secrets are ASCII, and Unicode
    // classes make bounded repetitions such as `[\w.-]{0,40}` enormous to compile.
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(16 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .map_err(|e| RuleError {
            id: id.to_string(),
            problem: format!("invalid {what} regex: {}", first_line(&e.to_string())),
        })
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl SecretRule {
    /// Validates and compiles a rule.
    pub fn compile(mut spec: SecretRuleSpec) -> Result<SecretRule, RuleError> {
        let id = spec.id.clone();
        let err = |problem: String| RuleError {
            id: id.clone(),
            problem,
        };
        if spec.id.is_empty()
            || !spec
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(err(
                "id must be non-empty lowercase letters, digits and '-'".into(),
            ));
        }
        for (field, value) in [
            ("name", &spec.name),
            ("provider", &spec.provider),
            ("description", &spec.description),
            ("remediation", &spec.remediation),
        ] {
            if value.trim().is_empty() {
                return Err(err(format!("'{field}' must not be empty")));
            }
        }
        if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.len() < 2) {
            return Err(err(
                "needs at least one keyword of 2 or more characters".into()
            ));
        }
        match (&spec.value, spec.pattern.is_empty()) {
            (Some(_), false) => return Err(err("set 'pattern' or 'value', not both".into())),
            (None, true) => return Err(err("needs a 'pattern' (or a 'value')".into())),
            (Some(value), true) => {
                compile(&spec.id, "value", value)?;
                spec.pattern = assignment_pattern(value, &spec.keywords);
                if spec.context.is_none() {
                    spec.context = Some(keyword_context(&spec.keywords));
                    spec.context_lines = spec.context_lines.or(Some(VALUE_CONTEXT_LINES));
                }
            }
            (None, false) => {}
        }
        check_syntax(&spec.id, "pattern", &spec.pattern)?;
        if let Some(context) = &spec.context {
            check_syntax(&spec.id, "context", context)?;
        }
        for allow in &spec.allow {
            check_syntax(&spec.id, "allow", allow)?;
        }
        if let Some(decoded) = &spec.decoded {
            check_syntax(&spec.id, "decoded", decoded)?;
        }
        if let Some(entropy) = spec.min_entropy {
            if !(0.0..=8.0).contains(&entropy) {
                return Err(err("min_entropy must be between 0 and 8".into()));
            }
        }
        Ok(SecretRule {
            context_lines: spec.context_lines.unwrap_or(DEFAULT_CONTEXT_LINES),
            has_context: spec.context.is_some(),
            spec,
            compiled: OnceLock::new(),
        })
    }

    /// The rule's regexes, built on first use. An error is one the syntax check cannot see
    /// (a pattern over the size limit); [`SecretRule::check`] reports it up front where that
    /// matters (rules from `.ferret.toml`, the built-in rules' test).
    pub(crate) fn compiled(&self) -> Result<&Compiled, &RuleError> {
        self.compiled
            .get_or_init(|| Compiled::build(&self.spec))
            .as_ref()
    }

    /// Builds the regexes now and reports any problem.
    pub fn check(&self) -> Result<(), RuleError> {
        self.compiled().map(drop).map_err(Clone::clone)
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }
}

impl Compiled {
    fn build(spec: &SecretRuleSpec) -> Result<Compiled, RuleError> {
        let regex = compile(&spec.id, "pattern", &spec.pattern)?;
        let secret_group = regex
            .capture_names()
            .position(|name| name == Some("secret"))
            .unwrap_or(if regex.captures_len() > 1 { 1 } else { 0 });
        let name_group = regex
            .capture_names()
            .position(|name| name == Some("name"))
            .unwrap_or(usize::MAX);
        let context = spec
            .context
            .as_deref()
            .map(|c| compile(&spec.id, "context", c))
            .transpose()?;
        let allow = spec
            .allow
            .iter()
            .map(|a| compile(&spec.id, "allow", a))
            .collect::<Result<Vec<_>, _>>()?;
        let decoded = spec
            .decoded
            .as_deref()
            .map(|d| compile(&spec.id, "decoded", d))
            .transpose()?;
        let value_shape = if spec.name_words.is_empty() {
            None
        } else {
            value_shape(&spec.id, &spec.pattern)?
        };
        Ok(Compiled {
            regex,
            secret_group,
            name_group,
            context,
            allow,
            decoded,
            value_shape,
        })
    }
}

/// The regex of a whole value in `pattern`'s shape: its named groups other than `name` and
/// `host` (`secret`, a legacy format's group), as alternatives anchored at both ends; none
/// when the pattern names no value group.
fn value_shape(id: &str, pattern: &str) -> Result<Option<Regex>, RuleError> {
    fn collect(hir: &Hir, out: &mut Vec<String>) {
        match hir.kind() {
            HirKind::Capture(capture) => match capture.name.as_deref() {
                Some("name" | "host") | None => collect(&capture.sub, out),
                Some(_) => out.push(capture.sub.to_string()),
            },
            HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                subs.iter().for_each(|sub| collect(sub, out))
            }
            HirKind::Repetition(repetition) => collect(&repetition.sub, out),
            _ => {}
        }
    }
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| RuleError {
            id: id.to_string(),
            problem: format!("invalid pattern regex: {}", first_line(&e.to_string())),
        })?;
    let mut shapes = Vec::new();
    collect(&hir, &mut shapes);
    if shapes.is_empty() {
        return Ok(None);
    }
    compile(id, "value shape", &format!("^(?:{})$", shapes.join("|"))).map(Some)
}

/// A rule file that is not valid TOML in the rule format.
#[derive(Debug, thiserror::Error)]
#[error("{origin}: {problem}")]
pub struct RuleFileError {
    /// The file, as the caller named it.
    pub origin: String,
    /// The parser's message, on one line.
    pub problem: String,
}

/// Parses a rule file's text. `origin` names the file in errors.
pub fn parse_rule_file(origin: &str, text: &str) -> Result<Vec<SecretRuleSpec>, RuleFileError> {
    toml::from_str::<RuleFile>(text)
        .map(|file| file.rules)
        .map_err(|e| RuleFileError {
            origin: origin.to_string(),
            problem: first_line(&e.to_string()),
        })
}
