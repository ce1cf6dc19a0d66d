//! Embeds every code rule file (`rules/code/<language>/*.yml`) into the crate, so the `ferret`
//! binary carries its rules and needs no files at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rules_dir = manifest.join("../../rules/code");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files = Vec::new();
    let languages = std::fs::read_dir(&rules_dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", rules_dir.display()));
    for language in languages.flatten() {
        let dir = language.path();
        if !dir.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", dir.display());
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut code = String::from(
        "/// Built-in code rule files: (path under rules/code, contents).\npub static BUILTIN_CODE_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let relative = path
            .strip_prefix(&rules_dir)
            .expect("under rules/code")
            .to_str()
            .expect("rule file names are UTF-8")
            .replace('\\', "/");
        let absolute = std::fs::canonicalize(path).expect("rule file exists");
        writeln!(
            code,
            "    ({relative:?}, include_str!({:?})),",
            absolute.display().to_string()
        )
        .expect("write to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(Path::new(&out).join("builtin_code_rules.rs"), code)
        .expect("write generated rules list");
}
