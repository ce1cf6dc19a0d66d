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

/// Runs in a child process (this test binary, re-executed): confines itself, then reports what
/// it could still do. A no-op in normal test runs.
#[test]
fn confine_probe() {
    let Some(workspace) = std::env::var_os("FERRET_CONFINE_PROBE") else {
        return;
    };
    let workspace = std::path::PathBuf::from(workspace);
    let outside = std::path::PathBuf::from(std::env::var_os("FERRET_CONFINE_OUTSIDE").unwrap());
    let port: u16 = std::env::var("FERRET_CONFINE_PORT")
        .unwrap()
        .parse()
        .unwrap();
    ferret_sandbox::confine(&workspace).unwrap();
    let verdict = |ok: bool| if ok { "allowed" } else { "denied" };
    let read_outside = std::fs::read(outside.join("secret.txt")).is_ok();
    let write_outside = std::fs::write(outside.join("new.txt"), "x").is_ok();
    let write_workspace = std::fs::write(workspace.join("scan.txt"), "x").is_ok();
    let read_system =
        std::fs::read("/etc/hostname").is_ok() || std::fs::read("/etc/passwd").is_ok();
    let connect = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
    let unshare = nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNS).is_ok();
    println!(
        "PROBE read_outside={} write_outside={} write_workspace={} read_system={} connect={} unshare={}",
        verdict(read_outside),
        verdict(write_outside),
        verdict(write_workspace),
        verdict(read_system),
        verdict(connect),
        verdict(unshare)
    );
}

#[test]
fn confined_process_stays_in_its_workspace_and_off_the_network() {
    let workspace = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "host data").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "confine_probe",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("FERRET_CONFINE_PROBE", workspace.path())
        .env("FERRET_CONFINE_OUTSIDE", outside.path())
        .env("FERRET_CONFINE_PORT", port.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.find("PROBE").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("no probe output: {stdout}"));
    assert_eq!(
        line,
        "PROBE read_outside=denied write_outside=denied write_workspace=allowed read_system=allowed connect=denied unshare=denied"
    );
}

#[test]
fn programs_under_tmp_still_run_inside_the_namespace() {
    // The workspace tmpfs covers /tmp inside the sandbox; a program stored there must still run.
    let dir = tempfile::Builder::new().tempdir_in("/tmp").unwrap();
    let program = dir.path().join("say-hello");
    std::fs::write(&program, "#!/bin/sh\necho hello from $0\n").unwrap();
    std::fs::set_permissions(
        &program,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let outcome = run(Command::new(&program), &Options::default()).unwrap();
    assert_eq!(outcome.isolation, Isolation::Namespaces);
    assert!(
        outcome.status.success(),
        "{}",
        String::from_utf8_lossy(&outcome.stderr)
    );
    assert!(String::from_utf8_lossy(&outcome.stdout).starts_with("hello from"));
}
