//! `gha-cache-poisoning`: a release workflow restores a cache others can write.
//!
//! **What**: in a workflow that releases (triggered by `release`, tag pushes, or pushes to a
//! branch named like `release/*`) or a job that publishes (`pypa/gh-action-pypi-publish`,
//! `softprops/action-gh-release`, `goreleaser/goreleaser-action`, `docker/build-push-action`,
//! cloud deploy actions, ...), a step that restores a cache: `actions/cache` (not
//! `lookup-only`), `actions/cache/restore`, `Swatinem/rust-cache`, `setup-python` /
//! `setup-java` / `setup-dotnet` with `cache:`, `setup-node` with `cache:` or, from v5, by
//! default, `setup-go` from v4 (by default), `ruby/setup-ruby` with `bundler-cache: true`,
//! `astral-sh/setup-uv` with `enable-cache: true` (or by default below v10), `maturin-action`
//! with `sccache: true`, and actions that cache unless told not to (`setup-rust-toolchain`,
//! `mise-action`, `setup-zig`, `setup-bun`, `setup-gradle`, `magic-nix-cache-action`,
//! `sccache-action`, ...). A SHA-pinned action is taken at its current major version.
//! **Why**: caches are shared across workflows of the repository; a pull-request or
//! lower-privilege workflow can plant a poisoned cache entry that the release build restores
//! and ships to users.
//! **Example**: `on: release` with `- uses: actions/setup-node@v4 with: { cache: npm }`.
//! **Fix**: do not restore caches in release/publishing workflows (build from a clean state).

use super::{Check, Node, Step, Workflow};
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

/// Steps that publish what the job built (zizmor's list of well-known publishers).
const PUBLISHERS: &[&str] = &[
    "pypa/gh-action-pypi-publish",
    "rubygems/release-gem",
    "jreleaser/release-action",
    "goreleaser/goreleaser-action",
    "softprops/action-gh-release",
    "release-drafter/release-drafter",
    "googleapis/release-please-action",
    "ncipollo/release-action",
    "actions/create-release",
    "JS-DevTools/npm-publish",
    "redhat-actions/push-to-registry",
    "aws-actions/amazon-ecs-deploy-task-definition",
    "aws-actions/aws-cloudformation-github-deploy",
    "Azure/aci-deploy",
    "Azure/container-apps-deploy-action",
    "Azure/functions-action",
    "Azure/sql-action",
    "cloudflare/wrangler-action",
    "google-github-actions/deploy-appengine",
    "google-github-actions/deploy-cloudrun",
    "google-github-actions/deploy-cloud-functions",
];

fn publishes(step: &Step<'_>) -> bool {
    PUBLISHERS.iter().any(|p| step.uses_action(p))
        || (step.uses_action("docker/build-push-action") && !off(step, "push"))
}

/// An input set to a true value (`true`, a cache kind such as `npm`).
fn enabled(step: &Step<'_>, input: &str) -> bool {
    step.input_text(input)
        .is_some_and(|v| !v.is_empty() && step.input_bool(input) != Some(false))
}

/// An input set to `false` (so a default-on cache is off).
fn off(step: &Step<'_>, input: &str) -> bool {
    step.input_bool(input) == Some(false)
}

/// An input set to `true`.
fn on(step: &Step<'_>, input: &str) -> bool {
    step.input_bool(input) == Some(true)
}

/// The major version of `owner/action@vN`, if written that way (`None` for a SHA pin).
fn major(step: &Step<'_>) -> Option<u32> {
    let reference = step.uses()?.split_once('@')?.1;
    reference.strip_prefix('v')?.split('.').next()?.parse().ok()
}

/// Whether the step restores (and may later save) a cache, per each action's documented inputs
/// and defaults. A SHA-pinned action is taken at its current major.
fn restores_cache(step: &Step<'_>) -> bool {
    let at_least = |n: u32| major(step).is_none_or(|m| m >= n);
    let below = |n: u32| major(step).is_some_and(|m| m < n);
    let uses = |a: &str| step.uses_action(a);
    (uses("actions/cache") && !on(step, "lookup-only"))
        || uses("actions/cache/restore")
        || (uses("Swatinem/rust-cache") && !on(step, "lookup-only"))
        || (["actions/setup-python", "actions/setup-java", "actions/setup-dotnet", "pnpm/setup", "graalvm/setup-graalvm"]
            .iter()
            .any(|a| uses(a))
            && enabled(step, "cache"))
        // setup-node caches with `cache:`, and from v5 by default for a `packageManager`.
        || (uses("actions/setup-node")
            && (enabled(step, "cache") || (at_least(5) && !off(step, "package-manager-cache"))))
        // setup-go caches by default from v4.
        || (uses("actions/setup-go") && !off(step, "cache") && !below(4))
        || (uses("ruby/setup-ruby") && on(step, "bundler-cache"))
        || (uses("PyO3/maturin-action") && on(step, "sccache"))
        // setup-uv: `enable-cache: true` always; below v10 its default (`auto`) caches too.
        || (uses("astral-sh/setup-uv")
            && (step.input_text("enable-cache").as_deref() == Some("true")
                || (below(10) && !off(step, "enable-cache"))))
        // Cache by default unless told otherwise.
        || (["actions-rust-lang/setup-rust-toolchain", "jdx/mise-action"]
            .iter()
            .any(|a| uses(a))
            && !off(step, "cache"))
        || (uses("mlugg/setup-zig") && !off(step, "use-cache"))
        || (uses("oven-sh/setup-bun") && !on(step, "no-cache"))
        || (uses("DeterminateSystems/magic-nix-cache-action") && !off(step, "use-gha-cache"))
        || (uses("gradle/actions/setup-gradle") && !on(step, "cache-disabled"))
        || (uses("docker/setup-buildx-action")
            && !off(step, "cache-binary")
            && step.input("version").is_some())
        || (uses("ramsey/composer-install") && !on(step, "ignore-cache"))
        || ["mozilla-actions/sccache-action", "nix-community/cache-nix-action", "awalsh128/cache-apt-pkgs-action"]
            .iter()
            .any(|a| uses(a))
}

/// Whether the workflow runs on events used to release: `release`, tag pushes, or pushes to a
/// branch whose name says release (`release/*`, `release-*`).
fn release_triggers(workflow: &Workflow) -> bool {
    let push = workflow.root.as_ref().and_then(|r| r.path(&["on", "push"]));
    let release_branch = push.and_then(|p| p.get("branches")).is_some_and(|b| {
        b.items()
            .iter()
            .chain(std::iter::once(b))
            .filter_map(Node::as_str)
            .any(|name| name.to_ascii_lowercase().contains("release"))
    });
    workflow.triggers().iter().any(|t| t == "release")
        || push.and_then(|p| p.get("tags")).is_some()
        || release_branch
}

impl Check<Workflow> for CachePoisoning {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let steps = workflow.steps();
        let on_release = release_triggers(workflow);
        // Without release triggers, a job is a release job when it runs a publishing step.
        let publishing_jobs: Vec<&str> = steps
            .iter()
            .filter(|s| publishes(s))
            .map(|s| s.job)
            .collect();
        for step in steps.iter().filter(|s| restores_cache(s)) {
            if !on_release && !publishing_jobs.contains(&step.job) {
                continue;
            }
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
