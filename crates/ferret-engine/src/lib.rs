//! Ferret's scanning engine, as a library.
//!
//! Data flows one way: **sources** ([`source::tree`]: a file tree) hand files to **analyzers**
//! ([`Analyzer`] implementations such as [`secrets::SecretAnalyzer`]) which produce
//! [`ferret_core::Finding`]s, collected by the [`Scanner`] into a [`ScanReport`].
//!
//! ```no_run
//! use ferret_engine::{Config, ScanSettings, Scanner};
//! use std::path::Path;
//!
//! let root = Path::new(".");
//! let config = Config::discover(root, None)?;
//! let scanner = Scanner::new(root, &config, &ScanSettings::default())?;
//! let report = scanner.scan_tree(root, None)?;
//! for finding in &report.findings {
//!     println!("{} {}:{}", finding.rule_id, finding.location.path, finding.location.start_line);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analyzer;
pub mod baseline;
pub mod code;
pub mod config;
pub mod control_file;
pub mod deps;
pub mod examples;
pub mod keywords;
pub mod misconfig;
pub mod registry;
pub mod scan;
pub mod secrets;
pub mod selection;
pub mod source;
pub mod suppress;
pub mod text;

pub use analyzer::{Analyzer, Project, RuleInfo, SourceFile};
pub use baseline::Baseline;
pub use config::{Config, ConfigError};
/// The dependency library (lockfiles, versions, the OSV database), for the binary.
pub use ferret_deps;
pub use registry::Catalog;
pub use scan::{ScanError, ScanReport, ScanSettings, Scanner, DEFAULT_MAX_FILE_SIZE};
