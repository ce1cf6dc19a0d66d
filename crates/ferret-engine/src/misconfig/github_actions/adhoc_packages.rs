//! `gha-adhoc-packages`: a `run:` step installs a package by name, outside any lockfile.
//!
//! **What**: `npm install <pkg>` (and its aliases, `npm add`), `yarn add` / `yarn global add`,
//! `pnpm add`, `gem install <pkg>`, `bundle add <pkg>` in a workflow or composite action
//! `run:` script. Installing from the lockfile (`npm ci`, a bare `npm install`) or at an exact
//! version (`some-cli@1.4.2`, `gem install x -v 1.2`) is not reported.
//! **Why**: the step gets whatever version the registry serves at that moment, unreviewed and
//! unpinned — a hijacked or typosquatted release runs in CI with the job's token and secrets
//! (as in the `@solana/web3.js` and `nx` compromises).
//! **Example**: `run: npm install -g some-cli`.
//! **Fix**: add the tool to the project's lockfile (`npm ci`, `bundle install`), or pin an
//! exact version (`npm install -g some-cli@1.4.2`) and prefer a pinned setup action.

use super::{Check, Workflow};
use crate::misconfig::dockerfile::{command_words, shell_commands};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct AdhocPackages;

static META: CheckMeta = CheckMeta {
    id: "gha-adhoc-packages",
    doc: include_str!("adhoc_packages.rs"),
    title: "Package installed ad hoc in a workflow",
    format: "GitHub Actions",
    severity: Severity::Low,
    confidence: Confidence::High,
};

/// An npm-style package at an exact version: `some-cli@1.4.2`, `@scope/cli@2.0.0`.
fn exact_version(package: &str) -> bool {
    package
        .rfind('@')
        .filter(|&at| at > 0)
        .is_some_and(|at| package[at + 1..].starts_with(|c: char| c.is_ascii_digit()))
}

/// Whether `program args` installs a named package, at no exact version, outside a lockfile.
pub fn adhoc_install(program: &str, args: &[String]) -> bool {
    // `gem install x -v 1.2` pins the version.
    if program == "gem" && args.iter().any(|a| a == "-v" || a.starts_with("--version")) {
        return false;
    }
    let mut words = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'));
    fn named<'a>(mut words: impl Iterator<Item = &'a str>) -> bool {
        words.any(|p| !exact_version(p))
    }
    match program {
        "gem" => matches!(words.next(), Some("install" | "i")) && named(&mut words),
        "bundle" => words.next() == Some("add") && named(&mut words),
        "npm" => {
            matches!(
                words.next(),
                Some("install" | "i" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt" | "add")
            ) && named(&mut words)
        }
        "yarn" | "pnpm" => {
            let mut sub = words.next();
            if matches!(sub, Some("global")) {
                sub = words.next();
            }
            sub == Some("add") && named(&mut words)
        }
        _ => false,
    }
}

impl Check<Workflow> for AdhocPackages {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for code in workflow.code.iter().filter(|c| c.key == "run") {
            let text = &code.line.text;
            let script = text.trim_start().trim_start_matches("- ").trim_start();
            let script = script.strip_prefix("run:").unwrap_or(script);
            for (command, _) in shell_commands(script) {
                let (program, args) = command_words(&command);
                if adhoc_install(&program, &args) {
                    let column = text.find(program.as_str()).map_or(1, |c| c as u32 + 1);
                    findings.push(META.finding(path, code.line.number, column, text, &command));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::adhoc_install;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn named_installs_are_adhoc_lockfile_installs_are_not() {
        assert!(adhoc_install("npm", &words("install -g some-cli")));
        assert!(adhoc_install("npm", &words("i lodash")));
        assert!(adhoc_install("yarn", &words("global add serve")));
        assert!(adhoc_install("pnpm", &words("add lodash")));
        assert!(adhoc_install("gem", &words("install bundler")));
        assert!(!adhoc_install("npm", &words("install")));
        assert!(!adhoc_install("npm", &words("ci")));
        assert!(!adhoc_install("npm", &words("install --no-fund")));
        assert!(!adhoc_install("yarn", &words("install --frozen-lockfile")));
        assert!(!adhoc_install("bundle", &words("install")));
        assert!(!adhoc_install("npm", &words("install -g @scope/cli@2.0.0")));
        assert!(adhoc_install("npm", &words("install -g @scope/cli")));
        assert!(!adhoc_install("gem", &words("install bundler -v 2.5.0")));
    }
}
