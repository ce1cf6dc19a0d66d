//! `tf-azure-storage-public`: an Azure storage account or container allows anonymous access.
//!
//! **What**: `allow_nested_items_to_be_public = true` (or the older `allow_blob_public_access
//! = true`) on an `azurerm_storage_account`; `container_access_type = "blob"` or
//! `"container"` on an `azurerm_storage_container`.
//! **Why**: anonymous readers can fetch (and for `container`, list) every blob without any
//! credential.
//! **Example**: `container_access_type = "container"`.
//! **Fix**: `allow_nested_items_to_be_public = false` and `container_access_type = "private"`;
//! share individual blobs with short-lived SAS tokens.

use super::{Check, TerraformFile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct AzureStoragePublic;

static META: CheckMeta = CheckMeta {
    id: "tf-azure-storage-public",
    doc: include_str!("azure_storage_public.rs"),
    title: "Azure storage allows anonymous access",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::High,
};

impl Check<TerraformFile> for AzureStoragePublic {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for account in file.resources("azurerm_storage_account") {
            for key in [
                "allow_nested_items_to_be_public",
                "allow_blob_public_access",
            ] {
                if let Some(attr) = account.attr(key) {
                    if attr.value.as_bool() == Some(true) {
                        let evidence = format!("{}:{key}", account.address());
                        findings.push(file.finding(&META, path, attr.pos, &evidence));
                    }
                }
            }
        }
        for container in file.resources("azurerm_storage_container") {
            if let Some(attr) = container.attr("container_access_type") {
                if matches!(attr.value.as_str(), Some("blob") | Some("container")) {
                    let evidence = format!("{}:container_access_type", container.address());
                    findings.push(file.finding(&META, path, attr.pos, &evidence));
                }
            }
        }
    }
}
