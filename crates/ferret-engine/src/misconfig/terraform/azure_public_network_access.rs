//! `tf-azure-public-network-access`: an Azure data service is reachable from the internet.
//!
//! **What**: an `azurerm_storage_account`, `azurerm_key_vault`, `azurerm_mssql_server`,
//! `azurerm_cosmosdb_account` or `azurerm_container_registry` whose
//! `public_network_access_enabled` is `true` or absent — the provider's default is `true` — and
//! whose firewall does not deny by default (`network_rules` / `network_acls` with
//! `default_action = "Deny"`, or `ip_range_filter` on Cosmos DB).
//! **Why**: the service's endpoint then answers anyone on the internet; a leaked key, SAS token
//! or password works from anywhere, and the service is exposed to credential stuffing and to
//! every vulnerability in its public front end.
//! **Example**: `resource "azurerm_key_vault" "main" { name = "kv" sku_name = "standard" … }`.
//! **Fix**: `public_network_access_enabled = false` with private endpoints, or a firewall that
//! denies by default and allows known ranges.

use super::{Block, Check, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct AzurePublicNetworkAccess;

static META: CheckMeta = CheckMeta {
    id: "tf-azure-public-network-access",
    doc: include_str!("azure_public_network_access.rs"),
    title: "Azure data service open to public networks",
    format: "Terraform",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

const SERVICES: &[&str] = &[
    "azurerm_storage_account",
    "azurerm_key_vault",
    "azurerm_mssql_server",
    "azurerm_cosmosdb_account",
    "azurerm_container_registry",
];

/// Whether the resource's own firewall denies by default.
fn firewall_denies(resource: &Block) -> bool {
    let denies = |block: &Block| {
        block
            .value("default_action")
            .and_then(Value::as_str)
            .is_some_and(|a| a.eq_ignore_ascii_case("deny"))
    };
    resource.nested("network_rules").any(denies)
        || resource.nested("network_acls").any(denies)
        || resource.nested("network_rule_set").any(denies)
        || resource.attr("ip_range_filter").is_some()
}

impl Check<TerraformFile> for AzurePublicNetworkAccess {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for kind in SERVICES {
            for resource in file.resources(kind) {
                let (pos, open) = match resource.attr("public_network_access_enabled") {
                    // `= var.x` gets the benefit of the doubt.
                    Some(attr) => (attr.pos, attr.value.as_bool() == Some(true)),
                    None => (resource.pos, true),
                };
                if open && !firewall_denies(resource) {
                    let evidence = format!("{}:public-network-access", resource.address());
                    findings.push(file.finding(&META, path, pos, &evidence));
                }
            }
        }
    }
}
