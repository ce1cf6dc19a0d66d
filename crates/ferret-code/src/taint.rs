//! Intraprocedural taint: does attacker data reach a sink argument inside one function?
//!
//! Each language family has a taint model (`rules/code/<language>/taint.yml`): **sources**,
//! ast-grep rules for expressions that hold request data (`request.args`, `req.query`,
//! `r.FormValue(…)`) or for parameters that do (a FastAPI route's arguments, a Spring
//! `@RequestParam`), and **sanitizers**, expressions that make data safe for some sink classes
//! (`shlex.quote` for commands, `int(…)` for everything).
//!
//! A taint rule's sink matches first (the ordinary single pass); only then are the sources and
//! sanitizers searched, in the scopes the check reads (the module level and the function around
//! the sink), each scope once per file. The function around the sink is walked in source order — assignments, augmented assignments, destructuring and
//! `for` loops move taint to the names they bind, a clean assignment clears a name, a call
//! that puts a value into a collection or builder (`args.append(v)`, `sb.append(v)`,
//! `parts.push(v)`) taints it — and the
//! sink argument is tainted when it contains a source or a tainted name outside a sanitizer of
//! the sink's class. Propagation goes through concatenation, f-strings and template literals,
//! `format`, collection literals and method calls on tainted values, because each of those
//! has the tainted part inside it. It does not go through arithmetic other than `+` (a number)
//! or from a key to what a table holds (`ALLOWED[name]`, `hosts.get(name)`: the program's own
//! values, an allowlist). A list or map created empty in the function and changed only with
//! literal indices and keys is followed element by element (`l.remove(0); l.get(1)`,
//! `m.get("keyA")`), up to 64 elements; anything else done to it makes it hold all it was given.
//!
//! Paths: the branches of an `if`, the cases of a `switch`/`match`, a `try`'s handlers and a
//! loop's body are walked from the same state and joined where they meet — a name is tainted
//! when any path taints it and clean only when every path cleans it (with the state before
//! them when no branch has to run: `if x is None: x = ""` keeps `x`'s taint). A sink inside a
//! branch sees that branch alone. A condition or `switch` subject that folds to a constant
//! ([`crate::constant`]) runs only the branch it selects. A guard sanitizer in an `if`
//! condition (`if not url_has_allowed_host_and_scheme(url=next): …`) cleans the names passed to
//! it (or, for a comparison guard such as `if "'" in name:`, the names it compares; for a
//! method given only literals, `name.isalnum()`, the name it is called on) from there on,
//! whichever way the check went.
//!
//! Across functions of the same file, two steps (to a depth of [`MAX_CALL_DEPTH`] calls):
//! - **into a call**: when the sink is inside a function and one of that function's parameters
//!   reaches it, each call of the function in the file is checked for attacker data in that
//!   argument (`def run(cmd): os.system(cmd)` … `run(request.args["c"])`);
//! - **out of a call**: a call of a function of the file whose `return` carries attacker data is
//!   attacker data (`def name(): return request.args["n"]` … `cursor.execute("…" + name())`).
//!
//! Functions are found by name (`f(…)`, and `self.f(…)` / `this.f(…)` for methods); a name
//! defined more than once is followed into every definition.

use crate::constant::{self, Constant, Constants};
use crate::imports::Imports;
use crate::language::{Language, RuleLanguage};
use crate::rule::{CodeRuleError, Compiled};
use crate::SgNode;
use ast_grep_config::SerializableRule;
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// How many calls deep taint is followed into and out of the file's functions.
pub const MAX_CALL_DEPTH: u8 = 3;

/// How deep in the syntax tree the walk and the expression check go (`1 + 1 + … + 1` written
/// two thousand times is that deep): deeper nodes are not read, so the checks stay within the
/// stack of a scan thread.
const MAX_NESTING: usize = 256;

/// Counts one level of nesting while it lives.
struct Nested<'c>(&'c Cell<usize>);

impl Drop for Nested<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// A source as written in a taint model.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    pub id: String,
    /// What the data is, for the finding's flow (`Flask request data`).
    pub label: String,
    pub rule: SerializableRule,
    #[serde(default)]
    pub constraints: Option<HashMap<String, SerializableRule>>,
    #[serde(default)]
    pub resolve: BTreeMap<String, Vec<String>>,
    /// The rule matches a function or a parameter: the parameter names it declares hold
    /// attacker data inside that function.
    #[serde(default)]
    pub parameters: bool,
}

/// A sanitizer as written in a taint model.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanitizerSpec {
    pub id: String,
    /// Sink classes it makes data safe for; `all` for every class.
    pub classes: Vec<String>,
    pub rule: SerializableRule,
    #[serde(default)]
    pub constraints: Option<HashMap<String, SerializableRule>>,
    #[serde(default)]
    pub resolve: BTreeMap<String, Vec<String>>,
    /// A check rather than a transformation (`url_has_allowed_host_and_scheme(url)`): the
    /// names passed to it (or, for a comparison such as `"'" in name`, the names it compares)
    /// in an `if` condition count as sanitized in that `if`'s branches and after it. Which way
    /// the check went is not read (`if not ok(x): log(x)` also clears `x`).
    #[serde(default)]
    pub guard: bool,
    /// For a guard that is a method: it checks the value it is called on (`name.isalnum()`,
    /// `path.contains("..")`, given only literals), so that name is what gets cleared. Not
    /// for checks that say nothing of the receiver's text (Django's `form.is_valid()` leaves
    /// `form.cleaned_data` attacker data).
    #[serde(default)]
    pub receiver: bool,
}

/// What a sanitizer found in a file clears.
#[derive(Clone, Copy, PartialEq)]
enum Clears {
    /// The value it returns (`html.escape(x)`).
    Value,
    /// As a guard in an `if` condition: the names passed to it, or compared by it.
    CheckedArguments,
    /// As a guard: the name it is called on.
    CheckedReceiver,
}

/// A taint model file.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaintModelSpec {
    pub language: RuleLanguage,
    /// Words of which one is in every file where a source can match (a prefilter: taint rules
    /// do not run on files without any).
    #[serde(default)]
    pub requires: Vec<String>,
    /// A regular expression every file where a source can match matches (a stricter prefilter
    /// than `requires`, for words that are everywhere: `request` is in every file that uses
    /// the `requests` library, `request.GET` is not).
    #[serde(default)]
    pub requires_regex: Option<String>,
    #[serde(default)]
    pub sources: Vec<SourceSpec>,
    #[serde(default)]
    pub sanitizers: Vec<SanitizerSpec>,
}

struct Source {
    spec: SourceSpec,
    compiled: Compiled,
}

struct Sanitizer {
    spec: SanitizerSpec,
    compiled: Compiled,
}

/// The compiled sources and sanitizers of one language family.
pub struct TaintModel {
    pub language: RuleLanguage,
    pub requires: Vec<String>,
    pub requires_regex: Option<regex::Regex>,
    sources: Vec<Source>,
    sanitizers: Vec<Sanitizer>,
}

impl TaintModel {
    /// Builds every source's and sanitizer's matchers, reporting the first that fails.
    pub fn check(&self) -> Result<(), String> {
        let sources = self.sources.iter().map(|s| (&s.spec.id, &s.compiled));
        let sanitizers = self.sanitizers.iter().map(|s| (&s.spec.id, &s.compiled));
        for (id, compiled) in sources.chain(sanitizers) {
            compiled.check().map_err(|e| format!("{id}: {e}"))?;
        }
        Ok(())
    }

    pub fn compile(spec: TaintModelSpec, file: &str) -> Result<TaintModel, CodeRuleError> {
        let fail = |id: &str, message: String| CodeRuleError::Rule {
            file: file.to_string(),
            id: id.to_string(),
            message,
        };
        let requires_regex = crate::rule::compile_requires_regex(spec.requires_regex.as_deref())
            .map_err(|m| fail("requires_regex", m))?;
        let mut sources = Vec::new();
        for source in spec.sources {
            let compiled = Compiled::new(spec.language, &source.rule, &source.constraints, &None)
                .map_err(|m| fail(&source.id, m))?;
            sources.push(Source {
                spec: source,
                compiled,
            });
        }
        let mut sanitizers = Vec::new();
        for sanitizer in spec.sanitizers {
            let compiled = Compiled::new(
                spec.language,
                &sanitizer.rule,
                &sanitizer.constraints,
                &None,
            )
            .map_err(|m| fail(&sanitizer.id, m))?;
            sanitizers.push(Sanitizer {
                spec: sanitizer,
                compiled,
            });
        }
        Ok(TaintModel {
            language: spec.language,
            requires: spec.requires,
            requires_regex,
            sources,
            sanitizers,
        })
    }
}

/// Where attacker data came from: a 0-based line and column and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub line: usize,
    pub column: usize,
    pub label: String,
}

/// The sources and sanitizers found so far in one file's scopes.
#[derive(Default)]
struct Found {
    /// Expression sources: byte range and origin.
    sources: Vec<(Range<usize>, Origin)>,
    /// Parameter sources: the function's byte range, the names and their origin.
    parameters: Vec<(Range<usize>, Vec<String>, Origin)>,
    /// Sanitizer calls: byte range, the classes they clear and what they clear.
    sanitizers: Vec<(Range<usize>, Vec<String>, Clears)>,
    /// Scopes (the module level, functions) already searched, by byte range.
    scanned: Vec<Range<usize>>,
}

/// Taint in one parsed file. Sources and sanitizers are searched per scope, the first time a
/// sink in that scope is checked: the module level (outside every function) and the function
/// around the sink, which is all the walk reads.
pub struct TaintContext<'m> {
    language: Language,
    model: &'m TaintModel,
    found: std::cell::RefCell<Found>,
    /// Names bound by imports: modules and functions, never data.
    imports: Imports,
    /// What the module level binds, per (sink class, any-origin mode): computed once per file.
    module: std::cell::RefCell<HashMap<(String, bool), Bindings>>,
    /// The file's function definitions and calls by name, built on first need.
    functions: RefCell<Option<FunctionIndex>>,
    /// Whether a function's `return` carries attacker data, per (name, sink class).
    returns: RefCell<HashMap<(String, String), Option<Origin>>>,
    /// What the callers in the file pass to each parameter of a function, per (function,
    /// sink class).
    passed: RefCell<HashMap<(Range<usize>, String), PassedToParameters>>,
    /// Which parameters of a function of the file reach its `return`, per (name, sink class):
    /// the parameter names (of the first definition) and, by position, whether each flows.
    flows: RefCell<HashMap<(String, String), Option<ParameterFlows>>>,
    /// Calls followed so far on the way to the current check.
    depth: Cell<u8>,
    /// How deep the walk and the expression check are in the syntax tree right now.
    nesting: Cell<usize>,
}

/// The functions defined in a file and the calls made in it, by the called name.
#[derive(Default)]
struct FunctionIndex {
    definitions: HashMap<String, Vec<Range<usize>>>,
    calls: HashMap<String, Vec<Range<usize>>>,
}

/// A function's parameter names and, by position, whether each reaches its `return`.
type ParameterFlows = (Vec<String>, Vec<bool>);

/// For each parameter of a function, the attacker data its callers pass there.
type PassedToParameters = Vec<Option<Origin>>;

/// Call node kinds, per family (Java's is `method_invocation`).
const CALLS: &[&str] = &["call", "call_expression", "method_invocation"];

/// Comparisons a guard sanitizer may be (Python's `"'" in name`).
const COMPARISONS: &[&str] = &["comparison_operator", "binary_expression"];

/// Methods that put their arguments into the object they are called on: Python lists and sets,
/// JavaScript arrays, Java collections and string builders.
const MUTATORS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "add",
    "addAll",
    "push",
    "unshift",
    "put",
    "update",
    "setdefault",
    "write",
];

/// For `x.append(v)` and its kin: the receiver `x` (a plain name) and the arguments.
fn mutation<'r>(call: &SgNode<'r>) -> Option<(String, SgNode<'r>)> {
    let (receiver, method) = method_call(call)?;
    if !IDENTIFIERS.contains(&receiver.kind().as_ref())
        || !MUTATORS.contains(&method.text().as_ref())
    {
        return None;
    }
    Some((receiver.text().to_string(), call.field("arguments")?))
}

/// For a method call (`x.m(…)` in every grammar): the receiver `x` and the method name `m`.
fn method_call<'r>(call: &SgNode<'r>) -> Option<(SgNode<'r>, SgNode<'r>)> {
    match call.kind().as_ref() {
        "method_invocation" => Some((call.field("object")?, call.field("name")?)),
        "call" | "call_expression" => {
            let function = call.field("function")?;
            if !matches!(function.kind().as_ref(), "attribute" | "member_expression") {
                return None;
            }
            let method = function
                .field("attribute")
                .or_else(|| function.field("property"))?;
            Some((function.field("object")?, method))
        }
        _ => None,
    }
}

/// The name a call calls when it is a function of the same file: `f(…)`, `self.f(…)`,
/// `this.f(…)`, Go `r.f(…)` on a receiver.
fn called_name(call: &SgNode<'_>) -> Option<String> {
    if call.kind() == "method_invocation" {
        // `m(…)`, `this.m(…)`, and `new Helper().m(…)` on a class of the file.
        let object = call.field("object");
        if object.as_ref().is_some_and(|o| {
            !matches!(o.text().as_ref(), "this" | "super")
                && o.kind() != "object_creation_expression"
        }) {
            return None;
        }
        return Some(call.field("name")?.text().to_string());
    }
    let function = call.field("function")?;
    match function.kind().as_ref() {
        "identifier" => Some(function.text().to_string()),
        "attribute" | "member_expression" | "selector_expression" => {
            let object = function
                .field("object")
                .or_else(|| function.field("operand"))?;
            let own = matches!(object.text().as_ref(), "self" | "this" | "cls")
                || (function.kind() == "selector_expression" && object.kind() == "identifier");
            if !own {
                return None;
            }
            let name = function
                .field("attribute")
                .or_else(|| function.field("property"))
                .or_else(|| function.field("field"))?;
            Some(name.text().to_string())
        }
        _ => None,
    }
}

/// The name a function definition binds (`def f`, `function f`, `const f = () => …`,
/// `func f`, a method).
fn defined_name(function: &SgNode<'_>) -> Option<String> {
    if let Some(name) = function.field("name") {
        return Some(name.text().to_string());
    }
    let parent = function.parent()?;
    if parent.kind() == "variable_declarator" {
        return Some(parent.field("name")?.text().to_string());
    }
    None
}

/// The arguments of a call, positional ones in order and keyword ones by name.
fn call_arguments<'r>(call: &SgNode<'r>) -> (Vec<SgNode<'r>>, HashMap<String, SgNode<'r>>) {
    let mut positional = Vec::new();
    let mut keyword = HashMap::new();
    if let Some(arguments) = call.field("arguments") {
        for argument in arguments.named_children() {
            if argument.kind() == "keyword_argument" {
                if let (Some(name), Some(value)) = (argument.field("name"), argument.field("value"))
                {
                    keyword.insert(name.text().to_string(), value);
                }
            } else if argument.kind() != "comment" {
                positional.push(argument);
            }
        }
    }
    (positional, keyword)
}

/// The node of `kinds` spanning exactly `range` under `root`, found by descending.
fn node_at<'r>(root: &SgNode<'r>, range: &Range<usize>, kinds: &[&str]) -> Option<SgNode<'r>> {
    let mut node = root.clone();
    loop {
        if node.range() == *range && kinds.contains(&node.kind().as_ref()) {
            return Some(node);
        }
        let next = node.children().find(|c| {
            let r = c.range();
            r.start <= range.start && range.end <= r.end
        })?;
        node = next;
    }
}

/// Node kinds that start a function body, per family.
fn function_kinds(family: RuleLanguage) -> &'static [&'static str] {
    match family {
        RuleLanguage::Python => &["function_definition", "lambda"],
        RuleLanguage::JavaScript | RuleLanguage::TypeScript | RuleLanguage::Jsx => &[
            "function_declaration",
            "function_expression",
            "function",
            "arrow_function",
            "method_definition",
            "generator_function_declaration",
        ],
        RuleLanguage::Go => &["function_declaration", "method_declaration", "func_literal"],
        RuleLanguage::Java => &[
            "method_declaration",
            "constructor_declaration",
            "lambda_expression",
        ],
    }
}

/// Names and what they hold: attacker data (`Some`) or a known clean value (`None`).
type Bindings = HashMap<String, Option<Origin>>;

/// What the walk knows about names: attacker data (`Some`) or a known clean value (`None`);
/// a name it has not seen is clean, or with `any_origin` of unknown origin.
struct State {
    names: Bindings,
    any_origin: bool,
    /// Local names bound to literals, for conditions that are always true or false.
    constants: Constants,
    /// Collections built in the function with literal indices and keys only.
    containers: Containers,
}

/// What the walk knows of a collection created empty in the function and since changed only
/// with literal indices and keys (`list.add(v)`, `list.remove(0)`, `map.put("k", v)`): what
/// each element holds, so `list.get(1)` or `map.get("keyA")` reads one element rather than
/// everything ever put in. Anything else done to it (another method, passing it to a call,
/// assigning it) forgets it, and the collection then holds whatever was put into it.
#[derive(Clone, PartialEq)]
enum Elements {
    List(Vec<Option<Origin>>),
    Map(Vec<(String, Option<Origin>)>),
}

type Containers = HashMap<String, Elements>;

/// Collections holding more elements than this are no longer followed element by element.
const MAX_ELEMENTS: usize = 64;

/// Methods that read a collection without changing it.
const COLLECTION_READERS: &[&str] = &[
    "get",
    "getOrDefault",
    "size",
    "isEmpty",
    "contains",
    "containsKey",
    "containsValue",
    "indexOf",
    "equals",
    "hashCode",
    "toString",
];

/// `new ArrayList<String>()`, `new java.util.HashMap<>()`, Python `[]` and `{}`: an empty list
/// or map.
fn empty_collection(value: &SgNode<'_>) -> Option<Elements> {
    match value.kind().as_ref() {
        "object_creation_expression" => {
            let arguments = value.field("arguments")?;
            if arguments.named_children().next().is_some() {
                return None;
            }
            let kind = value.field("type")?.text().to_string();
            let kind = kind.split('<').next()?.rsplit('.').next()?.to_string();
            if ["ArrayList", "LinkedList", "Vector"].contains(&kind.as_str()) {
                Some(Elements::List(Vec::new()))
            } else if ["HashMap", "TreeMap", "LinkedHashMap", "Hashtable"].contains(&kind.as_str())
            {
                Some(Elements::Map(Vec::new()))
            } else {
                None
            }
        }
        "list" if value.named_children().next().is_none() => Some(Elements::List(Vec::new())),
        "dictionary" if value.named_children().next().is_none() => Some(Elements::Map(Vec::new())),
        _ => None,
    }
}

/// A Java class named where a value could be (`Utils`, `org.acme.helpers.Utils`): a capitalized
/// name after lower-case package names.
fn class_reference(node: &SgNode<'_>) -> bool {
    if !matches!(
        node.kind().as_ref(),
        "identifier" | "field_access" | "scoped_identifier"
    ) {
        return false;
    }
    let text = node.text();
    let mut segments: Vec<&str> = text.split('.').map(str::trim).collect();
    let Some(last) = segments.pop() else {
        return false;
    };
    last.starts_with(|c: char| c.is_ascii_uppercase())
        && last.bytes().any(|b| b.is_ascii_lowercase())
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// Joins what the paths know of each collection: kept only where every path agrees.
fn join_containers(paths: &[&Containers]) -> Containers {
    let Some((first, rest)) = paths.split_first() else {
        return Containers::new();
    };
    first
        .iter()
        .filter(|(name, elements)| rest.iter().all(|p| p.get(*name) == Some(*elements)))
        .map(|(name, elements)| (name.clone(), elements.clone()))
        .collect()
}

/// `TABLE`, `MAX_ROWS`: names written as constants.
fn constant_name(name: &str) -> bool {
    name.len() > 1
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Node kinds that name a variable where it is read.
const IDENTIFIERS: &[&str] = &["identifier", "shorthand_property_identifier"];

/// Member and index accesses (`obj.attr`, `a[i]`) in each grammar: assigning to one writes into
/// the object, which keeps what it held.
const MEMBER_ACCESS: &[&str] = &[
    "attribute",
    "member_expression",
    "subscript",
    "subscript_expression",
    "selector_expression",
    "index_expression",
    "field_access",
    "array_access",
];

/// Index expressions in each grammar (`a[i]`).
const SUBSCRIPTS: &[&str] = &[
    "subscript",
    "subscript_expression",
    "index_expression",
    "array_access",
];

/// For a lookup call (`table.get(key)`, `table.getOrDefault(key, d)`): the table.
fn lookup_table<'r>(call: &SgNode<'r>) -> Option<SgNode<'r>> {
    let (receiver, method) = method_call(call)?;
    matches!(method.text().as_ref(), "get" | "getOrDefault").then_some(receiver)
}

/// The identifiers a binding target declares (`x`, `a, b`, `{a, b: c}`, `[x, y]`).
fn bound_names(target: &SgNode<'_>, names: &mut Vec<String>) {
    match target.kind().as_ref() {
        "identifier" | "shorthand_property_identifier_pattern" => {
            names.push(target.text().to_string());
        }
        // `{key: value}` binds the value side; `obj.attr = …` and `a[i] = …` taint `obj`/`a`.
        "pair_pattern" => {
            if let Some(value) = target.field("value") {
                bound_names(&value, names);
            }
        }
        kind if MEMBER_ACCESS.contains(&kind) => {
            if let Some(object) = target
                .field("object")
                .or_else(|| target.field("value"))
                .or_else(|| target.field("operand"))
                .or_else(|| target.field("array"))
                .or_else(|| target.named_children().next())
            {
                bound_names(&object, names);
            }
        }
        _ => {
            for child in target.named_children() {
                bound_names(&child, names);
            }
        }
    }
}

/// The names a function's parameters declare.
fn parameter_names(function: &SgNode<'_>) -> Vec<String> {
    let mut names = Vec::new();
    let Some(parameters) = function
        .field("parameters")
        .or_else(|| function.field("parameter"))
    else {
        return names;
    };
    for parameter in parameters.named_children() {
        let target = parameter
            .field("name")
            .or_else(|| parameter.field("pattern"))
            .or_else(|| parameter.field("left"))
            .unwrap_or(parameter.clone());
        bound_names(&target, &mut names);
    }
    names.retain(|n| n != "self" && n != "cls");
    names
}

/// Case-like children of a `switch`/`match` body and the handlers of a `try`: each is one
/// path the code may take.
const CASES: &[&str] = &[
    "case_clause",
    "switch_case",
    "switch_default",
    "switch_block_statement_group",
    "switch_rule",
    "expression_case",
    "default_case",
    "type_case",
    "communication_case",
    "except_clause",
    "except_group_clause",
    "catch_clause",
];

/// Loops whose body runs zero or more times (`do … while` runs it at least once).
const LOOPS: &[&str] = &[
    "for_statement",
    "for_in_statement",
    "enhanced_for_statement",
    "while_statement",
    "do_statement",
];

/// The alternative paths under a node that chooses between them, and whether one of them is
/// always taken (an `else`, a `default`, `case _`): an `if`'s consequence and alternatives, a
/// `switch`'s cases, a `try`'s handlers, a loop's body.
fn branches<'r>(node: &SgNode<'r>, family: RuleLanguage) -> Option<(Vec<SgNode<'r>>, bool)> {
    let kind = node.kind();
    if kind == "if_statement" {
        let mut paths: Vec<SgNode<'r>> = node.field_children("consequence").collect();
        paths.extend(node.field_children("alternative"));
        let exhaustive = paths.iter().any(|p| p.kind() == "else_clause")
            || (matches!(family, RuleLanguage::Java | RuleLanguage::Go)
                && node.field("alternative").is_some());
        return Some((paths, exhaustive));
    }
    if LOOPS.contains(&kind.as_ref()) {
        let body = node.field("body")?;
        return Some((vec![body], kind == "do_statement"));
    }
    let cases: Vec<SgNode<'r>> = node
        .children()
        .filter(|c| CASES.contains(&c.kind().as_ref()))
        .collect();
    if cases.is_empty() {
        return None;
    }
    let exhaustive = cases.iter().any(|case| {
        matches!(case.kind().as_ref(), "switch_default" | "default_case")
            || case.named_children().next().is_some_and(|first| {
                let text = first.text();
                // Java `default:` / `default ->`, Python `case _:`.
                (first.kind() == "switch_label" && text.starts_with("default"))
                    || (first.kind() == "case_pattern" && text == "_")
            })
    });
    Some((cases, exhaustive))
}

/// The value a `switch`/`match` chooses on, for the node holding its cases.
fn switch_subject<'r>(cases: &SgNode<'r>) -> Option<SgNode<'r>> {
    let first = cases
        .children()
        .find(|c| CASES.contains(&c.kind().as_ref()))?;
    if matches!(
        first.kind().as_ref(),
        "except_clause" | "except_group_clause" | "catch_clause"
    ) {
        return None;
    }
    // Go keeps the cases in the statement itself; the others in a body under it.
    let statement = if cases.field("value").is_some() {
        cases.clone()
    } else {
        cases.parent()?
    };
    statement
        .field("value")
        .or_else(|| statement.field("condition"))
        .or_else(|| statement.field("subject"))
}

/// A case with labels and no statements (`case 'C':` before `case 'D': …`).
fn case_is_empty(case: &SgNode<'_>) -> bool {
    let value = case.field("value").map(|v| v.range());
    case.named_children().all(|c| {
        matches!(c.kind().as_ref(), "switch_label" | "comment") || Some(c.range()) == value
    })
}

/// The values a case matches (`case 'A':`, `case 'C' | 'D':`, Go `case "a", "b":`), or `None`
/// for the default case (`default:`, `case _:`).
fn case_labels<'r>(case: &SgNode<'r>) -> Option<Vec<SgNode<'r>>> {
    match case.kind().as_ref() {
        "switch_default" | "default_case" => None,
        // JavaScript `case v:`, Go `case a, b:`.
        "switch_case" | "expression_case" => {
            let value = case.field("value")?;
            if value.kind() == "expression_list" {
                Some(value.named_children().collect())
            } else {
                Some(vec![value])
            }
        }
        // Java `case 'A': case 'B':` labels (several per group) or `case 'A' ->`.
        "switch_block_statement_group" | "switch_rule" => {
            let mut labels = Vec::new();
            for label in case.children().filter(|c| c.kind() == "switch_label") {
                if label.text().starts_with("default") {
                    return None;
                }
                labels.extend(label.named_children());
            }
            Some(labels)
        }
        // Python `case 'A':`, `case 'C' | 'D':`, `case _:`.
        "case_clause" => {
            let mut labels = Vec::new();
            for pattern in case.children().filter(|c| c.kind() == "case_pattern") {
                if pattern.text() == "_" {
                    return None;
                }
                let mut stack = vec![pattern];
                while let Some(node) = stack.pop() {
                    if node.kind() == "union_pattern" || node.kind() == "case_pattern" {
                        stack.extend(node.named_children());
                    } else {
                        labels.push(node);
                    }
                }
            }
            Some(labels)
        }
        _ => Some(Vec::new()),
    }
}

/// Where paths meet: a name holds attacker data when it does on any path, is known clean when
/// it is on every path, and is otherwise unknown.
fn join(paths: Vec<Bindings>) -> Bindings {
    let mut joined = Bindings::new();
    let names: std::collections::BTreeSet<&String> = paths.iter().flat_map(|p| p.keys()).collect();
    for name in names {
        let values: Vec<Option<&Option<Origin>>> = paths.iter().map(|p| p.get(name)).collect();
        if let Some(origin) = values.iter().flatten().find_map(|v| v.as_ref()) {
            joined.insert(name.clone(), Some(origin.clone()));
        } else if values.iter().all(Option::is_some) {
            joined.insert(name.clone(), None);
        }
    }
    joined
}

/// An assignment-like node: the target it binds and the value it reads, and whether the old
/// value flows on (`+=`).
fn assignment<'r>(node: &SgNode<'r>) -> Option<(SgNode<'r>, SgNode<'r>, bool)> {
    let field_pair = |target: &str, value: &str| Some((node.field(target)?, node.field(value)?));
    let (target, value) = match node.kind().as_ref() {
        // Python `x = v`, JS/Java `x = v`, Go `x = v` / `x := v`.
        "assignment"
        | "assignment_expression"
        | "assignment_statement"
        | "short_var_declaration" => field_pair("left", "right")?,
        "augmented_assignment" | "augmented_assignment_expression" => {
            let (target, value) = field_pair("left", "right")?;
            return Some((target, value, true));
        }
        // JS/Java `let x = v`, Go `var x = v`.
        "variable_declarator" | "var_spec" => field_pair("name", "value")?,
        // Python `for x in v`, JS `for (const x of v)`.
        "for_statement" | "for_in_statement" => field_pair("left", "right")?,
        // Java `for (T x : v)`.
        "enhanced_for_statement" => field_pair("name", "value")?,
        // Go `for k, v := range x`.
        "range_clause" => field_pair("left", "right")?,
        _ => return None,
    };
    Some((target, value, false))
}

impl<'m> TaintContext<'m> {
    /// The taint context of a parsed file for `model`; nothing is searched yet.
    pub fn of(language: Language, model: &'m TaintModel, imports: &Imports) -> Self {
        TaintContext {
            language,
            model,
            found: Default::default(),
            imports: imports.clone(),
            module: Default::default(),
            functions: Default::default(),
            returns: Default::default(),
            passed: Default::default(),
            flows: Default::default(),
            depth: Cell::new(0),
            nesting: Cell::new(0),
        }
    }

    /// The file's functions and calls by name (built once).
    fn index(&self, root: &SgNode<'_>) -> std::cell::Ref<'_, FunctionIndex> {
        if self.functions.borrow().is_none() {
            let kinds = function_kinds(self.language.family());
            let mut index = FunctionIndex::default();
            for node in root.dfs() {
                let kind = node.kind();
                if kinds.contains(&kind.as_ref()) {
                    if let Some(name) = defined_name(&node) {
                        index
                            .definitions
                            .entry(name)
                            .or_default()
                            .push(node.range());
                    }
                } else if CALLS.contains(&kind.as_ref()) {
                    if let Some(name) = called_name(&node) {
                        index.calls.entry(name).or_default().push(node.range());
                    }
                }
            }
            *self.functions.borrow_mut() = Some(index);
        }
        std::cell::Ref::map(self.functions.borrow(), |f| {
            f.as_ref().expect("built above")
        })
    }

    /// One level deeper in the syntax tree, unless [`MAX_NESTING`] is reached.
    fn nested(&self) -> Option<Nested<'_>> {
        let level = self.nesting.get();
        if level >= MAX_NESTING {
            return None;
        }
        self.nesting.set(level + 1);
        Some(Nested(&self.nesting))
    }

    /// Runs `check` one call deeper, unless the depth limit is reached.
    fn deeper<T>(&self, check: impl FnOnce() -> Option<T>) -> Option<T> {
        let depth = self.depth.get();
        if depth >= MAX_CALL_DEPTH {
            return None;
        }
        self.depth.set(depth + 1);
        let result = check();
        self.depth.set(depth);
        result
    }

    /// Attacker data reaching `node` through the parameters of its function: the parameters
    /// the function's callers in the file pass attacker data to, walked to `node`.
    fn through_callers(
        &self,
        node: &SgNode<'_>,
        function: &SgNode<'_>,
        class: &str,
        module: &Bindings,
    ) -> Option<Origin> {
        let parameters = parameter_names(function);
        if parameters.is_empty() {
            return None;
        }
        let passed = self.passed_by_callers(function, &parameters, class);
        if passed.iter().all(Option::is_none) {
            return None;
        }
        let mut state = State {
            names: module.clone(),
            any_origin: false,
            constants: Constants::new(),
            containers: Containers::new(),
        };
        for (parameter, origin) in parameters.iter().zip(passed) {
            if let Some(origin) = origin {
                state.names.insert(parameter.clone(), Some(origin));
            }
        }
        self.walk(function, node.range().start, class, &mut state, true, true);
        self.expression(node, class, &state)
    }

    /// For each parameter of `function`, attacker data some call of it in the file passes
    /// there (positionally or by keyword), once per function and sink class.
    fn passed_by_callers(
        &self,
        function: &SgNode<'_>,
        parameters: &[String],
        class: &str,
    ) -> Vec<Option<Origin>> {
        let key = (function.range(), class.to_string());
        if let Some(known) = self.passed.borrow().get(&key) {
            return known.clone();
        }
        // Recursion (a function calling itself) reads "nothing passed" until the answer is known.
        let mut passed = vec![None; parameters.len()];
        self.passed.borrow_mut().insert(key.clone(), passed.clone());
        let (Some(name), Some(root)) = (defined_name(function), function.ancestors().last()) else {
            return passed;
        };
        let calls = self
            .index(&root)
            .calls
            .get(&name)
            .cloned()
            .unwrap_or_default();
        for range in &calls {
            let Some(call) = node_at(&root, range, CALLS) else {
                continue;
            };
            let (positional, keyword) = call_arguments(&call);
            for (position, parameter) in parameters.iter().enumerate() {
                if passed[position].is_some() {
                    continue;
                }
                let argument = keyword
                    .get(parameter)
                    .cloned()
                    .or_else(|| positional.get(position).cloned());
                if let Some(argument) = argument {
                    passed[position] = self.deeper(|| self.tainted(&argument, class, false));
                }
            }
            if passed.iter().all(Option::is_some) {
                break;
            }
        }
        self.passed.borrow_mut().insert(key, passed.clone());
        passed
    }

    /// The definitions of the file's function `name`.
    fn definitions<'r>(&self, root: &SgNode<'r>, name: &str) -> Vec<SgNode<'r>> {
        let ranges = self
            .index(root)
            .definitions
            .get(name)
            .cloned()
            .unwrap_or_default();
        let kinds = function_kinds(self.language.family());
        ranges
            .iter()
            .filter_map(|range| node_at(root, range, kinds))
            .collect()
    }

    /// The values `function` returns (`return v`), not those of functions nested in it.
    fn return_values<'r>(&self, function: &SgNode<'r>) -> Vec<SgNode<'r>> {
        let kinds = function_kinds(self.language.family());
        let mut values = Vec::new();
        let mut stack: Vec<SgNode<'r>> = function.children().collect();
        while let Some(node) = stack.pop() {
            if kinds.contains(&node.kind().as_ref()) {
                continue;
            }
            if node.kind() == "return_statement" {
                values.extend(node.named_children().filter(|c| c.kind() != "comment"));
                continue;
            }
            stack.extend(node.children());
        }
        values
    }

    /// Attacker data returned by the file's function `name`, if any of its definitions
    /// returns some.
    fn returned_by(&self, root: &SgNode<'_>, name: &str, class: &str) -> Option<Origin> {
        let key = (name.to_string(), class.to_string());
        if let Some(known) = self.returns.borrow().get(&key) {
            return known.clone();
        }
        // Recursion reads "clean" until the answer is known.
        self.returns.borrow_mut().insert(key.clone(), None);
        let mut found = None;
        'definitions: for function in self.definitions(root, name) {
            for value in self.return_values(&function) {
                let returned = self.deeper(|| self.reaches(&value, class, false, false));
                if let Some(origin) = returned {
                    found = Some(origin);
                    break 'definitions;
                }
            }
        }
        self.returns.borrow_mut().insert(key, found.clone());
        found
    }

    /// Finds the sources and sanitizers in `scope` (a function, or the root for the module
    /// level) once, without entering the functions nested in it.
    fn scan(&self, scope: &SgNode<'_>) {
        let range = scope.range();
        if self.found.borrow().scanned.contains(&range) {
            return;
        }
        let kinds = function_kinds(self.language.family());
        let mut found = Found::default();
        let origin = |node: &SgNode<'_>, label: &str| Origin {
            line: node.start_pos().line(),
            column: node.start_pos().column(node),
            label: label.to_string(),
        };
        let mut stack = vec![scope.clone()];
        while let Some(node) = stack.pop() {
            let is_scope = node.range() == range;
            if !is_scope && kinds.contains(&node.kind().as_ref()) {
                continue;
            }
            for source in &self.model.sources {
                let spec = &source.spec;
                if !source
                    .compiled
                    .matches(self.language, &node, &spec.resolve, &self.imports)
                {
                    continue;
                }
                let at = origin(&node, &spec.label);
                if !spec.parameters {
                    found.sources.push((node.range(), at));
                } else if kinds.contains(&node.kind().as_ref()) {
                    found
                        .parameters
                        .push((node.range(), parameter_names(&node), at));
                } else if let Some(function) = self.function_of(&node) {
                    let mut names = Vec::new();
                    let target = node.field("name").unwrap_or(node.clone());
                    bound_names(&target, &mut names);
                    found.parameters.push((function.range(), names, at));
                }
            }
            for sanitizer in &self.model.sanitizers {
                let matched = sanitizer.compiled.matches(
                    self.language,
                    &node,
                    &sanitizer.spec.resolve,
                    &self.imports,
                );
                if matched {
                    let clears = match (sanitizer.spec.guard, sanitizer.spec.receiver) {
                        (false, _) => Clears::Value,
                        (true, false) => Clears::CheckedArguments,
                        (true, true) => Clears::CheckedReceiver,
                    };
                    found
                        .sanitizers
                        .push((node.range(), sanitizer.spec.classes.clone(), clears));
                }
            }
            let children: Vec<SgNode<'_>> = node.children().collect();
            stack.extend(children.into_iter().rev());
        }
        let mut all = self.found.borrow_mut();
        all.scanned.push(range);
        all.sources.append(&mut found.sources);
        all.parameters.append(&mut found.parameters);
        all.sanitizers.append(&mut found.sanitizers);
    }

    /// The innermost function around `node`.
    pub fn function_of<'r>(&self, node: &SgNode<'r>) -> Option<SgNode<'r>> {
        let kinds = function_kinds(self.language.family());
        node.ancestors()
            .find(|a| kinds.contains(&a.kind().as_ref()))
    }

    fn sanitized(&self, range: &Range<usize>, class: &str) -> bool {
        self.found
            .borrow()
            .sanitizers
            .iter()
            .any(|(at, classes, _)| {
                at.start <= range.start
                    && range.end <= at.end
                    && classes.iter().any(|c| c == class || c == "all")
            })
    }

    fn source_at(&self, range: &Range<usize>) -> Option<Origin> {
        self.found
            .borrow()
            .sources
            .iter()
            .find(|(at, _)| at == range)
            .map(|(_, origin)| origin.clone())
    }

    /// Where the attacker data in `node` (a sink argument) comes from, if any reaches it.
    /// With `any_origin`, every value not known to be constant or sanitized counts (a
    /// parameter, a global, a call's result from such values): the mode of the pattern rules
    /// that report non-constant SQL or shell text, so a sanitized or numeric value does not
    /// trigger them.
    pub fn tainted(&self, node: &SgNode<'_>, class: &str, any_origin: bool) -> Option<Origin> {
        self.reaches(node, class, any_origin, true)
    }

    /// [`Self::tainted`], following the function's callers when `through_callers` (not for a
    /// `return` value: the data a call returns comes from that call's own arguments, which the
    /// call expression already carries).
    fn reaches(
        &self,
        node: &SgNode<'_>,
        class: &str,
        any_origin: bool,
        through_callers: bool,
    ) -> Option<Origin> {
        let function = self.function_of(node);
        let root = node.ancestors().last()?;
        self.scan(&root);
        if let Some(function) = &function {
            self.scan(function);
        }
        // Module-level bindings (`TABLE = "users"`), once per file and sink class: the whole
        // module outside functions, then the function's own flow up to the sink.
        let key = (class.to_string(), any_origin);
        let cached = self.module.borrow().get(&key).cloned();
        let names = match cached {
            Some(names) => names,
            None => {
                let mut module = State {
                    names: HashMap::new(),
                    any_origin,
                    constants: Constants::new(),
                    containers: Containers::new(),
                };
                self.walk(&root, usize::MAX, class, &mut module, true, false);
                self.module
                    .borrow_mut()
                    .insert(key.clone(), module.names.clone());
                module.names
            }
        };
        let mut state = State {
            names,
            any_origin,
            constants: Constants::new(),
            containers: Containers::new(),
        };
        let before = node.range().start;
        if let Some(function) = &function {
            for (range, names, origin) in &self.found.borrow().parameters {
                if *range == function.range() {
                    for name in names {
                        state.names.insert(name.clone(), Some(origin.clone()));
                    }
                }
            }
            self.walk(function, before, class, &mut state, true, true);
        }
        let found = self.expression(node, class, &state);
        if found.is_some() || any_origin || !through_callers {
            return found;
        }
        let module = self.module.borrow().get(&key).cloned().unwrap_or_default();
        self.through_callers(node, function.as_ref()?, class, &module)
    }

    /// Applies the assignments under `node` that start before `before`, in source order. At
    /// the top of a function (`enter_functions`) it walks that function's body; at the module
    /// level it does not enter any function.
    fn walk(
        &self,
        node: &SgNode<'_>,
        before: usize,
        class: &str,
        state: &mut State,
        top: bool,
        enter_functions: bool,
    ) {
        if node.range().start >= before {
            return;
        }
        let Some(_nested) = self.nested() else {
            return;
        };
        let kinds = function_kinds(self.language.family());
        if kinds.contains(&node.kind().as_ref()) && !(top && enter_functions) {
            return;
        }
        if let Some((target, value, keeps)) = assignment(node) {
            // The value is read before the target is bound (`x = x + 1` reads the old `x`).
            for child in value.children() {
                self.walk(&child, before, class, state, false, false);
            }
            let taint = self.expression(&value, class, state);
            let mut names = Vec::new();
            bound_names(&target, &mut names);
            let member = MEMBER_ACCESS.contains(&target.kind().as_ref());
            // `num = 106`, `guess = "ABC"[1]`: a plain name bound to a literal value.
            let folded = (IDENTIFIERS.contains(&target.kind().as_ref())
                && !keeps
                && node.field("body").is_none())
            .then(|| constant::evaluate(&value, &state.constants))
            .flatten();
            for name in &names {
                match &folded {
                    Some(value) => state.constants.insert(name.clone(), value.clone()),
                    None => state.constants.remove(name),
                };
            }
            let created = (IDENTIFIERS.contains(&target.kind().as_ref()) && !keeps)
                .then(|| empty_collection(&value))
                .flatten();
            for name in &names {
                match &created {
                    Some(elements) => state.containers.insert(name.clone(), elements.clone()),
                    None => state.containers.remove(name),
                };
            }
            for name in names {
                match &taint {
                    Some(origin) => {
                        state.names.insert(name, Some(origin.clone()));
                    }
                    // `x.a = clean` does not clean `x`; `x += clean` keeps `x`'s taint.
                    None if !keeps && !member => {
                        state.names.insert(name, None);
                    }
                    None => {}
                }
            }
            // `for x in v:` binds `x`, then runs its body zero or more times.
            if let Some(body) = node.field("body") {
                self.walk_paths(&[body], false, before, class, state);
            }
            return;
        }
        if let Some((paths, exhaustive)) = branches(node, self.language.family()) {
            // Conditions and initializers first, then the paths from where they leave off.
            for child in node.children() {
                if !paths.iter().any(|p| p.range() == child.range()) {
                    self.walk(&child, before, class, state, false, false);
                }
            }
            if let Some(condition) = node.field("condition") {
                self.apply_guards(&condition, class, state);
            }
            let (paths, exhaustive) = self.live_paths(node, paths, exhaustive, state);
            self.walk_paths(&paths, exhaustive, before, class, state);
            return;
        }
        for child in node.children() {
            self.walk(&child, before, class, state, false, false);
        }
        // `args.append(v)`, `sb.append(v)`: the collection or builder now holds `v`.
        if CALLS.contains(&node.kind().as_ref()) {
            self.track_collection_call(node, class, state);
            if let Some((receiver, arguments)) = mutation(node) {
                let taint = arguments
                    .children()
                    .find_map(|argument| self.expression(&argument, class, state));
                if let Some(origin) = taint {
                    state.names.insert(receiver, Some(origin));
                }
            }
        }
    }

    /// Follows a call's effect on the collections the walk knows element by element: `add` /
    /// `append` of one value, `remove(<int>)` / `pop(<int>)`, `put(<literal key>, v)`, reads;
    /// anything else done to such a collection, or passing it to a call, forgets it.
    fn track_collection_call(&self, call: &SgNode<'_>, class: &str, state: &mut State) {
        if state.containers.is_empty() {
            return;
        }
        let (arguments, _) = call_arguments(call);
        let receiver = method_call(call)
            .filter(|(receiver, _)| IDENTIFIERS.contains(&receiver.kind().as_ref()))
            .map(|(receiver, method)| (receiver.text().to_string(), method.text().to_string()));
        for argument in &arguments {
            if IDENTIFIERS.contains(&argument.kind().as_ref()) {
                state.containers.remove(argument.text().as_ref() as &str);
            }
        }
        let Some((name, method)) = receiver else {
            return;
        };
        // Taken out and put back (not cloned): a function adding to one list thousands of
        // times stays linear.
        let Some(elements) = state.containers.remove(&name) else {
            return;
        };
        let literal = |node: &SgNode<'_>| constant::evaluate(node, &state.constants);
        let updated = match (elements, method.as_str(), arguments.as_slice()) {
            (elements, reader, _) if COLLECTION_READERS.contains(&reader) => Some(elements),
            (Elements::List(mut items), "add" | "append", [value]) => {
                items.push(self.expression(value, class, state));
                Some(Elements::List(items))
            }
            (Elements::List(mut items), "remove" | "pop", [index]) => match literal(index) {
                Some(Constant::Int(i)) if (0..items.len() as i64).contains(&i) => {
                    items.remove(i as usize);
                    Some(Elements::List(items))
                }
                _ => None,
            },
            (Elements::Map(mut entries), "put", [key, value]) => match literal(key) {
                Some(Constant::Str(key)) => {
                    let taint = self.expression(value, class, state);
                    entries.retain(|(k, _)| *k != key);
                    entries.push((key, taint));
                    Some(Elements::Map(entries))
                }
                _ => None,
            },
            _ => None,
        };
        let small = |elements: &Elements| match elements {
            Elements::List(items) => items.len() <= MAX_ELEMENTS,
            Elements::Map(entries) => entries.len() <= MAX_ELEMENTS,
        };
        if let Some(elements) = updated.filter(small) {
            state.containers.insert(name, elements);
        }
    }

    /// `list.get(1)`, `map.get("keyA")`, `items[0]` on a collection known element by element:
    /// that element (`Some(None)` when it holds no attacker data or does not exist).
    fn collection_element(&self, node: &SgNode<'_>, state: &State) -> Option<Option<Origin>> {
        if state.containers.is_empty() {
            return None;
        }
        let (table, index) = if SUBSCRIPTS.contains(&node.kind().as_ref()) {
            let table = node
                .field("value")
                .or_else(|| node.field("object"))
                .or_else(|| node.field("array"))?;
            (
                table,
                node.field("subscript").or_else(|| node.field("index"))?,
            )
        } else {
            let (table, method) = method_call(node)?;
            if method.text() != "get" {
                return None;
            }
            let (arguments, _) = call_arguments(node);
            let [index] = arguments.as_slice() else {
                return None;
            };
            (table, index.clone())
        };
        if !IDENTIFIERS.contains(&table.kind().as_ref()) {
            return None;
        }
        let elements = state.containers.get(table.text().as_ref() as &str)?;
        match (elements, constant::evaluate(&index, &state.constants)?) {
            (Elements::List(items), Constant::Int(i)) => Some(
                usize::try_from(i)
                    .ok()
                    .and_then(|i| items.get(i))
                    .cloned()
                    .flatten(),
            ),
            (Elements::Map(entries), Constant::Str(key)) => Some(
                entries
                    .iter()
                    .find(|(k, _)| *k == key)
                    .and_then(|(_, taint)| taint.clone()),
            ),
            _ => None,
        }
    }

    /// Whether `receiver.get(…)` is an HTTP request rather than a lookup: an imported module
    /// (`axios.get(url)`, `requests.get(url)`) or a client named as one (`session.get(url)`).
    fn http_client(&self, receiver: &SgNode<'_>) -> bool {
        let name = receiver.text();
        if self.imports.binds(&name) {
            return true;
        }
        let name = name.to_ascii_lowercase();
        ["client", "session", "http", "axios", "api", "agent", "conn"]
            .iter()
            .any(|word| name.contains(word))
    }

    /// The paths that can run, when a condition or a `switch` subject folds to a constant
    /// (`if (7 * 18) + num > 200` with `num = 106` takes the `else`; `switch` on
    /// `"ABC".charAt(1)` takes `case 'B'`), else all of them.
    fn live_paths<'r>(
        &self,
        node: &SgNode<'r>,
        paths: Vec<SgNode<'r>>,
        exhaustive: bool,
        state: &State,
    ) -> (Vec<SgNode<'r>>, bool) {
        if node.kind() == "if_statement" {
            let condition = node.field("condition");
            let value = condition.and_then(|c| constant::evaluate(&c, &state.constants));
            let Some(Constant::Bool(taken)) = value else {
                return (paths, exhaustive);
            };
            let consequence = node.field("consequence").map(|c| c.range());
            let (then, otherwise): (Vec<_>, Vec<_>) = paths
                .into_iter()
                .partition(|p| Some(p.range()) == consequence);
            return if taken {
                (then, true)
            } else {
                // Python's `elif`s and `else`, or the `else` branch; none: nothing runs.
                let exhaustive = !otherwise.is_empty() && exhaustive;
                (otherwise, exhaustive)
            };
        }
        let Some(subject) = switch_subject(node) else {
            return (paths, exhaustive);
        };
        let Some(value) = constant::evaluate(&subject, &state.constants) else {
            return (paths, exhaustive);
        };
        // `case 'C': case 'D': …` is an empty case falling through into the next one.
        let body_from = |start: usize| {
            paths[start..]
                .iter()
                .find(|p| !case_is_empty(p))
                .cloned()
                .into_iter()
                .collect::<Vec<_>>()
        };
        let mut default = None;
        for (index, path) in paths.iter().enumerate() {
            match case_labels(path) {
                None => default = Some(index),
                Some(labels) => {
                    let matches = labels
                        .iter()
                        .any(|l| constant::evaluate(l, &state.constants).as_ref() == Some(&value));
                    if matches {
                        return (body_from(index), true);
                    }
                }
            }
        }
        match default {
            Some(index) => (body_from(index), true),
            None if paths.iter().all(|p| {
                case_labels(p).is_some_and(|labels| {
                    labels
                        .iter()
                        .all(|l| constant::evaluate(l, &state.constants).is_some())
                })
            }) =>
            {
                (Vec::new(), false)
            }
            None => (paths, exhaustive),
        }
    }

    /// Names checked by a guard sanitizer of `class` in `condition` are clean from here on.
    fn apply_guards(&self, condition: &SgNode<'_>, class: &str, state: &mut State) {
        let within = condition.range();
        let guards: Vec<(Range<usize>, Clears)> = self
            .found
            .borrow()
            .sanitizers
            .iter()
            .filter(|(at, classes, clears)| {
                *clears != Clears::Value
                    && within.start <= at.start
                    && at.end <= within.end
                    && classes.iter().any(|c| c == class || c == "all")
            })
            .map(|(at, _, clears)| (at.clone(), *clears))
            .collect();
        for (range, clears) in guards {
            // A check that is not a call (`"'" in name`): the names it compares.
            let Some(call) = node_at(condition, &range, CALLS) else {
                if let Some(check) = node_at(condition, &range, COMPARISONS) {
                    for operand in check.children() {
                        if IDENTIFIERS.contains(&operand.kind().as_ref()) {
                            state.names.insert(operand.text().to_string(), None);
                        }
                    }
                }
                continue;
            };
            let (positional, keyword) = call_arguments(&call);
            // A method checking the value it is called on, given only literals:
            // `name.isalnum()`, `path.contains("..")`.
            if clears == Clears::CheckedReceiver {
                let literals_only = positional
                    .iter()
                    .chain(keyword.values())
                    .all(|argument| constant::evaluate(argument, &state.constants).is_some());
                if let Some((receiver, _)) = method_call(&call) {
                    if literals_only && IDENTIFIERS.contains(&receiver.kind().as_ref()) {
                        state.names.insert(receiver.text().to_string(), None);
                    }
                }
                continue;
            }
            for argument in positional.into_iter().chain(keyword.into_values()) {
                if IDENTIFIERS.contains(&argument.kind().as_ref()) {
                    state.names.insert(argument.text().to_string(), None);
                }
            }
        }
    }

    /// Walks alternative paths from the same state and joins them (with the state before them
    /// when none of them has to be taken). A sink inside one of them sees that path alone.
    fn walk_paths(
        &self,
        paths: &[SgNode<'_>],
        exhaustive: bool,
        before: usize,
        class: &str,
        state: &mut State,
    ) {
        if let Some(path) = paths
            .iter()
            .find(|p| p.range().start < before && before < p.range().end)
        {
            self.walk(path, before, class, state, false, false);
            return;
        }
        let mut ends = Vec::with_capacity(paths.len() + 1);
        for path in paths {
            let mut taken = State {
                names: state.names.clone(),
                any_origin: state.any_origin,
                constants: state.constants.clone(),
                containers: state.containers.clone(),
            };
            self.walk(path, before, class, &mut taken, false, false);
            ends.push((taken.names, taken.constants, taken.containers));
        }
        if !exhaustive || ends.is_empty() {
            ends.push((
                std::mem::take(&mut state.names),
                std::mem::take(&mut state.constants),
                std::mem::take(&mut state.containers),
            ));
        }
        state.constants = constant::join(&ends.iter().map(|(_, c, _)| c).collect::<Vec<_>>());
        state.containers = join_containers(&ends.iter().map(|(_, _, k)| k).collect::<Vec<_>>());
        state.names = join(ends.into_iter().map(|(names, _, _)| names).collect());
    }

    /// For a call of a function of the file whose parameters' flow to its `return` is known:
    /// the attacker data in the arguments that reach the return, else what the function
    /// returns of its own (`Some(None)`: clean). `None` when no summary applies and the
    /// arguments are taken to flow through (imported and unknown functions, any-origin mode).
    fn through_summary(
        &self,
        call: &SgNode<'_>,
        class: &str,
        state: &State,
    ) -> Option<Option<Origin>> {
        if state.any_origin || self.depth.get() >= MAX_CALL_DEPTH {
            return None;
        }
        let name = called_name(call)?;
        if self.imports.binds(&name) {
            return None;
        }
        let root = call.ancestors().last()?;
        if !self.index(&root).definitions.contains_key(&name) {
            return None;
        }
        let (parameters, flows) = self.parameter_flows(&root, &name, class)?;
        let (positional, keyword) = call_arguments(call);
        let reaches = |position: usize| flows.get(position).copied().unwrap_or(true);
        let arguments = positional
            .into_iter()
            .enumerate()
            .chain(keyword.into_iter().map(|(name, value)| {
                let at = parameters.iter().position(|p| *p == name);
                (at.unwrap_or(usize::MAX), value)
            }));
        for (position, argument) in arguments {
            if reaches(position) {
                if let Some(origin) = self.expression(&argument, class, state) {
                    return Some(Some(origin));
                }
            }
        }
        Some(self.returned_by_call(call, class, state))
    }

    /// Which parameters of the file's function `name` reach one of its `return` values (any
    /// definition of that name), computed once per sink class. `None` when a definition has
    /// no `return` to read (an arrow function's expression body, a lambda).
    fn parameter_flows(
        &self,
        root: &SgNode<'_>,
        name: &str,
        class: &str,
    ) -> Option<ParameterFlows> {
        let key = (name.to_string(), class.to_string());
        if let Some(known) = self.flows.borrow().get(&key) {
            return known.clone();
        }
        // Recursion reads "unknown" (every argument flows) until the answer is known.
        self.flows.borrow_mut().insert(key.clone(), None);
        let mut names: Option<Vec<String>> = None;
        let mut flows: Vec<bool> = Vec::new();
        let mut summary = Some(());
        for function in self.definitions(root, name) {
            let parameters = parameter_names(&function);
            let returns = self.return_values(&function);
            if returns.is_empty() {
                summary = None;
                break;
            }
            self.scan(&function);
            if flows.len() < parameters.len() {
                flows.resize(parameters.len(), false);
            }
            for (position, parameter) in parameters.iter().enumerate() {
                if flows[position] {
                    continue;
                }
                flows[position] = returns.iter().any(|value| {
                    let mut state = State {
                        names: HashMap::new(),
                        any_origin: false,
                        constants: Constants::new(),
                        containers: Containers::new(),
                    };
                    state.names.insert(
                        parameter.clone(),
                        Some(Origin {
                            line: 0,
                            column: 0,
                            label: String::new(),
                        }),
                    );
                    self.deeper(|| {
                        self.walk(
                            &function,
                            value.range().start,
                            class,
                            &mut state,
                            true,
                            true,
                        );
                        self.expression(value, class, &state)
                    })
                    .is_some()
                });
            }
            names.get_or_insert(parameters);
        }
        let result = summary.map(|()| (names.unwrap_or_default(), flows));
        self.flows.borrow_mut().insert(key, result.clone());
        result
    }

    /// Attacker data returned by the same-file function `call` calls (none for imported or
    /// unknown functions).
    fn returned_by_call(&self, call: &SgNode<'_>, class: &str, state: &State) -> Option<Origin> {
        // In any-origin mode a call's result is judged by its arguments alone.
        if state.any_origin {
            return None;
        }
        let name = called_name(call)?;
        if self.imports.binds(&name) || self.depth.get() >= MAX_CALL_DEPTH {
            return None;
        }
        let root = call.ancestors().last()?;
        if !self.index(&root).definitions.contains_key(&name) {
            return None;
        }
        self.returned_by(&root, &name, class)
    }

    /// Whether the value of `node` carries attacker data, with its origin.
    fn expression(&self, node: &SgNode<'_>, class: &str, state: &State) -> Option<Origin> {
        let _nested = self.nested()?;
        let range = node.range();
        if self.sanitized(&range, class) {
            return None;
        }
        if let Some(origin) = self.source_at(&range) {
            return Some(origin);
        }
        let kind = node.kind();
        if IDENTIFIERS.contains(&kind.as_ref()) {
            let name = node.text();
            return match state.names.get(name.as_ref()) {
                Some(known) => known.clone(),
                // A value of unknown origin, unless it is named like a constant.
                None if state.any_origin && !constant_name(&name) && !self.imports.binds(&name) => {
                    Some(Origin {
                        line: node.start_pos().line(),
                        column: node.start_pos().column(node),
                        label: format!("`{name}`, a value of unknown origin"),
                    })
                }
                None => None,
            };
        }
        // A nested function is not its value's data; a comparison or `not` yields a boolean.
        if function_kinds(self.language.family()).contains(&kind.as_ref())
            || matches!(kind.as_ref(), "comparison_operator" | "not_operator")
        {
            return None;
        }
        // Arithmetic other than `+` yields a number (`end - start + 1`); Python's `*` repeats
        // a string and its `%` formats one, so those carry data.
        if matches!(kind.as_ref(), "binary_operator" | "binary_expression") {
            let operator = node.field("operator");
            let operator = operator.as_ref().map(|o| o.text());
            let python = self.language.family() == RuleLanguage::Python;
            if matches!(operator.as_deref(), Some("-" | "/" | "//"))
                || (!python && matches!(operator.as_deref(), Some("*" | "%")))
            {
                return None;
            }
        }
        if let Some(element) = self.collection_element(node, state) {
            return element;
        }
        // An element looked up in a table is the table's data, whatever the key: `ALLOWED[name]`
        // and `hosts.get(name)` are values the program chose (an allowlist).
        if SUBSCRIPTS.contains(&kind.as_ref()) {
            return node
                .field("value")
                .or_else(|| node.field("object"))
                .or_else(|| node.field("operand"))
                .or_else(|| node.field("array"))
                .and_then(|table| self.expression(&table, class, state));
        }
        if let Some(table) = lookup_table(node).filter(|t| !self.http_client(t)) {
            return self.expression(&table, class, state);
        }
        // A conditional's value is one of its branches; its condition only chooses.
        if kind == "ternary_expression" {
            let condition = node.field("condition");
            if let Some(Constant::Bool(taken)) =
                condition.and_then(|c| constant::evaluate(&c, &state.constants))
            {
                let branch = node.field(if taken { "consequence" } else { "alternative" })?;
                return self.expression(&branch, class, state);
            }
            return ["consequence", "alternative"]
                .iter()
                .filter_map(|field| node.field(field))
                .find_map(|branch| self.expression(&branch, class, state));
        }
        if kind == "conditional_expression" {
            // Python `a if condition else b`: the first and last children.
            let children: Vec<SgNode<'_>> = node.named_children().collect();
            if let [value, condition, otherwise] = children.as_slice() {
                if let Some(Constant::Bool(taken)) = constant::evaluate(condition, &state.constants)
                {
                    let branch = if taken { value } else { otherwise };
                    return self.expression(branch, class, state);
                }
            }
            return [children.first(), children.last()]
                .into_iter()
                .flatten()
                .find_map(|branch| self.expression(branch, class, state));
        }
        // Keyword argument names (`f(name=x)`) and object keys are labels, not reads.
        if kind == "keyword_argument" || kind == "pair" {
            return node
                .field("value")
                .and_then(|v| self.expression(&v, class, state));
        }
        // A call's result carries its arguments' data and, for a method, its object's; a plain
        // function's name is not data.
        let callee = match kind.as_ref() {
            "call" | "call_expression" => Some(
                node.field("function")
                    .filter(|f| !IDENTIFIERS.contains(&f.kind().as_ref())),
            ),
            "method_invocation" => Some(node.field("object")),
            _ => None,
        };
        // In any-origin mode, a static method of a class given only constants
        // (`Utils.getOSCommandString("echo")`) computes a value the program chose.
        if state.any_origin
            && kind == "method_invocation"
            && node.field("object").is_some_and(|o| class_reference(&o))
            && node.field("arguments").is_some_and(|a| {
                let mut arguments = a.named_children().peekable();
                arguments.peek().is_some()
                    && arguments.all(|a| constant::evaluate(&a, &state.constants).is_some())
            })
        {
            return None;
        }
        if let Some(callee) = callee {
            if let Some(origin) = callee.and_then(|c| self.expression(&c, class, state)) {
                return Some(origin);
            }
            if let Some(result) = self.through_summary(node, class, state) {
                return result;
            }
            return node
                .field("arguments")
                .and_then(|a| self.expression(&a, class, state))
                .or_else(|| self.returned_by_call(node, class, state));
        }
        node.named_children()
            .find_map(|child| self.expression(&child, class, state))
    }
}
