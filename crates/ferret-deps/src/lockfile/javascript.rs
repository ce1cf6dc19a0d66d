//! npm's `package-lock.json` / `npm-shrinkwrap.json` (v1–v3), `yarn.lock` (classic v1 and
//! berry), `pnpm-lock.yaml` (v5–v9) and `bun.lock` (JSON with trailing commas).

use super::{json, LineFinder, LockfileError, Package};
use crate::Ecosystem;
use ferret_yaml::{Node, Value as Yaml};
use indexmap::IndexMap;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The parts of `package-lock.json` read: typed, so a monorepo's lockfile (10,000+ entries)
/// parses without building a JSON tree; the two layouts are parsed only when present.
#[derive(Deserialize)]
struct NpmLock<'a> {
    #[serde(borrow, default)]
    packages: Option<&'a RawValue>,
    #[serde(borrow, default)]
    dependencies: Option<&'a RawValue>,
}

/// An entry of `packages` (v2, v3).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct NpmEntry {
    version: Option<String>,
    name: Option<String>,
    dev: bool,
    optional: bool,
    dev_optional: bool,
    link: bool,
    dependencies: HashMap<String, IgnoredAny>,
    dev_dependencies: HashMap<String, IgnoredAny>,
    optional_dependencies: HashMap<String, IgnoredAny>,
    peer_dependencies: HashMap<String, IgnoredAny>,
}

/// An entry of `dependencies` (v1), nested.
#[derive(Deserialize, Default)]
#[serde(default)]
struct NpmV1Entry {
    version: Option<String>,
    dev: bool,
    optional: bool,
    dependencies: IndexMap<String, NpmV1Entry>,
}

fn typed<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, LockfileError> {
    serde_json::from_str(text).map_err(|e| LockfileError::new(format!("invalid JSON: {e}")))
}

pub fn npm_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let root: NpmLock = typed(content)?;
    let mut lines = LineFinder::new(content);
    let mut packages = Vec::new();
    if let Some(raw) = root.packages {
        let entries: IndexMap<String, NpmEntry> = typed(raw.get())?;
        let declared: HashSet<&str> = entries
            .get("")
            .map(|top| {
                [
                    &top.dependencies,
                    &top.dev_dependencies,
                    &top.optional_dependencies,
                    &top.peer_dependencies,
                ]
                .into_iter()
                .flat_map(|m| m.keys().map(String::as_str))
                .collect()
            })
            .unwrap_or_default();
        for (key, entry) in &entries {
            let Some(at) = key.rfind("node_modules/") else {
                continue; // the root project or a workspace folder
            };
            if entry.link {
                continue;
            }
            let name = entry
                .name
                .as_deref()
                .unwrap_or(&key[at + "node_modules/".len()..]);
            let Some(version) = entry.version.as_deref() else {
                continue;
            };
            let line = lines.find(&format!("\"{key}\""));
            let mut package = Package::new(Ecosystem::Npm, name, version, line);
            package.direct = Some(at == 0 && declared.contains(name));
            package.dev = entry.dev || entry.dev_optional;
            package.optional = entry.optional;
            packages.push(package);
        }
        return Ok(packages);
    }
    // v1: nested `dependencies`, depth first in file order.
    fn walk(
        deps: &IndexMap<String, NpmV1Entry>,
        depth: usize,
        lines: &mut LineFinder,
        out: &mut Vec<Package>,
    ) {
        for (name, entry) in deps {
            let line = lines.find(&format!("\"{name}\": {{"));
            if let Some(version) = entry.version.as_deref() {
                // `file:`/`git+` versions are not registry releases.
                if !version.contains(':') || version.starts_with("npm:") {
                    let (name, version) = match version.strip_prefix("npm:") {
                        Some(alias) => split_at_version(alias).unwrap_or((name, alias)),
                        None => (name.as_str(), version),
                    };
                    let mut package = Package::new(Ecosystem::Npm, name, version, line);
                    package.direct = Some(depth == 0);
                    package.dev = entry.dev;
                    package.optional = entry.optional;
                    out.push(package);
                }
            }
            walk(&entry.dependencies, depth + 1, lines, out);
        }
    }
    if let Some(raw) = root.dependencies {
        let deps: IndexMap<String, NpmV1Entry> = typed(raw.get())?;
        walk(&deps, 0, &mut lines, &mut packages);
    }
    Ok(packages)
}

/// `name@version` → (name, version), the `@` of a scope not counting.
fn split_at_version(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.rfind('@')? + 1;
    Some((&spec[..at], &spec[at + 1..]))
}

pub fn yarn_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let mut packages = Vec::new();
    let mut current: Option<(String, u32)> = None;
    let mut seen = HashSet::new();
    for (i, line) in content.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            // `"a@^1", a@^1.1:` (classic) or `"a@npm:^1":` (berry): the name of the first.
            let first = line.trim_end_matches(':').split(", ").next().unwrap_or("");
            let first = first.trim_matches('"');
            current = split_at_version(first)
                .filter(|(name, _)| *name != "__metadata")
                .map(|(name, _)| (name.to_string(), i as u32 + 1));
            if current.is_none() && !first.starts_with("__metadata") {
                return Err(LockfileError::new(format!(
                    "line {}: expected a `name@range:` entry",
                    i + 1
                )));
            }
            continue;
        }
        let trimmed = line.trim();
        let version = trimmed
            .strip_prefix("version: ")
            .or_else(|| trimmed.strip_prefix("version "));
        if let (Some((name, at)), Some(version)) = (&current, version) {
            if line.starts_with("    ") {
                continue; // nested under `dependencies:`
            }
            let version = version.trim_matches('"');
            if version.contains("-use.local") || version == "0.0.0-use.local" {
                continue; // berry workspace
            }
            if seen.insert((name.clone(), version.to_string())) {
                packages.push(Package::new(Ecosystem::Npm, name, version, *at));
            }
        }
    }
    Ok(packages)
}

pub fn pnpm_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let documents = ferret_yaml::parse(content)
        .map_err(|e| LockfileError::new(format!("invalid YAML: {e}")))?;
    let Some(root) = documents.first() else {
        return Ok(Vec::new());
    };
    // Direct dependencies: the root importer's (v6+), or the top level's (v5).
    let holder = root
        .get("importers")
        .and_then(|i| i.get("."))
        .unwrap_or(root);
    let direct: HashSet<String> = ["dependencies", "optionalDependencies", "devDependencies"]
        .iter()
        .flat_map(|key| keys(holder.get(key)))
        .collect();
    let mut packages = Vec::new();
    let mut seen = HashSet::new();
    let Some(Yaml::Map(entries)) = root.get("packages").map(|p| &p.value) else {
        return Ok(packages);
    };
    for (key, entry) in entries {
        let Yaml::Scalar(spec) = &key.value else {
            continue;
        };
        let Some((name, version)) = pnpm_key(spec) else {
            continue;
        };
        if !seen.insert((name.clone(), version.clone())) {
            continue;
        }
        let mut package = Package::new(Ecosystem::Npm, &name, &version, key.pos.line);
        let is = |k: &str| entry.get(k).and_then(Node::as_str) == Some("true");
        package.dev = is("dev");
        package.optional = is("optional");
        if !direct.is_empty() {
            package.direct = Some(direct.contains(&name));
        }
        packages.push(package);
    }
    Ok(packages)
}

fn keys(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.value) {
        Some(Yaml::Map(items)) => items
            .iter()
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A `packages:` key of any pnpm lockfile version: `/name/1.0.0_peer` (v5),
/// `/name@1.0.0(peer)` (v6–v8), `name@1.0.0` (v9); tarball and git keys are skipped.
fn pnpm_key(spec: &str) -> Option<(String, String)> {
    let spec = spec.split('(').next().unwrap_or(spec);
    let spec = spec.strip_prefix('/').unwrap_or(spec);
    if spec.contains("://") || spec.contains(':') {
        return None;
    }
    let (name, version) = match spec.rsplit_once('/') {
        // v5: the version after the last `/`, peers after `_`.
        Some((name, rest)) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            (name, rest.split('_').next().unwrap_or(rest))
        }
        _ => split_at_version(spec)?,
    };
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_string(), version.to_string()))
}

pub fn bun_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let root = json(&strip_trailing_commas(content))?;
    let mut lines = LineFinder::new(content);
    let mut packages = Vec::new();
    let Some(entries) = root.get("packages").and_then(Value::as_object) else {
        return Ok(packages);
    };
    for (key, entry) in entries {
        let Some(spec) = entry.get(0).and_then(Value::as_str) else {
            continue;
        };
        let Some((name, version)) = split_at_version(spec) else {
            continue;
        };
        if version.contains(':') {
            continue; // workspace:, file:, github:
        }
        let line = lines.find(&format!("\"{key}\""));
        packages.push(Package::new(Ecosystem::Npm, name, version, line));
    }
    Ok(packages)
}

/// JSON with trailing commas (`[1, 2,]`, `{"a": 1,}`) and `//` comments made plain JSON.
fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ',' => {
                let rest: String = chars.clone().take_while(|c| c.is_whitespace()).collect();
                let next = chars.clone().nth(rest.chars().count());
                if !matches!(next, Some('}') | Some(']')) {
                    out.push(',');
                }
            }
            _ => out.push(c),
        }
    }
    out
}
