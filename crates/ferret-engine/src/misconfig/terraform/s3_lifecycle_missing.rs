//! `tf-aws-s3-lifecycle-missing`: an S3 bucket without lifecycle rules.
//!
//! **What**: an `aws_s3_bucket` with neither an inline `lifecycle_rule` nor an
//! `aws_s3_bucket_lifecycle_configuration` for it in the same file (checkov CKV2_AWS_61).
//! **Why**: without expiry, old object versions, incomplete multipart uploads and stale data
//! (logs, exports, backups holding personal data) are kept forever: storage costs grow and so
//! does what a leak exposes; retention policies cannot be shown to an auditor.
//! **Example**: `resource "aws_s3_bucket" "exports" { bucket = "exports" }` alone.
//! **Fix**: `resource "aws_s3_bucket_lifecycle_configuration" "exports" { bucket =
//! aws_s3_bucket.exports.id rule { id = "expire" status = "Enabled" expiration { days = 90 }
//! noncurrent_version_expiration { noncurrent_days = 30 } } }`.

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3LifecycleMissing;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-lifecycle-missing",
    doc: include_str!("s3_lifecycle_missing.rs"),
    title: "S3 bucket without lifecycle rules",
    format: "Terraform",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl Check<TerraformFile> for S3LifecycleMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let Some(covered) = file.buckets_covered_by("aws_s3_bucket_lifecycle_configuration") else {
            return;
        };
        for (bucket, covered) in file.resources("aws_s3_bucket").zip(covered) {
            if !covered && bucket.nested("lifecycle_rule").next().is_none() {
                let evidence = format!("{}:no-lifecycle", bucket.address());
                findings.push(file.finding(&META, path, bucket.pos, &evidence));
            }
        }
    }
}
