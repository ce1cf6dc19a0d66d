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
    // Credentials in the URL go to the worker through its environment, and no message shows
    // them: every later use of the URL is the clean one.
    let (url, credentials) = split_credentials(request.url);
    command.arg("__sandbox-scan").arg(&url);
    command.env_remove(URL_CREDENTIALS_ENV);
    if let Some(credentials) = credentials {
        command.env(URL_CREDENTIALS_ENV, credentials);
    }
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
    let timeout = request.timeout.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let options = ferret_sandbox::Options {
        timeout: Some(Duration::from_secs(timeout)),
        address_space_bytes: Some(WORKER_ADDRESS_SPACE),
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
            url,
            timeout
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
    git.env_remove(URL_CREDENTIALS_ENV);
    let basic = match std::env::var(URL_CREDENTIALS_ENV) {
        Ok(credentials) if !credentials.is_empty() => Some(credentials),
        _ => std::env::var(&args.token_env)
            .ok()
            .filter(|t| !t.is_empty())
            .map(|token| format!("x-access-token:{token}")),
    };
    if let Some(basic) = basic {
        {
            let header = format!("Authorization: Basic {}", base64(basic.as_bytes()));
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
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// A remote scan is stopped (and its clone removed) after this long unless `--timeout` says
/// otherwise: a hostile repository must not hold a worker forever.
pub const DEFAULT_TIMEOUT_SECS: u64 = 3600;

/// Address-space limit of the sandboxed worker and git (RLIMIT_AS): a hostile repository must
/// not make it grow without bound. Generous, since allocators and thread stacks reserve more
/// address space than they use.
pub const WORKER_ADDRESS_SPACE: u64 = 8 << 30;

/// Environment variable through which the parent hands URL credentials to the worker (never on
/// a command line, where `/proc/*/cmdline` would show them).
const URL_CREDENTIALS_ENV: &str = "FERRET_URL_CREDENTIALS";

/// Splits `user:password@` out of a URL: `https://u:p@host/r` gives (`https://host/r`,
/// `Some("u:p")`). A user without a password (`ssh://git@host/r`) stays in the URL.
pub fn split_credentials(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://") else {
        return (url.to_string(), None);
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return (url.to_string(), None);
    };
    let userinfo = &authority[..at];
    if !userinfo.contains(':') {
        return (url.to_string(), None);
    }
    let clean = format!("{}{}", &url[..scheme_end + 3], &rest[at + 1..]);
    (clean, Some(percent_decode(userinfo)))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_split_out_of_urls() {
        assert_eq!(
            split_credentials("https://ci:s3cr%40t@git.acme.io/org/r.git"),
            (
                "https://git.acme.io/org/r.git".to_string(),
                Some("ci:s3cr@t".to_string())
            )
        );
        assert_eq!(
            split_credentials("ssh://git@host/r.git"),
            ("ssh://git@host/r.git".to_string(), None)
        );
        assert_eq!(
            split_credentials("https://host/r@x"),
            ("https://host/r@x".to_string(), None)
        );
    }

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
