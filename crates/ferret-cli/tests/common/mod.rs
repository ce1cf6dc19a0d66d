//! Helpers shared by the `ferret` binary's integration tests.
#![allow(dead_code)]

pub mod server;

use serde_json::Value;
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

/// The rule ids of a JSON report's findings, in order.
pub fn rule_ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
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

/// Processes whose mount table shows a workspace of the sandbox started by `pid`.
pub fn sandbox_mounts(pid: u32) -> Vec<String> {
    let needle = format!("{}{pid} ", ferret_sandbox::MOUNT_SOURCE_PREFIX);
    let mut holders = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let mountinfo = entry.path().join("mountinfo");
        if let Ok(text) = std::fs::read_to_string(&mountinfo) {
            if text.contains(&needle) {
                holders.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
    }
    holders
}

/// `Shmem` from /proc/meminfo (tmpfs pages count there), in KiB.
pub fn shmem_kib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Shmem:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// At least `len` characters of pseudo-random hex (xorshift from `state`), so a clone's pack
/// does not compress away; lines of 64 characters.
pub fn pseudo_random_text(len: usize, state: &mut u64) -> String {
    let mut text = String::with_capacity(len + 80);
    while text.len() < len {
        for _ in 0..4 {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            text.push_str(&format!("{:016x}", *state));
        }
        text.push('\n');
    }
    text
}
