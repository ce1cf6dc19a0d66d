//! `tf-aws-search-domain-unencrypted`: an OpenSearch / Elasticsearch domain stores or sends
//! data unencrypted.
//!
//! **What**: an `aws_opensearch_domain` or `aws_elasticsearch_domain` without
//! `encrypt_at_rest { enabled = true }` (checkov CKV_AWS_5), or without
//! `node_to_node_encryption { enabled = true }` (CKV_AWS_6). Both are off unless set; a
//! `dynamic` block or a variable gets the benefit of the doubt.
//! **Why**: search clusters hold copies of the data they index — logs with tokens and personal
//! data, documents, customer records. Unencrypted disks and snapshots leak through backups and
//! storage access; traffic between nodes in clear text can be read inside the VPC.
//! **Example**: `resource "aws_opensearch_domain" "logs" { domain_name = "logs" }`.
//! **Fix**: `encrypt_at_rest { enabled = true }` and `node_to_node_encryption { enabled = true
//! }` (set at creation: changing them later replaces the domain on older engine versions).

use super::{Block, Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SearchDomainUnencrypted;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-search-domain-unencrypted",
    doc: include_str!("search_domain_unencrypted.rs"),
    title: "Search domain without encryption",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
};

/// The OpenSearch and Elasticsearch domains of a file.
pub fn search_domains(file: &TerraformFile) -> impl Iterator<Item = &Block> {
    file.resources("aws_opensearch_domain")
        .chain(file.resources("aws_elasticsearch_domain"))
}

/// Whether `domain` turns `setting` on (`setting { enabled = true }`), or may: a variable, or a
/// `dynamic "setting"` block.
pub fn enables(domain: &Block, setting: &str) -> bool {
    let dynamic = domain
        .nested("dynamic")
        .any(|d| d.labels.first().is_some_and(|l| l == setting));
    dynamic
        || domain.nested(setting).any(|b| {
            b.value("enabled")
                .is_some_and(|v| v.as_bool() != Some(false))
        })
}

impl Check<TerraformFile> for SearchDomainUnencrypted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for domain in search_domains(file) {
            for setting in ["encrypt_at_rest", "node_to_node_encryption"] {
                if enables(domain, setting) {
                    continue;
                }
                let pos = domain.nested(setting).next().map_or(domain.pos, |b| b.pos);
                let evidence = format!("{}:{setting}", domain.address());
                findings.push(file.finding(&META, path, pos, &evidence));
            }
        }
    }
}
