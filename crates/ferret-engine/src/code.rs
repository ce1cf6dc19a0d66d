//! The code analyzer as an engine [`Analyzer`]: `ferret-code`'s rules (insecure patterns and
//! tainted data flows in Python, JavaScript/TypeScript, Go and Java) over every source file of
//! the scan, except test code, where insecure calls are expected.
//!
//! The rules are compiled once per process, the first time they are needed.

use crate::analyzer::{Analyzer, RuleInfo, SourceFile};
use crate::misconfig::app::is_test_path;
use ferret_code::properties::{self, Properties};
use ferret_code::{CodeAnalyzer, CodeRuleSpec};
use ferret_core::{Category, Finding};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The largest properties file read: configuration, not data.
const MAX_PROPERTIES_BYTES: u64 = 1 << 20;

/// The built-in code rules, compiled; `Err` with the reason when a rule file is broken (a bug
/// caught by the rule tests, reported instead of panicking).
pub fn code_analyzer() -> Result<&'static CodeAnalyzer, String> {
    static ANALYZER: OnceLock<Result<CodeAnalyzer, String>> = OnceLock::new();
    ANALYZER
        .get_or_init(|| CodeAnalyzer::builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// A code rule's metadata, with its documentation (message, fix, CWE and OWASP category, the
/// examples) as the help text.
pub fn code_rule_info(spec: &CodeRuleSpec) -> RuleInfo {
    let language = match spec.language.name() {
        "python" => "Python",
        "javascript" => "JavaScript/TS",
        "jsx" => "JSX/TSX",
        "typescript" => "TypeScript",
        "go" => "Go",
        _ => "Java",
    };
    let mut help = format!(
        "{}\n\n**Fix**: {}\n\n{} · OWASP {}{}\n",
        spec.message,
        spec.remediation,
        spec.cwe,
        spec.owasp,
        if spec.taint.is_some() {
            " · reported when request data reaches it (taint)"
        } else {
            ""
        }
    );
    if let Some(example) = spec.examples.matching.first() {
        help.push_str(&format!(
            "\n**Example**:\n\n```\n{}\n```\n",
            example.trim_end()
        ));
    }
    RuleInfo {
        id: spec.id.clone(),
        name: spec.title.clone(),
        category: Category::Code,
        provider: language.to_string(),
        severity: spec.severity,
        confidence: spec.confidence,
        description: spec.message.clone(),
        remediation: spec.remediation.clone(),
        help: Some(help),
    }
}

/// The properties of the resources a Java file loads (`getResourceAsStream("app.properties")`),
/// found where Java would find them in the project: the module's `src/main/resources/`, the
/// class's own folder, or the project root. Only regular files inside `root` are read (a link
/// is not followed: a value read here may show in a snippet); the first file to define a key
/// wins.
fn properties_loaded_by(root: &Path, file: &SourceFile<'_>) -> Properties {
    let mut loaded = Properties::new();
    let Ok(text) = std::str::from_utf8(file.content) else {
        return loaded;
    };
    let resources = properties::resources_loaded(text);
    if resources.is_empty() {
        return loaded;
    }
    let Ok(root) = root.canonicalize() else {
        return loaded;
    };
    let folder = file.path.rsplit_once('/').map_or("", |(folder, _)| folder);
    for resource in resources {
        let mut places: Vec<PathBuf> = Vec::new();
        for (sources, resources) in [
            ("src/main/java/", "src/main/resources/"),
            ("src/test/java/", "src/test/resources/"),
        ] {
            if let Some(at) = file.path.find(sources) {
                places.push(root.join(&file.path[..at]).join(resources).join(&resource));
            }
        }
        places.push(root.join(folder).join(&resource));
        places.push(root.join(&resource));
        if let Some(text) = places.iter().find_map(|place| read_inside(&root, place)) {
            for (key, value) in properties::parse(&text) {
                loaded.entry(key).or_insert(value);
            }
        }
    }
    loaded
}

/// The text of the regular file at `place` if it is no link, lies inside `root` and is small.
fn read_inside(root: &Path, place: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(place).ok()?;
    if !meta.file_type().is_file() || meta.len() > MAX_PROPERTIES_BYTES {
        return None;
    }
    // A linked folder on the way could lead outside the tree.
    if !place.canonicalize().ok()?.starts_with(root) {
        return None;
    }
    let bytes = std::fs::read(place).ok()?;
    String::from_utf8(bytes).ok()
}

/// Runs the code rules on each file of a language they cover.
pub struct CodeRulesAnalyzer {
    analyzer: &'static CodeAnalyzer,
}

impl CodeRulesAnalyzer {
    pub fn new() -> Result<CodeRulesAnalyzer, String> {
        Ok(CodeRulesAnalyzer {
            analyzer: code_analyzer()?,
        })
    }
}

impl Analyzer for CodeRulesAnalyzer {
    fn analyze(&self, file: &SourceFile<'_>, findings: &mut Vec<Finding>) {
        if !self.reads(file.path) {
            return;
        }
        let properties = match file.root {
            Some(root) if file.path.ends_with(".java") => properties_loaded_by(root, file),
            _ => Properties::new(),
        };
        findings.extend(self.analyzer.analyze_with_properties(
            file.path,
            file.content,
            &properties,
        ));
    }

    fn reads(&self, path: &str) -> bool {
        CodeAnalyzer::handles(path) && !is_test_path(path)
    }

    fn unreadable(&self, file: &SourceFile<'_>) -> Option<String> {
        if !self.reads(file.path) {
            return None;
        }
        // Minified bundles are left out by policy, not for being unreadable; a file nested too
        // deep to analyse safely is listed as skipped, with the reason.
        ferret_code::skip_reason(file.path, file.content)
            .filter(|reason| reason.contains("nested"))
            .map(str::to_string)
    }

    fn rules(&self) -> Vec<RuleInfo> {
        self.analyzer
            .rules()
            .iter()
            .map(|rule| code_rule_info(&rule.spec))
            .collect()
    }
}
