//! Dart/Flutter `pubspec.lock`: hosted packages (path, git and SDK packages left out), with
//! `direct main`, `direct dev` and `transitive` kept.

use super::{LockfileError, Package};
use crate::Ecosystem;
use ferret_yaml::{Node, Value};

pub fn pubspec_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let documents = ferret_yaml::parse(content)
        .map_err(|e| LockfileError::new(format!("invalid YAML: {e}")))?;
    let mut packages = Vec::new();
    let Some(Value::Map(entries)) = documents
        .first()
        .and_then(|d| d.get("packages"))
        .map(|p| &p.value)
    else {
        return Ok(packages);
    };
    for (key, entry) in entries {
        let (Some(name), Some(version)) =
            (key.as_str(), entry.get("version").and_then(Node::as_str))
        else {
            continue;
        };
        if entry
            .get("source")
            .and_then(Node::as_str)
            .is_some_and(|s| s != "hosted")
        {
            continue;
        }
        let dependency = entry.get("dependency").and_then(Node::as_str).unwrap_or("");
        let mut package = Package::new(Ecosystem::Pub, name, version, key.pos.line);
        package.direct = Some(dependency.starts_with("direct"));
        package.dev = dependency == "direct dev";
        packages.push(package);
    }
    Ok(packages)
}
