//! The package ecosystems Ferret reads lockfiles of, with OSV's names for them and how each
//! spells package names (OSV matches names the way the ecosystem's registry does).

use serde::{Deserialize, Serialize};

/// A package ecosystem, as OSV names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "crates.io")]
    CratesIo,
    #[serde(rename = "npm")]
    Npm,
    PyPI,
    Go,
    RubyGems,
    Packagist,
    Maven,
    NuGet,
    Pub,
    Hex,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 10] = [
        Ecosystem::CratesIo,
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Go,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
        Ecosystem::Maven,
        Ecosystem::NuGet,
        Ecosystem::Pub,
        Ecosystem::Hex,
    ];

    /// OSV's name (`affected[].package.ecosystem`, and the folder of its `all.zip`).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::Maven => "Maven",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Pub => "Pub",
            Ecosystem::Hex => "Hex",
        }
    }

    /// The ecosystem OSV calls `name` (a `:suffix` such as `Debian:12` is not one of ours).
    pub fn from_osv_name(name: &str) -> Option<Ecosystem> {
        Ecosystem::ALL.into_iter().find(|e| e.osv_name() == name)
    }

    /// The package-URL type (`pkg:cargo/...`), for CycloneDX.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Go => "golang",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Packagist => "composer",
            Ecosystem::Maven => "maven",
            Ecosystem::NuGet => "nuget",
            Ecosystem::Pub => "pub",
            Ecosystem::Hex => "hex",
        }
    }

    /// `name` as OSV's records and Ferret's index key it: PEP 503 for PyPI (lowercase, runs of
    /// `-_.` become `-`); lowercase where the registry ignores case (NuGet, Packagist, Hex);
    /// as written elsewhere.
    pub fn normalize_name(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                for c in name.trim().chars() {
                    if matches!(c, '-' | '_' | '.') {
                        if !out.ends_with('-') {
                            out.push('-');
                        }
                    } else {
                        out.push(c.to_ascii_lowercase());
                    }
                }
                out
            }
            Ecosystem::NuGet | Ecosystem::Packagist | Ecosystem::Hex => name.to_ascii_lowercase(),
            _ => name.to_string(),
        }
    }
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.osv_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_pypi_names_follow_pep_503() {
        for e in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_osv_name(e.osv_name()), Some(e));
        }
        assert_eq!(Ecosystem::from_osv_name("Debian:12"), None);
        assert_eq!(
            Ecosystem::PyPI.normalize_name("Zope.Interface__x"),
            "zope-interface-x"
        );
        assert_eq!(
            Ecosystem::NuGet.normalize_name("Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(Ecosystem::Npm.normalize_name("@Scope/x"), "@Scope/x");
    }
}
