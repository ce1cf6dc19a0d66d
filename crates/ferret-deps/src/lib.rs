//! Ferret's dependency analyzer: which packages a project pins (lockfiles and manifests of ten
//! ecosystems, [`lockfile`]), how each ecosystem orders versions ([`version`]), the OSV
//! advisory database kept offline as a compact index ([`db`]) and OSV's matching rules
//! ([`osv`]). Pure library: paths and bytes in, packages and advisories out; the engine turns
//! matches into findings.

pub mod ecosystem;
pub mod version;

pub use ecosystem::Ecosystem;
pub mod db;
pub mod lockfile;
pub mod matching;
pub mod osv;
pub mod sbom;
