//! `gha-github-app-token`: a GitHub App token minted with more reach than the job needs.
//!
//! **What**: an `actions/create-github-app-token` step that takes none of the
//! `permission-<name>` inputs (the token gets every permission of the installation), that sets
//! `owner:` without `repositories:` (every repository of that owner the App is installed on,
//! unless only organization-level permissions are asked for), or that sets
//! `skip-token-revoke: true` (the token stays valid for its full hour after the job).
//! **Why**: App tokens usually carry far more than `GITHUB_TOKEN` — write access across many
//! repositories, sometimes administration — so a step that leaks or misuses one reaches all of
//! it; a token left unrevoked keeps working after the job has ended.
//! **Example**: `uses: actions/create-github-app-token@v2` with only `app-id` and `private-key`.
//! **Fix**: ask for what the job uses (`permission-contents: write`), name the repositories
//! (`repositories: 'repo1,repo2'`), and leave token revocation on.

use super::{Check, Node, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct GithubAppToken;

static META: CheckMeta = CheckMeta {
    id: "gha-github-app-token",
    doc: include_str!("github_app_token.rs"),
    title: "GitHub App token with broad or lasting access",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::High,
};

/// Permission inputs that only reach organization resources, not repositories.
fn organization_only(input: &str) -> bool {
    input.starts_with("permission-organization-")
        || matches!(
            input,
            "permission-members"
                | "permission-custom-properties-for-organizations"
                | "permission-enterprise-custom-properties-for-organizations"
        )
}

impl Check<Workflow> for GithubAppToken {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for step in workflow.steps() {
            if !step.uses_action("actions/create-github-app-token") {
                continue;
            }
            let inputs: Vec<(&Node, &Node)> = match step.node.get("with").map(|w| &w.value) {
                Some(crate::misconfig::yaml_tree::Value::Map(entries)) => {
                    entries.iter().map(|(k, v)| (k, v)).collect()
                }
                // `with: ${{ … }}` cannot be read; nothing to say.
                Some(_) => continue,
                None => Vec::new(),
            };
            let input = |name: &str| inputs.iter().find(|(k, _)| k.as_str() == Some(name));
            let permissions: Vec<&str> = inputs
                .iter()
                .filter_map(|(k, _)| k.as_str())
                .filter(|k| k.starts_with("permission-"))
                .collect();
            let mut report = |pos: crate::misconfig::yaml_tree::Pos, why: &str| {
                findings.push(META.finding(
                    path,
                    pos.line,
                    pos.column,
                    workflow.line_text(pos.line),
                    &format!("{}:{why}@{}", step.job, pos.line),
                ));
            };
            if let Some((key, value)) = input("skip-token-revoke") {
                if value.as_bool() == Some(true) {
                    report(key.pos, "skip-token-revoke");
                }
            }
            if let Some((key, _)) = input("owner") {
                let org_only =
                    !permissions.is_empty() && permissions.iter().all(|p| organization_only(p));
                if input("repositories").is_none() && !org_only {
                    report(key.pos, "owner-without-repositories");
                }
            }
            if permissions.is_empty() {
                report(step.pos(), "no-permissions");
            }
        }
    }
}
