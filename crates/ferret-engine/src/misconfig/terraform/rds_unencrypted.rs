//! `tf-aws-rds-unencrypted`: an RDS instance or cluster stores data unencrypted.
//!
//! **What**: an `aws_db_instance` or `aws_rds_cluster` without `storage_encrypted = true`
//! (replicas and restores, which inherit their source's setting, are skipped).
//! **Why**: database storage, automated backups, replicas and snapshots are then readable by
//! whoever obtains a copy; encryption cannot be switched on later without a migration.
//! **Example**: `resource "aws_db_instance" "db" { engine = "postgres" }`.
//! **Fix**: `storage_encrypted = true` (with `kms_key_id` for a customer-managed key).

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct RdsUnencrypted;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-rds-unencrypted",
    doc: include_str!("rds_unencrypted.rs"),
    title: "RDS storage not encrypted",
    format: "Terraform",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<TerraformFile> for RdsUnencrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for db in file
            .resources("aws_db_instance")
            .chain(file.resources("aws_rds_cluster"))
        {
            let inherited = [
                "replicate_source_db",
                "snapshot_identifier",
                "replication_source_identifier",
            ]
            .iter()
            .any(|k| db.attr(k).is_some());
            let serverless_v1 =
                db.value("engine_mode").and_then(|v| v.as_str()) == Some("serverless");
            match db.attr("storage_encrypted") {
                Some(attr) if attr.value.as_bool() == Some(false) => {
                    let evidence = format!("{}:storage_encrypted", db.address());
                    findings.push(file.finding(&META, path, attr.pos, &evidence));
                }
                None if !inherited && !serverless_v1 => {
                    let evidence = format!("{}:no-storage-encryption", db.address());
                    findings.push(file.finding(&META, path, db.pos, &evidence));
                }
                _ => {}
            }
        }
    }
}
