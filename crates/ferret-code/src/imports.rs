//! Import and alias resolution: which qualified name a local name stands for, so a rule about
//! `subprocess.run` also fires for `import subprocess as sp; sp.run(…)` and
//! `from subprocess import run as r; r(…)`, and a rule about `child_process.exec` for
//! `const cp = require("child_process"); cp.exec(…)`.
//!
//! Each file's imports are read once into an [`Imports`] map (local name → qualified name);
//! [`Imports::resolve`] rewrites the head of a dotted expression through it.

use crate::language::{Language, RuleLanguage};
use crate::SgNode;
use std::collections::HashMap;

/// Local names bound by a file's imports.
#[derive(Debug, Default, Clone)]
pub struct Imports {
    names: HashMap<String, String>,
}

fn unquote(text: &str) -> &str {
    text.trim_matches(|c| c == '"' || c == '\'' || c == '`')
}

impl Imports {
    /// Reads the imports of a parsed file.
    pub fn of(root: &SgNode<'_>, language: Language) -> Imports {
        let mut imports = Imports::default();
        for node in root.dfs() {
            match (language.family(), node.kind().as_ref()) {
                (RuleLanguage::Python, "import_statement") => imports.python_import(&node),
                (RuleLanguage::Python, "import_from_statement") => imports.python_from(&node),
                (RuleLanguage::JavaScript, "import_statement") => imports.js_import(&node),
                (RuleLanguage::JavaScript, "variable_declarator") => imports.js_require(&node),
                (RuleLanguage::Go, "import_spec") => imports.go_import(&node),
                (RuleLanguage::Java, "import_declaration") => imports.java_import(&node),
                _ => {}
            }
        }
        imports
    }

    fn bind(&mut self, local: &str, qualified: String) {
        if !local.is_empty() && !qualified.is_empty() {
            self.names.insert(local.to_string(), qualified);
        }
    }

    /// `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
    fn python_import(&mut self, node: &SgNode<'_>) {
        for child in node.named_children() {
            match child.kind().as_ref() {
                "dotted_name" => {
                    let text = child.text();
                    let head = text.split('.').next().unwrap_or("");
                    self.bind(head, head.to_string());
                }
                "aliased_import" => {
                    if let (Some(name), Some(alias)) = (child.field("name"), child.field("alias")) {
                        self.bind(&alias.text(), name.text().to_string());
                    }
                }
                _ => {}
            }
        }
    }

    /// `from a.b import f` binds `f` to `a.b.f`; `from a import f as g` binds `g` to `a.f`.
    fn python_from(&mut self, node: &SgNode<'_>) {
        let Some(module) = node.field("module_name") else {
            return;
        };
        let module = module.text().trim_start_matches('.').to_string();
        for name in node.field_children("name") {
            let (imported, local) = match name.kind().as_ref() {
                "aliased_import" => match (name.field("name"), name.field("alias")) {
                    (Some(n), Some(a)) => (n.text().to_string(), a.text().to_string()),
                    _ => continue,
                },
                _ => (name.text().to_string(), name.text().to_string()),
            };
            self.bind(&local, format!("{module}.{imported}"));
        }
    }

    /// `import x from "m"`, `import * as x from "m"` bind `x` to `m`; `import {a as b} from
    /// "m"` binds `b` to `m.a`.
    fn js_import(&mut self, node: &SgNode<'_>) {
        let Some(source) = node.field("source") else {
            return;
        };
        let module = unquote(&source.text()).to_string();
        for clause in node
            .named_children()
            .filter(|c| c.kind() == "import_clause")
        {
            for part in clause.named_children() {
                match part.kind().as_ref() {
                    "identifier" => self.bind(&part.text(), module.clone()),
                    "namespace_import" => {
                        if let Some(name) = part.named_children().last() {
                            self.bind(&name.text(), module.clone());
                        }
                    }
                    "named_imports" => {
                        for spec in part.named_children() {
                            let Some(name) = spec.field("name") else {
                                continue;
                            };
                            let local = spec.field("alias").unwrap_or(name.clone());
                            self.bind(&local.text(), format!("{module}.{}", unquote(&name.text())));
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// `const x = require("m")` binds `x` to `m`; `const {a, b: c} = require("m")` binds `a`
    /// to `m.a` and `c` to `m.b`.
    fn js_require(&mut self, node: &SgNode<'_>) {
        let (Some(name), Some(value)) = (node.field("name"), node.field("value")) else {
            return;
        };
        let Some(module) = required_module(&value) else {
            return;
        };
        match name.kind().as_ref() {
            "identifier" => self.bind(&name.text(), module),
            "object_pattern" => {
                for part in name.named_children() {
                    match part.kind().as_ref() {
                        "shorthand_property_identifier_pattern" => {
                            self.bind(&part.text(), format!("{module}.{}", part.text()));
                        }
                        "pair_pattern" => {
                            if let (Some(key), Some(local)) =
                                (part.field("key"), part.field("value"))
                            {
                                self.bind(&local.text(), format!("{module}.{}", key.text()));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// `import "os/exec"` binds `exec`; `import ex "os/exec"` binds `ex`; both to `os/exec`.
    fn go_import(&mut self, node: &SgNode<'_>) {
        let Some(path) = node.field("path") else {
            return;
        };
        let path = unquote(&path.text()).to_string();
        let local = match node.field("name") {
            Some(name) if name.kind() == "package_identifier" => name.text().to_string(),
            Some(_) => return,
            None => path.rsplit('/').next().unwrap_or("").to_string(),
        };
        self.bind(&local, path);
    }

    /// `import java.lang.Runtime;` binds `Runtime`; `import static a.B.m;` binds `m`.
    fn java_import(&mut self, node: &SgNode<'_>) {
        let Some(name) = node
            .named_children()
            .find(|c| matches!(c.kind().as_ref(), "scoped_identifier" | "identifier"))
        else {
            return;
        };
        if node.named_children().any(|c| c.kind() == "asterisk") {
            return;
        }
        let qualified = name.text().to_string();
        let local = qualified.rsplit('.').next().unwrap_or("").to_string();
        self.bind(&local, qualified);
    }

    /// Whether `name` is bound by an import (a module or an imported function, not data).
    pub fn binds(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// The qualified name `expression` stands for: its first segment rewritten through the
    /// imports (`sp.run` → `subprocess.run`), whitespace removed, and an inline
    /// `require("m")` read as `m`. Unchanged when its head is not imported.
    pub fn resolve(&self, expression: &str) -> String {
        let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
        let compact = inline_require(&compact);
        let split = compact.find(['.', '(', '[']).unwrap_or(compact.len());
        let (head, rest) = compact.split_at(split);
        match self.names.get(head) {
            Some(qualified) => format!("{qualified}{rest}"),
            None => compact.to_string(),
        }
    }
}

/// `require("m")` → `m`, for a call that is exactly that.
fn required_module(value: &SgNode<'_>) -> Option<String> {
    if value.kind() != "call_expression" {
        return None;
    }
    let function = value.field("function")?;
    if function.text() != "require" {
        return None;
    }
    let argument = value.field("arguments")?.named_children().next()?;
    (argument.kind() == "string").then(|| unquote(&argument.text()).to_string())
}

/// Rewrites a leading `require("m")` to `m`.
fn inline_require(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(rest) = text.strip_prefix("require(") else {
        return text.into();
    };
    let Some(close) = rest.find(')') else {
        return text.into();
    };
    format!("{}{}", unquote(&rest[..close]), &rest[close + 1..]).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ast_grep_core::tree_sitter::LanguageExt;

    fn imports(language: Language, source: &str) -> Imports {
        let root = language.ast_grep().ast_grep(source);
        Imports::of(&root.root(), language)
    }

    #[test]
    fn python_aliases() {
        let map = imports(
            Language::Python,
            "import subprocess as sp\nimport os.path\nfrom subprocess import run as r, call\nfrom . import views\n",
        );
        assert_eq!(map.resolve("sp.run"), "subprocess.run");
        assert_eq!(map.resolve("r"), "subprocess.run");
        assert_eq!(map.resolve("call"), "subprocess.call");
        assert_eq!(map.resolve("os.path.join"), "os.path.join");
        assert_eq!(map.resolve("eval"), "eval");
    }

    #[test]
    fn javascript_aliases() {
        let map = imports(
            Language::TypeScript,
            "import cp from 'child_process';\nimport * as fs from \"fs\";\nimport { exec as run } from 'child_process';\nconst { execSync, spawn: sp } = require('child_process');\nconst vm = require('vm');\n",
        );
        assert_eq!(map.resolve("cp.exec"), "child_process.exec");
        assert_eq!(map.resolve("fs.readFile"), "fs.readFile");
        assert_eq!(map.resolve("run"), "child_process.exec");
        assert_eq!(map.resolve("execSync"), "child_process.execSync");
        assert_eq!(map.resolve("sp"), "child_process.spawn");
        assert_eq!(map.resolve("vm.runInNewContext"), "vm.runInNewContext");
        assert_eq!(
            map.resolve("require('child_process').exec"),
            "child_process.exec"
        );
    }

    #[test]
    fn go_and_java_imports() {
        let go = imports(
            Language::Go,
            "package main\nimport (\n  \"os/exec\"\n  sq \"database/sql\"\n)\n",
        );
        assert_eq!(go.resolve("exec.Command"), "os/exec.Command");
        assert_eq!(go.resolve("sq.Open"), "database/sql.Open");
        let java = imports(
            Language::Java,
            "import java.security.MessageDigest;\nimport static java.lang.Runtime.getRuntime;\nimport java.util.*;\n",
        );
        assert_eq!(
            java.resolve("MessageDigest.getInstance"),
            "java.security.MessageDigest.getInstance"
        );
        assert_eq!(java.resolve("getRuntime"), "java.lang.Runtime.getRuntime");
    }
}
