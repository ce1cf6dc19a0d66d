//! Matching an inventory against the database: each package's advisories, grouped by alias so
//! one problem is one result, with the version to upgrade to.

use crate::db::{Database, DbError, EcosystemIndex};
use crate::lockfile::Package;
use crate::osv::Advisory;
use crate::Ecosystem;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// One known problem of one pinned package.
#[derive(Debug, Clone, PartialEq)]
pub struct Vulnerability {
    pub package: Package,
    /// The group's id: the lowest id among the database records that describe the problem.
    pub id: String,
    /// Every other id and alias of the group (CVE, GHSA, …), sorted.
    pub aliases: Vec<String>,
    pub summary: String,
    /// The highest CVSS base score in the group, with its vector.
    pub cvss: Option<(f64, String)>,
    /// GitHub's severity word, when a record has one and no CVSS vector does.
    pub severity_word: Option<String>,
    /// Set for informational advisories (`unmaintained`, `unsound`, …).
    pub informational: Option<String>,
    /// The lowest fixed version above the pinned one; `None` when no release fixes it.
    pub fixed: Option<String>,
    /// The advisory's page.
    pub url: Option<String>,
}

/// Matches packages against a database, loading each ecosystem's index once.
pub struct Matcher {
    db: Database,
    indexes: Mutex<HashMap<Ecosystem, Arc<Option<EcosystemIndex>>>>,
}

impl Matcher {
    pub fn new(db: Database) -> Matcher {
        Matcher {
            db,
            indexes: Mutex::new(HashMap::new()),
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    fn index(&self, ecosystem: Ecosystem) -> Result<Arc<Option<EcosystemIndex>>, DbError> {
        let mut indexes = self.indexes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(index) = indexes.get(&ecosystem) {
            return Ok(index.clone());
        }
        let index = Arc::new(self.db.load(ecosystem)?);
        indexes.insert(ecosystem, index.clone());
        Ok(index)
    }

    /// The vulnerabilities of `packages`, in package order. Packages of an ecosystem never
    /// imported match nothing.
    pub fn vulnerabilities(&self, packages: &[Package]) -> Result<Vec<Vulnerability>, DbError> {
        let mut found = Vec::new();
        for package in packages {
            let index = self.index(package.ecosystem)?;
            let Some(index) = index.as_ref() else {
                continue;
            };
            let advisories = index.advisories_for(&package.name)?;
            found.extend(vulnerabilities_of(package, &advisories));
        }
        Ok(found)
    }
}

/// The alias groups among `advisories` that affect `package`.
pub fn vulnerabilities_of(package: &Package, advisories: &[Advisory]) -> Vec<Vulnerability> {
    let (ecosystem, name, version) = (
        package.ecosystem,
        package.name.as_str(),
        package.version.as_str(),
    );
    let matching: Vec<&Advisory> = advisories
        .iter()
        .filter(|a| a.withdrawn.is_none() && a.affecting(ecosystem, name, version).next().is_some())
        .collect();
    // Union of advisories that share an id or alias.
    let mut groups: Vec<(BTreeSet<String>, Vec<&Advisory>)> = Vec::new();
    for advisory in matching {
        let ids: BTreeSet<String> = std::iter::once(advisory.id.clone())
            .chain(advisory.aliases.iter().cloned())
            .collect();
        let mut merged = (ids, vec![advisory]);
        let mut i = 0;
        while i < groups.len() {
            if groups[i].0.intersection(&merged.0).next().is_some() {
                let (ids, members) = groups.swap_remove(i);
                merged.0.extend(ids);
                merged.1.extend(members);
            } else {
                i += 1;
            }
        }
        groups.push(merged);
    }
    let mut out: Vec<Vulnerability> = groups
        .into_iter()
        .map(|(ids, members)| {
            let id = members
                .iter()
                .map(|a| a.id.clone())
                .min()
                .unwrap_or_default();
            let fixed = members
                .iter()
                .flat_map(|a| a.affecting(ecosystem, name, version))
                .flat_map(|a| a.fixes_above(ecosystem, version))
                .min_by(|a, b| crate::version::compare(ecosystem, a, b));
            let informational = members
                .iter()
                .flat_map(|a| a.affecting(ecosystem, name, version))
                .find_map(|a| a.informational().map(str::to_string));
            let first = members
                .iter()
                .find(|a| a.id == id)
                .copied()
                .unwrap_or(members[0]);
            Vulnerability {
                package: package.clone(),
                aliases: ids.into_iter().filter(|i| *i != id).collect(),
                summary: members
                    .iter()
                    .find_map(|a| a.summary.clone().filter(|s| !s.is_empty()))
                    .unwrap_or_else(|| format!("{id} affects {name} {version}")),
                cvss: members
                    .iter()
                    .filter_map(|a| a.cvss())
                    .max_by(|a, b| a.0.total_cmp(&b.0)),
                severity_word: members
                    .iter()
                    .find_map(|a| a.severity_word().map(str::to_string)),
                informational,
                fixed,
                url: first
                    .references
                    .first()
                    .map(|r| r.url.clone())
                    .or_else(|| advisory_page(&id)),
                id,
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The public page of an advisory id OSV knows.
fn advisory_page(id: &str) -> Option<String> {
    Some(format!("https://osv.dev/vulnerability/{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(json: &str) -> Advisory {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn aliases_group_into_one_result_with_the_lowest_fix_above() {
        let package = Package {
            ecosystem: Ecosystem::Npm,
            name: "lodash".into(),
            version: "4.17.15".into(),
            line: 3,
            direct: None,
            dev: false,
            optional: false,
        };
        let ghsa = advisory(
            r#"{"id":"GHSA-p6mc-m468-83gw","aliases":["CVE-2020-8203"],"summary":"Prototype pollution",
            "database_specific":{"severity":"HIGH"},
            "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"3.7.0"},{"fixed":"4.17.19"}]}]}]}"#,
        );
        let osv = advisory(
            r#"{"id":"OSV-2020-1","aliases":["CVE-2020-8203"],
            "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.16"}]}]}]}"#,
        );
        let other = advisory(
            r#"{"id":"GHSA-35jh-r3h4-6jhm","aliases":["CVE-2021-23337"],
            "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}]}"#,
        );
        let withdrawn = advisory(
            r#"{"id":"GHSA-xxxx","withdrawn":"2021-01-01T00:00:00Z",
            "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"versions":["4.17.15"]}]}"#,
        );
        let found = vulnerabilities_of(&package, &[ghsa, osv, other, withdrawn]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].id, "GHSA-35jh-r3h4-6jhm");
        assert_eq!(found[1].id, "GHSA-p6mc-m468-83gw");
        assert_eq!(found[1].aliases, vec!["CVE-2020-8203", "OSV-2020-1"]);
        assert_eq!(found[1].fixed.as_deref(), Some("4.17.16"));
        assert_eq!(found[1].severity_word.as_deref(), Some("HIGH"));
        let fixed = Package {
            version: "4.17.21".into(),
            ..package
        };
        assert!(vulnerabilities_of(&fixed, &[]).is_empty());
    }
}
