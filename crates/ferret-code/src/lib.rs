//! Ferret's code analyzer: insecure code patterns and tainted data flows in Python,
//! JavaScript/TypeScript, Go and Java.
//!
//! - Rules are data (`rules/code/<language>/*.yml`, see [`rule`]): ast-grep rules (patterns with
//!   metavariables, `inside` / `has` / `not` / `follows`, constraints) plus Ferret's metadata,
//!   import resolution ([`imports`]) and, for injection classes, a taint sink ([`taint`]).
//! - Each file is parsed once with tree-sitter; one walk over its syntax tree offers every node
//!   to the rules whose pattern can start at that node's kind.
//! - A finding is metadata like every other Ferret finding (rule, place, redacted snippet,
//!   fingerprint), with the source → sink flow for taint rules.

pub mod constant;
pub mod imports;
pub mod language;
pub mod properties;
pub mod rule;
pub mod taint;

use ast_grep_core::matcher::MatcherExt;
use ast_grep_core::tree_sitter::{LanguageExt, StrDoc};
use ast_grep_language::SupportLang;
use ferret_core::{fingerprint, Category, Finding, FlowStep, Location};
use imports::Imports;
use language::Language;
use language::RuleLanguage;
use rule::{parse_rule_file, resolves, CodeRule, CodeRuleError};
use std::collections::HashMap;
use taint::{TaintContext, TaintModel, TaintModelSpec};

pub use rule::CodeRuleSpec;

/// The code the rules run on, and the file as written when the two differ (properties read
/// from the project's files, see [`properties`]): places and snippets come from the latter.
struct Source<'a> {
    code: &'a str,
    shown: &'a str,
    rewrites: &'a [properties::Rewrite],
}

impl<'a> Source<'a> {
    fn of(code: &'a str) -> Source<'a> {
        Source {
            code,
            shown: code,
            rewrites: &[],
        }
    }
}

/// A syntax-tree node of a parsed file.
pub type SgNode<'r> = ast_grep_core::Node<'r, StrDoc<SupportLang>>;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_code_rules.rs"));
}

/// The rule files compiled into the binary: `(path under rules/code, YAML text)`.
pub fn builtin_rule_files() -> &'static [(&'static str, &'static str)] {
    builtin::BUILTIN_CODE_RULE_FILES
}

/// Files larger than this are not parsed (minified bundles, generated code).
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// For one grammar: which rules may match a node of each kind.
#[derive(Default)]
struct KindIndex {
    by_kind: HashMap<u16, Vec<usize>>,
    any_kind: Vec<usize>,
}

/// What one alternative of a rule needs in a file's text to possibly match there: every word
/// of `all`, and for each group of `any` one of its word sets in full (ids into
/// [`Prefilter::words`]).
#[derive(Default)]
struct Needs {
    all: Vec<usize>,
    any: Vec<Vec<Vec<usize>>>,
    /// Regular expressions (indexes into [`Prefilter::regexes`]) the text must match too.
    regexes: Vec<usize>,
}

/// A word prefilter, so a rule only runs on files that contain the words its matches must
/// contain: one Aho-Corasick pass per file finds which of all the rules' words are present.
struct Prefilter {
    /// Each word, and whether it must stand as a whole token (an identifier of a pattern or
    /// a resolved name, not a substring of a longer one: `get` is not in `getattr`).
    words: Vec<(String, bool)>,
    automaton: Option<aho_corasick::AhoCorasick>,
    /// The rules' and taint models' `requires_regex`, tried only when the words are present.
    regexes: Vec<regex::Regex>,
    /// Per rule, per top-level alternative.
    needs: Vec<Vec<Needs>>,
}

impl Prefilter {
    fn new(rules: &[CodeRule], models: &[TaintModel]) -> Prefilter {
        let mut words: Vec<(String, bool)> = Vec::new();
        // Pattern words and resolved names stand as whole tokens; `requires:` lists are
        // substrings (`req.` as in `req.GET`, `_bp.` in `users_bp.`).
        let intern = |word: &str, whole: bool, words: &mut Vec<(String, bool)>| {
            position_or_push(words, (word.to_string(), whole), |a, b| a == b)
        };
        let token = |word: &str, words: &mut Vec<(String, bool)>| intern(word, true, words);
        let id = |word: &str, words: &mut Vec<(String, bool)>| intern(word, false, words);
        let mut regexes: Vec<regex::Regex> = Vec::new();
        let regex_index = |regex: &regex::Regex, regexes: &mut Vec<regex::Regex>| {
            position_or_push(regexes, regex.clone(), |a, b| a.as_str() == b.as_str())
        };
        let mut needs = Vec::new();
        for rule in rules {
            let spec = &rule.spec;
            let mut per_alternative = Vec::new();
            let conjuncts = rule.compiled.conjunct_words();
            for (pattern, conjunct) in rule.compiled.patterns().iter().zip(conjuncts) {
                let mut need = Needs::default();
                if let Some(pattern) = pattern {
                    for word in rule::pattern_words(pattern) {
                        need.all.push(token(&word, &mut words));
                    }
                }
                for word in &conjunct.all {
                    need.all.push(token(word, &mut words));
                }
                for choices in &conjunct.any {
                    let group = choices
                        .iter()
                        .map(|set| set.iter().map(|w| token(w, &mut words)).collect())
                        .collect();
                    need.any.push(group);
                }
                for (variable, names) in &spec.resolve {
                    let bound = pattern.as_ref().is_none_or(|p| rule::mentions(p, variable));
                    if !bound {
                        continue;
                    }
                    // A resolved name's last segment is in the file (as a call or an import),
                    // and so is its head (`pickle` for `pickle.loads`): resolution only rewrites
                    // a callee's head through an import, which names it. Java is left to the
                    // last segment: `java.lang` is imported without being named.
                    let java = spec.language == RuleLanguage::Java;
                    let group = names
                        .iter()
                        .map(|name| {
                            let name = name.trim_end_matches(".*");
                            let last = name.rsplit(['.', '/']).next().unwrap_or(name);
                            let head = name.split('.').next().unwrap_or(name);
                            let mut set = vec![token(last, &mut words)];
                            if !java && head != last {
                                set.push(token(head, &mut words));
                            }
                            set
                        })
                        .collect();
                    need.any.push(group);
                }
                if let Some(regex) = &rule.requires_regex {
                    need.regexes.push(regex_index(regex, &mut regexes));
                }
                if !spec.requires.is_empty() {
                    let group = spec
                        .requires
                        .iter()
                        .map(|w| vec![id(w, &mut words)])
                        .collect();
                    need.any.push(group);
                }
                // A taint rule needs a source: one of its language's source words.
                let model = models.iter().find(|m| {
                    m.language
                        .grammars()
                        .iter()
                        .any(|g| spec.language.grammars().contains(g))
                });
                let needs_source = spec.taint.as_ref().is_some_and(|t| !t.any_origin);
                if let (true, Some(model)) = (needs_source, model) {
                    if !model.requires.is_empty() {
                        let group = model
                            .requires
                            .iter()
                            .map(|w| vec![id(w, &mut words)])
                            .collect();
                        need.any.push(group);
                    }
                    if let Some(regex) = &model.requires_regex {
                        need.regexes.push(regex_index(regex, &mut regexes));
                    }
                }
                per_alternative.push(need);
            }
            needs.push(per_alternative);
        }
        let automaton = aho_corasick::AhoCorasick::new(words.iter().map(|(w, _)| w)).ok();
        Prefilter {
            words,
            automaton,
            regexes,
            needs,
        }
    }

    /// For each rule, which of its alternatives may match in `text`.
    fn active(&self, text: &str) -> Vec<Vec<bool>> {
        let mut present = vec![self.automaton.is_none(); self.words.len()];
        if let Some(automaton) = &self.automaton {
            let bytes = text.as_bytes();
            let part_of_a_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
            for found in automaton.find_overlapping_iter(text) {
                let word = found.pattern().as_usize();
                let whole = !self.words[word].1
                    || !(found.start() > 0 && part_of_a_name(bytes[found.start() - 1])
                        || bytes.get(found.end()).is_some_and(|&b| part_of_a_name(b)));
                if whole {
                    present[word] = true;
                }
            }
        }
        // Each regex runs at most once per file, and only for a rule whose words are there.
        let mut matched: Vec<Option<bool>> = vec![None; self.regexes.len()];
        let mut matches =
            |i: usize| *matched[i].get_or_insert_with(|| self.regexes[i].is_match(text));
        self.needs
            .iter()
            .map(|alternatives| {
                alternatives
                    .iter()
                    .map(|need| {
                        need.all.iter().all(|w| present[*w])
                            && need.any.iter().all(|group| {
                                group.iter().any(|set| set.iter().all(|w| present[*w]))
                            })
                            && need.regexes.iter().all(|&r| matches(r))
                    })
                    .collect()
            })
            .collect()
    }
}

/// The index of `item` in `items` (by `same`), pushing it first when it is not there.
fn position_or_push<T>(items: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) -> usize {
    match items.iter().position(|existing| same(existing, &item)) {
        Some(i) => i,
        None => {
            items.push(item);
            items.len() - 1
        }
    }
}

/// What a call node calls: its callee's text (`db.query` for `db.query(x)`), for the
/// call-name prefilter.
fn callee_of<'r>(node: &SgNode<'r>) -> Option<std::borrow::Cow<'r, str>> {
    if !matches!(
        node.kind().as_ref(),
        "call" | "call_expression" | "method_invocation"
    ) {
        return None;
    }
    let callee = node.field("function").or_else(|| node.field("name"))?;
    Some(callee.text())
}

/// Which call nodes a top-level alternative can match, known before matching it.
enum CalleeFilter {
    /// Any node (not a call pattern, or a callee the filter cannot read).
    Any,
    /// Calls whose callee ends in this name (`query` for `$DB.query($Q)`).
    Name(String),
    /// Calls whose callee ends in a metavariable with a `regex` constraint
    /// (`$FS.$OP($PATH)` with `OP: {regex: ^(readFile|open)$}`): its last segment must match.
    Regex(regex::Regex),
    /// Calls whose whole callee is a metavariable that `resolve:` restricts
    /// (`$F($CMD)` with `F: [subprocess.run, os.system]`): the callee, resolved through the
    /// imports, must be one of these names.
    Resolved(Vec<String>),
}

impl CalleeFilter {
    fn of(pattern: Option<&str>, spec: &rule::CodeRuleSpec) -> Self {
        let Some(pattern) = pattern else {
            return CalleeFilter::Any;
        };
        if let Some(name) = rule::callee_name(pattern) {
            return CalleeFilter::Name(name);
        }
        // Java's method calls hold the callee's object and name apart.
        let java = spec.language == RuleLanguage::Java;
        if let Some(names) = rule::callee_variable(pattern).and_then(|v| spec.resolve.get(&v)) {
            if !java {
                return CalleeFilter::Resolved(names.clone());
            }
        }
        let constraint = rule::callee_last_variable(pattern)
            .and_then(|v| spec.constraints.as_ref()?.get(&v))
            .and_then(|rule| Option::<String>::from(rule.regex.clone()));
        match constraint.and_then(|r| regex::Regex::new(&r).ok()) {
            Some(regex) => CalleeFilter::Regex(regex),
            None => CalleeFilter::Any,
        }
    }

    /// Whether the call `callee` (its text, and the same resolved through the imports) may
    /// match.
    fn admits(&self, callee: &str, resolved: &dyn Fn() -> String) -> bool {
        match self {
            CalleeFilter::Any => true,
            CalleeFilter::Name(name) => callee.rsplit('.').next().map(str::trim) == Some(name),
            CalleeFilter::Regex(regex) => callee
                .rsplit('.')
                .next()
                .is_some_and(|last| regex.is_match(last.trim())),
            CalleeFilter::Resolved(names) => rule::resolved_is_one_of(&resolved(), names),
        }
    }
}

/// Every code rule and taint model, compiled and indexed.
pub struct CodeAnalyzer {
    rules: Vec<CodeRule>,
    /// Per rule, which calls each alternative can match.
    callees: Vec<Vec<CalleeFilter>>,
    models: Vec<TaintModel>,
    /// Per grammar, built the first time a file of that grammar is analysed.
    index: Vec<std::sync::OnceLock<KindIndex>>,
    prefilter: Prefilter,
}

impl CodeAnalyzer {
    /// The built-in rules and taint models.
    pub fn builtin() -> Result<CodeAnalyzer, CodeRuleError> {
        let mut rules = Vec::new();
        let mut models = Vec::new();
        for (path, text) in builtin_rule_files() {
            let file = format!("rules/code/{path}");
            if path.ends_with("/taint.yml") {
                let spec: TaintModelSpec =
                    ast_grep_config::from_str(text).map_err(|e| CodeRuleError::Format {
                        file: file.clone(),
                        message: e.to_string(),
                    })?;
                models.push(TaintModel::compile(spec, &file)?);
                continue;
            }
            for spec in parse_rule_file(&file, text)? {
                if rules.iter().any(|r: &CodeRule| r.spec.id == spec.id) {
                    return Err(CodeRuleError::Rule {
                        file,
                        id: spec.id,
                        message: "id used twice".into(),
                    });
                }
                rules.push(CodeRule::compile(spec, &file)?);
            }
        }
        for rule in &rules {
            if let Some(unknown) = rule
                .spec
                .supersedes
                .iter()
                .find(|id| !rules.iter().any(|r| r.spec.id == **id))
            {
                return Err(CodeRuleError::Rule {
                    file: "rules/code".into(),
                    id: rule.spec.id.clone(),
                    message: format!("supersedes unknown rule {unknown}"),
                });
            }
        }
        Ok(CodeAnalyzer::new(rules, models))
    }

    fn new(rules: Vec<CodeRule>, models: Vec<TaintModel>) -> CodeAnalyzer {
        let prefilter = Prefilter::new(&rules, &models);
        let callees = rules
            .iter()
            .map(|r| {
                r.compiled
                    .patterns()
                    .iter()
                    .map(|p| CalleeFilter::of(p.as_deref(), &r.spec))
                    .collect()
            })
            .collect();
        CodeAnalyzer {
            index: Language::ALL.iter().map(|_| Default::default()).collect(),
            rules,
            callees,
            models,
            prefilter,
        }
    }

    /// Which rules may match a node of each kind, for one grammar (compiling its matchers).
    fn index(&self, language: Language) -> &KindIndex {
        self.index[language.index()].get_or_init(|| {
            let mut slot = KindIndex::default();
            for (i, rule) in self.rules.iter().enumerate() {
                if !rule.spec.language.grammars().contains(&language) {
                    continue;
                }
                match rule.compiled.kinds(language) {
                    Some(kinds) => {
                        for kind in kinds {
                            slot.by_kind.entry(kind).or_default().push(i);
                        }
                    }
                    None => slot.any_kind.push(i),
                }
            }
            slot
        })
    }

    /// Builds every matcher of every rule and taint model now (they are otherwise built per
    /// grammar on first use), reporting the first that fails.
    pub fn check(&self) -> Result<(), CodeRuleError> {
        for rule in &self.rules {
            rule.compiled
                .check()
                .map_err(|message| CodeRuleError::Rule {
                    file: "rules/code".into(),
                    id: rule.spec.id.clone(),
                    message,
                })?;
        }
        for model in &self.models {
            model.check().map_err(|message| CodeRuleError::Rule {
                file: format!("rules/code/{}/taint.yml", model.language.name()),
                id: "taint model".into(),
                message,
            })?;
        }
        Ok(())
    }

    /// The rules, in load order.
    pub fn rules(&self) -> &[CodeRule] {
        &self.rules
    }

    /// Whether `path` is a file this analyzer reads.
    pub fn handles(path: &str) -> bool {
        Language::of_path(path).is_some()
    }

    /// The findings of every rule in one file. Files in unsupported languages, larger than
    /// [`MAX_FILE_BYTES`] or not UTF-8 give none.
    pub fn analyze(&self, path: &str, content: &[u8]) -> Vec<Finding> {
        self.analyze_with_properties(path, content, &properties::Properties::new())
    }

    /// [`CodeAnalyzer::analyze`], with the values of the project's properties files: in Java,
    /// `getProperty("key", …)` of a key in `properties` reads the file's value (see
    /// [`properties`]). Places and snippets are those of the file as written.
    pub fn analyze_with_properties(
        &self,
        path: &str,
        content: &[u8],
        properties: &properties::Properties,
    ) -> Vec<Finding> {
        let Some(language) = Language::of_path(path) else {
            return Vec::new();
        };
        if skip_reason(path, content).is_some() {
            return Vec::new();
        }
        let Ok(text) = std::str::from_utf8(content) else {
            return Vec::new();
        };
        let resolved = match language {
            Language::Java => properties::resolve_reads(text, properties),
            _ => None,
        };
        let mut findings = match &resolved {
            Some((code, rewrites)) => {
                let read = Source {
                    code,
                    shown: text,
                    rewrites,
                };
                self.analyze_text(path, &read, language, None)
            }
            None => self.analyze_text(path, &Source::of(text), language, None),
        };
        // `# nosec` (bandit, gosec) and `nosemgrep` comments on the line silence code findings,
        // so code already reviewed for those tools needs no second annotation.
        let lines: Vec<&str> = text.lines().collect();
        findings.retain(|f| {
            let line = lines
                .get(f.location.start_line as usize - 1)
                .copied()
                .unwrap_or("");
            !(line.contains("nosec") || line.contains("nosemgrep"))
        });
        findings
    }

    /// Runs the rules (all, or only `only`) on `source` parsed as `language`.
    fn analyze_text(
        &self,
        path: &str,
        source: &Source<'_>,
        language: Language,
        only: Option<usize>,
    ) -> Vec<Finding> {
        let text = source.code;
        let active = self.prefilter.active(text);
        let allowed: Vec<bool> = self.rules.iter().map(|r| r.runs_on(path)).collect();
        let runs = |i: usize| {
            only.is_none_or(|o| o == i)
                && self.rules[i].spec.language.grammars().contains(&language)
                && allowed[i]
                && active[i].iter().any(|a| *a)
        };
        if !(0..self.rules.len()).any(runs) {
            return Vec::new();
        }
        let index = self.index(language);
        let root = language.ast_grep().ast_grep(text);
        let root_node = root.root();
        let imports = Imports::of(&root_node, language);
        let model = self
            .models
            .iter()
            .find(|m| m.language.grammars().contains(&language));
        let mut taint: Option<TaintContext> = None;
        let lines: Vec<&str> = source.shown.lines().collect();
        let mut findings = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for node in root_node.dfs() {
            let kind = node.kind_id();
            let callee = callee_of(&node);
            let resolved = std::cell::OnceCell::new();
            let resolve_callee = || {
                resolved
                    .get_or_init(|| imports.resolve(callee.as_deref().unwrap_or("")))
                    .clone()
            };
            let candidates = index
                .by_kind
                .get(&kind)
                .into_iter()
                .flatten()
                .chain(&index.any_kind);
            for &i in candidates {
                if only.is_some_and(|o| o != i) || !allowed[i] {
                    continue;
                }
                let rule = &self.rules[i];
                let mut hit = None;
                let alternatives = rule
                    .compiled
                    .for_language(language)
                    .iter()
                    .zip(&active[i])
                    .zip(&self.callees[i]);
                for ((matcher, _), _) in alternatives.filter(|((_, on), filter)| {
                    **on && callee
                        .as_deref()
                        .is_none_or(|callee| filter.admits(callee, &resolve_callee))
                }) {
                    let Some(matched) = matcher.match_node(node.clone()) else {
                        continue;
                    };
                    if !resolves(&rule.spec.resolve, &matched, &imports) {
                        continue;
                    }
                    let Some(sink) = &rule.spec.taint else {
                        hit = Some(None);
                        break;
                    };
                    let Some(model) = model else { break };
                    let context =
                        taint.get_or_insert_with(|| TaintContext::of(language, model, &imports));
                    let origin =
                        rule::metavariable(&matched, &sink.sink)
                            .iter()
                            .find_map(|argument| {
                                context.tainted(argument, &sink.class, sink.any_origin)
                            });
                    if origin.is_some() {
                        hit = Some(origin);
                        break;
                    }
                }
                let Some(origin) = hit else { continue };
                let start = node.start_pos();
                if !seen.insert((i, start.line())) {
                    continue;
                }
                findings.push(self.finding(rule, path, &node, &lines, source.rewrites, origin));
            }
        }
        // A rule's finding hides those of the rules it supersedes on the same line.
        let superseded: Vec<(String, u32)> = findings
            .iter()
            .filter_map(|f| Some((self.rules.iter().find(|r| r.spec.id == f.rule_id)?, f)))
            .flat_map(|(rule, f)| {
                rule.spec
                    .supersedes
                    .iter()
                    .map(move |id| (id.clone(), f.location.start_line))
            })
            .collect();
        findings.retain(|f| {
            !superseded
                .iter()
                .any(|(id, line)| *id == f.rule_id && *line == f.location.start_line)
        });
        findings
    }

    fn finding(
        &self,
        rule: &CodeRule,
        path: &str,
        node: &SgNode<'_>,
        lines: &[&str],
        rewrites: &[properties::Rewrite],
        origin: Option<taint::Origin>,
    ) -> Finding {
        let spec = &rule.spec;
        let (start, end) = (node.start_pos(), node.end_pos());
        let location = |line: usize, column: usize, end_line: usize, end_column: usize| Location {
            path: path.to_string(),
            start_line: line as u32 + 1,
            start_column: properties::original_column(line, column, rewrites) as u32 + 1,
            end_line: end_line as u32 + 1,
            end_column: properties::original_column(end_line, end_column, rewrites) as u32 + 1,
        };
        let here = location(
            start.line(),
            start.column(node),
            end.line(),
            end.column(node),
        );
        let line = lines.get(start.line()).copied().unwrap_or("").trim();
        let mut snippet: String = line.chars().take(160).collect();
        if spec.redact {
            snippet = redact_string_literals(&snippet);
        }
        // Identity: the rule, the file and the matched code with whitespace collapsed, so a
        // finding keeps its fingerprint when lines move.
        let matched: String = node.text().split_whitespace().collect::<Vec<_>>().join(" ");
        let flow = match origin {
            Some(origin) => vec![
                FlowStep {
                    location: location(origin.line, origin.column, origin.line, origin.column + 1),
                    message: format!("source: {}", origin.label),
                },
                FlowStep {
                    location: here.clone(),
                    message: format!("sink: {}", spec.title),
                },
            ],
            None => Vec::new(),
        };
        Finding {
            rule_id: spec.id.clone(),
            category: Category::Code,
            severity: spec.severity,
            confidence: spec.confidence,
            title: spec.title.clone(),
            location: here,
            snippet,
            remediation: spec.remediation.clone(),
            fingerprint: fingerprint(&spec.id, path, matched.as_bytes()),
            secret: None,
            provenance: None,
            occurrences: Vec::new(),
            flow,
            value_fingerprint: String::new(),
            masked_values: Vec::new(),
        }
    }

    /// Runs a rule's examples: every `match` snippet must give a finding of the rule and no
    /// `no_match` snippet may. Returns the first failure, described in one line.
    pub fn check_examples(&self, index: usize) -> Option<String> {
        let rule = self.rules.get(index)?;
        let spec = &rule.spec;
        for language in spec.language.grammars() {
            let path = match language {
                Language::Tsx => "example.tsx",
                Language::TypeScript => "example.ts",
                _ => spec.language.example_path(),
            };
            for example in &spec.examples.matching {
                if self
                    .analyze_text(path, &Source::of(example), *language, Some(index))
                    .is_empty()
                {
                    return Some(format!(
                        "{}: not matched ({language:?}): {example:?}",
                        spec.id
                    ));
                }
            }
            for example in &spec.examples.no_match {
                if !self
                    .analyze_text(path, &Source::of(example), *language, Some(index))
                    .is_empty()
                {
                    return Some(format!("{}: matched ({language:?}): {example:?}", spec.id));
                }
            }
        }
        None
    }
}

/// Deepest bracket nesting a file may have; real code stays far below it, and deeper syntax
/// trees would exhaust the stack of the recursive matchers.
pub const MAX_NESTING: usize = 500;

/// Why a source file of a supported language is not analysed, if it is not: too large,
/// minified or generated (`*.min.js`, a line over 5,000 bytes: not code anyone reviews), nested
/// deeper than [`MAX_NESTING`] brackets (hostile or generated), or not UTF-8.
pub fn skip_reason(path: &str, content: &[u8]) -> Option<&'static str> {
    if content.len() > MAX_FILE_BYTES {
        return Some("larger than 1 MiB: not analysed for insecure code");
    }
    if std::str::from_utf8(content).is_err() {
        return Some("not UTF-8: not analysed for insecure code");
    }
    const MINIFIED: &str = "minified or generated: not analysed for insecure code";
    if path.ends_with(".min.js") {
        return Some(MINIFIED);
    }
    // One pass for both: line length (a line over 5,000 bytes) and bracket depth.
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut line_start = 0usize;
    for (i, byte) in content.iter().enumerate() {
        match byte {
            b'\n' => {
                if i - line_start > 5_000 {
                    return Some(MINIFIED);
                }
                line_start = i + 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if content.len() - line_start > 5_000 {
        return Some(MINIFIED);
    }
    if deepest > MAX_NESTING {
        return Some("nested more than 500 brackets deep: not analysed for insecure code");
    }
    None
}

/// Replaces the inside of every quoted string literal with `*****` (hard-coded credentials in
/// snippets).
pub fn redact_string_literals(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut quote: Option<char> = None;
    let mut masked = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => {
                if !masked {
                    out.push_str("*****");
                    masked = true;
                }
            }
            None => {
                if matches!(c, '"' | '\'' | '`') {
                    quote = Some(c);
                    masked = false;
                }
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the built-in rules report `rule` in `code`, scanned as `path`.
    fn reports(analyzer: &CodeAnalyzer, path: &str, code: &str, rule: &str) -> bool {
        analyzer
            .analyze(path, code.as_bytes())
            .iter()
            .any(|f| f.rule_id == rule)
    }

    #[test]
    fn deep_minified_and_large_files_are_skipped_with_a_reason() {
        let deep = format!("eval({}x{})", "(\n".repeat(600), ")\n".repeat(600));
        assert!(skip_reason("a.py", deep.as_bytes()).is_some_and(|r| r.contains("nested")));
        let flat = format!("eval({}x{})", "(\n".repeat(50), ")\n".repeat(50));
        assert_eq!(skip_reason("a.py", flat.as_bytes()), None);
        assert!(skip_reason("app.min.js", b"x").is_some());
        assert!(skip_reason("a.py", &[0xff, 0xfe]).is_some());
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        assert!(analyzer.analyze("a.py", deep.as_bytes()).is_empty());
    }

    #[test]
    fn excluded_file_names_are_not_checked_by_the_rule() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let settings = "DEBUG = True\nINSTALLED_APPS = [\"shop\"]\n";
        let rules = |path: &str| -> Vec<String> {
            analyzer
                .analyze(path, settings.as_bytes())
                .into_iter()
                .map(|f| f.rule_id)
                .collect()
        };
        assert_eq!(rules("shop/settings/production.py"), ["py-django-debug"]);
        assert!(rules("shop/settings/dev.py").is_empty());
        assert!(rules("shop/local_settings.py").is_empty());
        assert!(rules("shop/settings.example.py").is_empty());
    }

    #[test]
    fn requires_regex_skips_files_where_only_the_words_are() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let index = |id: &str| analyzer.rules.iter().position(|r| r.spec.id == id).unwrap();
        let runs =
            |id: &str, text: &str| analyzer.prefilter.active(text)[index(id)].contains(&true);
        // The words are there, the shapes are not: neither rule runs.
        let prose =
            "import requests\n# the password and token go in the request\nrandom_state = None\n";
        assert!(!runs("py-hardcoded-password", prose));
        assert!(!runs("py-sql-injection", prose));
        // The shapes are there: both run, and find.
        let code = "from flask import request\ndef view():\n    db.execute(\"SELECT \" + request.args[\"q\"])\n    connect(password=\"Vr7!pq2Lx\")\n";
        assert!(runs("py-hardcoded-password", code));
        assert!(runs("py-sql-injection", code));
        let found: Vec<String> = analyzer
            .analyze("app.py", code.as_bytes())
            .into_iter()
            .map(|f| f.rule_id)
            .collect();
        assert!(
            found.contains(&"py-hardcoded-password".to_string()),
            "{found:?}"
        );
        assert!(found.contains(&"py-sql-injection".to_string()), "{found:?}");
        // A regex that does not compile is a rule error, not a panic.
        let spec = parse_rule_file(
            "bad.yml",
            "id: bad\ntitle: t\nlanguage: python\nseverity: low\nconfidence: low\ncwe: CWE-1\nowasp: x\nmessage: m\nremediation: r\nrule:\n  pattern: eval($X)\nrequires_regex: '(unclosed'\nexamples:\n  match: [\"eval(x)\"]\n  no_match: [\"x\"]\n",
        )
        .expect("parses")
        .remove(0);
        let error = CodeRule::compile(spec, "bad.yml").err().expect("rejected");
        assert!(error.to_string().contains("requires_regex"), "{error}");
    }

    #[test]
    fn taint_follows_calls_within_a_file_but_not_past_the_depth_limit() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let chain = |hops: usize| {
            let mut code = String::from("import os\nfrom flask import request\n");
            code.push_str("def f0(x):\n    os.system(\"ping \" + x)\n");
            for i in 1..hops {
                code.push_str(&format!("def f{i}(x):\n    f{}(x)\n", i - 1));
            }
            code.push_str(&format!(
                "def view():\n    f{}(request.args[\"h\"])\n",
                hops - 1
            ));
            analyzer
                .analyze("app.py", code.as_bytes())
                .iter()
                .any(|f| f.rule_id == "py-command-injection")
        };
        assert!(chain(1));
        assert!(chain(3));
        assert!(!chain(5));
    }

    #[test]
    fn taint_joins_branches_and_a_sink_in_a_branch_sees_that_branch_alone() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let reported = |path: &str, code: &str, rule: &str| {
            analyzer
                .analyze(path, code.as_bytes())
                .iter()
                .any(|f| f.rule_id == rule)
        };
        let java = |body: &str| {
            let code = format!(
                "class T {{ void f(HttpServletRequest request, Statement st) throws Exception {{\n\
                 String p = request.getParameter(\"p\");\n{body}\n\
                 st.executeQuery(\"SELECT \" + q); }} }}"
            );
            reported("T.java", &code, "java-sql-injection")
        };
        // One case of a switch keeps the data, so the query may carry it.
        assert!(java(
            "String q; switch (p.length()) { case 1: q = p; break; default: q = \"a\"; }"
        ));
        // Every case replaces it.
        assert!(!java(
            "String q = p; switch (p.length()) { case 1: q = \"b\"; break; default: q = \"a\"; }"
        ));
        // Without a default, the value from before the switch may come through.
        assert!(java(
            "String q = p; switch (p.length()) { case 1: q = \"b\"; break; }"
        ));
        // A catch handler may run instead of the end of the try block.
        assert!(java(
            "String q = p; try { q = \"a\"; } catch (Exception e) { q = p; }"
        ));
        // A sink in the else branch does not see the then branch's assignment.
        let go = "package main\nimport (\"net/http\"; \"os/exec\")\n\
                  func h(w http.ResponseWriter, r *http.Request) {\n\
                  c := \"ls\"\n\
                  if len(r.URL.Path) > 3 { c = r.FormValue(\"c\") } else { exec.Command(\"sh\", \"-c\", c).Run() }\n}\n";
        assert!(!reported("h.go", go, "go-shell-command-injection"));
        assert!(reported(
            "h.go",
            &go.replace("} else { exec", "}\n{ exec"),
            "go-shell-command-injection"
        ));
    }

    #[test]
    fn collections_with_literal_indices_and_keys_are_read_element_by_element() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let java = |body: &str| {
            let code = format!(
                "class T {{ void f(HttpServletRequest request, Statement st) throws Exception {{\n\
                 String p = request.getParameter(\"p\");\n{body}\n\
                 st.executeQuery(\"SELECT \" + q); }} }}"
            );
            reports(&analyzer, "T.java", &code, "java-sql-injection")
        };
        let list = "java.util.List<String> l = new java.util.ArrayList<String>();\n\
                    l.add(\"safe\"); l.add(p); l.add(\"moresafe\"); l.remove(0);";
        // After removing the first element, index 1 is the last safe value, index 0 the data.
        assert!(!java(&format!("{list}\nString q = l.get(1);")));
        assert!(java(&format!("{list}\nString q = l.get(0);")));
        let map =
            "java.util.HashMap<String, Object> m = new java.util.HashMap<String, Object>();\n\
                   m.put(\"keyA\", \"a_Value\"); m.put(\"keyB\", p);";
        assert!(!java(&format!(
            "{map}\nString q = (String) m.get(\"keyA\");"
        )));
        assert!(java(&format!(
            "{map}\nString q = (String) m.get(\"keyB\");"
        )));
        // A key or index that is not a literal, or the collection handed to another method,
        // and the collection holds everything put into it.
        assert!(java(&format!(
            "{map}\nString k = request.getHeader(\"k\");\nString q = (String) m.get(k);"
        )));
        assert!(java(&format!("{list}\nhelper(l);\nString q = l.get(1);")));
        // A list grown past the elements followed is forgotten, and holds all it was given.
        let long = "l.add(\"more\");\n".repeat(70);
        assert!(java(&format!("{list}\n{long}String q = l.get(1);")));
        // Branches that disagree about the elements forget them.
        assert!(java(&format!(
            "{list}\nif (p.isEmpty()) {{ l.remove(0); }}\nString q = l.get(0);"
        )));
    }

    #[test]
    fn a_static_method_given_only_literals_is_not_a_value_of_unknown_origin() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let dynamic = |command: &str| {
            let code = format!(
                "class R {{ void r(String name) throws Exception {{ \
                 Runtime.getRuntime().exec({command} + \" --version\"); }} }}"
            );
            reports(&analyzer, "R.java", &code, "java-exec-dynamic")
        };
        assert!(!dynamic("org.acme.helpers.Utils.commandFor(\"echo\")"));
        assert!(!dynamic("Utils.commandFor(\"echo\")"));
        // A variable, an argument that is not a literal, or an object's method: still unknown.
        assert!(dynamic("Utils.commandFor(name)"));
        assert!(dynamic("helper.commandFor(\"echo\")"));
        assert!(dynamic("Utils.defaultCommand()"));
    }

    #[test]
    fn guards_clear_the_value_they_check_and_only_for_what_they_check() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let sql = |guard: &str| {
            let code = format!(
                "from flask import abort, request
                 def find():
    name = request.args[\"n\"]
{guard}
                     cursor.execute(\"SELECT * FROM t WHERE n = '\" + name + \"'\")
"
            );
            reports(&analyzer, "app.py", &code, "py-sql-injection")
        };
        // A check of the value's characters clears it for every class.
        assert!(!sql("    if not name.isalnum():\n        abort(400)"));
        assert!(sql("    pass"));
        // A check of something else about it, or of its parent steps for a SQL sink, does not.
        assert!(sql(
            "    if not name.startswith(\"a\"):\n        abort(400)"
        ));
        assert!(sql("    if \"..\" in name:\n        abort(400)"));
        // A method that says nothing of the receiver's text: Django's validated form.
        let django = "def view(request):\n    form = NameForm(request.POST)\n                          if form.is_valid():\n        cursor.execute(\"SELECT * FROM t WHERE n = '\"                       + form.cleaned_data[\"name\"] + \"'\")\n";
        assert!(reports(&analyzer, "views.py", django, "py-sql-injection"));
    }

    #[test]
    fn branches_whose_condition_folds_to_a_constant_are_not_taken() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let python = |choose: &str| {
            let code = format!(
                "import os\nfrom flask import request\n\
                 def run():\n    param = request.args[\"c\"]\n    num = 106\n    guess = \"ABC\"[1]\n\
                 {choose}\n    os.system(\"echo \" + bar)\n"
            );
            analyzer
                .analyze("app.py", code.as_bytes())
                .iter()
                .any(|f| f.rule_id == "py-command-injection")
        };
        // 7 * 18 + 106 = 232 > 200: the first value is always the one.
        assert!(!python(
            "    bar = \"safe\" if 7 * 18 + num > 200 else param"
        ));
        assert!(python(
            "    bar = param if 7 * 18 + num > 200 else \"safe\""
        ));
        assert!(!python(
            "    if (7 * 18) + num <= 200:\n        bar = param\n    else:\n        bar = \"safe\""
        ));
        // "ABC"[1] is "B".
        let matching = |case_b: &str| {
            format!(
                "    match guess:\n        case 'A':\n            bar = param\n        case 'B':\n            bar = {case_b}\n        case _:\n            bar = param"
            )
        };
        assert!(!python(&matching("'bob'")));
        assert!(python(&matching("param")));
        // A value the walk cannot know keeps both branches.
        assert!(python(
            "    if len(param) > 3:\n        bar = param\n    else:\n        bar = \"safe\""
        ));
        // Java: `charAt` on a constant, and `case 'C': case 'D':` falling through.
        let java = |index: usize| {
            let code = format!(
                "class T {{ void f(HttpServletRequest request, Statement st) throws Exception {{\n\
                 String param = request.getParameter(\"p\"); String bar;\n\
                 char target = \"ABC\".charAt({index});\n\
                 switch (target) {{ case 'A': bar = \"a\"; break; case 'B': bar = \"b\"; break;\n\
                 case 'C': case 'D': bar = param; break; default: bar = \"d\"; }}\n\
                 st.executeQuery(\"SELECT \" + bar); }} }}"
            );
            analyzer
                .analyze("T.java", code.as_bytes())
                .iter()
                .any(|f| f.rule_id == "java-sql-injection")
        };
        assert!(!java(0));
        assert!(java(2));
    }

    #[test]
    fn a_call_of_a_function_of_the_file_carries_only_the_arguments_its_return_reads() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let python = |helper: &str| {
            let code = format!(
                "import os\nfrom flask import request\n{helper}\n\
                 def run():\n    os.system(\"echo \" + helper(request.args[\"c\"], \"x\"))\n"
            );
            analyzer
                .analyze("app.py", code.as_bytes())
                .iter()
                .any(|f| f.rule_id == "py-command-injection")
        };
        assert!(python(
            "def helper(value, other):\n    return value.strip()"
        ));
        assert!(!python(
            "def helper(value, other):\n    return other.strip()"
        ));
        assert!(!python(
            "def helper(value, other):\n    if len(value) > 3:\n        return \"long\"\n    return \"short\""
        ));
        // Java: a method of a class of the file, called on a new instance.
        let java = |body: &str| {
            let code = format!(
                "class T {{ void f(HttpServletRequest request, Statement st) throws Exception {{\n\
                 String bar = new Helper().pick(request.getParameter(\"p\"));\n\
                 st.executeQuery(\"SELECT \" + bar); }}\n\
                 private class Helper {{ String pick(String param) {{ {body} }} }} }}"
            );
            analyzer
                .analyze("T.java", code.as_bytes())
                .iter()
                .any(|f| f.rule_id == "java-sql-injection")
        };
        assert!(java("return param + \"x\";"));
        assert!(!java(
            "String bar = \"safe\"; char c = \"ABC\".charAt(1); if (c == 'A') bar = param; return bar;"
        ));
    }

    #[test]
    fn a_very_deep_expression_does_not_exhaust_the_stack() {
        let analyzer = CodeAnalyzer::builtin().expect("rules load");
        let terms = vec!["1"; 3000].join(" +\n        ");
        let code = format!(
            "import os\nfrom flask import request\ndef f():\n    num = ({terms})\n\
             \x20   bar = request.args[\"x\"] if num > 3 else \"a\"\n    os.system(\"echo \" + bar)\n"
        );
        let findings = analyzer.analyze("deep.py", code.as_bytes());
        assert!(findings.iter().any(|f| f.rule_id == "py-command-injection"));
    }

    #[test]
    fn string_literals_are_masked() {
        assert_eq!(
            redact_string_literals(r#"password = "hunter2" + 'x'"#),
            r#"password = "*****" + '*****'"#
        );
        assert_eq!(redact_string_literals("x = ''"), "x = ''");
    }
}
