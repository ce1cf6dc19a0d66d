//! The database: one set of portable SQL statements for SQLite and PostgreSQL.
//!
//! Both backends are reached through sqlx's runtime-generic `Any` driver. Every statement in
//! the server is written once, in the common subset of both dialects: `$N` placeholders (SQLite
//! accepts them), `TEXT` and `BIGINT` columns only (timestamps are Unix seconds, booleans are
//! 0/1), no `SERIAL`/`AUTOINCREMENT` (ids are random strings), `RETURNING` where needed. The
//! migrations below are therefore shared too, and the same test suite runs on both.
//!
//! SQLite allows one writer at a time; [`Db::write`] serialises write transactions in-process
//! so that concurrent requests wait for each other instead of failing with "database is
//! locked". PostgreSQL needs no such lock (many stateless servers can share one database).

use crate::StoreError;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Which database the server talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool plus what the server needs to know about its backend.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    write_lock: Arc<Mutex<()>>,
    /// How many callers are waiting for `write_lock` (long writers yield to them).
    writers_waiting: Arc<AtomicUsize>,
    /// Seals audit entries written through this handle (set from the server key).
    audit_key: Option<Arc<crate::audit::AuditKey>>,
}

/// A write transaction; on SQLite it also holds the in-process writer lock until dropped.
pub struct WriteTx {
    pub tx: Transaction<'static, Any>,
    pub audit_key: Option<Arc<crate::audit::AuditKey>>,
    _guard: Option<OwnedMutexGuard<()>>,
}

/// SQLite keeps process-wide allocation statistics behind one mutex by default, which every
/// connection thread contends for on every allocation; the server never reads them. The setting
/// can only change before SQLite initialises, so later calls are refused (harmlessly).
fn disable_sqlite_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` is safe to call from one thread before `sqlite3_initialize`
        // (guaranteed single-threaded by `Once`; if SQLite is already initialised it returns
        // SQLITE_MISUSE and changes nothing). MEMSTATUS takes one `int` argument.
        unsafe {
            libsqlite3_sys::sqlite3_config(
                libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS,
                0 as std::ffi::c_int,
            );
        }
    });
}

/// Counts one waiting writer for as long as it lives (also when the wait is cancelled).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(counter: &'a AtomicUsize) -> Waiting<'a> {
        counter.fetch_add(1, Ordering::SeqCst);
        Waiting(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Schema versions, applied in order, each once. Never edit a released entry: add a new one.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_initial.sql")),
    (2, include_str!("../migrations/0002_jobs.sql")),
    (3, include_str!("../migrations/0003_server_settings.sql")),
    (4, include_str!("../migrations/0004_scan_ingest_steps.sql")),
    (5, include_str!("../migrations/0005_github.sql")),
    (6, include_str!("../migrations/0006_github_connect.sql")),
    (7, include_str!("../migrations/0007_job_results.sql")),
    (8, include_str!("../migrations/0008_app_secrets.sql")),
    (9, include_str!("../migrations/0009_check_policy.sql")),
    (10, include_str!("../migrations/0010_session_client.sql")),
    (11, include_str!("../migrations/0011_retention.sql")),
];

impl Db {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`) and applies pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Connect(
                "unsupported database URL (expected sqlite://PATH or postgres://…)".into(),
            ));
        };
        if backend == Backend::Sqlite {
            disable_sqlite_memory_statistics();
        }
        let options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    // Deleted rows are overwritten with zeros, not left in free pages.
                    conn.execute("PRAGMA secure_delete = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    // Reads through a memory map skip the page cache, whose one process-wide
                    // mutex (SQLite is built with memory management) serialises every
                    // connection's row lookups.
                    conn.execute("PRAGMA mmap_size = 1073741824").await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        if backend == Backend::Postgres {
            // One direct attempt first: a pool only reports that it timed out, while a single
            // connection says why (refused, unknown host, authentication, missing database).
            check_postgres(url).await?;
        }
        let pool = options
            .connect(url)
            .await
            .map_err(|e| StoreError::Connect(format!("cannot connect to the database: {e}")))?;
        let db = Db {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
            writers_waiting: Arc::new(AtomicUsize::new(0)),
            audit_key: None,
        };
        db.migrate().await?;
        Ok(db)
    }

    /// Audit entries written through this handle are sealed with `key`.
    pub fn with_audit_key(mut self, key: crate::audit::AuditKey) -> Db {
        self.audit_key = Some(Arc::new(key));
        self
    }

    pub fn audit_key(&self) -> Option<&crate::audit::AuditKey> {
        self.audit_key.as_deref()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether another caller is waiting to write (SQLite; always false on PostgreSQL, whose
    /// writers do not wait for each other). A long writer commits and lets them in.
    pub fn writers_waiting(&self) -> bool {
        self.writers_waiting.load(Ordering::SeqCst) > 0
    }

    /// Starts a write transaction (serialised with other writers on SQLite).
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        let guard = match self.backend {
            Backend::Sqlite => {
                let _waiting = Waiting::count(&self.writers_waiting);
                Some(Arc::clone(&self.write_lock).lock_owned().await)
            }
            Backend::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx {
            tx,
            audit_key: self.audit_key.clone(),
            _guard: guard,
        })
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            // Many servers may start at once against one database: migrate one at a time.
            conn.execute("SELECT pg_advisory_lock(7431001)").await?;
        }
        let result = async {
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations \
                 (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
            )
            .await?;
            for (version, sql) in MIGRATIONS {
                let applied: Option<(i64,)> =
                    sqlx::query_as("SELECT version FROM schema_migrations WHERE version = $1")
                        .bind(version)
                        .fetch_optional(&mut *conn)
                        .await?;
                if applied.is_some() {
                    continue;
                }
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                // Statements are separated by `;` at line ends; `--` comment lines are dropped.
                let code: String = sql
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("--"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                for statement in code.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                    tx.execute(statement).await.map_err(|e| {
                        StoreError::Connect(format!("migration {version} failed: {e}"))
                    })?;
                }
                sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                    .bind(version)
                    .bind(crate::time::now())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            Ok::<(), StoreError>(())
        }
        .await;
        if self.backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_unlock(7431001)").await?;
        }
        result
    }
}

/// Connects once to the PostgreSQL server at `url` and reports a failure with the host, port,
/// database and reason (never the password).
async fn check_postgres(url: &str) -> Result<(), StoreError> {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let options = sqlx::postgres::PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Connect(format!("invalid PostgreSQL URL: {e}")))?;
    let place = format!(
        "PostgreSQL at {}:{} (database {:?})",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("default")
    );
    match tokio::time::timeout(Duration::from_secs(10), options.connect()).await {
        Ok(Ok(conn)) => {
            let _ = sqlx::Connection::close(conn).await;
            Ok(())
        }
        Ok(Err(e)) => {
            let reason = match &e {
                sqlx::Error::Io(io) => io.to_string(),
                sqlx::Error::Database(db) => db.message().to_string(),
                other => other.to_string(),
            };
            Err(StoreError::Connect(format!(
                "cannot connect to {place}: {reason}"
            )))
        }
        Err(_) => Err(StoreError::Connect(format!(
            "cannot connect to {place}: no answer within 10 s"
        ))),
    }
}

/// Why this server may not use the database.
#[derive(Debug, thiserror::Error)]
#[error(
    "this database belongs to servers with another server key (key id {recorded}, this server \
     has {ours}): sessions, tokens, audit seals and encrypted settings would not verify. Start \
     every server sharing the database with the same key (the same key file or FERRET_KEY_FILE)"
)]
pub struct KeyMismatch {
    pub recorded: String,
    pub ours: String,
}

impl Db {
    /// Binds the database to the server key `key_id` on first use, and refuses a server whose
    /// key differs from the one the database was set up with.
    pub async fn bind_server_key(&self, key_id: &str) -> Result<(), crate::StoreError> {
        let mut tx = self.write().await?;
        let recorded: Option<(String,)> =
            sqlx::query_as("SELECT value FROM server_settings WHERE name = 'server_key_id'")
                .fetch_optional(&mut *tx.tx)
                .await?;
        match recorded {
            Some((recorded,)) if recorded != key_id => {
                return Err(crate::StoreError::Conflict(
                    KeyMismatch {
                        recorded,
                        ours: key_id.to_string(),
                    }
                    .to_string(),
                ))
            }
            Some(_) => {}
            None => {
                sqlx::query(
                    "INSERT INTO server_settings (name, value) VALUES ('server_key_id', $1)",
                )
                .bind(key_id)
                .execute(&mut *tx.tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Reads an optional text column.
pub fn opt_text(row: &AnyRow, column: &str) -> Option<String> {
    use sqlx::Row;
    row.try_get::<Option<String>, _>(column).ok().flatten()
}

impl Db {
    /// Makes deleted data unrecoverable from the database files, after a deletion committed.
    /// SQLite (with `secure_delete` on, freed pages are already zeroed) still holds the old
    /// page versions in its write-ahead log until a checkpoint: this checkpoints and truncates
    /// the log. PostgreSQL keeps dead row versions until `VACUUM` reclaims them; that storage is
    /// the operator's (see the README), so this does nothing there.
    pub async fn purge_deleted(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            // Waits for the writer lock so no transaction is mid-way; readers may still block
            // the truncation briefly, in which case SQLite checkpoints what it can.
            let _guard = Arc::clone(&self.write_lock).lock_owned().await;
            self.pool.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        Ok(())
    }

    /// Runs one statement without parameters (administration and tests).
    pub async fn execute_raw(&self, statement: &str) -> Result<u64, sqlx::Error> {
        Ok(self.pool.execute(statement).await?.rows_affected())
    }
}
