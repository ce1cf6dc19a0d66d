//! `tf-aws-search-domain-logging-missing`: an OpenSearch / Elasticsearch domain publishes no
//! logs.
//!
//! **What**: an `aws_opensearch_domain` or `aws_elasticsearch_domain` without a
//! `log_publishing_options` block that is enabled (checkov CKV_AWS_84); a `dynamic` block gets
//! the benefit of the doubt.
//! **Why**: without audit, slow-log or error logs in CloudWatch there is no record of who
//! queried or changed the index, and an intrusion or a data export goes unseen.
//! **Example**: `resource "aws_opensearch_domain" "logs" { domain_name = "logs" … }` with no
//! `log_publishing_options`.
//! **Fix**: `log_publishing_options { cloudwatch_log_group_arn = aws_cloudwatch_log_group.
//! audit.arn log_type = "AUDIT_LOGS" }` (audit logs need fine-grained access control), plus
//! `ES_APPLICATION_LOGS`.

use super::search_domain_unencrypted::search_domains;
use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SearchDomainLoggingMissing;

static META: CheckMeta = CheckMeta {
    id: "tf-aws-search-domain-logging-missing",
    doc: include_str!("search_domain_logging_missing.rs"),
    title: "Search domain without logging",
    format: "Terraform",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl Check<TerraformFile> for SearchDomainLoggingMissing {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for domain in search_domains(file) {
            let dynamic = domain.nested("dynamic").any(|d| {
                d.labels
                    .first()
                    .is_some_and(|l| l == "log_publishing_options")
            });
            // `enabled` defaults to true inside the block.
            let logged = domain.nested("log_publishing_options").any(|b| {
                b.value("enabled")
                    .is_none_or(|v| v.as_bool() != Some(false))
            });
            if dynamic || logged {
                continue;
            }
            let evidence = format!("{}:no-logging", domain.address());
            findings.push(file.finding(&META, path, domain.pos, &evidence));
        }
    }
}
