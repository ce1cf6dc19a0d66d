//! Helpers shared by the `ferret` binary's integration tests.
#![allow(dead_code)]

pub mod server;

use std::path::Path;
use std::process::Command;

/// Fake credentials, assembled at run time so the test sources hold no complete token.
pub fn github_token() -> String {
    format!("ghp_{}", "R8x2Lq9vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8U")
}
pub fn slack_token() -> String {
    format!(
        "xoxb-{}-{}-{}",
        "263594206564", "2643759347287", "FGqddMF8t08v8N7Oq4i57vs1"
    )
}
pub fn stripe_key() -> String {
    format!("sk_live_{}", "51HqLyjWDarjtT1zdp7dcXkqYbTMUTqW")
}

/// The `ferret` binary under test.
pub fn ferret() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ferret"))
}

/// Runs git in `dir` as "Alice Dev" with author and committer date `date`, ignoring the
/// machine's git configuration; returns its trimmed standard output.
pub fn git_at(dir: &Path, args: &[&str], date: &str) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Alice Dev")
        .env("GIT_AUTHOR_EMAIL", "alice@example.com")
        .env("GIT_COMMITTER_NAME", "Alice Dev")
        .env("GIT_COMMITTER_EMAIL", "alice@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// [`git_at`] with a fixed date.
pub fn git(dir: &Path, args: &[&str]) -> String {
    git_at(dir, args, "2024-01-01T00:00:00Z")
}
