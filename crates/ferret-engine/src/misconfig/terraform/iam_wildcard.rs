//! `tf-aws-iam-wildcard`: an IAM policy allows every action on every resource.
//!
//! **What**: a statement with `Effect = "Allow"`, `Action` `*` (or `*:*`) and `Resource` `*` —
//! in `jsonencode(…)` or heredoc JSON of `aws_iam_policy`, `aws_iam_role_policy`,
//! `aws_iam_user_policy`, `aws_iam_group_policy`, an `inline_policy`, or a
//! `data "aws_iam_policy_document"` statement.
//! **Why**: that is full administrator access; whoever holds the role, user or key can do
//! anything in the account, including covering their tracks.
//! **Example**: `Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]`.
//! **Fix**: grant the specific actions on the specific resources the workload needs.

use super::{json_value, Block, Check, Pos, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct IamWildcard;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-iam-wildcard",
    doc: include_str!("iam_wildcard.rs"),
    title: "IAM policy allows * on *",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
};

fn wildcard(value: Option<&Value>) -> bool {
    value.is_some_and(|v| {
        v.items()
            .iter()
            .any(|i| matches!(i.as_str(), Some("*") | Some("*:*")))
    })
}

/// Does a policy document (object) hold an allow-all statement?
fn allows_everything(policy: &Value) -> bool {
    let Some(statements) = policy.field("statement") else {
        return false;
    };
    statements.items().iter().any(|s| {
        let effect = s.field("effect").and_then(Value::as_str).unwrap_or("Allow");
        effect.eq_ignore_ascii_case("allow")
            && wildcard(s.field("action"))
            && wildcard(s.field("resource"))
    })
}

fn policy_value(value: &Value) -> Option<Value> {
    match value {
        Value::Object(_) => Some(value.clone()),
        Value::Str(text) | Value::Template(text) => json_value(text),
        _ => None,
    }
}

fn check_policy_attr(
    file: &TerraformFile,
    path: &str,
    owner: &Block,
    block: &Block,
    findings: &mut Vec<Finding>,
) {
    if let Some(attr) = block.attr("policy") {
        if policy_value(&attr.value).is_some_and(|p| allows_everything(&p)) {
            let evidence = format!("{}:{}:policy", owner.address(), block.kind);
            findings.push(file.finding(&META, path, attr.pos, &evidence));
        }
    }
}

impl Check<TerraformFile> for IamWildcard {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for kind in [
            "aws_iam_policy",
            "aws_iam_role_policy",
            "aws_iam_user_policy",
            "aws_iam_group_policy",
        ] {
            for resource in file.resources(kind) {
                check_policy_attr(file, path, resource, resource, findings);
            }
        }
        for role in file.resources("aws_iam_role") {
            for inline in role.nested("inline_policy") {
                check_policy_attr(file, path, role, inline, findings);
            }
        }
        for document in file.data("aws_iam_policy_document") {
            for statement in document.nested("statement") {
                let effect = statement
                    .value("effect")
                    .and_then(Value::as_str)
                    .unwrap_or("Allow");
                if effect.eq_ignore_ascii_case("allow")
                    && wildcard(statement.value("actions"))
                    && wildcard(statement.value("resources"))
                {
                    let pos: Pos = statement
                        .attr("actions")
                        .map(|a| a.pos)
                        .unwrap_or(statement.pos);
                    let evidence = format!("{}:statement", document.address());
                    findings.push(file.finding(&META, path, pos, &evidence));
                }
            }
        }
    }
}
