//! `gha-dependabot-cooldown`: Dependabot proposes releases the day they are published.
//!
//! **What**: an `updates` entry of `.github/dependabot.yml` without `cooldown`, or with
//! `cooldown.default-days` below 7.
//! **Why**: most malicious package releases (hijacked maintainer accounts, typosquats) are found
//! and pulled within days; without a cooldown, Dependabot opens the pull request — and CI runs
//! the new code with its secrets — before anyone has had the chance to notice.
//! **Example**: `- package-ecosystem: npm` with `directory` and `schedule` only.
//! **Fix**: `cooldown: { default-days: 7 }` on each entry (security updates are not delayed).

use super::{Check, Node, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct DependabotCooldown;

static META: CheckMeta = CheckMeta {
    id: "gha-dependabot-cooldown",
    doc: include_str!("dependabot_cooldown.rs"),
    title: "Dependabot updates without a cooldown",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

/// The fewest days a new release should wait.
const MINIMUM_DAYS: i64 = 7;

/// Whether `path` is Dependabot's configuration.
pub fn is_dependabot(path: &str) -> bool {
    path.ends_with(".github/dependabot.yml") || path.ends_with(".github/dependabot.yaml")
}

impl Check<Workflow> for DependabotCooldown {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        if !is_dependabot(path) {
            return;
        }
        let updates = workflow.root.as_ref().and_then(|r| r.get("updates"));
        for update in updates.map(Node::items).unwrap_or(&[]) {
            let pos = match update.get("cooldown") {
                None => update
                    .entry("package-ecosystem")
                    .map_or(update.pos, |(k, _)| k.pos),
                Some(cooldown) => match cooldown.entry("default-days") {
                    Some((key, days)) if days.as_i64().is_some_and(|d| d < MINIMUM_DAYS) => key.pos,
                    Some(_) => continue,
                    None => update.entry("cooldown").map_or(update.pos, |(k, _)| k.pos),
                },
            };
            let ecosystem = update
                .get("package-ecosystem")
                .and_then(Node::as_str)
                .unwrap_or("?");
            findings.push(META.finding(
                path,
                pos.line,
                pos.column,
                workflow.line_text(pos.line),
                &format!("{ecosystem}@{}", pos.line),
            ));
        }
    }
}
