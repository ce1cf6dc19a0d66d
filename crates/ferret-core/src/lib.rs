//! Ferret's finding model, shared by the engine, the reports and the server.
//!
//! A [`Finding`] is metadata only: which rule fired, where, how bad it is, a short *redacted*
//! evidence snippet and a stable fingerprint. It never carries the secret itself (except when a
//! user explicitly asks for it with `--show-secrets`, which fills [`Finding::secret`]).
//!
//! This crate does no I/O.

mod finding;
mod fingerprint;
pub mod redact;
mod severity;

pub use finding::{short_commit, Category, CommitOccurrence, Finding, Location, Provenance};
pub use fingerprint::fingerprint;
pub use redact::{mask_values, redact_secret, redacted_snippet, ValueMask};
pub use severity::{Confidence, ParseLevelError, Severity};
