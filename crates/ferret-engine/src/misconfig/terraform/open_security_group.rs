//! `tf-aws-open-security-group`: SSH, RDP or every port open to the whole internet.
//!
//! **What**: an ingress rule (inline `ingress` block or list, `aws_security_group_rule` of type
//! `ingress`, or `aws_vpc_security_group_ingress_rule`) from `0.0.0.0/0` or `::/0` whose port
//! range covers 22 (SSH), 3389 (RDP), or all ports (protocol `-1`/`all`, or 0–65535).
//! **Why**: administrative ports open to the world are scanned and brute-forced within
//! minutes of going up; "all ports" exposes every service on the host.
//! **Example**: `ingress { from_port = 22 to_port = 22 protocol = "tcp" cidr_blocks = ["0.0.0.0/0"] }`.
//! **Fix**: restrict the source to known ranges, or use SSM Session Manager / a VPN instead of
//! open administrative ports. Web ports (80, 443) open to the world are not reported.

use super::{Check, Pos, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct OpenSecurityGroup;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-open-security-group",
    doc: include_str!("open_security_group.rs"),
    title: "Security group open to the internet on SSH, RDP or all ports",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
};

/// One ingress rule, whatever its spelling.
struct Rule<'a> {
    fields: Vec<(&'a str, &'a Value)>,
    /// Where each field was written (an inline list shares the attribute's position).
    positions: Vec<(&'a str, Pos)>,
    fallback: Pos,
}

impl<'a> Rule<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
    fn pos(&self, key: &str) -> Pos {
        self.positions
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, p)| *p)
            .unwrap_or(self.fallback)
    }
}

fn from_block(block: &super::Block) -> Rule<'_> {
    Rule {
        fields: block
            .attrs
            .iter()
            .map(|a| (a.key.as_str(), &a.value))
            .collect(),
        positions: block
            .attrs
            .iter()
            .map(|a| (a.key.as_str(), a.pos))
            .collect(),
        fallback: block.pos,
    }
}

/// The open-world CIDR field of the rule, if any.
fn open_cidr<'a>(rule: &Rule<'a>) -> Option<&'static str> {
    for key in ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"] {
        if let Some(value) = rule.get(key) {
            if value
                .items()
                .iter()
                .any(|v| matches!(v.as_str(), Some("0.0.0.0/0") | Some("::/0")))
            {
                return Some(match key {
                    "cidr_blocks" => "cidr_blocks",
                    "ipv6_cidr_blocks" => "ipv6_cidr_blocks",
                    "cidr_ipv4" => "cidr_ipv4",
                    _ => "cidr_ipv6",
                });
            }
        }
    }
    None
}

/// What the rule exposes: `all ports`, `SSH`, `RDP`, or nothing of interest (or unknown).
fn exposure(rule: &Rule<'_>) -> Option<&'static str> {
    let protocol = rule
        .get("protocol")
        .or_else(|| rule.get("ip_protocol"))
        .and_then(|v| match v {
            Value::Num(n) => Some(n.to_string()),
            other => other.as_str().map(str::to_ascii_lowercase),
        });
    if matches!(protocol.as_deref(), Some("-1") | Some("all")) {
        return Some("all ports");
    }
    if matches!(
        protocol.as_deref(),
        Some("icmp") | Some("icmpv6") | Some("1") | Some("58")
    ) {
        return None;
    }
    let from = rule.get("from_port").and_then(Value::as_num)?;
    let to = rule.get("to_port").and_then(Value::as_num)?;
    if from <= 0.0 && to >= 65535.0 {
        Some("all ports")
    } else if from <= 22.0 && 22.0 <= to {
        Some("SSH")
    } else if from <= 3389.0 && 3389.0 <= to {
        Some("RDP")
    } else {
        None
    }
}

impl Check<TerraformFile> for OpenSecurityGroup {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let mut rules: Vec<(String, Rule<'_>)> = Vec::new();
        for group in file.resources("aws_security_group") {
            for ingress in group.nested("ingress") {
                rules.push((group.address(), from_block(ingress)));
            }
            if let Some(attr) = group.attr("ingress") {
                for item in attr.value.items() {
                    if let Value::Object(fields) = item {
                        rules.push((
                            group.address(),
                            Rule {
                                fields: fields.iter().map(|(k, v)| (k.as_str(), v)).collect(),
                                positions: Vec::new(),
                                fallback: attr.pos,
                            },
                        ));
                    }
                }
            }
        }
        for rule in file.resources("aws_security_group_rule") {
            if rule.value("type").and_then(Value::as_str) == Some("ingress") {
                rules.push((rule.address(), from_block(rule)));
            }
        }
        for rule in file.resources("aws_vpc_security_group_ingress_rule") {
            rules.push((rule.address(), from_block(rule)));
        }
        for (address, rule) in &rules {
            let (Some(cidr), Some(what)) = (open_cidr(rule), exposure(rule)) else {
                continue;
            };
            let evidence = format!("{address}:{cidr}:{what}");
            findings.push(file.finding(&META, path, rule.pos(cidr), &evidence));
        }
    }
}
