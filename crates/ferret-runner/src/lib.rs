//! One sandboxed scan of a remote repository, as a library call: "scan this repository at this
//! ref with this credential inside the sandbox and return the report". `ferret scan URL` uses
//! it, and so will the hosted-scan workers.
//!
//! The calling process never touches the clone. [`scan`] re-executes a worker binary (the
//! `ferret` executable's hidden `__sandbox-scan` subcommand, which calls [`worker`]) inside a
//! [`ferret_sandbox`] sandbox, handing it the request as JSON in [`REQUEST_ENV`]. The worker
//! clones into the sandbox's private tmpfs, cuts its own network, confines itself (Landlock,
//! seccomp), scans, and prints the report as JSON. When the worker exits — normally, on error,
//! on timeout, or because the caller was killed — the kernel frees the workspace.
//!
//! Credentials never appear on a command line or in a file: a token is read from an environment
//! variable named by the request, credentials in the URL are split off by the caller, and both
//! reach git as an `http.extraHeader` through `GIT_CONFIG_*` variables (see [`clone`]).

pub mod clone;

use ferret_core::ScanReport;
use ferret_engine::deps::DependencySettings;
use ferret_engine::ferret_deps::lockfile::LockfileInventory;
use ferret_engine::source::history::CommitSelection;
use ferret_engine::{Config, ScanSettings, Scanner};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub use clone::{is_remote, split_credentials};

/// Default environment variable holding a token for private repositories.
pub const DEFAULT_TOKEN_ENV: &str = "FERRET_GIT_TOKEN";

/// A remote scan is stopped (and its clone removed) after this long unless the request says
/// otherwise: a hostile repository must not hold a worker forever.
pub const DEFAULT_TIMEOUT_SECS: u64 = 3600;

/// Address-space limit of the sandboxed worker and git (RLIMIT_AS): a hostile repository must
/// not make it grow without bound. Generous, since allocators and thread stacks reserve more
/// address space than they use.
pub const WORKER_ADDRESS_SPACE: u64 = 8 << 30;

/// The worker subcommand of the `ferret` binary.
pub const WORKER_SUBCOMMAND: &str = "__sandbox-scan";

/// Environment variable carrying the [`WorkerRequest`] (JSON) from [`scan`] to [`worker`].
pub const REQUEST_ENV: &str = "FERRET_RUNNER_REQUEST";

/// Environment variable through which [`scan`] hands URL credentials to the worker (never on a
/// command line, where `/proc/*/cmdline` would show them, and never in the request).
pub(crate) const URL_CREDENTIALS_ENV: &str = "FERRET_URL_CREDENTIALS";

/// What to scan and how.
#[derive(Debug, Clone, Default)]
pub struct RemoteScan {
    /// The repository URL; `user:password@` in it is split off and passed on privately.
    pub url: String,
    /// Branch or tag to clone (tree scans), or the commit range (history scans).
    pub reference: Option<String>,
    /// Scan every commit instead of the tip.
    pub history: bool,
    /// History scans of `base..head`: only what `head` adds to `base` (files `base` already
    /// holds are not scanned) — a pull request's own changes.
    pub introduced_only: bool,
    /// History scans: only commits reachable from this branch.
    pub branch: Option<String>,
    pub all_provenance: bool,
    /// Environment variable holding a token for private repositories.
    pub token_env: String,
    /// A token for the clone, handed to the worker in its environment (as `token_env`), never
    /// on a command line. Hosted scans pass their installation token here.
    pub token: Option<GitToken>,
    /// Seconds the clone may take (it is part of the whole scan's timeout too).
    pub clone_timeout: Option<u64>,
    /// Seconds the whole scan may take [default: [`DEFAULT_TIMEOUT_SECS`]].
    pub timeout: Option<u64>,
    pub max_file_size: Option<u64>,
    pub show_secrets: bool,
    /// Set to stop the scan at once (the sandbox is killed, the clone goes with it).
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// A token for git: printed as `[redacted]`, wiped from memory when dropped.
#[derive(Clone)]
pub struct GitToken(zeroize::Zeroizing<String>);

impl GitToken {
    pub fn new(value: &str) -> GitToken {
        GitToken(zeroize::Zeroizing::new(value.to_string()))
    }
}

impl std::fmt::Debug for GitToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Why a remote scan failed. Messages are one line and never contain credentials.
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error(transparent)]
    Sandbox(#[from] ferret_sandbox::SandboxError),
    #[error("the scan was cancelled (the clone was removed)")]
    Cancelled,
    #[error("{url}: scan timed out after {seconds} s (the clone was removed)")]
    TimedOut { url: String, seconds: u64 },
    /// The worker failed; its last line of error output.
    #[error("{0}")]
    Worker(String),
    #[error("the sandboxed scan returned an unreadable report: {0}")]
    UnreadableReport(serde_json::Error),
    #[error("{WORKER_SUBCOMMAND} runs only inside a ferret sandbox started by `ferret scan URL`")]
    NotInSandbox,
    #[error("the worker request in {REQUEST_ENV} is malformed: {0}")]
    BadRequest(serde_json::Error),
    #[error(transparent)]
    Clone(#[from] clone::CloneError),
    #[error(transparent)]
    Confine(#[from] ferret_sandbox::ConfineError),
    #[error(transparent)]
    Config(#[from] ferret_engine::ConfigError),
    #[error(transparent)]
    Scan(#[from] ferret_engine::ScanError),
}

/// What the worker receives: the request without credentials, and the clean URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerRequest {
    pub url: String,
    pub reference: Option<String>,
    pub history: bool,
    #[serde(default)]
    pub introduced_only: bool,
    pub branch: Option<String>,
    pub all_provenance: bool,
    pub token_env: String,
    pub clone_timeout: Option<u64>,
    pub max_file_size: Option<u64>,
    pub show_secrets: bool,
}

/// What happened besides the report, for the caller to tell its user.
#[derive(Debug, Clone)]
pub struct RunNotes {
    /// Namespaces were unavailable: the clone lived in a private temporary directory, which a
    /// killed scan can leave behind until the next run.
    pub weak_isolation: bool,
    /// The packages the repository's lockfiles pin (tree scans): the sandbox has no advisory
    /// database, so the caller matches them against its own
    /// ([`ferret_engine::deps::DependencyAnalyzer::findings_for_inventory`]).
    pub lockfiles: Vec<LockfileInventory>,
    /// The repository's `[dependencies]` settings (its ignores apply to the matching).
    pub dependencies: DependencySettings,
}

/// What the worker prints: the report, the inventory and the repository's dependency settings.
#[derive(Debug, Serialize, Deserialize)]
pub struct WorkerOutput {
    pub report: ScanReport,
    #[serde(default)]
    pub lockfiles: Vec<LockfileInventory>,
    #[serde(default)]
    pub dependencies: DependencySettings,
}

/// Runs `request` in a sandboxed worker started from `worker_exe` (an executable whose
/// [`WORKER_SUBCOMMAND`] calls [`worker`]) and returns its report.
pub fn scan(
    request: &RemoteScan,
    worker_exe: &Path,
) -> Result<(ScanReport, RunNotes), RunnerError> {
    // Credentials in the URL go to the worker through its environment, and no message shows
    // them: every later use of the URL is the clean one.
    let (url, credentials) = split_credentials(&request.url);
    let worker_request = WorkerRequest {
        url: url.clone(),
        reference: request.reference.clone(),
        history: request.history,
        introduced_only: request.introduced_only,
        branch: request.branch.clone(),
        all_provenance: request.all_provenance,
        token_env: if request.token_env.is_empty() {
            DEFAULT_TOKEN_ENV.to_string()
        } else {
            request.token_env.clone()
        },
        clone_timeout: request.clone_timeout,
        max_file_size: request.max_file_size,
        show_secrets: request.show_secrets,
    };
    let mut command = Command::new(worker_exe);
    command.arg(WORKER_SUBCOMMAND);
    if let Some(token) = &request.token {
        command.env(&worker_request.token_env, token.0.as_str());
    }
    command.env(
        REQUEST_ENV,
        serde_json::to_string(&worker_request).map_err(RunnerError::BadRequest)?,
    );
    command.env_remove(URL_CREDENTIALS_ENV);
    if let Some(credentials) = credentials {
        command.env(URL_CREDENTIALS_ENV, credentials);
    }
    let timeout = request.timeout.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let options = ferret_sandbox::Options {
        timeout: Some(Duration::from_secs(timeout)),
        address_space_bytes: Some(WORKER_ADDRESS_SPACE),
        cancel: request.cancel.clone(),
        ..ferret_sandbox::Options::default()
    };
    let outcome = ferret_sandbox::run(command, &options)?;
    let weak_isolation = outcome.isolation == ferret_sandbox::Isolation::TempDir;
    if outcome.cancelled {
        return Err(RunnerError::Cancelled);
    }
    if outcome.timed_out {
        return Err(RunnerError::TimedOut {
            url,
            seconds: timeout,
        });
    }
    if !outcome.status.success() {
        let stderr = String::from_utf8_lossy(&outcome.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("worker failed");
        return Err(RunnerError::Worker(
            last.trim_start_matches("ferret: error: ").to_string(),
        ));
    }
    let output: WorkerOutput =
        serde_json::from_slice(&outcome.stdout).map_err(RunnerError::UnreadableReport)?;
    let notes = RunNotes {
        weak_isolation,
        lockfiles: output.lockfiles,
        dependencies: output.dependencies,
    };
    Ok((output.report, notes))
}

/// The worker, inside the sandbox: read the request, clone, cut the network, confine, scan.
/// Returns the report with the inventory (the caller prints them as JSON) and whether Landlock
/// was only partially enforced.
pub fn worker() -> Result<(WorkerOutput, bool), RunnerError> {
    let workspace = std::env::var_os(ferret_sandbox::WORKSPACE_ENV)
        .map(PathBuf::from)
        .ok_or(RunnerError::NotInSandbox)?;
    let text = std::env::var(REQUEST_ENV).map_err(|_| RunnerError::NotInSandbox)?;
    let request: WorkerRequest = serde_json::from_str(&text).map_err(RunnerError::BadRequest)?;
    let isolated = std::env::var(ferret_sandbox::ISOLATION_ENV).as_deref() == Ok("namespaces");
    let dest = workspace.join("repo");
    clone::clone(&request, &workspace, &dest)?;
    // Testing aid: hold the finished clone for a while so tests can kill the scan mid-way.
    if let Some(ms) = std::env::var("FERRET_TEST_HOLD_AFTER_CLONE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let mut partial_landlock = false;
    if isolated {
        ferret_sandbox::cut_network()?;
        // Analysis sees only the workspace and system files: no home directory, no sockets.
        std::env::set_var("HOME", &workspace);
        partial_landlock = !ferret_sandbox::confine(&workspace)?;
    }
    let config = Config::discover(&dest, None)?;
    let settings = ScanSettings {
        max_file_size: request.max_file_size,
        show_secrets: request.show_secrets,
        all_provenance: request.all_provenance,
        // No advisory database in here: the inventory goes out, matching happens outside.
        filter: ferret_engine::selection::RuleFilter {
            ignore: vec!["deps".to_string()],
            ..Default::default()
        },
        ..ScanSettings::default()
    };
    let scanner = Scanner::new(&dest, &config, &settings)?;
    let report = if request.history {
        let selection = request
            .branch
            .as_deref()
            .or(request.reference.as_deref())
            .map_or(CommitSelection::AllRefs, CommitSelection::parse);
        let selection = match selection {
            CommitSelection::Range { from, to } if request.introduced_only => {
                CommitSelection::Introduced {
                    base: from,
                    head: to,
                }
            }
            other => other,
        };
        scanner.scan_history(&dest, &selection, None)?
    } else {
        scanner.scan_tree(&dest, None)?
    };
    let lockfiles = if request.history {
        Vec::new()
    } else {
        ferret_engine::deps::readable_inventory(&dest)
    };
    // The database location is the caller's to choose, never the repository's.
    let dependencies = ferret_engine::deps::DependencySettings {
        database: None,
        ..config.dependencies.clone()
    };
    Ok((
        WorkerOutput {
            report,
            lockfiles,
            dependencies,
        },
        partial_landlock,
    ))
}
