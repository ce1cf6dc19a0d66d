//! CloudTrail checks: `tf-aws-cloudtrail-logging-disabled` and
//! `tf-aws-cloudtrail-not-encrypted`.
//!
//! **What**: an `aws_cloudtrail` with `enable_logging = false`; an `aws_cloudtrail` without a
//! `kms_key_id`.
//! **Why**: with logging off, nothing records who did what in the account — the first thing an
//! intruder switches off and the first thing an incident responder needs. Without a KMS key the
//! log files are only protected by S3's default key, and anyone who can read the bucket can read
//! the account's activity.
//! **Example**: `resource "aws_cloudtrail" "main" { enable_logging = false }`.
//! **Fix**: leave `enable_logging` at its default (`true`); set `kms_key_id` to a
//! customer-managed key.

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct CloudTrailLoggingDisabled;
pub struct CloudTrailNotEncrypted;

static DISABLED: CheckMeta = CheckMeta {
    id: "tf-aws-cloudtrail-logging-disabled",
    doc: include_str!("cloudtrail.rs"),
    title: "CloudTrail logging disabled",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
};

static UNENCRYPTED: CheckMeta = CheckMeta {
    id: "tf-aws-cloudtrail-not-encrypted",
    doc: include_str!("cloudtrail.rs"),
    title: "CloudTrail logs not encrypted with KMS",
    format: "Terraform",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl Check<TerraformFile> for CloudTrailLoggingDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &DISABLED
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for trail in file.resources("aws_cloudtrail") {
            if let Some(attr) = trail.attr("enable_logging") {
                if attr.value.as_bool() == Some(false) {
                    let evidence = format!("{}:enable_logging", trail.address());
                    findings.push(file.finding(&DISABLED, path, attr.pos, &evidence));
                }
            }
        }
    }
}

impl Check<TerraformFile> for CloudTrailNotEncrypted {
    fn meta(&self) -> &'static CheckMeta {
        &UNENCRYPTED
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for trail in file.resources("aws_cloudtrail") {
            if trail.attr("kms_key_id").is_none() {
                let evidence = format!("{}:no-kms-key", trail.address());
                findings.push(file.finding(&UNENCRYPTED, path, trail.pos, &evidence));
            }
        }
    }
}
