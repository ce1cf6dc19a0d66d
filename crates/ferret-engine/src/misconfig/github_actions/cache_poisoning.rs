//! `gha-cache-poisoning`: a release workflow restores a cache others can write.
//!
//! **What**: in a workflow that publishes (triggered by `release` or tag pushes, or using a
//! publishing action such as `pypa/gh-action-pypi-publish`, `softprops/action-gh-release`,
//! `goreleaser/goreleaser-action`, `docker/build-push-action`), a step that restores a cache:
//! `actions/cache`, `actions/cache/restore`, `Swatinem/rust-cache`, `setup-node` /
//! `setup-python` / `setup-java` / `setup-dotnet` with `cache:`, `setup-go` v4+ (caches by
//! default), `ruby/setup-ruby` with `bundler-cache: true`, `astral-sh/setup-uv` with
//! `enable-cache: true`, and actions that cache by default (`actions-rust-lang/setup-rust-toolchain`,
//! `jdx/mise-action`, `magic-nix-cache-action`, `sccache-action`).
//! **Why**: caches are shared across workflows of the repository; a pull-request or
//! lower-privilege workflow can plant a poisoned cache entry that the release build restores
//! and ships to users.
//! **Example**: `on: release` with `- uses: actions/setup-node@v4 with: { cache: npm }`.
//! **Fix**: do not restore caches in release/publishing workflows (build from a clean state).

use super::{Check, Step, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct CachePoisoning;

static META: CheckMeta = CheckMeta {
    id: "gha-cache-poisoning",
    doc: include_str!("cache_poisoning.rs"),
    title: "Cache restored in a release workflow",
    format: "GitHub Actions",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

const PUBLISHERS: &[&str] = &[
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "goreleaser/goreleaser-action",
    "docker/build-push-action",
    "ncipollo/release-action",
    "actions/create-release",
    "rubygems/release-gem",
    "JS-DevTools/npm-publish",
];

fn enabled(step: &Step<'_>, input: &str) -> bool {
    step.input(input)
        .is_some_and(|v| v.as_bool() != Some(false) && v.as_str().is_some_and(|s| !s.is_empty()))
}

/// The major version of `owner/action@vN`, if written that way.
fn major(step: &Step<'_>) -> Option<u32> {
    let reference = step.uses()?.split_once('@')?.1;
    reference.strip_prefix('v')?.split('.').next()?.parse().ok()
}

fn restores_cache(step: &Step<'_>) -> bool {
    let setup_with_cache = [
        "actions/setup-node",
        "actions/setup-python",
        "actions/setup-java",
        "actions/setup-dotnet",
    ];
    step.uses_action("actions/cache")
        || step.uses_action("actions/cache/restore")
        || step.uses_action("Swatinem/rust-cache")
        || (setup_with_cache.iter().any(|a| step.uses_action(a)) && enabled(step, "cache"))
        || (step.uses_action("actions/setup-go")
            && (enabled(step, "cache")
                || (step.input("cache").is_none() && major(step).is_some_and(|m| m >= 4))))
        || (step.uses_action("ruby/setup-ruby") && enabled(step, "bundler-cache"))
        // Cache by default unless told otherwise.
        || (["actions-rust-lang/setup-rust-toolchain", "jdx/mise-action"]
            .iter()
            .any(|a| step.uses_action(a))
            && step.input("cache").and_then(|v| v.as_bool()) != Some(false))
        || step.uses_action("DeterminateSystems/magic-nix-cache-action")
        || step.uses_action("mozilla-actions/sccache-action")
        || (step.uses_action("astral-sh/setup-uv") && enabled(step, "enable-cache"))
}

impl Check<Workflow> for CachePoisoning {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let steps = workflow.steps();
        let on_release = workflow.triggers().iter().any(|t| t == "release")
            || workflow
                .root
                .as_ref()
                .and_then(|r| r.path(&["on", "push", "tags"]))
                .is_some();
        let publishes = steps
            .iter()
            .any(|s| PUBLISHERS.iter().any(|p| s.uses_action(p)));
        if !on_release && !publishes {
            return;
        }
        for step in steps.iter().filter(|s| restores_cache(s)) {
            let pos = step.pos();
            let text = workflow.line_text(pos.line);
            findings.push(META.finding(
                path,
                pos.line,
                pos.column,
                text,
                &format!("{}:{}", step.job, step.uses().unwrap_or("")),
            ));
        }
    }
}
