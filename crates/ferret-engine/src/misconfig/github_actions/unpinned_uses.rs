//! `gha-unpinned-action`: a third-party action or container not pinned to an immutable version.
//!
//! **What**: `uses: owner/action@v3` or `@main` (a movable tag or branch), or
//! `uses: docker://image:tag`; job `container:` and `services:` images without a digest (low
//! severity when they carry a fixed tag, medium without a tag or on `latest`). GitHub's own `actions/*` and `github/*` on a tag are
//! reported at low severity: GitHub controls those tags, but they are still mutable.
//! **Why**: whoever controls the action's repository can move the tag and run new code in your
//! workflow, with its token and secrets (as in the tj-actions/changed-files compromise).
//! **Example**: `uses: some-org/deploy-action@v2`.
//! **Fix**: pin the full commit SHA and keep the tag as a comment:
//! `uses: some-org/deploy-action@8f4b7f84864484a7bf31766abe9204da3cbe65b3 # v2.1.0`.
//!
//! Local references (`./path`, and GitHub's self-repository form `$/path`) are this
//! repository's own code at the same commit and are not reported.

use super::{key_value, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct UnpinnedUses;

static META: CheckMeta = CheckMeta {
    id: "gha-unpinned-action",
    doc: include_str!("unpinned_uses.rs"),
    title: "Action not pinned to a commit SHA",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<Workflow> for UnpinnedUses {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let mut seen = std::collections::BTreeSet::new();
        for (number, value) in uses_references(workflow) {
            let reference = value
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .trim_end_matches(',')
                .trim_matches(|c| c == '"' || c == '\'');
            // `./path` and GitHub's self-repository `$/path` run code from this repository.
            let local = reference.starts_with("./") || reference.starts_with("$/");
            if reference.is_empty() || local || reference.contains("${{") {
                continue;
            }
            // An alias expands a step where it is used; report each reference once.
            if !seen.insert((number, reference.to_string())) {
                continue;
            }
            let mut first_party = false;
            let unpinned = if let Some(image) = reference.strip_prefix("docker://") {
                !image.contains("@sha256:")
            } else {
                let (action, version) = reference.split_once('@').unwrap_or((reference, ""));
                let owner = action.split('/').next().unwrap_or("");
                first_party = owner == "actions" || owner == "github";
                let sha = version.len() == 40 && version.bytes().all(|b| b.is_ascii_hexdigit());
                !sha
            };
            if unpinned {
                let text = workflow.line_text(number);
                let column = text
                    .find(reference)
                    .map_or(1, |at| text[..at].chars().count() as u32 + 1);
                let mut finding = META.finding(path, number, column, text, reference);
                if first_party {
                    finding.severity = Severity::Low;
                }
                findings.push(finding);
            }
        }
        for (_, job) in workflow.jobs() {
            let container = job.get("container");
            let images = container
                .into_iter()
                .map(|c| c.get("image").unwrap_or(c))
                .chain(job.get("services").into_iter().flat_map(|services| {
                    match &services.value {
                        crate::misconfig::yaml_tree::Value::Map(entries) => entries
                            .iter()
                            .map(|(_, s)| s.get("image").unwrap_or(s))
                            .collect::<Vec<_>>(),
                        _ => Vec::new(),
                    }
                }));
            for image in images {
                let Some(name) = image.as_str() else { continue };
                if let Some(floating) = unpinned_image(name) {
                    let text = workflow.line_text(image.pos.line);
                    let mut finding =
                        META.finding(path, image.pos.line, image.pos.column, text, name);
                    if !floating {
                        // A fixed tag without a digest: mutable, but not moving by design.
                        finding.severity = Severity::Low;
                    }
                    findings.push(finding);
                }
            }
        }
    }
}

/// For an image without a digest: `Some(true)` when its tag is missing or `latest` (floating),
/// `Some(false)` for another tag; `None` when pinned by digest or not a literal.
fn unpinned_image(image: &str) -> Option<bool> {
    if image.is_empty() || image.contains("${{") || image.contains("@sha256:") {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    Some(match last.split_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    })
}

/// Every `uses:` reference with the line of its key. From the parsed document when it parses —
/// steps (block and flow mappings, `uses: |` block scalars) and reusable-workflow jobs — else
/// line by line (`uses: x` and the JSON spelling `"uses": "x",`).
fn uses_references(workflow: &Workflow) -> Vec<(u32, String)> {
    if workflow.root.is_some() {
        let steps = workflow.steps();
        let step_nodes = steps.iter().map(|step| step.node);
        let jobs = workflow.jobs();
        let job_nodes = jobs.iter().map(|(_, job)| *job);
        return step_nodes
            .chain(job_nodes)
            .filter_map(|node| node.entry("uses"))
            .filter_map(|(key, value)| value.as_str().map(|v| (key.pos.line, v.to_string())))
            .collect();
    }
    workflow
        .lines
        .iter()
        .filter_map(|line| {
            key_value(&line.text, "uses")
                .or_else(|| key_value(&line.text, "\"uses\""))
                .map(|value| (line.number, value.to_string()))
        })
        .collect()
}
