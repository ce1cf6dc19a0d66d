//! `gha-insecure-commands`: deprecated workflow commands re-enabled.
//!
//! **What**: `ACTIONS_ALLOW_UNSECURE_COMMANDS: true`.
//! **Why**: re-enables `::set-env` and `::add-path`, which let anything printed to the log (an
//! issue title echoed by a script, a test's output) set environment variables and PATH for later
//! steps — code execution.
//! **Example**: `env: ACTIONS_ALLOW_UNSECURE_COMMANDS: true`.
//! **Fix**: remove it and write to `$GITHUB_ENV` / `$GITHUB_PATH` instead.

use super::{column_of, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct InsecureCommands;

static META: CheckMeta = CheckMeta {
    id: "gha-insecure-commands",
    doc: include_str!("insecure_commands.rs"),
    title: "Insecure workflow commands enabled",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl Check<Workflow> for InsecureCommands {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for (line, value) in workflow.values("ACTIONS_ALLOW_UNSECURE_COMMANDS") {
            if value
                .trim_matches(|c| c == '"' || c == '\'')
                .eq_ignore_ascii_case("true")
            {
                let column = column_of(line, "ACTIONS_ALLOW_UNSECURE_COMMANDS");
                findings.push(META.finding(
                    path,
                    line.number,
                    column,
                    &line.text,
                    "ACTIONS_ALLOW_UNSECURE_COMMANDS",
                ));
            }
        }
    }
}
