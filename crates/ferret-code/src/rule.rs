//! Code rules as data: the YAML format under `rules/code/<language>/`, one rule per document
//! (`---` separates the rules of a small group), and its compiled form.
//!
//! ```yaml
//! id: py-subprocess-shell
//! title: Shell command built at run time
//! language: python            # python | javascript (also TypeScript/TSX) | typescript | go | java
//! severity: high              # critical | high | medium | low | info
//! confidence: high            # high | medium | low
//! cwe: CWE-78
//! owasp: "A03:2021 Injection"
//! message: what is wrong, in one sentence
//! remediation: how to fix it
//! rule:                       # an ast-grep rule: pattern, kind, regex, inside, has, not, all, any, …
//!   pattern: $F($$$, shell=True, $$$)
//! constraints: {}             # optional, ast-grep metavariable constraints
//! resolve:                    # optional: metavariable → the qualified names it must resolve to
//!   F: [subprocess.run, subprocess.call, subprocess.Popen]   # (through imports; `x.*` = any member)
//! taint:                      # optional: report only when attacker data reaches this argument
//!   sink: CMD
//!   class: command            # which sanitizers clear the data (see the taint model)
//! redact: false               # mask string literals in the snippet (hard-coded credentials)
//! supersedes: [py-subprocess-shell-true]   # rules not reported on a line where this one is
//! requires: [csrf_exempt]     # prefilter: a word a file must contain (for structural rules)
//! requires_regex: 'password\s*=\s*["\']'   # prefilter: a regex the file must match, where
//!                             # the words are too common to skip files (a superset of matches)
//! paths:                      # optional: files (by name, globs) the rule does not run on
//!   exclude: ["*dev*.py", "local_settings.py"]
//! examples:
//!   match: [ "subprocess.run(cmd, shell=True)" ]
//!   no_match: [ "subprocess.run(['ls', path])" ]
//! ```

use crate::imports::Imports;
use crate::language::{Language, RuleLanguage};
use crate::SgNode;
use ast_grep_config::{DeserializeEnv, RuleCore, SerializableRule};
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::NodeMatch;
use ast_grep_language::SupportLang;
use ferret_core::{Confidence, Severity};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

/// A rule file that cannot be used, with the file and rule it is in.
#[derive(Debug, thiserror::Error)]
pub enum CodeRuleError {
    #[error("{file}: not a valid rule: {message}")]
    Format { file: String, message: String },
    #[error("{file}: rule {id}: {message}")]
    Rule {
        file: String,
        id: String,
        message: String,
    },
}

/// Examples a rule must and must not match; run as tests.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(rename = "match", default)]
    pub matching: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// Where attacker data must arrive for a taint rule to report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaintSink {
    /// The metavariable (without `$`) holding the dangerous argument.
    pub sink: String,
    /// The sink class (`sql`, `command`, `path`, …): sanitizers of this class clear the data.
    pub class: String,
    /// Report any value not known to be constant or sanitized (parameters, globals), not only
    /// request data: for pattern rules about non-constant SQL or shell text.
    #[serde(default)]
    pub any_origin: bool,
}

/// A rule as written.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRuleSpec {
    pub id: String,
    pub title: String,
    pub language: RuleLanguage,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: String,
    pub owasp: String,
    pub message: String,
    pub remediation: String,
    pub rule: SerializableRule,
    #[serde(default)]
    pub constraints: Option<HashMap<String, SerializableRule>>,
    #[serde(default)]
    pub utils: Option<HashMap<String, SerializableRule>>,
    #[serde(default)]
    pub resolve: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub taint: Option<TaintSink>,
    #[serde(default)]
    pub redact: bool,
    /// Words of which at least one must be in a file for the rule to run there (a prefilter for
    /// structural rules; pattern rules get theirs from the pattern and `resolve`).
    #[serde(default)]
    pub requires: Vec<String>,
    /// A regular expression a file's text must match for the rule to run there: a prefilter
    /// for rules whose words are everywhere (`password`) while what they match is rare
    /// (`password="…"`). It must match wherever the rule can; the examples check that.
    #[serde(default)]
    pub requires_regex: Option<String>,
    /// Rules this one makes redundant where both fire on the same line (a tainted-flow rule
    /// over its pattern-only sibling).
    #[serde(default)]
    pub supersedes: Vec<String>,
    /// Files the rule does not run on, by name.
    #[serde(default)]
    pub paths: PathFilter,
    #[serde(default)]
    pub examples: Examples,
}

/// Which files a rule runs on: `exclude` lists globs matched against the file's name
/// (`*dev*.py`, `local_settings.py`), for settings that are fine in development modules.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathFilter {
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// A rule compiled for each grammar of its family: one matcher per top-level alternative.
///
/// ast-grep's `any` stops at the first alternative whose shape matches, even when that
/// alternative then fails a constraint or (for Ferret) a resolve or taint check, and a later one
/// would pass. So a rule's top-level `any` — and each spelling of a pattern with optional `$$$`
/// arguments ([`ellipsis_variants`]) — is compiled as its own matcher, tried in order.
pub struct Compiled {
    family: RuleLanguage,
    alternatives: Vec<SerializableRule>,
    constraints: Option<HashMap<String, SerializableRule>>,
    utils: Option<HashMap<String, SerializableRule>>,
    /// Each alternative's pattern text, when it is a plain pattern (for the word prefilter).
    patterns: Vec<Option<String>>,
    /// Each alternative's words when it is an `all` (for the word prefilter): see
    /// [`Compiled::conjunct_words`].
    conjuncts: Vec<ConjunctWords>,
    /// Per grammar, compiled the first time a file of that grammar needs it (a scan without Java
    /// files never compiles a Java rule), with the node kinds the matchers can start at.
    matchers: Vec<OnceLock<Grammar>>,
}

/// The words an `all:` alternative's matches must contain: those of its `pattern` items
/// (`all`), and for each of its `any:` items made of patterns, those of one of them (`any`).
#[derive(Default, Clone)]
pub struct ConjunctWords {
    pub all: Vec<String>,
    pub any: Vec<Vec<Vec<String>>>,
}

impl ConjunctWords {
    fn of(alternative: &serde_json::Value) -> ConjunctWords {
        let mut words = ConjunctWords::default();
        let Some(items) = alternative
            .as_object()
            .filter(|map| map.len() == 1)
            .and_then(|map| map.get("all"))
            .and_then(|all| all.as_array())
        else {
            return words;
        };
        let pattern_of = |item: &serde_json::Value| {
            item.as_object()
                .filter(|map| map.len() == 1)
                .and_then(|map| map.get("pattern"))
                .and_then(|p| p.as_str())
                .map(str::to_string)
        };
        for item in items {
            if let Some(pattern) = pattern_of(item) {
                words.all.extend(pattern_words(&pattern));
                continue;
            }
            let choices = item
                .as_object()
                .filter(|map| map.len() == 1)
                .and_then(|map| map.get("any"))
                .and_then(|any| any.as_array());
            if let Some(choices) = choices {
                let sets: Option<Vec<Vec<String>>> = choices
                    .iter()
                    .map(|choice| pattern_of(choice).map(|p| pattern_words(&p)))
                    .collect();
                if let Some(sets) = sets {
                    words.any.push(sets);
                }
            }
        }
        words
    }
}

/// One rule's matchers for one grammar.
#[derive(Default)]
struct Grammar {
    matchers: Vec<RuleCore>,
    /// `None`: some alternative may match a node of any kind.
    kinds: Option<HashSet<u16>>,
    error: Option<String>,
}

impl Compiled {
    /// Reads an ast-grep rule (with constraints and utils) for the grammars of `family`; the
    /// matchers are built on first use ([`Compiled::check`] builds them all now).
    pub fn new(
        family: RuleLanguage,
        rule: &SerializableRule,
        constraints: &Option<HashMap<String, SerializableRule>>,
        utils: &Option<HashMap<String, SerializableRule>>,
    ) -> Result<Compiled, String> {
        let alternatives = alternatives(rule)?;
        let conjuncts = alternatives
            .iter()
            .map(|alternative| {
                serde_json::to_value(alternative)
                    .map(|value| ConjunctWords::of(&value))
                    .unwrap_or_default()
            })
            .collect();
        let patterns = alternatives
            .iter()
            .map(|alternative| match serde_json::to_value(alternative) {
                Ok(serde_json::Value::Object(map)) if map.len() == 1 => map
                    .get("pattern")
                    .and_then(|p| p.as_str())
                    .map(str::to_string),
                _ => None,
            })
            .collect();
        Ok(Compiled {
            family,
            alternatives,
            constraints: constraints.clone(),
            utils: utils.clone(),
            patterns,
            conjuncts,
            matchers: Language::ALL.iter().map(|_| OnceLock::new()).collect(),
        })
    }

    /// Builds the matchers of every grammar, reporting the first that fails.
    pub fn check(&self) -> Result<(), String> {
        for language in self.family.grammars() {
            if let Some(error) = &self.grammar(*language).error {
                return Err(error.clone());
            }
        }
        Ok(())
    }

    fn grammar(&self, language: Language) -> &Grammar {
        self.matchers[language.index()].get_or_init(|| {
            if !self.family.grammars().contains(&language) {
                return Grammar::default();
            }
            match self.compile(language) {
                Ok(matchers) => {
                    use ast_grep_core::Matcher;
                    let mut kinds = Some(HashSet::new());
                    for matcher in &matchers {
                        match (matcher.potential_kinds(), kinds.as_mut()) {
                            (Some(bits), Some(set)) => {
                                set.extend(bits.iter().filter_map(|k| u16::try_from(k).ok()))
                            }
                            _ => kinds = None,
                        }
                    }
                    Grammar {
                        matchers,
                        kinds,
                        error: None,
                    }
                }
                Err(error) => Grammar {
                    error: Some(error),
                    ..Grammar::default()
                },
            }
        })
    }

    fn compile(&self, language: Language) -> Result<Vec<RuleCore>, String> {
        let adapt = |rule: &SerializableRule| adapt_patterns(language, rule);
        let adapt_all = |rules: &Option<HashMap<String, SerializableRule>>| {
            rules
                .as_ref()
                .map(|map| {
                    map.iter()
                        .map(|(k, r)| Ok((k.clone(), adapt(r)?)))
                        .collect::<Result<HashMap<_, _>, String>>()
                })
                .transpose()
        };
        let (constraints, utils) = (adapt_all(&self.constraints)?, adapt_all(&self.utils)?);
        let mut matchers = Vec::new();
        for alternative in &self.alternatives {
            let rule = adapt(alternative)?;
            // Each alternative gets the constraints on the metavariables it binds.
            let text = serde_json::to_string(&rule).map_err(|e| e.to_string())?;
            let own = constraints.as_ref().map(|map| {
                map.iter()
                    .filter(|(name, _)| mentions(&text, name))
                    .map(|(name, rule)| (name.clone(), rule.clone()))
                    .collect::<HashMap<_, _>>()
            });
            let core = ast_grep_config::SerializableRuleCore {
                rule,
                constraints: own,
                utils: utils.clone(),
                transform: None,
            };
            let env = DeserializeEnv::new(language.ast_grep());
            matchers.push(core.get_matcher(env).map_err(|e| e.to_string())?);
        }
        Ok(matchers)
    }

    /// Each top-level alternative's pattern text (`None` for structural rules), in order.
    pub fn patterns(&self) -> &[Option<String>] {
        &self.patterns
    }

    /// Each alternative's words when it is an `all:` of patterns (empty otherwise).
    pub fn conjunct_words(&self) -> &[ConjunctWords] {
        &self.conjuncts
    }

    /// The matchers for `language` (empty when the rule does not run on it), in order.
    pub fn for_language(&self, language: Language) -> &[RuleCore] {
        &self.grammar(language).matchers
    }

    /// The node kinds (tree-sitter kind ids) a match can start at, for `language`; `None` when
    /// any node may match.
    pub fn kinds(&self, language: Language) -> Option<Vec<u16>> {
        let mut kinds: Vec<u16> = self
            .grammar(language)
            .kinds
            .as_ref()?
            .iter()
            .copied()
            .collect();
        kinds.sort_unstable();
        Some(kinds)
    }

    /// Whether `node` matches some alternative whose metavariables also pass `resolve`.
    pub fn matches(
        &self,
        language: Language,
        node: &SgNode<'_>,
        resolve: &BTreeMap<String, Vec<String>>,
        imports: &Imports,
    ) -> bool {
        use ast_grep_core::matcher::MatcherExt;
        self.admits(language, node.kind_id())
            && self
                .for_language(language)
                .iter()
                .filter_map(|matcher| matcher.match_node(node.clone()))
                .any(|matched| resolves(resolve, &matched, imports))
    }

    /// Whether a node of `kind` may start a match in `language`.
    pub fn admits(&self, language: Language, kind: u16) -> bool {
        self.grammar(language)
            .kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&kind))
    }
}

/// Whether a rule's text uses the metavariable `name` (`$NAME` or `$$$NAME`, not `$NAMES`).
pub(crate) fn mentions(text: &str, name: &str) -> bool {
    let needle = format!("${name}");
    text.match_indices(&needle).any(|(at, _)| {
        text[at + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// The literal name a call pattern calls: the last segment of a dotted callee made only of
/// names and metavariables (`$DB.query(` → `query`); `None` when it is a metavariable or the
/// pattern is not a plain call.
pub fn callee_name(pattern: &str) -> Option<String> {
    let callee = callee_text(pattern)?;
    let last = callee.rsplit('.').next()?;
    let plain = !last.is_empty()
        && last.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !last.starts_with(|c: char| c.is_ascii_digit());
    // `$F(` binds any callee; `x = f(` is not a call at the top.
    (plain && (callee.contains('.') || callee == last)).then(|| last.to_string())
}

/// The metavariable a call pattern's whole callee is (`F` for `$F($CMD, $$$)`), if it is one.
pub fn callee_variable(pattern: &str) -> Option<String> {
    metavariable_name(callee_text(pattern)?)
}

/// The metavariable a call pattern's callee ends in (`OP` for `$FS.$OP($PATH)`), if any.
pub fn callee_last_variable(pattern: &str) -> Option<String> {
    metavariable_name(callee_text(pattern)?.rsplit('.').next()?)
}

/// `NAME` for the text `$NAME`.
fn metavariable_name(text: &str) -> Option<String> {
    let name = text.strip_prefix('$')?;
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    plain.then(|| name.to_string())
}

/// What stands before a call pattern's final argument list (`$DB.query` in `$DB.query($Q)`).
fn callee_text(pattern: &str) -> Option<&str> {
    let pattern = pattern.trim();
    if !pattern.ends_with(')') || pattern.starts_with("new ") {
        return None;
    }
    // The `(` that opens the final argument list: the outermost call's arguments.
    let mut depth = 0usize;
    let mut open = None;
    for (at, c) in pattern.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    open = Some(at);
                    break;
                }
            }
            _ => {}
        }
    }
    Some(pattern[..open?].trim_end())
}

/// The words a pattern's matches must contain (identifiers outside metavariables):
/// `$DB.execute($Q)` needs `execute`.
pub fn pattern_words(pattern: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = pattern.char_indices().peekable();
    let mut previous = ' ';
    while let Some((start, c)) = chars.next() {
        if c.is_ascii_alphabetic() || c == '_' {
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = chars.peek() {
                if n.is_ascii_alphanumeric() || n == '_' {
                    end = i + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &pattern[start..end];
            let inside_string = pattern[..start].matches(['"', '\'']).count() % 2 == 1;
            if previous != '$' && word.len() >= 2 && !inside_string {
                words.push(word.to_string());
            }
            previous = ' ';
        } else {
            previous = c;
        }
    }
    words
}

/// The top-level alternatives of a rule: the items of a rule that is only `any: [...]`, and each
/// spelling of a rule that is only `pattern: "…"`; otherwise the rule itself.
fn alternatives(rule: &SerializableRule) -> Result<Vec<SerializableRule>, String> {
    let value = serde_json::to_value(rule).map_err(|e| e.to_string())?;
    let items = match &value {
        serde_json::Value::Object(map) if map.len() == 1 => match map.iter().next() {
            Some((key, serde_json::Value::Array(items))) if key == "any" => items.clone(),
            _ => vec![value.clone()],
        },
        _ => vec![value.clone()],
    };
    let mut out = Vec::new();
    for item in items {
        match &item {
            serde_json::Value::Object(map) if map.len() == 1 => {
                if let Some(serde_json::Value::String(pattern)) = map.get("pattern") {
                    for variant in ellipsis_variants(pattern) {
                        out.push(serde_json::json!({ "pattern": variant }));
                    }
                    continue;
                }
                out.push(item.clone());
            }
            _ => out.push(item.clone()),
        }
    }
    out.into_iter()
        .map(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
        .collect()
}

/// The spellings of a pattern with each trailing `, $$$` (and leading `$$$, `) present or
/// removed: ast-grep's `$$$` after a comma does not match an empty argument list, so
/// `f($A, $$$)` would miss `f(x)`.
fn ellipsis_variants(pattern: &str) -> Vec<String> {
    let mut variants = vec![pattern.to_string()];
    static OPTIONAL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r",\s*\$\$\$[A-Z_]*\s*([)\]}])|([(\[{])\s*\$\$\$[A-Z_]*\s*,\s*")
            .expect("constant regex")
    });
    let optional = &*OPTIONAL;
    for _ in 0..4 {
        let mut next = Vec::new();
        for variant in &variants {
            for found in optional.captures_iter(variant) {
                let whole = found.get(0).map_or(0..0, |m| m.range());
                let keep = found.get(1).or(found.get(2)).map_or("", |m| m.as_str());
                let shorter = format!("{}{keep}{}", &variant[..whole.start], &variant[whole.end..]);
                if !variants.contains(&shorter) && !next.contains(&shorter) {
                    next.push(shorter);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        variants.extend(next);
    }
    variants
}

/// Rewrites patterns so they match what their authors mean:
/// - every pattern also in its spellings without optional `$$$` arguments
///   ([`ellipsis_variants`]);
/// - in Go, `pkg.Name(x)` alone reads as a type conversion, so a call pattern (`db.Query($Q)`)
///   is parsed inside a function body and the call selected (`{context: "func _() { … }",
///   selector: call_expression}`).
fn adapt_patterns(language: Language, rule: &SerializableRule) -> Result<SerializableRule, String> {
    fn one(language: Language, pattern: &str) -> serde_json::Value {
        if language == Language::Go && pattern.trim_end().ends_with(')') {
            let context = format!("func _() {{\n{pattern}\n}}");
            serde_json::json!({"pattern": {"context": context, "selector": "call_expression"}})
        } else {
            serde_json::json!({ "pattern": pattern })
        }
    }
    fn visit(language: Language, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.values_mut().for_each(|v| visit(language, v));
                if let Some(serde_json::Value::String(pattern)) = map.get("pattern").cloned() {
                    let variants = ellipsis_variants(&pattern);
                    if variants.len() == 1 && language != Language::Go {
                        return;
                    }
                    map.remove("pattern");
                    let choices: Vec<serde_json::Value> =
                        variants.iter().map(|v| one(language, v)).collect();
                    let all = map
                        .entry("all")
                        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                    if let serde_json::Value::Array(all) = all {
                        all.push(serde_json::json!({ "any": choices }));
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| visit(language, v)),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(rule).map_err(|e| e.to_string())?;
    visit(language, &mut value);
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// Whether every `resolve` entry holds for a match: the metavariable's text, resolved through the
/// file's imports, is one of the names (`x.*` allows any member of `x`). Entries for
/// metavariables the match does not bind (another alternative's) hold.
pub fn resolves(
    resolve: &BTreeMap<String, Vec<String>>,
    matched: &NodeMatch<'_, StrDoc<SupportLang>>,
    imports: &Imports,
) -> bool {
    resolve.iter().all(|(variable, names)| {
        // A metavariable this alternative of the rule does not bind constrains nothing.
        let Some(node) = matched.get_env().get_match(variable) else {
            return true;
        };
        resolved_is_one_of(&imports.resolve(&node.text()), names)
    })
}

/// Whether a resolved name (`subprocess.run`) is one of `names`, where `m.*` stands for any
/// member of `m`.
pub fn resolved_is_one_of(resolved: &str, names: &[String]) -> bool {
    names.iter().any(|name| match name.strip_suffix(".*") {
        Some(prefix) => resolved
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.')),
        None => resolved == *name,
    })
}

/// A usable rule: the spec and its matchers.
pub struct CodeRule {
    pub spec: CodeRuleSpec,
    pub compiled: Compiled,
    /// `paths.exclude`, compiled.
    excluded: Option<globset::GlobSet>,
    /// `requires_regex`, compiled.
    pub requires_regex: Option<regex::Regex>,
}

/// The node an ast-grep match stands for and the text of a metavariable, for callers.
pub fn metavariable<'r>(
    matched: &NodeMatch<'r, StrDoc<SupportLang>>,
    name: &str,
) -> Vec<SgNode<'r>> {
    let env = matched.get_env();
    match env.get_match(name) {
        Some(node) => vec![node.clone()],
        None => env.get_multiple_matches(name),
    }
}

impl CodeRule {
    /// Checks and compiles a rule read from `file`.
    pub fn compile(spec: CodeRuleSpec, file: &str) -> Result<CodeRule, CodeRuleError> {
        let fail = |message: String| CodeRuleError::Rule {
            file: file.to_string(),
            id: spec.id.clone(),
            message,
        };
        let valid_id = !spec.id.is_empty()
            && spec
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_id {
            return Err(fail("ids are lowercase letters, digits and '-'".into()));
        }
        if !spec.cwe.starts_with("CWE-") {
            return Err(fail(format!(
                "cwe must look like CWE-79, not {:?}",
                spec.cwe
            )));
        }
        if spec.examples.matching.is_empty() || spec.examples.no_match.is_empty() {
            return Err(fail(
                "every rule needs examples that must match and examples that must not".into(),
            ));
        }
        let compiled = Compiled::new(spec.language, &spec.rule, &spec.constraints, &spec.utils)
            .map_err(fail)?;
        let requires_regex =
            compile_requires_regex(spec.requires_regex.as_deref()).map_err(fail)?;
        let excluded = if spec.paths.exclude.is_empty() {
            None
        } else {
            let mut set = globset::GlobSetBuilder::new();
            for pattern in &spec.paths.exclude {
                let glob = globset::GlobBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .map_err(|e| fail(format!("paths.exclude {pattern:?}: {e}")))?;
                set.add(glob);
            }
            Some(set.build().map_err(|e| fail(e.to_string()))?)
        };
        Ok(CodeRule {
            spec,
            compiled,
            excluded,
            requires_regex,
        })
    }

    /// Whether the rule runs on the file at `path` (its name is not excluded).
    pub fn runs_on(&self, path: &str) -> bool {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        self.excluded.as_ref().is_none_or(|set| !set.is_match(name))
    }
}

/// Compiles a `requires_regex` prefilter (of a rule or a taint model).
pub fn compile_requires_regex(pattern: Option<&str>) -> Result<Option<regex::Regex>, String> {
    pattern
        .map(|p| regex::Regex::new(p).map_err(|e| format!("requires_regex: {e}")))
        .transpose()
}

/// Parses a rule file: one rule per YAML document.
pub fn parse_rule_file(file: &str, text: &str) -> Result<Vec<CodeRuleSpec>, CodeRuleError> {
    ast_grep_config::from_multiple::<CodeRuleSpec>(text).map_err(|e| CodeRuleError::Format {
        file: file.to_string(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::ellipsis_variants;

    #[test]
    fn call_patterns_name_their_callee() {
        assert_eq!(
            super::callee_name("$DB.query($Q, $$$)").as_deref(),
            Some("query")
        );
        assert_eq!(super::callee_name("eval($CODE)").as_deref(), Some("eval"));
        assert_eq!(super::callee_name("$F($CMD)"), None);
        assert_eq!(super::callee_name("$X.$M($A)"), None);
        assert_eq!(super::callee_name("new Function($CODE)"), None);
        assert_eq!(super::callee_name("$EL.innerHTML = f($X)"), None);
        assert_eq!(
            super::callee_name("$C.createHash($A).update($D)").as_deref(),
            Some("update")
        );
        assert_eq!(
            super::callee_name("$RESP.getWriter().println($HTML)").as_deref(),
            Some("println")
        );
    }

    #[test]
    fn pattern_words_skip_metavariables_and_strings() {
        assert_eq!(
            super::pattern_words("$DB.execute($QUERY, $$$)"),
            ["execute"]
        );
        assert_eq!(
            super::pattern_words("$F($$$, verify=False, $$$)"),
            ["verify", "False"]
        );
        assert_eq!(
            super::pattern_words("$W.postMessage($MSG, \"*\")"),
            ["postMessage"]
        );
        assert_eq!(
            super::pattern_words("$JWT.verify($$$, { algorithms: [\"none\"] })"),
            ["verify", "algorithms"]
        );
    }

    #[test]
    fn optional_ellipses_are_spelled_out() {
        assert_eq!(
            ellipsis_variants("$F($CMD, shell=True, $$$)"),
            ["$F($CMD, shell=True, $$$)", "$F($CMD, shell=True)"]
        );
        let both = ellipsis_variants("$F($$$, verify=False, $$$)");
        assert!(both.contains(&"$F(verify=False)".to_string()), "{both:?}");
        assert_eq!(both.len(), 4);
        assert_eq!(ellipsis_variants("eval($CODE)"), ["eval($CODE)"]);
    }
}
