//! Cloning inside the sandbox, and keeping credentials out of sight on the way.
//!
//! A token (from the environment variable the request names) or credentials split off the URL
//! reach git only as an `Authorization: Basic` `http.extraHeader` in `GIT_CONFIG_*` variables:
//! never on git's command line, never in a config file, never in an error message. git runs
//! with no system or global config, no terminal prompt and `HOME` in the sandbox workspace, under
//! the same timeout mechanism as the sandbox itself ([`ferret_sandbox::run_with_timeout`]).

use crate::{WorkerRequest, URL_CREDENTIALS_ENV};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Why the clone failed. Messages name the clean URL only.
#[derive(Debug, thiserror::Error)]
pub enum CloneError {
    #[error("cannot run git: {0}")]
    Git(#[from] ferret_sandbox::SandboxError),
    #[error("{url}: cannot clone: {reason}")]
    Failed { url: String, reason: String },
    #[error("{url}: clone timed out after {seconds} s")]
    TimedOut { url: String, seconds: u64 },
}

/// Whether a scan target names a remote repository rather than a local path.
pub fn is_remote(target: &Path) -> bool {
    let text = target.to_string_lossy();
    ["https://", "http://", "ssh://", "git://"]
        .iter()
        .any(|scheme| text.starts_with(scheme))
        || (text.starts_with("git@") && text.contains(':'))
}

/// Clones `request.url` into `dest` (a mirror for history scans, else a shallow clone of the
/// reference), with `workspace` as git's home.
pub(crate) fn clone(
    request: &WorkerRequest,
    workspace: &Path,
    dest: &Path,
) -> Result<(), CloneError> {
    let mut git = Command::new("git");
    git.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", workspace)
        .env_remove(&request.token_env)
        .env_remove(URL_CREDENTIALS_ENV)
        .env_remove(crate::REQUEST_ENV);
    let basic = match std::env::var(URL_CREDENTIALS_ENV) {
        Ok(credentials) if !credentials.is_empty() => Some(credentials),
        _ => std::env::var(&request.token_env)
            .ok()
            .filter(|t| !t.is_empty())
            .map(|token| format!("x-access-token:{token}")),
    };
    if let Some(basic) = basic {
        git.env("GIT_CONFIG_COUNT", "1")
            .env("GIT_CONFIG_KEY_0", "http.extraHeader")
            .env("GIT_CONFIG_VALUE_0", basic_header(&basic));
    }
    git.args(["clone", "--quiet"]);
    if request.history {
        git.arg("--mirror");
    } else {
        git.args(["--depth", "1"]);
        if let Some(reference) = &request.reference {
            git.args(["--branch", reference]);
        }
    }
    git.arg("--").arg(&request.url).arg(dest);
    let finished =
        ferret_sandbox::run_with_timeout(git, request.clone_timeout.map(Duration::from_secs))?;
    if finished.timed_out {
        return Err(CloneError::TimedOut {
            url: request.url.clone(),
            seconds: request.clone_timeout.unwrap_or_default(),
        });
    }
    if !finished.status.success() {
        let stderr = String::from_utf8_lossy(&finished.stderr);
        let reason = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("git clone failed");
        return Err(CloneError::Failed {
            url: request.url.clone(),
            reason: reason.trim().to_string(),
        });
    }
    Ok(())
}

/// The `Authorization` header for `user:password`.
fn basic_header(credentials: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes());
    format!("Authorization: Basic {encoded}")
}

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
    fn basic_header_and_remote_detection() {
        assert_eq!(
            basic_header("x-access-token:abc"),
            "Authorization: Basic eC1hY2Nlc3MtdG9rZW46YWJj"
        );
        assert!(is_remote(Path::new("https://github.com/org/repo.git")));
        assert!(is_remote(Path::new("git@github.com:org/repo.git")));
        assert!(!is_remote(Path::new("./src")));
    }
}
