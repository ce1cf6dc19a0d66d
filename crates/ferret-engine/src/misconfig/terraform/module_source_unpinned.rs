//! `tf-module-source-unpinned`: a module is fetched by a name that can change under you.
//!
//! **What**: a `module` whose `source` is a git repository (`git::…`, `github.com/…`,
//! `bitbucket.org/…`) without `?ref=` pinned to a 40-character commit (medium without any `ref`,
//! low on a tag or branch), or a registry module (`namespace/name/provider`) without a
//! `version`, with a range (`~> 6.0`, `>= 1.2`) (medium), or at an exact version (info: registry
//! versions are git tags, which their owner can move). Local paths (`./`, `../`) are not
//! reported.
//! **Why**: module code runs with the credentials of whoever applies the plan; a moved tag, a new
//! release inside a range, or a compromised upstream account changes what runs in your
//! infrastructure without a change in your repository.
//! **Example**: `module "vpc" { source = "terraform-aws-modules/vpc/aws" version = "~> 6.0" }`.
//! **Fix**: pin git sources to a commit, `?ref=<sha>`, and registry modules to an exact
//! version (or vendor the module and review its updates).

use super::{Check, TerraformFile, Value};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ModuleSourceUnpinned;

static META: CheckMeta = CheckMeta {
    id: "tf-module-source-unpinned",
    doc: include_str!("module_source_unpinned.rs"),
    title: "Module source not pinned to a commit or exact version",
    format: "Terraform",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

/// A 40-character hex commit id.
fn commit(reference: &str) -> bool {
    reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

/// How pinned a module `source` (and its `version`) is: `None` when pinned to a commit or
/// local, else the severity to report at.
fn unpinned(source: &str, version: Option<&str>) -> Option<Severity> {
    if source.starts_with("./") || source.starts_with("../") {
        return None;
    }
    let git = source.starts_with("git::")
        || source.starts_with("git@")
        || source.starts_with("github.com/")
        || source.starts_with("bitbucket.org/")
        || source.contains(".git");
    if git {
        let reference = source
            .split_once("?ref=")
            .or_else(|| source.split_once("&ref="))
            .map(|(_, r)| r.split('&').next().unwrap_or(r));
        return match reference {
            Some(r) if commit(r) => None,
            Some(_) => Some(Severity::Low),
            None => Some(Severity::Medium),
        };
    }
    // Other schemes (S3, GCS, HTTP archives) are not versioned references.
    if source.contains("::") || source.starts_with("http") {
        return None;
    }
    let registry = source.split('/').count() >= 3;
    if !registry {
        return None;
    }
    match version.map(str::trim) {
        None | Some("") => Some(Severity::Medium),
        Some(v) if v.starts_with(|c: char| c.is_ascii_digit() || c == '=') && !v.contains(',') => {
            Some(Severity::Info)
        }
        Some(_) => Some(Severity::Medium),
    }
}

impl Check<TerraformFile> for ModuleSourceUnpinned {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        for module in file.blocks.iter().filter(|b| b.kind == "module") {
            let Some(source) = module.value("source").and_then(Value::as_str) else {
                continue;
            };
            let version = module.value("version").and_then(Value::as_str);
            if let Some(severity) = unpinned(source, version) {
                let evidence = format!("{}:{source}", module.address());
                let mut finding = file.finding(&META, path, module.pos, &evidence);
                finding.severity = severity;
                findings.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning_of_module_sources() {
        let sha =
            "git::https://github.com/acme/mod.git?ref=0f3e7d2a6c1b4e5f8a9d0c1b2e3f4a5b6c7d8e9f";
        assert_eq!(unpinned(sha, None), None);
        assert_eq!(unpinned("../..", None), None);
        assert_eq!(
            unpinned("github.com/acme/mod", None),
            Some(Severity::Medium)
        );
        assert_eq!(
            unpinned("git::https://github.com/acme/mod.git?ref=v1.2.0", None),
            Some(Severity::Low)
        );
        assert_eq!(
            unpinned("terraform-aws-modules/vpc/aws", Some("~> 6.0")),
            Some(Severity::Medium)
        );
        assert_eq!(
            unpinned("terraform-aws-modules/vpc/aws", None),
            Some(Severity::Medium)
        );
        assert_eq!(
            unpinned("Azure/compute/azurerm", Some("1.1.5")),
            Some(Severity::Info)
        );
        assert_eq!(
            unpinned("s3::https://bucket.s3.amazonaws.com/mod.zip", None),
            None
        );
    }
}
