//! `ferret serve`: the self-hosted platform core, as an HTTP API.
//!
//! Accounts (argon2id passwords, server-side sessions, CSRF protection, login throttling),
//! personal and team workspaces with owner / admin / member roles, scoped and expiring API
//! tokens, repositories with findings uploaded by `ferret scan --upload` (validated and
//! re-redacted here: only metadata is stored, never source code), triage that sticks across
//! rescans, a hash-chained audit log, rate limits and security headers.
//!
//! Layout: [`config`] (settings), [`db`] (portable SQL for SQLite and PostgreSQL),
//! [`auth`] (who is calling, and what they may do), [`audit`] (the chain), [`upload`]
//! (validation and redaction of uploaded findings), [`routes`] (one module per resource),
//! [`middleware`] (request ids, limits, headers, error bodies).

pub mod auth;
pub mod config;
pub mod dashboard;
pub mod email;
pub mod error;
pub mod github_app;
pub mod middleware;
pub mod openapi;
pub mod password;
pub mod ratelimit;
pub mod routes;
pub mod sealed;
pub mod time;
pub mod upload;
pub mod worker;

pub use config::ServerConfig;
/// Storage lives in the `ferret-store` crate; these paths keep the server's modules short.
pub use ferret_store::{app_secrets, audit, crypto, db};

use crate::crypto::ServerKey;
use crate::db::Db;
use crate::error::ServerError;
use crate::ratelimit::RateLimiter;
use std::net::SocketAddr;
use std::sync::Arc;

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<ServerConfig>,
    pub key: ServerKey,
    pub limits: Arc<Limits>,
    pub redactor: Arc<upload::Redactor>,
    /// The GitHub App, when one is configured.
    pub github: Option<Arc<github_app::GithubApp>>,
}

/// The rate limiters of one server process.
pub struct Limits {
    pub per_ip: RateLimiter,
    pub per_token: RateLimiter,
    /// Keyed by (account, client address).
    pub login_per_account: RateLimiter,
    pub login_per_ip: RateLimiter,
    /// Keyed by account, all addresses together; known devices are exempt.
    pub login_ceiling: RateLimiter,
    /// Refused webhook deliveries recorded in the audit log, per address (more are refused
    /// but not recorded, so they cannot flood the log).
    pub webhook_rejections: RateLimiter,
}

impl AppState {
    /// Opens the database (applying migrations) and loads or creates the server key.
    pub async fn open(config: ServerConfig) -> Result<AppState, ServerError> {
        let url = config.database_url()?;
        let key = match &config.key_file {
            Some(path) => ServerKey::load_or_create(path)?,
            None => {
                std::fs::create_dir_all(&config.data_dir).map_err(|e| {
                    ServerError::Io(format!(
                        "cannot create data directory {}: {e}",
                        config.data_dir.display()
                    ))
                })?;
                restrict_dir(&config.data_dir)?;
                ServerKey::load_or_create(&config.data_dir.join("server.key"))?
            }
        };
        let db = Db::connect(&url, config.max_db_connections).await?;
        let mut config = config;
        load_stored_secrets(&db, &mut config).await?;
        // A configured but unusable App key is an error at start, not at the first scan.
        github_app::GithubApp::from_settings(&config.github)?;
        db.bind_server_key(audit::AuditKey::from_server_key(&key).id())
            .await?;
        let state = AppState::with(db, key, config);
        routes::workspaces::seal_legacy_integrations(&state)
            .await
            .map_err(|e| ServerError::Io(format!("cannot seal integration URLs: {e}")))?;
        Ok(state)
    }

    /// Builds the state from parts (tests use an ephemeral key).
    pub fn with(db: Db, key: ServerKey, config: ServerConfig) -> AppState {
        let github = github_app::GithubApp::from_settings(&config.github)
            .ok()
            .flatten()
            .map(Arc::new);
        let db = db.with_audit_key(audit::AuditKey::from_server_key(&key));
        let limits = Limits {
            per_ip: RateLimiter::new(config.rate_per_ip),
            per_token: RateLimiter::new(config.rate_per_token),
            login_per_account: RateLimiter::new(config.login_rate_per_account),
            login_per_ip: RateLimiter::new(config.login_rate_per_ip),
            login_ceiling: RateLimiter::new(config.login_ceiling_per_account),
            webhook_rejections: RateLimiter::new(ratelimit::Rate {
                per_minute: 10,
                burst: 20,
            }),
        };
        AppState {
            db,
            config: Arc::new(config),
            key,
            limits: Arc::new(limits),
            redactor: Arc::new(upload::Redactor::new()),
            github,
        }
    }
}

fn restrict_dir(dir: &std::path::Path) -> Result<(), ServerError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| {
        ServerError::Io(format!(
            "cannot restrict permissions of {}: {e}",
            dir.display()
        ))
    })
}

/// The complete HTTP application: routes plus middleware.
pub fn app(state: AppState) -> axum::Router {
    middleware::wrap(routes::router(state.clone()), state)
}

/// Runs the server until SIGINT/SIGTERM.
pub async fn serve(config: ServerConfig) -> Result<(), ServerError> {
    let bind = config.bind;
    let state = AppState::open(config).await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| ServerError::Io(format!("cannot listen on {bind}: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| ServerError::Io(format!("cannot listen on {bind}: {e}")))?;
    tracing::info!(address = %address, backend = ?state.db.backend(), "ferret server listening");
    tokio::spawn(checkpoint_audit_log(state.clone()));
    tokio::spawn(purge_disconnected_repositories(state.clone()));
    // A single-binary install (SQLite) scans in-process; with PostgreSQL, run `ferret worker`
    // processes instead (any number, on any machines).
    if state.db.backend() == db::Backend::Sqlite && state.github.is_some() {
        if let Ok(exe) = std::env::current_exe() {
            let settings = worker::WorkerSettings::new(exe, &state.config);
            tokio::spawn(worker::run(state.clone(), settings));
        }
    }
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| ServerError::Io(format!("server failed: {e}")))
}

/// The master key of `config`, parsed.
pub fn master_key(
    config: &ServerConfig,
) -> Result<Option<ferret_store::app_secrets::MasterKey>, ServerError> {
    config
        .master_key
        .as_ref()
        .map(|key| {
            ferret_store::app_secrets::MasterKey::parse(key.expose())
                .map_err(|e| ServerError::Config(format!("master key: {e}")))
        })
        .transpose()
}

/// Fills GitHub secrets the settings do not give from the encrypted ones in the database.
/// Secrets stored without a master key to open them are an error, not silently ignored.
async fn load_stored_secrets(db: &Db, config: &mut ServerConfig) -> Result<(), ServerError> {
    use ferret_store::app_secrets::{
        self, GITHUB_CLIENT_SECRET, GITHUB_PRIVATE_KEY, GITHUB_WEBHOOK_SECRET,
    };
    let stored = app_secrets::list(db).await?;
    if stored.is_empty() {
        return Ok(());
    }
    let Some(key) = master_key(config)? else {
        return Err(ServerError::Config(format!(
            "the database holds encrypted secrets ({}); give the master key (master_key_file or FERRET_MASTER_KEY_FILE)",
            stored.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ")
        )));
    };
    let open = |bytes: zeroize::Zeroizing<Vec<u8>>| -> Result<config::Secret, ServerError> {
        Ok(config::Secret::new(
            String::from_utf8(bytes.to_vec())
                .map_err(|_| ServerError::Config("a stored secret is not text".into()))?,
        ))
    };
    let github = &mut config.github;
    for (name, slot) in [
        (GITHUB_WEBHOOK_SECRET, &mut github.webhook_secret),
        (GITHUB_CLIENT_SECRET, &mut github.client_secret),
        (GITHUB_PRIVATE_KEY, &mut github.private_key_pem),
    ] {
        if slot.is_none() {
            if let Some(bytes) = app_secrets::get(db, &key, name).await? {
                *slot = Some(open(bytes)?);
            }
        }
    }
    Ok(())
}

/// How often the audit log's head is checkpointed outside the database.
const AUDIT_CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Appends a signed checkpoint of the audit log's head to the data directory's checkpoint file
/// (and the log) every minute while the head moves.
async fn checkpoint_audit_log(state: AppState) {
    let path = state.config.data_dir.join(audit::CHECKPOINT_FILE);
    let Some(key) = state.db.audit_key().cloned() else {
        return;
    };
    if let Err(e) = std::fs::create_dir_all(&state.config.data_dir) {
        tracing::error!(error = %e, "cannot create the data directory for audit checkpoints");
    }
    let mut ticker = tokio::time::interval(AUDIT_CHECKPOINT_EVERY);
    loop {
        ticker.tick().await;
        if let Err(e) = audit::checkpoint_now(&state.db, &key, &path).await {
            tracing::error!(error = %e, "cannot checkpoint the audit log");
        }
    }
}

/// How often repositories whose GitHub access ended are checked for the end of their grace
/// period.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes the data of repositories cut off from GitHub (uninstalled, removed, deleted) once
/// their grace period is over, and history past each workspace's retention; every hour, and at
/// start.
async fn purge_disconnected_repositories(state: AppState) {
    let actor = audit::Actor {
        user_id: None,
        token_id: None,
        ip: "server".into(),
        user_agent: Some("ferret serve (retention)".into()),
    };
    let mut ticker = tokio::time::interval(PURGE_EVERY);
    loop {
        ticker.tick().await;
        match ferret_store::github::purge_expired(&state.db, time::now(), &actor).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                repositories = n,
                "purged repositories past their grace period"
            ),
            Err(e) => tracing::error!(error = %e, "cannot purge disconnected repositories"),
        }
        // Each workspace's own retention of scans and fixed findings.
        match ferret_store::workspaces::purge_history(&state.db, time::now(), &actor).await {
            Ok(p) if p == ferret_store::workspaces::Purged::default() => {}
            Ok(p) => tracing::info!(
                scans = p.scans,
                findings = p.findings,
                "purged history past workspaces' retention"
            ),
            Err(e) => tracing::error!(error = %e, "cannot apply workspaces' retention"),
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("install SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
    }
}

/// Logs to standard error; `RUST_LOG` adjusts the level (default `info`).
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
