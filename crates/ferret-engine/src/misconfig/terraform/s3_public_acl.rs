//! `tf-aws-s3-public-acl`: an S3 bucket ACL grants access to everyone.
//!
//! **What**: `acl = "public-read"`, `"public-read-write"` or `"authenticated-read"` on an
//! `aws_s3_bucket` or `aws_s3_bucket_acl`.
//! **Why**: every object becomes readable (or writable) by anyone on the internet — or by any
//! AWS account, which is the same thing. Public buckets are the classic cloud data leak.
//! **Example**: `resource "aws_s3_bucket_acl" "site" { acl = "public-read" }`.
//! **Fix**: `acl = "private"` (or no ACL with object ownership `BucketOwnerEnforced`); serve
//! public content through CloudFront with an origin access control.

use super::{TerraformCheck, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct S3PublicAcl;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-s3-public-acl",
    title: "S3 bucket ACL is public",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
    description: "An S3 bucket ACL (`public-read`, `public-read-write`, `authenticated-read`) lets anyone read or write the bucket's objects.",
    remediation: "Use `acl = \"private\"` (or enforce bucket-owner object ownership) and publish content through CloudFront with origin access control.",
};

const PUBLIC: [&str; 3] = ["public-read", "public-read-write", "authenticated-read"];

impl TerraformCheck for S3PublicAcl {
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
                }
            }
        }
    }
}
