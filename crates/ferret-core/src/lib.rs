//! Ferret's finding model and wire types, shared by the engine, the reports, the CLI and the
//! server: findings, scan reports, rule metadata, the scan upload and its summary, and the one
//! RFC 3339 time helper.
//!
//! A [`Finding`] is metadata only: which rule fired, where, how bad it is, a short *redacted*
//! evidence snippet and a stable fingerprint. It never carries the secret itself (except when a
//! user explicitly asks for it with `--show-secrets`, which fills [`Finding::secret`]).
//!
//! This crate does no I/O.

mod finding;
mod fingerprint;
pub mod redact;
pub mod report;
mod severity;
pub mod terminal;
pub mod time;
pub mod upload;

pub use finding::{
    short_commit, Category, CommitOccurrence, Finding, FlowStep, Location, Provenance,
};
pub use fingerprint::fingerprint;
pub use redact::{mask_values, redact_secret, redacted_snippet, ValueMask};
pub use report::{RuleInfo, ScanReport, SkipReason, SkippedFile};
pub use severity::{Confidence, ParseLevelError, Severity};
