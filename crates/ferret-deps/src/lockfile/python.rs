//! Python: `requirements*.txt` (pinned `==`/`===` lines; extras, markers, hashes and
//! continuation lines understood; `-r`/`-c` includes listed for the caller to follow),
//! `poetry.lock`, `Pipfile.lock`, `uv.lock` and `pdm.lock`.

use super::{json, str_of, toml_packages, LineFinder, LockfileError, Package};
use crate::Ecosystem;
use serde_json::Value;

pub fn requirements(content: &str) -> Vec<Package> {
    let mut packages = Vec::new();
    for (line_no, line) in logical_lines(content) {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.starts_with('-') || line.is_empty() || line.contains("://") || line.starts_with('#')
        {
            continue;
        }
        let requirement = line.split(';').next().unwrap_or("").trim();
        let requirement = requirement.split(" --").next().unwrap_or("").trim();
        let Some((name, version)) = requirement
            .split_once("===")
            .or_else(|| requirement.split_once("=="))
        else {
            continue;
        };
        let name = name.split('[').next().unwrap_or(name).trim();
        let version = version.trim();
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        // `==1.*` and `==1.0, <2` are ranges, not pins.
        if !valid_name || version.is_empty() || version.contains(['*', ',', ' ', '<', '>', '!']) {
            continue;
        }
        packages.push(Package::new(Ecosystem::PyPI, name, version, line_no));
    }
    packages
}

/// Lines with `\` continuations joined, each with the line it starts on.
fn logical_lines(content: &str) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, raw) in content.lines().enumerate() {
        let (start, mut text) = pending.take().unwrap_or((i as u32 + 1, String::new()));
        match raw.trim_end().strip_suffix('\\') {
            Some(head) => {
                text.push_str(head);
                text.push(' ');
                pending = Some((start, text));
            }
            None => {
                text.push_str(raw);
                out.push((start, text));
            }
        }
    }
    out.extend(pending);
    out
}

pub fn includes(content: &str) -> Vec<String> {
    logical_lines(content)
        .into_iter()
        .filter_map(|(_, line)| {
            let line = line.trim();
            [
                "-r ",
                "-c ",
                "--requirement ",
                "--constraint ",
                "--requirement=",
                "--constraint=",
            ]
            .iter()
            .find_map(|flag| line.strip_prefix(flag))
            .map(|rest| rest.split(" #").next().unwrap_or("").trim().to_string())
        })
        .filter(|path| !path.is_empty() && !path.contains("://"))
        .collect()
}

pub fn poetry_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    toml_lock(content, |table| {
        let dev = str_of(table, "category") == Some("dev")
            || table
                .get("groups")
                .and_then(|g| g.as_array())
                .is_some_and(|groups| {
                    !groups.is_empty() && groups.iter().all(|g| g.as_str() != Some("main"))
                });
        let optional = table.get("optional").and_then(|o| o.as_bool()) == Some(true);
        let from_elsewhere = table
            .get("source")
            .and_then(|s| s.get("type"))
            .and_then(|t| t.as_str())
            .is_some_and(|t| matches!(t, "git" | "directory" | "file" | "url"));
        (!from_elsewhere).then_some((dev, optional))
    })
}

pub fn uv_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    toml_lock(content, |table| {
        let registry = table
            .get("source")
            .and_then(|s| s.as_table())
            .is_some_and(|s| s.contains_key("registry"));
        registry.then_some((false, false))
    })
}

pub fn pdm_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    toml_lock(content, |table| {
        let dev = table
            .get("groups")
            .and_then(|g| g.as_array())
            .is_some_and(|groups| {
                !groups.is_empty() && groups.iter().all(|g| g.as_str() != Some("default"))
            });
        let local =
            table.contains_key("path") || table.contains_key("git") || table.contains_key("url");
        (!local).then_some((dev, false))
    })
}

/// `[[package]]` name/version tables; `classify` says (dev, optional), or `None` to skip one
/// that does not come from the package index.
fn toml_lock(
    content: &str,
    classify: impl Fn(&toml::Table) -> Option<(bool, bool)>,
) -> Result<Vec<Package>, LockfileError> {
    let mut packages = Vec::new();
    for (table, line) in toml_packages(content)? {
        let (Some(name), Some(version)) = (str_of(&table, "name"), str_of(&table, "version"))
        else {
            continue;
        };
        let Some((dev, optional)) = classify(&table) else {
            continue;
        };
        let mut package = Package::new(Ecosystem::PyPI, name, version, line);
        package.dev = dev;
        package.optional = optional;
        packages.push(package);
    }
    Ok(packages)
}

pub fn pipfile_lock(content: &str) -> Result<Vec<Package>, LockfileError> {
    let root = json(content)?;
    let mut lines = LineFinder::new(content);
    let mut packages = Vec::new();
    for (section, dev) in [("default", false), ("develop", true)] {
        let Some(entries) = root.get(section).and_then(Value::as_object) else {
            continue;
        };
        lines.find(&format!("\"{section}\""));
        for (name, entry) in entries {
            let Some(version) = entry.get("version").and_then(Value::as_str) else {
                continue; // git or path entries carry no version
            };
            let version = version.trim_start_matches("===").trim_start_matches("==");
            let line = lines.find(&format!("\"{name}\""));
            let mut package = Package::new(Ecosystem::PyPI, name, version, line);
            package.dev = dev;
            packages.push(package);
        }
    }
    Ok(packages)
}
