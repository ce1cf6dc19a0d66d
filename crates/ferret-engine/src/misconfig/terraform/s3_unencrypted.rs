//! `tf-aws-s3-unencrypted`: an S3 bucket without an encryption configuration of its own.
//!
//! **What**: an `aws_s3_bucket` with neither an inline `server_side_encryption_configuration`
//! nor an `aws_s3_bucket_server_side_encryption_configuration` for it in the same file.
//! **Why**: S3 applies SSE-S3 by default since 2023, but that key is AWS-managed: nobody can
//! audit or restrict its use, and audits (CIS, PCI) ask for an explicit, preferably KMS, key.
//! **Example**: `resource "aws_s3_bucket" "data" { bucket = "data" }` alone.
//! **Fix**: add an `aws_s3_bucket_server_side_encryption_configuration` with
//! `sse_algorithm = "aws:kms"` and a customer-managed key.

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3Unencrypted;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-unencrypted",
    doc: include_str!("s3_unencrypted.rs"),
    title: "S3 bucket without explicit encryption",
    format: "Terraform",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl Check<TerraformFile> for S3Unencrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let Some(covered) =
            file.buckets_covered_by("aws_s3_bucket_server_side_encryption_configuration")
        else {
            return;
        };
        for (bucket, covered) in file.resources("aws_s3_bucket").zip(covered) {
            let inline = bucket
                .nested("server_side_encryption_configuration")
                .next()
                .is_some();
            if !covered && !inline {
                let evidence = format!("{}:no-encryption", bucket.address());
                findings.push(file.finding(&META, path, bucket.pos, &evidence));
            }
        }
    }
}
