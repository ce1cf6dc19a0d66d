//! `tf-aws-s3-public-acl`: an S3 bucket ACL grants access to everyone.
//!
//! **What**: `acl = "public-read"`, `"public-read-write"` or `"authenticated-read"` on an
//! `aws_s3_bucket` or `aws_s3_bucket_acl`. A public `aws_s3_bucket_acl` is reported where it is
//! set and, as checkov does, on the `aws_s3_bucket` it names when that bucket is in the same file.
//! **Why**: every object becomes readable (or writable) by anyone on the internet — or by any
//! AWS account, which is the same thing. Public buckets are the classic cloud data leak.
//! **Example**: `resource "aws_s3_bucket_acl" "site" { acl = "public-read" }`.
//! **Fix**: `acl = "private"` (or no ACL with object ownership `BucketOwnerEnforced`); serve
//! public content through CloudFront with an origin access control.

use super::{names_bucket, Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3PublicAcl;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-public-acl",
    doc: include_str!("s3_public_acl.rs"),
    title: "S3 bucket ACL is public",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
};

const PUBLIC: [&str; 3] = ["public-read", "public-read-write", "authenticated-read"];

impl Check<TerraformFile> for S3PublicAcl {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for resource in file
            .resources("aws_s3_bucket")
            .chain(file.resources("aws_s3_bucket_acl"))
        {
            if let Some(acl) = resource.attr("acl") {
                if acl.value.as_str().is_some_and(|v| PUBLIC.contains(&v)) {
                    let evidence = format!("{}:acl", resource.address());
                    findings.push(file.finding(&META, path, acl.pos, &evidence));
                    let Some(target) = resource.value("bucket") else {
                        continue;
                    };
                    for bucket in file.resources("aws_s3_bucket") {
                        if names_bucket(target, bucket) {
                            let evidence =
                                format!("{}:acl:{}", bucket.address(), resource.address());
                            findings.push(file.finding(&META, path, bucket.pos, &evidence));
                        }
                    }
                }
            }
        }
    }
}
