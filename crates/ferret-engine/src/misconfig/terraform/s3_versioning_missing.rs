//! `tf-aws-s3-versioning-missing`: an S3 bucket keeps no earlier versions of its objects.
//!
//! **What**: an `aws_s3_bucket` with neither an inline `versioning { enabled = true }` nor an
//! `aws_s3_bucket_versioning` for it in the same file, or one that turns versioning off.
//! **Why**: without versioning, an overwrite or delete — by mistake, by a leaked key, or by
//! ransomware that encrypts objects in place — destroys the only copy.
//! **Example**: `resource "aws_s3_bucket" "data" { bucket = "data" }` alone.
//! **Fix**: add `resource "aws_s3_bucket_versioning" "data" { bucket = aws_s3_bucket.data.id
//! versioning_configuration { status = "Enabled" } }` (and a lifecycle rule for old versions).

use super::{Check, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3VersioningMissing;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-versioning-missing",
    doc: include_str!("s3_versioning_missing.rs"),
    title: "S3 bucket without versioning",
    format: "Terraform",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl Check<TerraformFile> for S3VersioningMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        // A companion that suspends versioning is reported where it says so.
        for companion in file.resources("aws_s3_bucket_versioning") {
            for config in companion.nested("versioning_configuration") {
                if let Some(attr) = config.attr("status") {
                    if matches!(attr.value.as_str(), Some("Suspended" | "Disabled")) {
                        let evidence = format!("{}:status", companion.address());
                        findings.push(file.finding(&META, path, attr.pos, &evidence));
                    }
                }
            }
        }
        let Some(covered) = file.buckets_covered_by("aws_s3_bucket_versioning") else {
            return;
        };
        for (bucket, covered) in file.resources("aws_s3_bucket").zip(covered) {
            let inline = bucket.nested("versioning").next();
            let inline_enabled = inline.map(|v| v.value("enabled").and_then(Value::as_bool));
            let missing = match inline_enabled {
                // `enabled = var.x` gets the benefit of the doubt.
                Some(enabled) => enabled == Some(false),
                None => !covered,
            };
            if missing {
                let pos = inline.map_or(bucket.pos, |v| v.pos);
                let evidence = format!("{}:no-versioning", bucket.address());
                findings.push(file.finding(&META, path, pos, &evidence));
            }
        }
    }
}
