//! `gha-spoofable-bot-condition`: trusting `github.actor` to identify a bot.
//!
//! **What**: `if: github.actor == 'dependabot[bot]'` (or `renovate[bot]`, …), in any spelling:
//! `github['actor']`, `github.triggering_actor`, any letter case, `contains(github.actor,
//! '[bot]')`, or `github.actor_id` compared with a bot's account id (Dependabot 49699333,
//! Renovate 29139614, github-actions 41898282).
//! **Why**: `github.actor` is whoever triggered the *latest* run: an attacker can make the bot act
//! on their pull request (for example by triggering a rebase) and then re-run the workflow,
//! which then passes the check with the attacker's code.
//! **Example**: auto-merge gated on `github.actor == 'dependabot[bot]'`.
//! **Fix**: check `github.event.pull_request.user.login` (the PR author) instead.

use super::{Check, Workflow};
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
            if let Some(evidence) = spoofable_bot_check(value) {
                let column = ["github.", "github["]
                    .iter()
                    .find_map(|needle| line.text.find(needle))
                    .map_or(1, |at| line.text[..at].chars().count() as u32 + 1);
                findings.push(META.finding(path, line.number, column, &line.text, &evidence));
            }
        }
    }
}

/// Account ids of the bots people gate workflows on.
const BOT_IDS: [&str; 3] = ["49699333", "29139614", "41898282"];

/// The condition, normalised, when it trusts the run's actor to be a bot.
fn spoofable_bot_check(condition: &str) -> Option<String> {
    let mut compact: String = condition
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
        .replace('"', "'");
    for name in ["actor_id", "triggering_actor", "actor"] {
        compact = compact.replace(&format!("github['{name}']"), &format!("github.{name}"));
    }
    let actors = ["github.actor", "github.triggering_actor"];
    let compared = |expression: &str| {
        compact.contains(&format!("{expression}=="))
            || compact.contains(&format!("=={expression}"))
            || compact.contains(&format!("{expression}!="))
    };
    let by_name = actors.iter().any(|a| compared(a)) && compact.contains("[bot]")
        || actors.iter().any(|a| {
            ["contains(", "endswith("]
                .iter()
                .any(|f| compact.contains(&format!("{f}{a},'")) && compact.contains("[bot]"))
        });
    let by_id = (compared("github.actor_id") || compared("github.triggering_actor_id"))
        && BOT_IDS.iter().any(|id| compact.contains(id));
    (by_name || by_id).then_some(compact)
}

#[cfg(test)]
mod tests {
    use super::spoofable_bot_check;

    #[test]
    fn every_spelling_of_a_bot_check_on_the_actor() {
        for spoofable in [
            "github.actor == 'dependabot[bot]'",
            "${{ github['actor'] == 'dependabot[bot]' }}",
            "github.actor == 'DEPENDABOT[BOT]'",
            "github.triggering_actor == \"renovate[bot]\"",
            "github.actor_id == 49699333",
            "github.actor_id == '29139614' && true",
            "contains(github.actor, '[bot]')",
        ] {
            assert!(spoofable_bot_check(spoofable).is_some(), "{spoofable}");
        }
        for safe in [
            "github.event.pull_request.user.login == 'dependabot[bot]'",
            "github.actor == 'octocat'",
            "github.actor_id == 12345",
            "github.event_name == 'push'",
        ] {
            assert_eq!(spoofable_bot_check(safe), None, "{safe}");
        }
    }
}
