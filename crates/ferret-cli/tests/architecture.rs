//! The layering of `docs/architecture.md`, read from the crates' own manifests and sources:
//! no crate depends on one above it, SQL lives only in the store, `anyhow` only in the binary,
//! and handlers answer with typed bodies.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The names in `[dependencies]` (not dev-dependencies) of a crate.
fn dependencies(krate: &str) -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(crates_dir().join(krate).join("Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&manifest).unwrap();
    manifest
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default()
}

/// Every crate and the Ferret crates it may depend on (the table in docs/architecture.md).
const LAYERS: [(&str, &[&str]); 13] = [
    ("ferret-core", &[]),
    ("ferret-sandbox", &[]),
    ("ferret-github", &[]),
    // Test support only (a dev-dependency).
    ("ferret-github-fake", &["ferret-core"]),
    ("ferret-code", &["ferret-core"]),
    ("ferret-yaml", &[]),
    ("ferret-deps", &["ferret-yaml"]),
    (
        "ferret-engine",
        &["ferret-core", "ferret-code", "ferret-deps", "ferret-yaml"],
    ),
    ("ferret-report", &["ferret-core"]),
    ("ferret-store", &["ferret-core"]),
    (
        "ferret-runner",
        &["ferret-core", "ferret-engine", "ferret-sandbox"],
    ),
    (
        "ferret-server",
        &[
            "ferret-core",
            "ferret-engine",
            "ferret-github",
            "ferret-runner",
            "ferret-store",
        ],
    ),
    (
        "ferret-cli",
        &[
            "ferret-core",
            "ferret-engine",
            "ferret-github",
            "ferret-report",
            "ferret-runner",
            "ferret-sandbox",
            "ferret-server",
            "ferret-store",
        ],
    ),
];

#[test]
fn no_crate_depends_on_one_above_it() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(crates_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("ferret-"))
        .collect();
    let known: BTreeSet<String> = LAYERS.iter().map(|(k, _)| k.to_string()).collect();
    assert_eq!(
        on_disk, known,
        "a new crate needs its place in LAYERS and the docs"
    );
    for (krate, allowed) in LAYERS {
        for dependency in dependencies(krate) {
            if dependency.starts_with("ferret-") {
                assert!(
                    allowed.contains(&dependency.as_str()),
                    "{krate} depends on {dependency}, which is not below it"
                );
            }
        }
    }
}

#[test]
fn sql_lives_only_in_the_store() {
    for (krate, _) in LAYERS {
        let deps = dependencies(krate);
        let has_sql = deps.contains("sqlx") || deps.contains("libsqlite3-sys");
        assert_eq!(has_sql, krate == "ferret-store", "{krate}: sqlx dependency");
    }
}

#[test]
fn anyhow_only_in_the_binary() {
    for krate in [
        "ferret-core",
        "ferret-deps",
        "ferret-engine",
        "ferret-github",
        "ferret-report",
        "ferret-sandbox",
        "ferret-runner",
        "ferret-store",
        "ferret-server",
    ] {
        assert!(
            !dependencies(krate).contains("anyhow"),
            "{krate} uses anyhow; libraries return typed errors (thiserror)"
        );
    }
}

#[test]
fn handlers_answer_with_typed_bodies() {
    let routes = crates_dir().join("ferret-server/src/routes");
    for entry in std::fs::read_dir(routes).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        for untyped in [
            "Json(json!",
            "Json(serde_json::json!",
            "Json(Value",
            "-> Json<Value>",
        ] {
            assert!(
                !source.contains(untyped),
                "{}: {untyped} — respond with a typed struct that derives ToSchema",
                path.display()
            );
        }
    }
}
