//! `tf-aws-s3-access-logging-missing`: nobody can tell who read or changed a bucket's objects.
//!
//! **What**: an `aws_s3_bucket` with neither an inline `logging` block nor an
//! `aws_s3_bucket_logging` for it in the same file. A bucket that receives other buckets' logs
//! (a `target_bucket`) is not reported: logging it into itself would loop.
//! **Why**: server access logs are the record an incident responder needs to learn which
//! objects a leaked key read, from where, and when; CloudTrail data events cost extra and are
//! often off.
//! **Example**: `resource "aws_s3_bucket" "data" { bucket = "data" }` alone.
//! **Fix**: `resource "aws_s3_bucket_logging" "data" { bucket = aws_s3_bucket.data.id
//! target_bucket = aws_s3_bucket.logs.id target_prefix = "data/" }`.

use super::{names_bucket, Check, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3AccessLoggingMissing;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-access-logging-missing",
    doc: include_str!("s3_access_logging_missing.rs"),
    title: "S3 bucket without access logging",
    format: "Terraform",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl Check<TerraformFile> for S3AccessLoggingMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let Some(covered) = file.buckets_covered_by("aws_s3_bucket_logging") else {
            return;
        };
        let targets: Vec<&Value> = file
            .resources("aws_s3_bucket_logging")
            .filter_map(|l| l.value("target_bucket"))
            .chain(
                file.resources("aws_s3_bucket")
                    .flat_map(|b| b.nested("logging"))
                    .filter_map(|l| l.value("target_bucket")),
            )
            .collect();
        for (bucket, covered) in file.resources("aws_s3_bucket").zip(covered) {
            let is_target = targets.iter().any(|t| names_bucket(t, bucket));
            if covered || is_target || bucket.nested("logging").next().is_some() {
                continue;
            }
            let evidence = format!("{}:no-logging", bucket.address());
            findings.push(file.finding(&META, path, bucket.pos, &evidence));
        }
    }
}
