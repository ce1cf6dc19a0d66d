//! NuGet's `packages.lock.json`: every target framework's `Direct` and `Transitive`
//! packages (project references left out), once per name and version.

use super::{json, LineFinder, LockfileError, Package};
use crate::Ecosystem;
use serde_json::Value;
use std::collections::HashSet;

pub fn packages_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let root = json(content)?;
    let mut lines = LineFinder::new(content);
    let mut packages = Vec::new();
    let mut seen = HashSet::new();
    let Some(frameworks) = root.get("dependencies").and_then(Value::as_object) else {
        return Ok(packages);
    };
    for (framework, entries) in frameworks {
        lines.find(&format!("\"{framework}\""));
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for (name, entry) in entries {
            let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
            let Some(version) = entry.get("resolved").and_then(Value::as_str) else {
                continue;
            };
            if kind == "Project" {
                continue;
            }
            let line = lines.find(&format!("\"{name}\""));
            if !seen.insert((name.to_ascii_lowercase(), version.to_string())) {
                continue;
            }
            let mut package = Package::new(Ecosystem::NuGet, name, version, line);
            package.direct = Some(kind == "Direct");
            packages.push(package);
        }
    }
    Ok(packages)
}
