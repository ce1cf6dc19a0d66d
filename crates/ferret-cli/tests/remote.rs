//! Remote scans against real servers on 127.0.0.1: a `git daemon`, and small TCP/HTTP servers
//! that hang or record requests. Every test checks that no sandbox workspace outlives the scan.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{ferret, git, github_token, pseudo_random_text, sandbox_mounts, shmem_kib};

/// A `git daemon` exporting every repository under its base directory.
struct Daemon {
    child: Child,
    port: u16,
    base: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn daemon() -> Daemon {
    let base = tempfile::tempdir().unwrap();
    let port = free_port();
    // Run git-daemon itself (not the `git daemon` wrapper, whose child would outlive a kill),
    // detached from this process's output pipes.
    let exec_path = Command::new("git").arg("--exec-path").output().unwrap();
    let exec_path = String::from_utf8(exec_path.stdout).unwrap();
    let child = Command::new(Path::new(exec_path.trim()).join("git-daemon"))
        .args(["--export-all", "--reuseaddr", "--listen=127.0.0.1"])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", base.path().display()))
        .arg(base.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "git daemon did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Daemon { child, port, base }
}

/// Creates `name.git` in the daemon's base from a work tree built by `fill`.
fn publish(daemon: &Daemon, name: &str, fill: impl FnOnce(&Path)) -> String {
    let work = tempfile::tempdir().unwrap();
    git(work.path(), &["init", "-q", "-b", "main"]);
    fill(work.path());
    let bare = daemon.base.path().join(format!("{name}.git"));
    git(
        work.path(),
        &["clone", "-q", "--bare", ".", bare.to_str().unwrap()],
    );
    format!("git://127.0.0.1:{}/{name}.git", daemon.port)
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

#[test]
fn scans_a_remote_repository_with_repository_relative_paths() {
    let daemon = daemon();
    let url = publish(&daemon, "app", |dir| {
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("src/config.env"),
            format!("TOKEN={}\n", github_token()),
        )
        .unwrap();
        commit(dir, "secret");
        std::fs::write(
            dir.join("old.env"),
            format!("OLD={}\n", github_token().replace("R8x", "Q7y")),
        )
        .unwrap();
        commit(dir, "another");
        std::fs::remove_file(dir.join("old.env")).unwrap();
        commit(dir, "delete");
    });

    let out = ferret()
        .args(["scan", &url, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("/tmp"),
        "a temporary path leaked into the report: {text}"
    );
    let report: Value = serde_json::from_str(&text).unwrap();
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["src/config.env"]);

    // History of the remote finds the deleted file too.
    let out = ferret()
        .args([
            "scan",
            &url,
            "--history",
            "--all-provenance",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // (path, number of commits that hold it)
    let mut paths: Vec<(&str, usize)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap(),
                f["occurrences"].as_array().unwrap().len(),
            )
        })
        .collect();
    paths.sort();
    assert_eq!(paths, vec![("old.env", 1), ("src/config.env", 3)]);
    assert_eq!(report["summary"]["commits_scanned"], 3);

    let missing = ferret()
        .args(["scan", &format!("git://127.0.0.1:{}/nope.git", daemon.port)])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot clone"));
}

#[test]
fn the_worker_runs_with_a_memory_limit() {
    let daemon = daemon();
    let url = publish(&daemon, "small", |dir| {
        std::fs::write(dir.join("README.md"), "hello\n").unwrap();
        commit(dir, "one file");
    });
    let mut scan = ferret()
        .args(["scan", &url, "--format", "json"])
        .env("FERRET_TEST_HOLD_AFTER_CLONE_MS", "20000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = scan.id();
    let mut limits = Vec::new();
    let found = wait_until(Duration::from_secs(20), || {
        limits = sandbox_mounts(pid)
            .iter()
            .filter_map(|holder| std::fs::read_to_string(format!("/proc/{holder}/limits")).ok())
            .filter_map(|text| {
                text.lines()
                    .find(|l| l.starts_with("Max address space"))
                    .map(str::to_string)
            })
            .collect();
        !limits.is_empty()
    });
    let _ = scan.kill();
    let _ = scan.wait();
    assert!(found, "no sandboxed worker seen");
    assert!(
        limits
            .iter()
            .all(|l| l.split_whitespace().nth(3) == Some("8589934592")),
        "{limits:?}"
    );
}

#[test]
fn sigkill_of_the_scanner_leaves_no_workspace_behind() {
    let daemon = daemon();
    let url = publish(&daemon, "big", |dir| {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..4000 {
            let sub = dir.join(format!("pkg{}", i % 40));
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(
                sub.join(format!("file{i}.txt")),
                pseudo_random_text(2400, &mut state),
            )
            .unwrap();
        }
        commit(dir, "many files");
    });
    let token = format!("never-stored-{}", std::process::id());
    let shmem_before = shmem_kib();
    let mut scan = ferret()
        .args(["scan", &url, "--history", "--format", "json"])
        .env("FERRET_TEST_HOLD_AFTER_CLONE_MS", "30000")
        .env("FERRET_GIT_TOKEN", &token)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = scan.id();
    // Wait until the sandbox holds the finished clone (seen through the worker's own root): a
    // pack is in place and git has exited (only the worker and its launcher remain).
    let mut clone_dir = None;
    let appeared = wait_until(Duration::from_secs(30), || {
        let holders = sandbox_mounts(pid);
        clone_dir = holders
            .iter()
            .map(|holder| Path::new("/proc").join(holder).join("root/tmp/repo"))
            .find(|dir| dir.join("config").exists());
        let packed = clone_dir.as_ref().is_some_and(|dir| {
            std::fs::read_dir(dir.join("objects/pack"))
                .map(|entries| {
                    entries
                        .flatten()
                        .any(|e| e.path().extension().is_some_and(|x| x == "pack"))
                })
                .unwrap_or(false)
        });
        packed && holders.len() <= 2
    });
    if !appeared {
        let _ = scan.kill();
        let mut stderr = String::new();
        scan.stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        panic!("the sandbox never appeared; scanner said: {stderr}");
    }
    // The clone lives on the sandbox's tmpfs (shared memory) and holds no trace of the token.
    let shmem_during = shmem_kib();
    let clone_dir = clone_dir.unwrap();
    let mut stack = vec![clone_dir.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(&token),
                    "token written to {}",
                    path.display()
                );
            }
        }
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let _ = scan.wait();
    // The worker dies with it, and the kernel frees the workspace with the last process.
    assert!(
        wait_until(Duration::from_secs(10), || sandbox_mounts(pid).is_empty()),
        "workspace still mounted in {:?}",
        sandbox_mounts(pid)
    );
    assert!(!clone_dir.exists());
    assert!(
        shmem_during >= shmem_before + 2048,
        "the clone should occupy shared memory: before {shmem_before} KiB, during {shmem_during} KiB"
    );
    // The kernel frees the tmpfs pages after the last process leaves, not necessarily by the
    // time the mount is gone, and tests running beside this one use shared memory too: wait
    // for the drop rather than sampling once.
    let mut shmem_after = shmem_kib();
    let released = wait_until(Duration::from_secs(20), || {
        shmem_after = shmem_kib();
        shmem_after + 2048 <= shmem_during
    });
    assert!(
        released,
        "shared memory not released: during {shmem_during} KiB, after {shmem_after} KiB"
    );
}

/// Reads a child's standard error to the end and waits for it.
fn finish(mut child: Child) -> (std::process::ExitStatus, String) {
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).unwrap();
    }
    (child.wait().unwrap(), stderr)
}

/// A server that accepts connections and never answers.
fn silent_server() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let mut held = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline && held.len() < 8 {
            if let Ok((stream, _)) = listener.accept() {
                held.push(stream);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    (port, handle)
}

#[test]
fn timeouts_stop_the_scan_and_remove_the_clone() {
    let (port, _server) = silent_server();
    let url = format!("git://127.0.0.1:{port}/stuck.git");

    let started = Instant::now();
    let out = ferret()
        .args(["scan", &url, "--clone-timeout", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("clone timed out"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(started.elapsed() < Duration::from_secs(15));

    let child = ferret()
        .args(["scan", &url, "--timeout", "1"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (status, stderr) = finish(child);
    assert_eq!(status.code(), Some(2));
    assert!(stderr.contains("timed out"), "{stderr}");
    // Killed processes leave the mount table within moments of the scanner's exit.
    assert!(wait_until(Duration::from_secs(5), || sandbox_mounts(pid).is_empty()));
}

#[test]
fn token_goes_to_git_as_a_header_never_on_a_command_line() {
    let token = format!("test-token-{}", std::process::id());
    credentials_reach_git_only_as_a_header(
        "",
        Some(&token),
        &token,
        &format!("x-access-token:{token}"),
    );
}

#[test]
fn credentials_in_the_url_are_never_shown_or_put_on_a_command_line() {
    let password = format!("url-pass-{}", std::process::id());
    credentials_reach_git_only_as_a_header(
        &format!("deploy:{password}@"),
        None,
        &password,
        &format!("deploy:{password}"),
    );
}

/// Scans `http://USERINFO127.0.0.1:PORT/org/private.git` against a server that records the
/// first request and answers 401: `secret` must appear on no process's command line and in no
/// output, and the request must carry `Authorization: Basic base64(basic)`.
fn credentials_reach_git_only_as_a_header(
    userinfo: &str,
    token: Option<&str>,
    secret: &str,
    basic: &str,
) {
    // An HTTP server that records the first request's headers and answers 401.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        // Hold the request a moment so the test can look at every process's command line.
        std::thread::sleep(Duration::from_millis(700));
        let _ = stream.write_all(
            b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        String::from_utf8_lossy(&request).into_owned()
    });
    let mut command = ferret();
    command
        .args([
            "scan",
            &format!("http://{userinfo}127.0.0.1:{port}/org/private.git"),
        ])
        .env_remove("FERRET_GIT_TOKEN");
    if let Some(token) = token {
        command.env("FERRET_GIT_TOKEN", token);
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen_on_command_line = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            if entry.file_name() == "self" || entry.file_name() == "thread-self" {
                continue;
            }
            if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
                // The command the user typed (and forks of it that have not exec'd yet) holds
                // what the user put there; what matters is every program Ferret starts.
                let cmdline = String::from_utf8_lossy(&cmdline);
                if cmdline.contains(secret) && !cmdline.contains("\0scan\0http://") {
                    seen_on_command_line.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, stderr) = finish(child);
    let request = server.join().unwrap();
    assert!(
        seen_on_command_line.is_empty(),
        "secret on the command line of {seen_on_command_line:?}"
    );
    let expected = {
        // base64(basic), computed with the `base64` tool to stay independent.
        let out = Command::new("base64")
            .arg("-w0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .and_then(|mut b| {
                b.stdin.take().unwrap().write_all(basic.as_bytes())?;
                b.wait_with_output()
            })
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        request.contains(&format!("Authorization: Basic {expected}")),
        "request did not carry the credentials header:\n{request}"
    );
    assert!(
        !request.contains(secret),
        "secret in the request line or another header:\n{request}"
    );
    assert_eq!(status.code(), Some(2));
    assert!(
        !stderr.contains(secret),
        "secret in the error output: {stderr}"
    );
    assert!(
        !stderr.contains(&expected),
        "encoded secret in the error output: {stderr}"
    );
}

/// A `ferret` command that runs as an unprivileged user: as root, a copy of the binary in a
/// world-readable directory run as `nobody` (uid/gid 65534); otherwise the binary as it is.
fn unprivileged_ferret(scratch: &Path) -> Command {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    if !nix::unistd::getuid().is_root() {
        return ferret();
    }
    std::fs::set_permissions(scratch, std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = scratch.join("ferret");
    if !copy.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_ferret"), &copy).unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut command = Command::new(copy);
    command
        .uid(65534)
        .gid(65534)
        .current_dir(scratch)
        .env("HOME", scratch);
    command
}

#[test]
fn unprivileged_users_get_the_same_sandbox() {
    let daemon = daemon();
    let url = publish(&daemon, "plain", |dir| {
        std::fs::write(dir.join("app.env"), format!("TOKEN={}\n", github_token())).unwrap();
        commit(dir, "secret");
    });
    let scratch = tempfile::tempdir().unwrap();

    // A full scan works: clone, network cut, Landlock and seccomp, all inside a user namespace.
    let out = unprivileged_ferret(scratch.path())
        .args(["scan", &url, "--history", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("warning"),
        "the sandbox fell back or was weakened: {stderr}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["location"]["path"], "app.env");

    // Killing the scanner mid-scan leaves nothing behind.
    let mut scan = unprivileged_ferret(scratch.path())
        .args(["scan", &url, "--format", "json"])
        .env("FERRET_TEST_HOLD_AFTER_CLONE_MS", "30000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = scan.id();
    let mut worker = None;
    let cloned = wait_until(Duration::from_secs(30), || {
        worker = sandbox_mounts(pid).into_iter().find(|holder| {
            Path::new("/proc")
                .join(holder)
                .join("root/tmp/repo/app.env")
                .exists()
        });
        worker.is_some()
    });
    if !cloned {
        let _ = scan.kill();
        panic!("the unprivileged sandbox never held the clone");
    }
    // The worker runs as the unprivileged user, in a user namespace of its own.
    let proc_dir = Path::new("/proc").join(worker.unwrap());
    let status = std::fs::read_to_string(proc_dir.join("status")).unwrap();
    let uid = nix::unistd::getuid().as_raw();
    let expected_uid = if uid == 0 { 65534 } else { uid };
    assert!(
        status.lines().any(|l| l.starts_with("Uid:")
            && l.split_whitespace().nth(1) == Some(&expected_uid.to_string())),
        "{status}"
    );
    assert_ne!(
        std::fs::read_link(proc_dir.join("ns/user")).unwrap(),
        std::fs::read_link("/proc/self/ns/user").unwrap()
    );
    scan.kill().unwrap();
    let _ = scan.wait();
    assert!(
        wait_until(Duration::from_secs(10), || sandbox_mounts(pid).is_empty()),
        "workspace still mounted in {:?}",
        sandbox_mounts(pid)
    );
}
