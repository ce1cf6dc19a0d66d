//! `tf-aws-imdsv1`: an EC2 instance or launch template allows IMDSv1.
//!
//! **What**: an `aws_instance` or `aws_launch_template` without `metadata_options { http_tokens
//! = "required" }` (missing, or `"optional"`), unless the metadata endpoint is disabled.
//! **Why**: IMDSv1 answers plain GET requests, so any server-side request forgery in an app on
//! the instance hands out the instance role's credentials (the Capital One breach).
//! **Example**: `metadata_options { http_tokens = "optional" }`.
//! **Fix**: `metadata_options { http_tokens = "required" }`.

use super::{Check, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct Imdsv1;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-imdsv1",
    doc: include_str!("imdsv1.rs"),
    title: "Instance metadata service v1 allowed",
    format: "Terraform",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<TerraformFile> for Imdsv1 {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for resource in file
            .resources("aws_instance")
            .chain(file.resources("aws_launch_template"))
        {
            let options = resource.nested("metadata_options").next();
            let disabled = options
                .and_then(|o| o.value("http_endpoint"))
                .and_then(Value::as_str)
                == Some("disabled");
            let tokens = options.and_then(|o| o.attr("http_tokens"));
            match tokens {
                _ if disabled => {}
                Some(attr) if attr.value.as_str() == Some("optional") => {
                    let evidence = format!("{}:http_tokens", resource.address());
                    findings.push(file.finding(&META, path, attr.pos, &evidence));
                }
                Some(_) => {}
                None => {
                    let pos = options.map(|o| o.pos).unwrap_or(resource.pos);
                    let evidence = format!("{}:no-http-tokens", resource.address());
                    findings.push(file.finding(&META, path, pos, &evidence));
                }
            }
        }
    }
}
