//! `tf-aws-ebs-unencrypted`: an EBS volume or instance disk is not encrypted.
//!
//! **What**: an `aws_ebs_volume` without `encrypted = true`; an `aws_instance` or
//! `aws_launch_configuration` whose `root_block_device` or `ebs_block_device` lacks it —
//! including one with no `root_block_device` at all, whose root disk AWS then creates
//! unencrypted; a launch template `ebs` block with `encrypted = false`. Nothing is reported when
//! the same file turns on `aws_ebs_encryption_by_default`.
//! **Why**: snapshots and detached volumes of unencrypted disks can be copied and read by
//! anyone who gets access to them, and audits require encryption at rest.
//! **Example**: `resource "aws_ebs_volume" "data" { size = 100 }`.
//! **Fix**: `encrypted = true` (optionally with `kms_key_id`), or turn on
//! `aws_ebs_encryption_by_default` for the account.

use super::{Block, Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct EbsUnencrypted;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-ebs-unencrypted",
    doc: include_str!("ebs_unencrypted.rs"),
    title: "EBS volume not encrypted",
    format: "Terraform",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

fn report(
    file: &TerraformFile,
    path: &str,
    owner: &Block,
    disk: &Block,
    missing_is_bad: bool,
    out: &mut Vec<Finding>,
) {
    match disk.attr("encrypted") {
        Some(attr) if attr.value.as_bool() == Some(false) => {
            let evidence = format!("{}:{}:encrypted", owner.address(), disk.kind);
            out.push(file.finding(&META, path, attr.pos, &evidence));
        }
        None if missing_is_bad && disk.attr("snapshot_id").is_none() => {
            let evidence = format!("{}:{}:no-encryption", owner.address(), disk.kind);
            out.push(file.finding(&META, path, disk.pos, &evidence));
        }
        _ => {}
    }
}

impl Check<TerraformFile> for EbsUnencrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let by_default = file
            .resources("aws_ebs_encryption_by_default")
            .any(|b| b.value("enabled").and_then(|v| v.as_bool()) != Some(false));
        for volume in file.resources("aws_ebs_volume") {
            report(file, path, volume, volume, !by_default, findings);
        }
        let machines = file
            .resources("aws_launch_configuration")
            .chain(file.resources("aws_instance"));
        for machine in machines {
            // No root disk block: the root volume is created unencrypted.
            if !by_default && machine.nested("root_block_device").next().is_none() {
                let evidence = format!("{}:root_block_device:absent", machine.address());
                findings.push(file.finding(&META, path, machine.pos, &evidence));
            }
            for disk in machine
                .nested("root_block_device")
                .chain(machine.nested("ebs_block_device"))
            {
                report(file, path, machine, disk, !by_default, findings);
            }
        }
        for template in file.resources("aws_launch_template") {
            for mapping in template.nested("block_device_mappings") {
                for disk in mapping.nested("ebs") {
                    report(file, path, template, disk, false, findings);
                }
            }
        }
    }
}
