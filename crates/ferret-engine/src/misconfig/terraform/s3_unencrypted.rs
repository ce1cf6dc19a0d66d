//! `tf-aws-s3-unencrypted`: an S3 bucket without an encryption configuration of its own.
//!
//! **What**: an `aws_s3_bucket` with neither an inline `server_side_encryption_configuration`
//! nor an `aws_s3_bucket_server_side_encryption_configuration` for it in the same file.
//! **Why**: S3 applies SSE-S3 by default since 2023, but that key is AWS-managed: nobody can
//! audit or restrict its use, and audits (CIS, PCI) ask for an explicit, preferably KMS, key.
//! **Example**: `resource "aws_s3_bucket" "data" { bucket = "data" }` alone.
//! **Fix**: add an `aws_s3_bucket_server_side_encryption_configuration` with
//! `sse_algorithm = "aws:kms"` and a customer-managed key.

use super::{TerraformCheck, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3Unencrypted;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-unencrypted",
    title: "S3 bucket without explicit encryption",
    format: "Terraform",
    severity: Severity::Low,
    confidence: Confidence::Medium,
    description: "An S3 bucket has no server-side encryption configuration, so it relies on the AWS-managed default key that cannot be audited or restricted.",
    remediation: "Add an `aws_s3_bucket_server_side_encryption_configuration` using `aws:kms` with a customer-managed key.",
};

impl TerraformCheck for S3Unencrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let targets: Vec<&Value> = file
            .resources("aws_s3_bucket_server_side_encryption_configuration")
            .filter_map(|b| b.value("bucket"))
            .collect();
        if targets
            .iter()
            .any(|t| matches!(t, Value::Expr(e) if !e.starts_with("aws_s3_bucket.")))
        {
            return;
        }
        for bucket in file.resources("aws_s3_bucket") {
            if bucket
                .nested("server_side_encryption_configuration")
                .next()
                .is_some()
            {
                continue;
            }
            let address = bucket.address();
            let name = bucket.value("bucket").and_then(Value::as_str);
            let covered = targets.iter().any(|t| match t {
                Value::Expr(e) => e == &address || e.starts_with(&format!("{address}.")),
                Value::Str(s) => Some(s.as_str()) == name,
                _ => false,
            });
            if !covered {
                let evidence = format!("{address}:no-encryption");
                findings.push(file.finding(&META, path, bucket.pos, &evidence));
            }
        }
    }
}
