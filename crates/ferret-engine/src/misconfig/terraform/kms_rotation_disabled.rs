//! `tf-aws-kms-rotation-disabled`: a KMS key is never rotated.
//!
//! **What**: a symmetric `aws_kms_key` without `enable_key_rotation = true` (asymmetric and
//! HMAC keys, which KMS cannot rotate, are not reported).
//! **Why**: with rotation on, KMS makes new key material every year (or at the period you set)
//! and keeps the old for decryption, which limits how much data one compromised or cryptanalysed
//! key version protects; CIS and PCI audits ask for it.
//! **Example**: `resource "aws_kms_key" "data" { description = "data" }`.
//! **Fix**: `enable_key_rotation = true` (and `rotation_period_in_days` if a year is too long).

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct KmsRotationDisabled;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-kms-rotation-disabled",
    doc: include_str!("kms_rotation_disabled.rs"),
    title: "KMS key without rotation",
    format: "Terraform",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<TerraformFile> for KmsRotationDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for key in file.resources("aws_kms_key") {
            let spec = key
                .value("customer_master_key_spec")
                .or_else(|| key.value("key_spec"));
            let symmetric =
                spec.is_none_or(|s| s.as_str().is_none_or(|s| s == "SYMMETRIC_DEFAULT"));
            if !symmetric {
                continue;
            }
            // `enable_key_rotation = var.x` gets the benefit of the doubt.
            let (pos, rotated) = match key.attr("enable_key_rotation") {
                Some(attr) => (attr.pos, attr.value.as_bool() != Some(false)),
                None => (key.pos, false),
            };
            if rotated {
                continue;
            }
            let evidence = format!("{}:no-rotation", key.address());
            findings.push(file.finding(&META, path, pos, &evidence));
        }
    }
}
