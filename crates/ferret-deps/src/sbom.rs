//! CycloneDX 1.6 JSON of an inventory (the software bill of materials auditors ask for): one
//! `library` component per package and lockfile, with its package URL, scope (`optional` for
//! development-only packages) and where it was found.

use crate::lockfile::Package;
use crate::Ecosystem;
use serde_json::{json, Value};

/// A package URL (purl spec): `pkg:<type>/<namespace>/<name>@<version>`, percent-encoded.
pub fn purl(package: &Package) -> String {
    let encode = |s: &str| -> String {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    let name = match package.ecosystem {
        Ecosystem::PyPI => Ecosystem::PyPI.normalize_name(&package.name),
        Ecosystem::Packagist | Ecosystem::Hex => package.name.to_ascii_lowercase(),
        _ => package.name.clone(),
    };
    // Namespaces (`@scope/`, Maven groups, Go paths, Composer vendors) keep their `/`.
    let path: Vec<String> = match package.ecosystem {
        Ecosystem::Maven => name.splitn(2, ':').map(encode).collect(),
        _ => name.split('/').map(encode).collect(),
    };
    format!(
        "pkg:{}/{}@{}",
        package.ecosystem.purl_type(),
        path.join("/"),
        encode(&package.version)
    )
}

/// The bill of materials for `(lockfile path, packages)` pairs. `serial` is a UUID.
pub fn cyclonedx(
    subject: &str,
    lockfiles: &[(String, Vec<Package>)],
    serial: &str,
    timestamp: &str,
) -> Value {
    let mut components = Vec::new();
    for (path, packages) in lockfiles {
        for package in packages {
            let purl = purl(package);
            let (group, name) = match package.ecosystem {
                Ecosystem::Maven => package
                    .name
                    .split_once(':')
                    .map_or((None, package.name.as_str()), |(g, a)| (Some(g), a)),
                _ => (None, package.name.as_str()),
            };
            let mut component = json!({
                "type": "library",
                "bom-ref": format!("{purl}#{path}"),
                "name": name,
                "version": package.version,
                "purl": purl,
                "scope": if package.dev || package.optional { "optional" } else { "required" },
                "properties": [
                    {"name": "ferret:lockfile", "value": path},
                    {"name": "ferret:line", "value": package.line.to_string()},
                    {"name": "ferret:direct", "value": match package.direct {
                        Some(true) => "true", Some(false) => "false", None => "unknown" }},
                    {"name": "ferret:dev", "value": package.dev.to_string()},
                ],
            });
            if let Some(group) = group {
                component["group"] = json!(group);
            }
            components.push(component);
        }
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{serial}"),
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [{
                "type": "application",
                "name": "ferret",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
            "component": {"type": "application", "bom-ref": "subject", "name": subject},
        },
        "components": components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(ecosystem: Ecosystem, name: &str, version: &str) -> Package {
        Package {
            ecosystem,
            name: name.into(),
            version: version.into(),
            line: 1,
            direct: None,
            dev: false,
            optional: false,
        }
    }

    #[test]
    fn purls_follow_the_spec_per_ecosystem() {
        assert_eq!(
            purl(&package(Ecosystem::Npm, "@babel/core", "7.1.0")),
            "pkg:npm/%40babel/core@7.1.0"
        );
        assert_eq!(
            purl(&package(
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                "2.14.1"
            )),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        assert_eq!(
            purl(&package(Ecosystem::PyPI, "Django_Rest", "3.0+local")),
            "pkg:pypi/django-rest@3.0%2Blocal"
        );
        assert_eq!(
            purl(&package(
                Ecosystem::Go,
                "github.com/gin-gonic/gin",
                "v1.6.0"
            )),
            "pkg:golang/github.com/gin-gonic/gin@v1.6.0"
        );
    }

    #[test]
    fn the_bom_lists_every_package_with_its_lockfile() {
        let mut dev = package(Ecosystem::CratesIo, "insta", "1.0.0");
        dev.dev = true;
        let bom = cyclonedx(
            "app",
            &[(
                "Cargo.lock".into(),
                vec![package(Ecosystem::CratesIo, "smallvec", "1.6.0"), dev],
            )],
            "00000000-0000-4000-8000-000000000000",
            "2026-12-02T00:00:00Z",
        );
        assert_eq!(bom["specVersion"], "1.6");
        assert_eq!(bom["components"].as_array().unwrap().len(), 2);
        assert_eq!(bom["components"][0]["purl"], "pkg:cargo/smallvec@1.6.0");
        assert_eq!(bom["components"][1]["scope"], "optional");
    }
}
