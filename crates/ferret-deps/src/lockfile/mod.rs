//! Inventory: the packages a project pins, read from its lockfiles and manifests. One module
//! per ecosystem family; [`kind_of`] says which reader a path gets by its file name, [`read`]
//! runs it. Every package keeps the line that pins it, so a finding points there.

mod cargo;
mod dart;
mod dotnet;
mod elixir;
mod go;
mod java;
mod javascript;
mod php;
mod python;
mod ruby;

use crate::Ecosystem;
use serde::{Deserialize, Serialize};

/// One pinned package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// As OSV names it: PEP 503-normalised for PyPI (`Zope.Interface` → `zope-interface`), as
    /// the file writes it elsewhere (Maven: `group:artifact`; Go: the module path).
    pub name: String,
    pub version: String,
    /// 1-based line of the entry in the file.
    pub line: u32,
    /// Whether the project asks for it itself; `None` when the file does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
    /// Only for development (dev dependencies, dev groups).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dev: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

impl Package {
    fn new(ecosystem: Ecosystem, name: &str, version: &str, line: u32) -> Package {
        let name = match ecosystem {
            Ecosystem::PyPI => ecosystem.normalize_name(name),
            _ => name.to_string(),
        };
        Package {
            ecosystem,
            name,
            version: version.to_string(),
            line: line.max(1),
            direct: None,
            dev: false,
            optional: false,
        }
    }
}

/// One lockfile's packages (what a sandboxed scan hands back for matching outside).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockfileInventory {
    /// Relative to the scanned root, `/`-separated.
    pub path: String,
    pub packages: Vec<Package>,
}

/// The file formats Ferret reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    CargoLock,
    NpmLock,
    YarnLock,
    PnpmLock,
    BunLock,
    Requirements,
    PoetryLock,
    PipfileLock,
    UvLock,
    PdmLock,
    GoMod,
    GemfileLock,
    ComposerLock,
    PomXml,
    GradleLockfile,
    NugetLock,
    PubspecLock,
    MixLock,
}

/// Which reader handles `path` (by file name), if any.
pub fn kind_of(path: &str) -> Option<Kind> {
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(match name {
        "Cargo.lock" => Kind::CargoLock,
        "package-lock.json" | "npm-shrinkwrap.json" => Kind::NpmLock,
        "yarn.lock" => Kind::YarnLock,
        "pnpm-lock.yaml" => Kind::PnpmLock,
        "bun.lock" => Kind::BunLock,
        "poetry.lock" => Kind::PoetryLock,
        "Pipfile.lock" => Kind::PipfileLock,
        "uv.lock" => Kind::UvLock,
        "pdm.lock" => Kind::PdmLock,
        "go.mod" => Kind::GoMod,
        "Gemfile.lock" | "gems.locked" => Kind::GemfileLock,
        "composer.lock" => Kind::ComposerLock,
        "pom.xml" => Kind::PomXml,
        "gradle.lockfile" => Kind::GradleLockfile,
        "packages.lock.json" => Kind::NugetLock,
        "pubspec.lock" => Kind::PubspecLock,
        "mix.lock" => Kind::MixLock,
        _ if is_requirements_name(name) => Kind::Requirements,
        _ => return None,
    })
}

/// `requirements.txt`, `requirements-dev.txt`, `requirements/prod.txt`-style names.
fn is_requirements_name(name: &str) -> bool {
    name.ends_with(".txt") && name.starts_with("requirements")
}

/// Why a lockfile could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LockfileError(pub String);

impl LockfileError {
    fn new(what: impl std::fmt::Display) -> LockfileError {
        LockfileError(what.to_string())
    }
}

/// The packages `content` (the file at `path`, of `kind`) pins, in file order.
pub fn read(kind: Kind, content: &str) -> Result<Vec<Package>, LockfileError> {
    match kind {
        Kind::CargoLock => cargo::cargo_lock(content),
        Kind::NpmLock => javascript::npm_lock(content),
        Kind::YarnLock => javascript::yarn_lock(content),
        Kind::PnpmLock => javascript::pnpm_lock(content),
        Kind::BunLock => javascript::bun_lock(content),
        Kind::Requirements => Ok(python::requirements(content)),
        Kind::PoetryLock => python::poetry_lock(content),
        Kind::PipfileLock => python::pipfile_lock(content),
        Kind::UvLock => python::uv_lock(content),
        Kind::PdmLock => python::pdm_lock(content),
        Kind::GoMod => Ok(go::go_mod(content)),
        Kind::GemfileLock => Ok(ruby::gemfile_lock(content)),
        Kind::ComposerLock => php::composer_lock(content),
        Kind::PomXml => java::pom_xml(content),
        Kind::GradleLockfile => Ok(java::gradle_lockfile(content)),
        Kind::NugetLock => dotnet::packages_lock(content),
        Kind::PubspecLock => dart::pubspec_lock(content),
        Kind::MixLock => Ok(elixir::mix_lock(content)),
    }
}

/// The `-r`/`-c` files a requirements file includes, as written (relative to it).
pub fn requirement_includes(content: &str) -> Vec<String> {
    python::includes(content)
}

/// Finds the lines of needles that occur in file order, scanning forward from the previous
/// hit (linear over the file when the needles come in order; falls back to the start).
struct LineFinder<'a> {
    text: &'a str,
    offset: usize,
    line: u32,
}

impl<'a> LineFinder<'a> {
    fn new(text: &'a str) -> LineFinder<'a> {
        LineFinder {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of the next occurrence of `needle`, or 1 when it does not occur.
    fn find(&mut self, needle: &str) -> u32 {
        if let Some(at) = self.text[self.offset..].find(needle) {
            let at = self.offset + at;
            self.line += memchr_count(&self.text.as_bytes()[self.offset..at]);
            self.offset = at;
            return self.line;
        }
        match self.text.find(needle) {
            Some(at) => {
                self.offset = at;
                self.line = 1 + memchr_count(&self.text.as_bytes()[..at]);
                self.line
            }
            None => 1,
        }
    }
}

fn memchr_count(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u32
}

/// Parses JSON, with the parser's message as a one-line error.
fn json(content: &str) -> Result<serde_json::Value, LockfileError> {
    serde_json::from_str(content).map_err(|e| LockfileError::new(format!("invalid JSON: {e}")))
}

/// Parses TOML, with the parser's first line as the error.
fn toml_table(content: &str) -> Result<toml::Table, LockfileError> {
    content.parse::<toml::Table>().map_err(|e| {
        LockfileError::new(format!(
            "invalid TOML: {}",
            e.to_string().lines().next().unwrap_or("")
        ))
    })
}

/// `[[package]]` tables of a TOML lockfile with the line each starts on (the n-th
/// `[[package]]` header of the text is the n-th table).
fn toml_packages(content: &str) -> Result<Vec<(toml::Table, u32)>, LockfileError> {
    let table = toml_table(content)?;
    let headers: Vec<u32> = content
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[package]]")
        .map(|(i, _)| i as u32 + 1)
        .collect();
    let packages = match table.get("package") {
        Some(toml::Value::Array(items)) => items.clone(),
        Some(_) => return Err(LockfileError::new("`package` is not an array of tables")),
        None => Vec::new(),
    };
    Ok(packages
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            toml::Value::Table(t) => Some((t, headers.get(i).copied().unwrap_or(1))),
            _ => None,
        })
        .collect())
}

fn str_of<'a>(table: &'a toml::Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(|v| v.as_str())
}

#[cfg(test)]
mod tests;
