//! `tf-gcp-gcs-public`: a Google Cloud Storage bucket is granted to everyone.
//!
//! **What**: `allUsers` or `allAuthenticatedUsers` as the `member`/`members` of a
//! `google_storage_bucket_iam_member` / `_iam_binding`, the `entity` of a
//! `google_storage_bucket_access_control` / `google_storage_default_object_access_control`,
//! or in the `role_entity` list of a `google_storage_bucket_acl`.
//! **Why**: `allUsers` is anyone on the internet; `allAuthenticatedUsers` is anyone with a
//! Google account — equally public.
//! **Example**: `member = "allUsers"`.
//! **Fix**: grant roles to specific users, groups or service accounts; enable uniform
//! bucket-level access and public-access prevention.

use super::{Check, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct GcsPublic;

static META: CheckMeta = CheckMeta {
    id: "tf-gcp-gcs-public",
    doc: include_str!("gcs_public.rs"),
    title: "GCS bucket granted to allUsers",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
};

fn public(value: &Value) -> bool {
    value.items().iter().any(|v| {
        v.as_str()
            .is_some_and(|s| s.contains("allUsers") || s.contains("allAuthenticatedUsers"))
    })
}

impl Check<TerraformFile> for GcsPublic {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let targets: [(&str, &str); 6] = [
            ("google_storage_bucket_iam_member", "member"),
            ("google_storage_bucket_iam_binding", "members"),
            ("google_storage_bucket_access_control", "entity"),
            ("google_storage_default_object_access_control", "entity"),
            ("google_storage_object_access_control", "entity"),
            ("google_storage_bucket_acl", "role_entity"),
        ];
        for (kind, key) in targets {
            for resource in file.resources(kind) {
                if let Some(attr) = resource.attr(key) {
                    if public(&attr.value) {
                        let evidence = format!("{}:{key}", resource.address());
                        findings.push(file.finding(&META, path, attr.pos, &evidence));
                    }
                }
            }
        }
    }
}
