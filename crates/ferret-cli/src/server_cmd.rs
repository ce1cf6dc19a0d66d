//! `ferret serve` and `ferret admin …`: thin wrappers around `ferret-server`.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use ferret_server::audit;
use ferret_server::ServerConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Where the server's settings come from; shared by `serve` and `admin`.
#[derive(Args)]
pub struct ServerSource {
    /// Settings file (TOML); `FERRET_*` environment variables and flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the SQLite database and the server key [default: ./ferret-data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Use PostgreSQL (postgres://…) instead of SQLite in the data directory.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    source: ServerSource,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    bind: Option<SocketAddr>,
}

#[derive(Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    source: ServerSource,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Create an account (with its personal workspace): the first owner of an
    /// invitation-only server. The password is read from standard input (first line).
    CreateUser {
        #[command(flatten)]
        source: ServerSource,
        /// The account's email.
        #[arg(long)]
        email: String,
    },
    /// The GitHub App's secrets, kept in the database encrypted under the master key.
    #[command(subcommand)]
    Github(GithubCommand),
    /// Re-encrypt every stored secret under a new master key, all or nothing; then point
    /// `master_key_file` (or FERRET_MASTER_KEY_FILE) at the new key.
    RotateKey {
        #[command(flatten)]
        source: ServerSource,
        /// The new master key: 64 hex digits or base64 of 32 bytes (`openssl rand -hex 32`).
        #[arg(long, value_name = "FILE")]
        new_key_file: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum GithubCommand {
    /// Encrypt the App's private key, webhook secret and client secret (AES-256-GCM under the
    /// master key) into the database, so that every server and worker sharing it has them
    /// without the files.
    StoreSecrets {
        #[command(flatten)]
        source: ServerSource,
        #[arg(long, value_name = "FILE")]
        private_key_file: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        webhook_secret_file: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        client_secret_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and report the first edited, removed or reordered entry.
    Verify {
        #[command(flatten)]
        source: ServerSource,
        /// Verify an exported JSON-lines file instead of the database.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Append a signed checkpoint of the log's head to DATA_DIR/audit-checkpoints.jsonl now
    /// (`ferret serve` does so every minute while the log grows).
    Checkpoint {
        #[command(flatten)]
        source: ServerSource,
    },
    /// Write every entry as JSON lines, then a signed head line (to standard output or FILE).
    Export {
        #[command(flatten)]
        source: ServerSource,
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

fn config(source: &ServerSource) -> Result<ServerConfig> {
    let mut config = match &source.config {
        Some(path) => ServerConfig::from_file(path)?,
        None => ServerConfig::default(),
    };
    for warning in config.apply_env()? {
        eprintln!("ferret: warning: {warning}");
    }
    if let Some(dir) = &source.data_dir {
        config.data_dir = dir.clone();
    }
    if let Some(url) = &source.database_url {
        config.database_url = Some(url.clone());
    }
    Ok(config)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub fn run_serve(args: ServeArgs) -> Result<ExitCode> {
    let mut config = config(&args.source)?;
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    ferret_server::init_logging();
    runtime()?.block_on(ferret_server::serve(config))?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_worker(args: WorkerArgs) -> Result<ExitCode> {
    let config = config(&args.source)?;
    ferret_server::init_logging();
    let exe = std::env::current_exe().context("cannot find the ferret executable")?;
    runtime()?.block_on(async {
        let state = ferret_server::AppState::open(config).await?;
        anyhow::ensure!(
            state.github.is_some(),
            "no GitHub App is configured ([github] app_id or client_id)"
        );
        let settings = ferret_server::worker::WorkerSettings::new(exe, &state.config);
        ferret_server::worker::run(state, settings).await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Reads a secret file: its text without the trailing newline, never empty.
fn read_secret_file(path: &std::path::Path) -> Result<zeroize::Zeroizing<String>> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
    );
    let trimmed = zeroize::Zeroizing::new(text.trim_end_matches(['\n', '\r']).to_string());
    anyhow::ensure!(!trimmed.is_empty(), "{} is empty", path.display());
    Ok(trimmed)
}

fn store_secrets(
    source: &ServerSource,
    files: [(&'static str, &Option<PathBuf>); 3],
) -> Result<ExitCode> {
    use ferret_server::app_secrets;
    let config = config(source)?;
    let key = ferret_server::master_key(&config)?
        .context("a master key is needed (master_key_file or FERRET_MASTER_KEY_FILE)")?;
    let mut secrets = Vec::new();
    for (name, path) in files {
        let Some(path) = path else { continue };
        let text = if name == app_secrets::GITHUB_PRIVATE_KEY {
            let pem = zeroize::Zeroizing::new(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
            );
            ferret_github::AppKey::from_pem(&pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            pem
        } else {
            read_secret_file(path)?
        };
        secrets.push((name, text));
    }
    anyhow::ensure!(
        !secrets.is_empty(),
        "name at least one secret file to store"
    );
    runtime()?.block_on(async {
        let state = ferret_server::AppState::open(config).await?;
        for (name, text) in &secrets {
            app_secrets::put(
                &state.db,
                &key,
                name,
                text.as_bytes(),
                ferret_server::time::now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!(
                "ferret: stored {name}, encrypted under master key {}",
                key.id()
            );
        }
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn rotate_key(source: &ServerSource, new_key_file: &std::path::Path) -> Result<ExitCode> {
    use ferret_server::app_secrets::{self, MasterKey};
    let config = config(source)?;
    let old = ferret_server::master_key(&config)?
        .context("the current master key is needed (master_key_file or FERRET_MASTER_KEY_FILE)")?;
    let new = MasterKey::parse(&read_secret_file(new_key_file)?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", new_key_file.display()))?;
    let count = runtime()?.block_on(async {
        let state = ferret_server::AppState::open(config).await?;
        app_secrets::rotate(&state.db, &old, &new, ferret_server::time::now())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    eprintln!(
        "ferret: re-encrypted {count} secret(s) under master key {} (was {}); point master_key_file at the new key",
        new.id(),
        old.id()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_admin(command: AdminCommand) -> Result<ExitCode> {
    use ferret_server::app_secrets::{
        GITHUB_CLIENT_SECRET, GITHUB_PRIVATE_KEY, GITHUB_WEBHOOK_SECRET,
    };
    match command {
        AdminCommand::Github(GithubCommand::StoreSecrets {
            source,
            private_key_file,
            webhook_secret_file,
            client_secret_file,
        }) => store_secrets(
            &source,
            [
                (GITHUB_PRIVATE_KEY, &private_key_file),
                (GITHUB_WEBHOOK_SECRET, &webhook_secret_file),
                (GITHUB_CLIENT_SECRET, &client_secret_file),
            ],
        ),
        AdminCommand::RotateKey {
            source,
            new_key_file,
        } => rotate_key(&source, &new_key_file),
        AdminCommand::CreateUser { source, email } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let config = config(&source)?;
            let id = runtime()?.block_on(async {
                let state = ferret_server::AppState::open(config).await?;
                ferret_server::routes::account::create_account(&state, &email, password)
                    .await
                    .map_err(|e| anyhow::anyhow!(e))
            })?;
            eprintln!("ferret: created account {id} for {}", email.trim());
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Audit(AuditCommand::Verify {
            file: Some(file),
            source,
        }) => {
            // With the server's key at hand (its data directory or key file), seals are checked
            // too; without it, only the chain's shape and its head.
            let config = config(&source)?;
            let key_file = config
                .key_file
                .clone()
                .unwrap_or_else(|| config.data_dir.join("server.key"));
            let key = if key_file.is_file() {
                Some(audit::AuditKey::from_server_key(
                    &ferret_server::crypto::ServerKey::load_or_create(&key_file)?,
                ))
            } else {
                None
            };
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let mut entries = Vec::new();
            let mut head: Option<audit::Checkpoint> = None;
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let not_entry = || format!("{}:{}: not an audit entry", file.display(), i + 1);
                anyhow::ensure!(head.is_none(), "{}: lines after the head line", not_entry());
                let value: serde_json::Value =
                    serde_json::from_str(line).with_context(not_entry)?;
                if let Some(h) = value.get("head") {
                    head = Some(serde_json::from_value(h.clone()).with_context(not_entry)?);
                } else {
                    entries.push(serde_json::from_value(value).with_context(not_entry)?);
                }
            }
            let Some(head) = head else {
                return report_verification(Err(
                    "the export has no head line (it is empty, or its end was cut off)".into(),
                ));
            };
            // The export's own signed head: its key proves the file is whole, not who made it.
            if !head.signed_by(&head.public_key) {
                return report_verification(Err("the head line's signature is invalid".into()));
            }
            report_verification(audit::verify(
                &entries,
                Some((head.seq, &head.hash)),
                key.as_ref(),
                &[],
            ))
        }
        AdminCommand::Audit(AuditCommand::Verify { source, .. }) => {
            let config = existing_config(&source)?;
            let checkpoints =
                audit::read_checkpoints(&config.data_dir.join(audit::CHECKPOINT_FILE))
                    .map_err(anyhow::Error::msg)?;
            let result = runtime()?.block_on(async {
                let state = ferret_server::AppState::open(config).await?;
                let entries = audit::all(&state.db).await?;
                let (seq, hash) = audit::head(&state.db).await?;
                anyhow::Ok(audit::verify(
                    &entries,
                    Some((seq, &hash)),
                    state.db.audit_key(),
                    &checkpoints,
                ))
            })?;
            report_verification(result)
        }
        AdminCommand::Audit(AuditCommand::Checkpoint { source }) => {
            let config = existing_config(&source)?;
            let path = config.data_dir.join(audit::CHECKPOINT_FILE);
            let written = runtime()?.block_on(async {
                let state = ferret_server::AppState::open(config).await?;
                let key = state.db.audit_key().context("no audit key")?.clone();
                anyhow::Ok(audit::checkpoint_now(&state.db, &key, &path).await?)
            })?;
            match written {
                Some(c) => println!(
                    "checkpoint of entry {} written to {}",
                    c.seq,
                    path.display()
                ),
                None => println!("the last checkpoint already covers the head"),
            }
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Audit(AuditCommand::Export { source, output }) => {
            let config = existing_config(&source)?;
            let (entries, head) = runtime()?.block_on(async {
                let state = ferret_server::AppState::open(config).await?;
                let entries = audit::all(&state.db).await?;
                let (seq, hash) = audit::head(&state.db).await?;
                let key = state.db.audit_key().context("no audit key")?;
                let head = key.checkpoint(seq, &hash, ferret_server::time::now());
                anyhow::Ok((entries, head))
            })?;
            let mut text = String::new();
            for entry in &entries {
                text.push_str(&serde_json::to_string(entry)?);
                text.push('\n');
            }
            text.push_str(&serde_json::json!({ "head": head }).to_string());
            text.push('\n');
            crate::write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The server settings for an admin command on an existing installation: a data directory that
/// does not exist is an error (it would otherwise be created, empty, and called intact).
fn existing_config(source: &ServerSource) -> Result<ServerConfig> {
    let config = config(source)?;
    if config.database_url.is_none() && !config.data_dir.is_dir() {
        anyhow::bail!(
            "{}: no such data directory (pass --data-dir or --database-url)",
            config.data_dir.display()
        );
    }
    Ok(config)
}

fn report_verification(result: Result<audit::Verification, String>) -> Result<ExitCode> {
    match result {
        Ok(report) => {
            println!(
                "audit log intact: {} entries, chain verified{}",
                report.entries,
                match report.anchored_through {
                    Some((seq, _)) =>
                        format!(", anchored by a signed checkpoint through entry {seq}"),
                    None => String::new(),
                }
            );
            for caveat in report.caveats() {
                println!("note: {caveat}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(problem) => {
            eprintln!("ferret: audit log verification FAILED: {problem}");
            Ok(ExitCode::from(1))
        }
    }
}
