//! `ferret serve` and `ferret admin …`: thin wrappers around `ferret-server`.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
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

#[derive(Subcommand)]
pub enum AdminCommand {
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
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
    /// Write every entry as JSON lines (to standard output or FILE).
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
    config.apply_env()?;
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

pub fn run_admin(command: AdminCommand) -> Result<ExitCode> {
    match command {
        AdminCommand::Audit(AuditCommand::Verify {
            file: Some(file), ..
        }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let mut entries = Vec::new();
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                entries.push(serde_json::from_str(line).with_context(|| {
                    format!("{}:{}: not an audit entry", file.display(), i + 1)
                })?);
            }
            report_verification(ferret_server::audit::verify(&entries, None))
        }
        AdminCommand::Audit(AuditCommand::Verify { source, .. }) => {
            let config = config(&source)?;
            let result = runtime()?.block_on(async {
                let state = ferret_server::AppState::open(config).await?;
                let entries = ferret_server::audit::all(&state.db).await?;
                let (seq, hash) = ferret_server::audit::head(&state.db).await?;
                anyhow::Ok(ferret_server::audit::verify(&entries, Some((seq, &hash))))
            })?;
            report_verification(result)
        }
        AdminCommand::Audit(AuditCommand::Export { source, output }) => {
            let config = config(&source)?;
            let entries = runtime()?.block_on(async {
                let state = ferret_server::AppState::open(config).await?;
                anyhow::Ok(ferret_server::audit::all(&state.db).await?)
            })?;
            let mut text = String::new();
            for entry in &entries {
                text.push_str(&serde_json::to_string(entry)?);
                text.push('\n');
            }
            crate::write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn report_verification(result: Result<usize, String>) -> Result<ExitCode> {
    match result {
        Ok(n) => {
            println!("audit log intact: {n} entries, hash chain verified");
            Ok(ExitCode::SUCCESS)
        }
        Err(problem) => {
            eprintln!("ferret: audit log verification FAILED: {problem}");
            Ok(ExitCode::from(1))
        }
    }
}
