//! `tf-aws-s3-replication-missing`: an S3 bucket not replicated to another region.
//!
//! **What**: an `aws_s3_bucket` with neither an inline `replication_configuration` nor an
//! `aws_s3_bucket_replication_configuration` for it in the same file (checkov CKV_AWS_144).
//! Informational and low confidence: most buckets (caches, build artifacts, logs that are
//! themselves copies) need no second region.
//! **Why**: a bucket holding the only copy of important data is lost with its region, or with
//! an account compromise that deletes it; a replica in another region (ideally another account)
//! survives both.
//! **Example**: `resource "aws_s3_bucket" "backups" { bucket = "backups" }` alone.
//! **Fix**: enable versioning and add an `aws_s3_bucket_replication_configuration` with a
//! destination bucket in another region.

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3ReplicationMissing;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-replication-missing",
    doc: include_str!("s3_replication_missing.rs"),
    title: "S3 bucket without cross-region replication",
    format: "Terraform",
    severity: Severity::Info,
    confidence: Confidence::Low,
};

impl Check<TerraformFile> for S3ReplicationMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let Some(covered) = file.buckets_covered_by("aws_s3_bucket_replication_configuration")
        else {
            return;
        };
        for (bucket, covered) in file.resources("aws_s3_bucket").zip(covered) {
            if !covered && bucket.nested("replication_configuration").next().is_none() {
                let evidence = format!("{}:no-replication", bucket.address());
                findings.push(file.finding(&META, path, bucket.pos, &evidence));
            }
        }
    }
}
