//! `gha-undocumented-permissions` (pedantic): a permission granted without a comment saying why.
//!
//! **What**: each scope in a workflow- or job-level `permissions:` mapping, other than
//! `contents: read` (the baseline every job needs), with no comment on its line or on the line
//! above. Opt-in: `--select pedantic` or the id.
//! **Why**: permissions only ever grow unless reviewers can tell which step needs each one; an
//! unexplained `id-token: write` or `packages: write` outlives the step that needed it.
//! **Example**: `permissions: { contents: read, id-token: write }`.
//! **Fix**: `id-token: write  # OIDC login to AWS in the deploy step`.

use super::{Check, Node, Workflow};
use crate::misconfig::yaml_tree::Value;
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct UndocumentedPermissions;

static META: CheckMeta = CheckMeta {
    id: "gha-undocumented-permissions",
    doc: include_str!("undocumented_permissions.rs"),
    title: "Permission without an explanatory comment",
    format: "GitHub Actions",
    severity: Severity::Low,
    confidence: Confidence::High,
};

/// Whether line `number` carries a comment, or the line above is one.
fn commented(workflow: &Workflow, number: u32) -> bool {
    let text = workflow.line_text(number);
    let trailing = text.find(" #").is_some() || text.trim_start().starts_with('#');
    let above = number > 1 && workflow.line_text(number - 1).trim_start().starts_with('#');
    trailing || above
}

impl Check<Workflow> for UndocumentedPermissions {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        let Some(root) = &workflow.root else {
            return;
        };
        let owners = std::iter::once(root).chain(workflow.jobs().into_iter().map(|(_, j)| j));
        let blocks = owners.filter_map(|owner: &Node| owner.get("permissions"));
        for block in blocks {
            let Value::Map(scopes) = &block.value else {
                continue;
            };
            for (key, value) in scopes {
                let (Some(scope), Some(level)) = (key.as_str(), value.as_str()) else {
                    continue;
                };
                if (scope == "contents" && level == "read") || commented(workflow, key.pos.line) {
                    continue;
                }
                findings.push(META.finding(
                    path,
                    key.pos.line,
                    key.pos.column,
                    workflow.line_text(key.pos.line),
                    &format!("{scope}@{}", key.pos.line),
                ));
            }
        }
    }
}
