//! The code analyzer as an engine [`Analyzer`]: `ferret-code`'s rules (insecure patterns and
//! tainted data flows in Python, JavaScript/TypeScript, Go and Java) over every source file of
//! the scan, except test code, where insecure calls are expected.
//!
//! The rules are compiled once per process, the first time they are needed.

use crate::analyzer::{Analyzer, RuleInfo, SourceFile};
use crate::misconfig::app::is_test_path;
use ferret_code::{CodeAnalyzer, CodeRuleSpec};
use ferret_core::{Category, Finding};
use std::sync::OnceLock;

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
        findings.extend(self.analyzer.analyze(file.path, file.content));
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
