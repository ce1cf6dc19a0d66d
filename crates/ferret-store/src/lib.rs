//! Ferret's server storage: the only crate that speaks SQL.
//!
//! - [`accounts`]: users, sessions, token and membership lookup, account deletion.
//! - [`db`]: the connection pool for SQLite or PostgreSQL, migrations, serialised writers.
//! - [`audit`]: the hash-chained, HMAC-sealed audit log (append, verify, export, checkpoints).
//! - [`scans`]: ingesting an uploaded scan into a branch's findings.
//! - [`findings`]: listing, reading and triaging findings.
//! - [`members`]: members, roles and invitations.
//! - [`repositories`]: registered repositories and their scan history.
//! - [`tokens`]: API tokens (hashes only).
//! - [`workspaces`]: workspaces, ownership and integrations (sealed URLs).
//! - [`queue`]: the job queue that scan workers claim work from ([`queue::JobQueue`]).
//! - [`crypto`]: the server key, random ids and keyed hashes the stored rows use.
//!
//! Operations return [`StoreError`] (not found, conflict, invalid, database) — never an HTTP
//! type; the server maps it to a status in one place. Backend differences (placeholders,
//! locks) stay inside this crate.

pub mod accounts;
pub mod app_secrets;
pub mod audit;
pub mod crypto;
pub mod db;
pub mod findings;
pub mod github;
pub mod members;
pub mod queue;
pub mod repositories;
pub mod scans;
pub mod time;
pub mod tokens;
pub mod workspaces;

pub use db::{Backend, Db, WriteTx};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The resource does not exist (or is not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// The operation clashes with the current state (a duplicate name, a lost lease).
    #[error("{0}")]
    Conflict(String),
    /// The input breaks a rule the store enforces.
    #[error("{0}")]
    Invalid(String),
    /// A file the store keeps beside the database (the server key, the audit checkpoints)
    /// could not be read or written, or is not what it should be.
    #[error("{0}")]
    File(String),
    /// The database cannot be reached or opened (the message says where and why, never a
    /// password).
    #[error("{0}")]
    Connect(String),
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        // PostgreSQL refuses NUL in text (SQLite stores it): bad input, not a database fault.
        if let sqlx::Error::Database(db) = &error {
            if matches!(db.code().as_deref(), Some("22021" | "22P05")) {
                return StoreError::Invalid("text must not contain NUL characters".into());
            }
        }
        StoreError::Database(error)
    }
}

/// `Ok` when a statement aimed at one row of a workspace changed it; `NotFound("no such
/// {what}")` when it changed none (wrong id, or a row of another workspace).
pub(crate) fn changed_one(rows_affected: u64, what: &str) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound(format!("no such {what}")))
    } else {
        Ok(())
    }
}

/// `count` numbered placeholders from `start`: `$N` for PostgreSQL, `?N` for SQLite (which
/// resolves `$N` as a *named* parameter, by a linear search per occurrence — quadratic in
/// statements with thousands of parameters).
pub fn placeholders(backend: Backend, start: usize, count: usize) -> String {
    let sigil = match backend {
        Backend::Sqlite => '?',
        Backend::Postgres => '$',
    };
    (start..start + count)
        .map(|i| format!("{sigil}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
