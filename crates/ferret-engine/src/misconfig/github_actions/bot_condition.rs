//! `gha-spoofable-bot-condition`: trusting `github.actor` to identify a bot.
//!
//! **What**: `if: github.actor == 'dependabot[bot]'` (or `renovate[bot]`, …).
//! **Why**: `github.actor` is whoever triggered the *latest* run: an attacker can make the bot act
//! on their pull request (for example by triggering a rebase) and then re-run the workflow,
//! which then passes the check with the attacker's code.
//! **Example**: auto-merge gated on `github.actor == 'dependabot[bot]'`.
//! **Fix**: check `github.event.pull_request.user.login` (the PR author) instead.

use super::{column_of, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct BotCondition;

static META: CheckMeta = CheckMeta {
    id: "gha-spoofable-bot-condition",
    doc: include_str!("bot_condition.rs"),
    title: "Spoofable bot check on github.actor",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

impl Check<Workflow> for BotCondition {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for (line, value) in workflow.values("if") {
            let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            let actor_check =
                compact.contains("github.actor==") || compact.contains("==github.actor");
            if actor_check && compact.contains("[bot]") {
                findings.push(META.finding(
                    path,
                    line.number,
                    column_of(line, "github.actor"),
                    &line.text,
                    &compact,
                ));
            }
        }
    }
}
