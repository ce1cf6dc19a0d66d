//! `gha-typosquatted-action`: an action whose name is one typo away from a popular action.
//!
//! **What**: `uses: actoins/checkout@v4`, `uses: aws-action/configure-aws-credentials@v4`:
//! an `owner/repo` that is not a well-known action but differs from one by a single character
//! (dropped, added, swapped with its neighbour or replaced) or by `rn` for `m`, under another
//! owner. A typo under the popular action's own owner (`actions/chekout`) cannot be registered
//! by anyone else and only fails, so it is not reported.
//! **Why**: attackers register such names and publish an action that does what the real one
//! does — plus exfiltrating the job's token and secrets. A one-letter slip in review is easy to
//! miss.
//! **Example**: `uses: action/checkout@v4` (the real owner is `actions`).
//! **Fix**: correct the name to the action you meant, and pin it by commit SHA.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct TyposquattedAction;

static META: CheckMeta = CheckMeta {
    id: "gha-typosquatted-action",
    doc: include_str!("typosquatted_action.rs"),
    title: "Action name one typo from a popular action",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

/// Widely used actions (owner/repo, lowercase), the names typosquatters imitate.
const POPULAR: &[&str] = &[
    "8398a7/action-slack",
    "actions/cache",
    "actions/checkout",
    "actions/configure-pages",
    "actions/create-github-app-token",
    "actions/dependency-review-action",
    "actions/deploy-pages",
    "actions/download-artifact",
    "actions/github-script",
    "actions/labeler",
    "actions/setup-dotnet",
    "actions/setup-go",
    "actions/setup-java",
    "actions/setup-node",
    "actions/setup-python",
    "actions/stale",
    "actions/upload-artifact",
    "actions/upload-pages-artifact",
    "astral-sh/setup-uv",
    "aws-actions/configure-aws-credentials",
    "aws-actions/amazon-ecr-login",
    "azure/login",
    "codecov/codecov-action",
    "dependabot/fetch-metadata",
    "docker/build-push-action",
    "docker/login-action",
    "docker/metadata-action",
    "docker/setup-buildx-action",
    "docker/setup-qemu-action",
    "dorny/paths-filter",
    "dtolnay/rust-toolchain",
    "github/codeql-action",
    "golangci/golangci-lint-action",
    "google-github-actions/auth",
    "google-github-actions/setup-gcloud",
    "goreleaser/goreleaser-action",
    "gradle/actions",
    "hashicorp/setup-terraform",
    "jamesives/github-pages-deploy-action",
    "mikefarah/yq",
    "ncipollo/release-action",
    "peaceiris/actions-gh-pages",
    "peter-evans/create-pull-request",
    "pnpm/action-setup",
    "pre-commit/action",
    "pypa/gh-action-pypi-publish",
    "release-drafter/release-drafter",
    "ruby/setup-ruby",
    "shivammathur/setup-php",
    "slackapi/slack-github-action",
    "softprops/action-gh-release",
    "step-security/harden-runner",
    "swatinem/rust-cache",
    "tj-actions/changed-files",
];

/// Whether `a` and `b` differ by one edit: a character dropped, added, replaced, two
/// neighbours swapped, or `rn` written for `m`.
fn one_typo(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (da, db) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let swapped = da.len() == 2 && db.len() == 2 && da[0] == db[1] && da[1] == db[0];
    let confusable = |x: &[char], y: &[char]| x == ['r', 'n'] && y == ['m'];
    matches!((da.len(), db.len()), (0, 1) | (1, 0) | (1, 1))
        || swapped
        || confusable(da, db)
        || confusable(db, da)
}

/// The popular action `reference` imitates, if it is one typo from it under another owner.
fn imitated(reference: &str) -> Option<&'static str> {
    let name = reference.split('@').next()?.to_ascii_lowercase();
    let mut parts = name.splitn(3, '/');
    let slug = format!("{}/{}", parts.next()?, parts.next()?);
    if POPULAR.contains(&slug.as_str()) {
        return None;
    }
    let owner = slug.split('/').next()?;
    POPULAR
        .iter()
        .copied()
        .find(|popular| popular.split('/').next() != Some(owner) && one_typo(&slug, popular))
}

impl Check<Workflow> for TyposquattedAction {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for (pos, reference) in workflow.uses_references() {
            if reference.starts_with("./") || reference.starts_with("docker://") {
                continue;
            }
            let Some(popular) = imitated(reference) else {
                continue;
            };
            let mut finding = META.finding(
                path,
                pos.line,
                pos.column,
                workflow.line_text(pos.line),
                reference,
            );
            finding.remediation = format!("{} Did you mean `{popular}`?", finding.remediation);
            findings.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::imitated;

    #[test]
    fn one_typo_under_another_owner() {
        assert_eq!(imitated("actoins/checkout@v4"), Some("actions/checkout"));
        assert_eq!(imitated("action/checkout@v4"), Some("actions/checkout"));
        assert_eq!(
            imitated("aws-action/configure-aws-credentials@v4"),
            Some("aws-actions/configure-aws-credentials")
        );
        assert_eq!(imitated("docker/rnetadata-action@v5"), None);
        assert_eq!(
            imitated("dockr/metadata-action@v5"),
            Some("docker/metadata-action")
        );
        assert_eq!(imitated("actions/checkout@v4"), None);
        assert_eq!(imitated("actions/chekout@v4"), None);
        assert_eq!(imitated("github/codeql-action/init@v3"), None);
        assert_eq!(imitated("my-org/deploy@v1"), None);
    }
}
