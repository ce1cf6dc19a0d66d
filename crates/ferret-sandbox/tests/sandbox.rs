//! The sandbox with real child processes.

use ferret_sandbox::{run, Isolation, Options, WORKSPACE_ENV};
use std::process::Command;
use std::time::{Duration, Instant};

fn sh(script: &str) -> Command {
    let mut command = Command::new("/bin/sh");
    command.args(["-c", script]);
    command
}

#[test]
fn workspace_is_private_and_gone_after_the_run() {
    let marker = format!("ferret-test-{}", std::process::id());
    let script = format!(
        "echo secret > \"${WORKSPACE_ENV}/{marker}\" && cat \"${WORKSPACE_ENV}/{marker}\" && grep -c ferret-sandbox /proc/self/mountinfo || true"
    );
    let outcome = run(sh(&script), &Options::default()).unwrap();
    assert!(
        outcome.status.success(),
        "{}",
        String::from_utf8_lossy(&outcome.stderr)
    );
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    assert!(stdout.starts_with("secret"), "{stdout}");
    assert_eq!(
        outcome.isolation,
        Isolation::Namespaces,
        "namespaces work on this machine"
    );
    // The file lived on the sandbox's own tmpfs: not in the host's /tmp, and no mount remains.
    assert!(!std::path::Path::new("/tmp").join(&marker).exists());
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(!mounts.contains("ferret-sandbox"));
}

#[test]
fn timeout_kills_the_child() {
    let options = Options {
        timeout: Some(Duration::from_millis(300)),
        ..Options::default()
    };
    let started = Instant::now();
    let outcome = run(sh("sleep 30"), &options).unwrap();
    assert!(outcome.timed_out);
    assert!(!outcome.status.success());
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn fallback_uses_a_private_directory_removed_afterwards() {
    let options = Options {
        force_tempdir: true,
        ..Options::default()
    };
    let outcome = run(
        sh(&format!("echo data > \"${WORKSPACE_ENV}/f\" && stat -c %a \"${WORKSPACE_ENV}\" && echo \"${WORKSPACE_ENV}\"")),
        &options,
    )
    .unwrap();
    assert_eq!(outcome.isolation, Isolation::TempDir);
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("700"));
    let dir = lines.next().unwrap();
    assert!(!std::path::Path::new(dir).exists(), "{dir} was not removed");
}

#[test]
fn rlimits_apply_inside() {
    let options = Options {
        open_files: Some(64),
        ..Options::default()
    };
    let outcome = run(sh("ulimit -n"), &options).unwrap();
    assert_eq!(String::from_utf8_lossy(&outcome.stdout).trim(), "64");
}
