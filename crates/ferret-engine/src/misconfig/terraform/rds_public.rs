//! `tf-aws-rds-public`: an RDS database is reachable from the internet.
//!
//! **What**: `publicly_accessible = true` on an `aws_db_instance` or
//! `aws_rds_cluster_instance`.
//! **Why**: the database gets a public DNS name and address; one permissive security group
//! rule away from password guessing and exploits from anywhere.
//! **Example**: `publicly_accessible = true`.
//! **Fix**: `publicly_accessible = false`; reach the database through a VPN, bastion or
//! private link.

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct RdsPublic;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-rds-public",
    doc: include_str!("rds_public.rs"),
    title: "RDS database publicly accessible",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl Check<TerraformFile> for RdsPublic {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for db in file
            .resources("aws_db_instance")
            .chain(file.resources("aws_rds_cluster_instance"))
        {
            if let Some(attr) = db.attr("publicly_accessible") {
                if attr.value.as_bool() == Some(true) {
                    let evidence = format!("{}:publicly_accessible", db.address());
                    findings.push(file.finding(&META, path, attr.pos, &evidence));
                }
            }
        }
    }
}
