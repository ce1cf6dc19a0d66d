//! `tf-aws-security-group-description-missing`: a security group or rule says not what it is for.
//!
//! **What**: an `aws_security_group` without `description`, or a rule without one: inline
//! `ingress` / `egress` blocks, `aws_security_group_rule`,
//! `aws_vpc_security_group_ingress_rule` / `_egress_rule`; a `dynamic "ingress"` block's
//! `content` counts as a rule.
//! **Why**: an opening nobody can explain is one nobody dares to close; reviews and incident
//! response depend on knowing why a port is open and for whom (Terraform's default group
//! description, "Managed by Terraform", says nothing).
//! **Example**: `ingress { from_port = 5432 to_port = 5432 protocol = "tcp" cidr_blocks = ["10.0.0.0/8"] }`.
//! **Fix**: `description = "PostgreSQL from the app subnets"` on the group and on each rule.

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SecurityGroupDescriptionMissing;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-security-group-description-missing",
    doc: include_str!("security_group_description_missing.rs"),
    title: "Security group or rule without description",
    format: "Terraform",
    severity: Severity::Info,
    confidence: Confidence::High,
};

impl Check<TerraformFile> for SecurityGroupDescriptionMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for group in file.resources("aws_security_group") {
            if group.attr("description").is_none() {
                let evidence = format!("{}:no-description", group.address());
                findings.push(file.finding(&META, path, group.pos, &evidence));
            }
            // `dynamic "ingress" { content { … } }` writes its rules from a template.
            let dynamic = group
                .nested("dynamic")
                .filter(|d| {
                    matches!(
                        d.labels.first().map(String::as_str),
                        Some("ingress" | "egress")
                    )
                })
                .flat_map(|d| d.nested("content"));
            for (n, rule) in group
                .nested("ingress")
                .chain(group.nested("egress"))
                .chain(dynamic)
                .enumerate()
            {
                if rule.attr("description").is_none() {
                    let evidence = format!("{}:{}:{n}:no-description", group.address(), rule.kind);
                    findings.push(file.finding(&META, path, rule.pos, &evidence));
                }
            }
        }
        for kind in [
            "aws_security_group_rule",
            "aws_vpc_security_group_ingress_rule",
            "aws_vpc_security_group_egress_rule",
        ] {
            for rule in file.resources(kind) {
                if rule.attr("description").is_none() {
                    let evidence = format!("{}:no-description", rule.address());
                    findings.push(file.finding(&META, path, rule.pos, &evidence));
                }
            }
        }
    }
}
