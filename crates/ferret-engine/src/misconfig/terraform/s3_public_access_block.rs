//! `tf-aws-s3-public-access-block`: an S3 bucket's public-access block is off or missing.
//!
//! **What**: an `aws_s3_bucket_public_access_block` (or the account-wide
//! `aws_s3_account_public_access_block`) that sets `block_public_acls`, `block_public_policy`,
//! `ignore_public_acls` or `restrict_public_buckets` to `false`; or an `aws_s3_bucket` with no
//! public-access block for it in the same file.
//! **Why**: the public-access block is the guard rail that stops a later ACL or bucket policy
//! from making the data public by mistake.
//! **Example**: `block_public_policy = false`.
//! **Fix**: declare an `aws_s3_bucket_public_access_block` for every bucket with all four
//! settings `true`.
//!
//! A block whose `bucket` is a variable or another expression the check cannot follow counts
//! as covering every bucket in the file.

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3PublicAccessBlock;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-public-access-block",
    doc: include_str!("s3_public_access_block.rs"),
    title: "S3 public-access block disabled or missing",
    format: "Terraform",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

const SETTINGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

impl Check<TerraformFile> for S3PublicAccessBlock {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let blocks: Vec<_> = file
            .resources("aws_s3_bucket_public_access_block")
            .chain(file.resources("aws_s3_account_public_access_block"))
            .collect();
        for block in &blocks {
            for setting in SETTINGS {
                if let Some(attr) = block.attr(setting) {
                    if attr.value.as_bool() == Some(false) {
                        let evidence = format!("{}:{setting}", block.address());
                        findings.push(file.finding(&META, path, attr.pos, &evidence));
                    }
                }
            }
        }
        if file
            .resources("aws_s3_account_public_access_block")
            .next()
            .is_some()
        {
            return;
        }
        let Some(covered) = file.buckets_covered_by("aws_s3_bucket_public_access_block") else {
            return;
        };
        for (bucket, covered) in file.resources("aws_s3_bucket").zip(covered) {
            if !covered {
                let evidence = format!("{}:no-public-access-block", bucket.address());
                findings.push(file.finding(&META, path, bucket.pos, &evidence));
            }
        }
    }
}
