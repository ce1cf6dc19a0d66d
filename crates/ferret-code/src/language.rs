//! The languages the code analyzer reads: which files are which, the tree-sitter grammar
//! (through ast-grep) for each, and the rule families (`javascript` rules also run on
//! TypeScript and TSX).

use ast_grep_language::SupportLang;
use serde::Deserialize;

/// A grammar the analyzer parses with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Java,
}

/// The `language:` of a rule: a family of grammars it is compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLanguage {
    Python,
    /// JavaScript, TypeScript and TSX.
    JavaScript,
    /// TypeScript and TSX only (type annotations in the pattern).
    TypeScript,
    /// JavaScript and TSX: the grammars with JSX (React components).
    Jsx,
    Go,
    Java,
}

impl RuleLanguage {
    /// The grammars a rule of this family runs on.
    pub fn grammars(self) -> &'static [Language] {
        match self {
            RuleLanguage::Python => &[Language::Python],
            RuleLanguage::JavaScript => {
                &[Language::JavaScript, Language::TypeScript, Language::Tsx]
            }
            RuleLanguage::TypeScript => &[Language::TypeScript, Language::Tsx],
            RuleLanguage::Jsx => &[Language::JavaScript, Language::Tsx],
            RuleLanguage::Go => &[Language::Go],
            RuleLanguage::Java => &[Language::Java],
        }
    }

    /// The directory under `rules/code/` and the name used in docs.
    pub fn name(self) -> &'static str {
        match self {
            RuleLanguage::Python => "python",
            RuleLanguage::JavaScript => "javascript",
            RuleLanguage::TypeScript => "typescript",
            RuleLanguage::Jsx => "jsx",
            RuleLanguage::Go => "go",
            RuleLanguage::Java => "java",
        }
    }

    /// A file name for an example snippet of this family.
    pub fn example_path(self) -> &'static str {
        match self {
            RuleLanguage::Python => "example.py",
            RuleLanguage::JavaScript => "example.js",
            RuleLanguage::TypeScript => "example.ts",
            RuleLanguage::Jsx => "example.jsx",
            RuleLanguage::Go => "example.go",
            RuleLanguage::Java => "Example.java",
        }
    }
}

impl Language {
    /// Every grammar, in a fixed order (indexes into per-language tables).
    pub const ALL: [Language; 6] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Go,
        Language::Java,
    ];

    /// The language of a file, by its extension.
    pub fn of_path(path: &str) -> Option<Language> {
        let extension = path.rsplit_once('.')?.1;
        Some(match extension {
            "py" | "pyw" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "go" => Language::Go,
            "java" => Language::Java,
            _ => return None,
        })
    }

    /// The ast-grep language (grammar and metavariable handling) for this grammar.
    pub fn ast_grep(self) -> SupportLang {
        match self {
            Language::Python => SupportLang::Python,
            Language::JavaScript => SupportLang::JavaScript,
            Language::TypeScript => SupportLang::TypeScript,
            Language::Tsx => SupportLang::Tsx,
            Language::Go => SupportLang::Go,
            Language::Java => SupportLang::Java,
        }
    }

    /// This grammar's position in [`Language::ALL`].
    pub fn index(self) -> usize {
        Language::ALL
            .iter()
            .position(|l| *l == self)
            .unwrap_or_default()
    }

    /// The family whose import and taint conventions apply.
    pub fn family(self) -> RuleLanguage {
        match self {
            Language::Python => RuleLanguage::Python,
            Language::JavaScript | Language::TypeScript | Language::Tsx => RuleLanguage::JavaScript,
            Language::Go => RuleLanguage::Go,
            Language::Java => RuleLanguage::Java,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_by_extension() {
        assert_eq!(Language::of_path("app/views.py"), Some(Language::Python));
        assert_eq!(Language::of_path("web/page.tsx"), Some(Language::Tsx));
        assert_eq!(Language::of_path("cmd/main.go"), Some(Language::Go));
        assert_eq!(Language::of_path("README.md"), None);
        assert_eq!(Language::of_path("Makefile"), None);
        for (i, language) in Language::ALL.iter().enumerate() {
            assert_eq!(language.index(), i);
        }
    }
}
