//! Scanning remote repositories: `ferret scan https://host/org/repo`.
//!
//! The parent process never touches the clone. It re-executes `ferret` as a hidden
//! `__sandbox-scan` worker inside a [`ferret_sandbox`] sandbox; the worker clones into the
//! sandbox's private tmpfs, cuts its own network, confines itself (Landlock, seccomp), scans,
//! and prints the report as JSON on standard output. When the worker exits — normally, on error, on timeout, or because the
//! parent was killed — the kernel frees the workspace.
//!
//! A token for a private repository is read from an environment variable (`--token-env`,
//! default `FERRET_GIT_TOKEN`) and handed to git through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_0`/
//! `GIT_CONFIG_VALUE_0` (an `http.extraHeader`), never through a command line or a file.

use anyhow::{anyhow, Context, Result};
use ferret_engine::source::history::CommitSelection;
use ferret_engine::{Config, ScanReport, ScanSettings, Scanner};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Default environment variable holding a token for private repositories.
pub const DEFAULT_TOKEN_ENV: &str = "FERRET_GIT_TOKEN";

/// Whether a scan target names a remote repository rather than a local path.
pub fn is_remote(target: &Path) -> bool {
    let text = target.to_string_lossy();
    ["https://", "http://", "ssh://", "git://"]
        .iter()
        .any(|scheme| text.starts_with(scheme))
        || (text.starts_with("git@") && text.contains(':'))
}

/// What the parent asks the worker to do.
pub struct RemoteRequest<'a> {
    pub url: &'a str,
    pub reference: Option<&'a str>,
    pub history: bool,
    pub branch: Option<&'a str>,
    pub all_provenance: bool,
    pub token_env: &'a str,
    pub clone_timeout: Option<u64>,
    pub timeout: Option<u64>,
    pub max_file_size: Option<u64>,
    pub show_secrets: bool,
}

/// Runs the scan of a remote repository in a sandboxed worker and returns its report.
pub fn scan(request: &RemoteRequest<'_>) -> Result<ScanReport> {
    let exe = std::env::current_exe().context("cannot find the ferret executable")?;
    let mut command = Command::new(exe);
    command.arg("__sandbox-scan").arg(request.url);
    command.args(["--token-env", request.token_env]);
    if let Some(reference) = request.reference {
        command.args(["--ref", reference]);
    }
    if request.history {
        command.arg("--history");
    }
    if let Some(branch) = request.branch {
        command.args(["--branch", branch]);
    }
    if request.all_provenance {
        command.arg("--all-provenance");
    }
    if let Some(seconds) = request.clone_timeout {
        command.args(["--clone-timeout", &seconds.to_string()]);
    }
    if let Some(bytes) = request.max_file_size {
        command.args(["--max-file-size", &bytes.to_string()]);
    }
    if request.show_secrets {
        command.arg("--show-secrets");
    }
    let options = ferret_sandbox::Options {
        timeout: request.timeout.map(Duration::from_secs),
        ..ferret_sandbox::Options::default()
    };
    let outcome = ferret_sandbox::run(command, &options)?;
    if outcome.isolation == ferret_sandbox::Isolation::TempDir {
        eprintln!(
            "ferret: warning: Linux namespaces are unavailable; the clone lives in a private temporary directory (weaker: a killed scan can leave it until the next run)"
        );
    }
    if outcome.timed_out {
        return Err(anyhow!(
            "{}: scan timed out after {} s (the clone was removed)",
            request.url,
            request.timeout.unwrap_or_default()
        ));
    }
    if !outcome.status.success() {
        let stderr = String::from_utf8_lossy(&outcome.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("worker failed");
        let message = last.trim_start_matches("ferret: error: ");
        return Err(anyhow!("{message}"));
    }
    serde_json::from_slice(&outcome.stdout)
        .context("the sandboxed scan returned an unreadable report")
}

/// Arguments of the hidden worker subcommand (`ferret __sandbox-scan`).
#[derive(clap::Args)]
pub struct WorkerArgs {
    pub url: String,
    #[arg(long = "ref")]
    pub reference: Option<String>,
    #[arg(long)]
    pub history: bool,
    #[arg(long)]
    pub branch: Option<String>,
    #[arg(long)]
    pub all_provenance: bool,
    #[arg(long)]
    pub token_env: String,
    #[arg(long)]
    pub clone_timeout: Option<u64>,
    #[arg(long)]
    pub max_file_size: Option<u64>,
    #[arg(long)]
    pub show_secrets: bool,
}

/// The worker: clone, cut the network, scan, print the JSON report.
pub fn worker(args: WorkerArgs) -> Result<()> {
    let workspace = std::env::var_os(ferret_sandbox::WORKSPACE_ENV)
        .map(PathBuf::from)
        .ok_or_else(|| anyhow!("__sandbox-scan runs only inside a ferret sandbox"))?;
    let isolated = std::env::var(ferret_sandbox::ISOLATION_ENV).as_deref() == Ok("namespaces");
    let dest = workspace.join("repo");
    clone(&args, &workspace, &dest)?;
    // Testing aid: hold the finished clone for a while so tests can kill the scan mid-way.
    if let Some(ms) = std::env::var("FERRET_TEST_HOLD_AFTER_CLONE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    if isolated {
        ferret_sandbox::cut_network().map_err(|e| anyhow!(e))?;
        // Analysis sees only the workspace and system files: no home directory, no sockets.
        std::env::set_var("HOME", &workspace);
        if !ferret_sandbox::confine(&workspace).map_err(|e| anyhow!(e))? {
            eprintln!("ferret: warning: the kernel enforces Landlock only partially");
        }
    }
    let config = Config::discover(&dest, None)?;
    let settings = ScanSettings {
        max_file_size: args.max_file_size,
        show_secrets: args.show_secrets,
        all_provenance: args.all_provenance,
        ..ScanSettings::default()
    };
    let scanner = Scanner::new(&dest, &config, &settings)?;
    let report = if args.history {
        let selection = args
            .branch
            .as_deref()
            .or(args.reference.as_deref())
            .map_or(CommitSelection::AllRefs, CommitSelection::parse);
        scanner.scan_history(&dest, &selection, None)?
    } else {
        scanner.scan_tree(&dest, None)?
    };
    let json = serde_json::to_string(&report)?;
    println!("{json}");
    Ok(())
}

fn clone(args: &WorkerArgs, workspace: &Path, dest: &Path) -> Result<()> {
    let mut git = Command::new("git");
    git.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", workspace)
        .env_remove(&args.token_env)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    if let Ok(token) = std::env::var(&args.token_env) {
        if !token.is_empty() {
            let header = format!(
                "Authorization: Basic {}",
                base64(format!("x-access-token:{token}").as_bytes())
            );
            git.env("GIT_CONFIG_COUNT", "1")
                .env("GIT_CONFIG_KEY_0", "http.extraHeader")
                .env("GIT_CONFIG_VALUE_0", header);
        }
    }
    git.args(["clone", "--quiet"]);
    if args.history {
        git.arg("--mirror");
    } else {
        git.args(["--depth", "1"]);
        if let Some(reference) = &args.reference {
            git.args(["--branch", reference]);
        }
    }
    git.arg("--").arg(&args.url).arg(dest);
    let mut child = git.spawn().context("cannot run git")?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if status.success() {
                return Ok(());
            }
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                use std::io::Read;
                let _ = pipe.read_to_string(&mut stderr);
            }
            let reason = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("git clone failed");
            return Err(anyhow!("{}: cannot clone: {}", args.url, reason.trim()));
        }
        if args
            .clone_timeout
            .is_some_and(|limit| started.elapsed() >= Duration::from_secs(limit))
        {
            let _ = child.kill();
            let _ = child.wait();
            return Err(anyhow!(
                "{}: clone timed out after {} s",
                args.url,
                args.clone_timeout.unwrap_or_default()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Standard base64 with padding (for the HTTP Basic header).
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_remote_detection() {
        assert_eq!(base64(b"x-access-token:abc"), "eC1hY2Nlc3MtdG9rZW46YWJj");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert!(is_remote(Path::new("https://github.com/org/repo.git")));
        assert!(is_remote(Path::new("git@github.com:org/repo.git")));
        assert!(!is_remote(Path::new("./src")));
    }
}
