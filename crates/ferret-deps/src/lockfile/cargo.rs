//! `Cargo.lock`, every version (v1 with its `[metadata]` checksums through v4): registry
//! packages only (path dependencies are the workspace's own crates, git ones are not on
//! crates.io); direct when a workspace member depends on it.

use super::{str_of, toml_packages, LockfileError, Package};
use crate::Ecosystem;
use std::collections::HashSet;

pub fn cargo_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let tables = toml_packages(content)?;
    // Members (no source) name their dependencies as `name` or `name version (source)`.
    let mut direct: HashSet<String> = HashSet::new();
    for (table, _) in tables.iter().filter(|(t, _)| t.get("source").is_none()) {
        if let Some(deps) = table.get("dependencies").and_then(|d| d.as_array()) {
            for dep in deps.iter().filter_map(|d| d.as_str()) {
                direct.insert(dep.split(' ').next().unwrap_or(dep).to_string());
            }
        }
    }
    let mut packages = Vec::new();
    for (table, line) in &tables {
        let (Some(name), Some(version)) = (str_of(table, "name"), str_of(table, "version")) else {
            return Err(LockfileError::new(format!(
                "the [[package]] at line {line} has no name or version"
            )));
        };
        if !str_of(table, "source")
            .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
        {
            continue;
        }
        let mut package = Package::new(Ecosystem::CratesIo, name, version, *line);
        package.direct = Some(direct.contains(name));
        packages.push(package);
    }
    Ok(packages)
}
