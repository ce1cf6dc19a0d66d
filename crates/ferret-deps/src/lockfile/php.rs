//! `composer.lock`: `packages` and `packages-dev`.

use super::{json, LineFinder, LockfileError, Package};
use crate::Ecosystem;
use serde_json::Value;

pub fn composer_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let root = json(content)?;
    let mut lines = LineFinder::new(content);
    let mut packages = Vec::new();
    for (section, dev) in [("packages", false), ("packages-dev", true)] {
        let Some(entries) = root.get(section).and_then(Value::as_array) else {
            continue;
        };
        for entry in entries {
            let (Some(name), Some(version)) = (
                entry.get("name").and_then(Value::as_str),
                entry.get("version").and_then(Value::as_str),
            ) else {
                continue;
            };
            let line = lines.find(&format!("\"name\": \"{name}\""));
            let mut package = Package::new(Ecosystem::Packagist, name, version, line);
            package.dev = dev;
            packages.push(package);
        }
    }
    Ok(packages)
}
