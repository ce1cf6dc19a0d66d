//! Maven `pom.xml` (declared dependencies with versions resolved from the file's own
//! `<properties>`, `project.version` and `<dependencyManagement>`; no network, no parent POMs:
//! a version that stays unresolved is left out) and Gradle's `gradle.lockfile`.

use super::{LockfileError, Package};
use crate::Ecosystem;
use roxmltree::{Document, Node};
use std::collections::HashMap;

pub fn pom_xml(content: &str) -> Result<Vec<Package>, LockfileError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = Document::parse_with_options(content, options)
        .map_err(|e| LockfileError::new(format!("invalid XML: {e}")))?;
    let project = doc.root_element();
    let mut properties: HashMap<String, String> = HashMap::new();
    if let Some(props) = child(project, "properties") {
        for prop in props.children().filter(Node::is_element) {
            properties.insert(prop.tag_name().name().to_string(), text(prop));
        }
    }
    for (key, path) in [
        ("project.version", &["version"][..]),
        ("project.groupId", &["groupId"]),
        ("project.parent.version", &["parent", "version"]),
    ] {
        let mut node = Some(project);
        for step in path {
            node = node.and_then(|n| child(n, step));
        }
        if let Some(node) = node {
            properties.insert(key.to_string(), text(node));
        }
    }
    if let Some(v) = properties.get("project.parent.version").cloned() {
        properties.entry("project.version".to_string()).or_insert(v);
    }
    let resolve = |value: &str| -> Option<String> {
        let mut value = value.to_string();
        for _ in 0..8 {
            let Some(start) = value.find("${") else { break };
            let end = value[start..].find('}')? + start;
            let replacement = properties.get(&value[start + 2..end])?;
            value.replace_range(start..=end, replacement);
        }
        (!value.contains("${") && !value.is_empty()).then_some(value)
    };
    let mut managed: HashMap<String, String> = HashMap::new();
    if let Some(deps) =
        child(project, "dependencyManagement").and_then(|m| child(m, "dependencies"))
    {
        for dep in deps.children().filter(|n| n.has_tag_name("dependency")) {
            if let (Some(name), Some(version)) = (coordinate(dep), child(dep, "version")) {
                if let Some(version) = resolve(&text(version)) {
                    managed.insert(name, version);
                }
            }
        }
    }
    let mut packages = Vec::new();
    let mut lists: Vec<(Node, bool)> = Vec::new();
    if let Some(deps) = child(project, "dependencies") {
        lists.push((deps, true));
    }
    if let Some(deps) =
        child(project, "dependencyManagement").and_then(|m| child(m, "dependencies"))
    {
        lists.push((deps, false));
    }
    for (list, declared) in lists {
        for dep in list.children().filter(|n| n.has_tag_name("dependency")) {
            let Some(name) = coordinate(dep) else {
                continue;
            };
            let scope = child(dep, "scope").map(text).unwrap_or_default();
            if scope == "import" {
                continue; // a BOM, not a dependency
            }
            let version = match child(dep, "version") {
                Some(v) => resolve(&text(v)),
                None => managed.get(&name).cloned(),
            };
            let Some(version) = version else { continue };
            let line = doc.text_pos_at(dep.range().start).row;
            let mut package = Package::new(
                Ecosystem::Maven,
                &name,
                version.trim_matches(['[', ']']),
                line,
            );
            package.direct = declared.then_some(true);
            package.dev = scope == "test";
            package.optional = child(dep, "optional").is_some_and(|o| text(o) == "true");
            packages.push(package);
        }
    }
    Ok(packages)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

fn text(node: Node) -> String {
    node.text().unwrap_or("").trim().to_string()
}

fn coordinate(dep: Node) -> Option<String> {
    let group = text(child(dep, "groupId")?);
    let artifact = text(child(dep, "artifactId")?);
    (!group.is_empty() && !artifact.is_empty()).then(|| format!("{group}:{artifact}"))
}

pub fn gradle_lockfile(content: &str) -> Vec<Package> {
    let mut packages = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let coordinates = line.split('=').next().unwrap_or("");
        let parts: Vec<&str> = coordinates.split(':').collect();
        if let [group, artifact, version] = parts[..] {
            let mut package = Package::new(
                Ecosystem::Maven,
                &format!("{group}:{artifact}"),
                version,
                i as u32 + 1,
            );
            let configurations = line.split_once('=').map_or("", |(_, c)| c);
            package.dev = !configurations.is_empty()
                && configurations
                    .split(',')
                    .all(|c| c.to_ascii_lowercase().contains("test"));
            packages.push(package);
        }
    }
    packages
}
