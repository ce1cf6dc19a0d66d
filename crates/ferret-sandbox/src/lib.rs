//! Ephemeral, isolated workspaces for scans.
//!
//! [`run`] starts a command in a sandbox and collects its output. With Linux namespaces (as root,
//! or as an unprivileged user through a user namespace) the child gets new mount, IPC and UTS
//! namespaces, `/` is made recursively private, and a size- and inode-capped tmpfs (mode 0700,
//! `nosuid`, `nodev`) is mounted on `/tmp` *inside* the sandbox: the workspace. Nothing of it is
//! visible outside, and the kernel frees it when the last process in the namespace exits — also
//! when the child or its parent is SIGKILLed (the child carries `PR_SET_PDEATHSIG = SIGKILL`, so
//! it dies with the thread that started it). Rlimits cap CPU time, file size, open files and
//! address space; a wall-clock timeout kills the child. Inside, [`cut_network`] moves the process
//! into an empty network namespace once it has fetched what it needs.
//!
//! Where namespaces are unavailable, [`run`] falls back to a private temporary directory
//! (mode 0700) removed when the run ends, and [`sweep_stale`] removes directories left by runs
//! whose process was killed. That is weaker — a SIGKILL leaves the directory until the next sweep —
//! and [`Outcome::isolation`] says which one was used.
//!
//! `PR_SET_PDEATHSIG` belongs to the *thread* that spawned the child: call [`run`] from a thread
//! that outlives the child (the main thread, not a short-lived pool thread).

use std::ffi::CString;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Environment variable telling the child where its workspace is.
pub const WORKSPACE_ENV: &str = "FERRET_SANDBOX_WORKSPACE";
/// Environment variable telling the child which isolation it runs under.
pub const ISOLATION_ENV: &str = "FERRET_SANDBOX_ISOLATION";
/// The workspace path inside a namespace sandbox.
pub const NAMESPACE_WORKSPACE: &str = "/tmp";
/// Source name of the workspace tmpfs in `/proc/*/mountinfo`: this prefix plus the pid of the
/// process that started the sandbox.
pub const MOUNT_SOURCE_PREFIX: &str = "ferret-sandbox-";
/// Prefix of fallback workspace directories (`ferret-sandbox-<pid>-<n>`).
const TEMPDIR_PREFIX: &str = "ferret-sandbox-";

/// Which isolation a run used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// Fresh namespaces with a private tmpfs workspace.
    Namespaces,
    /// A private temporary directory (weaker; see the crate docs).
    TempDir,
}

impl Isolation {
    pub fn as_str(self) -> &'static str {
        match self {
            Isolation::Namespaces => "namespaces",
            Isolation::TempDir => "tempdir",
        }
    }
}

/// Limits of a sandboxed run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Size of the tmpfs workspace.
    pub workspace_bytes: u64,
    /// Inodes of the tmpfs workspace.
    pub workspace_inodes: u64,
    /// Wall-clock limit; the child is killed when it is reached.
    pub timeout: Option<Duration>,
    pub cpu_seconds: Option<u64>,
    pub file_size_bytes: Option<u64>,
    pub open_files: Option<u64>,
    pub address_space_bytes: Option<u64>,
    /// Use the temporary-directory fallback even where namespaces work.
    pub force_tempdir: bool,
    /// Set by the caller to stop the run early (the child is killed, like at a timeout).
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            workspace_bytes: 2 << 30,
            workspace_inodes: 1 << 20,
            timeout: None,
            cpu_seconds: None,
            file_size_bytes: Some(1 << 30),
            open_files: Some(4096),
            address_space_bytes: None,
            force_tempdir: false,
            cancel: None,
        }
    }
}

/// What a sandboxed run produced.
#[derive(Debug)]
pub struct Outcome {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub isolation: Isolation,
    pub timed_out: bool,
    /// It was killed because the caller cancelled the run.
    pub cancelled: bool,
}

impl Outcome {
    fn new(finished: Finished, isolation: Isolation) -> Outcome {
        Outcome {
            status: finished.status,
            stdout: finished.stdout,
            stderr: finished.stderr,
            isolation,
            timed_out: finished.timed_out,
            cancelled: finished.cancelled,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot start the sandboxed process: {0}")]
    Spawn(std::io::Error),
    #[error("cannot create the sandbox workspace: {0}")]
    Workspace(std::io::Error),
    #[error("cannot wait for the sandboxed process: {0}")]
    Wait(std::io::Error),
}

/// Why the calling process could not be confined ([`cut_network`], [`confine`]).
#[derive(Debug, thiserror::Error)]
pub enum ConfineError {
    #[error("cannot cut the network: {0}")]
    Network(nix::Error),
    #[error("cannot apply Landlock rules: {0}")]
    Landlock(#[from] landlock::RulesetError),
    #[error("seccomp: unsupported architecture {0}")]
    Architecture(String),
    #[error("cannot build the seccomp filter: {0}")]
    Seccomp(#[from] seccompiler::BackendError),
    #[error("cannot apply the seccomp filter: {0}")]
    ApplySeccomp(#[from] seccompiler::Error),
}

/// Runs `command` in a sandbox (namespaces if possible, else a private temporary directory).
/// The command's stdin is closed; stdout and stderr are collected.
pub fn run(command: Command, options: &Options) -> Result<Outcome, SandboxError> {
    if !options.force_tempdir {
        // The workspace tmpfs covers /tmp inside the sandbox, which would hide a program living
        // there (a build directory, say): exec it through an inherited descriptor instead.
        let pinned = pin_program(&command);
        let mut namespaced = clone_command(&command);
        if let Some((_, path)) = &pinned {
            namespaced = retarget(&namespaced, path);
        }
        namespaced
            .env(WORKSPACE_ENV, NAMESPACE_WORKSPACE)
            .env(ISOLATION_ENV, Isolation::Namespaces.as_str());
        let setup = NamespaceSetup::new(options);
        // SAFETY: the closure runs between fork and exec; it only makes system calls with
        // buffers prepared before the fork and does not allocate.
        unsafe {
            namespaced.pre_exec(move || setup.apply());
        }
        let result = run_until(namespaced, options.timeout, options.cancel.as_deref());
        drop(pinned);
        match result {
            Ok(finished) => return Ok(Outcome::new(finished, Isolation::Namespaces)),
            // Namespaces refused (EPERM, EINVAL, ENOSYS, ...): fall back below.
            Err(SandboxError::Spawn(_)) => {}
            Err(other) => return Err(other),
        }
    }
    sweep_stale();
    let dir = fallback_dir().map_err(SandboxError::Workspace)?;
    let mut fallback = clone_command(&command);
    fallback
        .env(WORKSPACE_ENV, &dir)
        .env(ISOLATION_ENV, Isolation::TempDir.as_str());
    unsafe {
        fallback.pre_exec(|| {
            let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
            Ok(())
        });
    }
    let result = run_until(fallback, options.timeout, options.cancel.as_deref());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Outcome::new(result?, Isolation::TempDir))
}

/// Moves the calling process into a new, empty network namespace (only loopback, down): from
/// then on it cannot reach any network. For use inside a namespace sandbox, after fetching.
pub fn cut_network() -> Result<(), ConfineError> {
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET).map_err(ConfineError::Network)
}

/// Removes fallback workspaces left by sandboxes whose process no longer exists.
pub fn sweep_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMPDIR_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn fallback_dir() -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("{TEMPDIR_PREFIX}{}-{nanos}", std::process::id()));
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    Ok(dir)
}

fn clone_command(command: &Command) -> Command {
    let mut copy = Command::new(command.get_program());
    copy.args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        copy.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => copy.env(key, value),
            None => copy.env_remove(key),
        };
    }
    copy
}

/// Opens the command's program (without close-on-exec) and returns the descriptor with its
/// `/proc/self/fd/N` path, which stays valid inside the sandbox.
fn pin_program(command: &Command) -> Option<(std::os::fd::OwnedFd, String)> {
    use nix::fcntl::{open, OFlag};
    use nix::sys::stat::Mode;
    use std::os::fd::AsRawFd;
    let program = PathBuf::from(command.get_program());
    let resolved = if program.components().count() > 1 {
        program
    } else {
        std::env::var_os("PATH")
            .into_iter()
            .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
            .map(|dir| dir.join(&program))
            .find(|candidate| candidate.is_file())?
    };
    let fd = open(&resolved, OFlag::O_RDONLY, Mode::empty()).ok()?;
    let path = format!("/proc/self/fd/{}", fd.as_raw_fd());
    Some((fd, path))
}

/// A copy of `command` that executes `program` instead, keeping its original `argv[0]`.
fn retarget(command: &Command, program: &str) -> Command {
    let mut copy = clone_command(command);
    let mut target = Command::new(program);
    target.arg0(command.get_program());
    target.args(copy.get_args());
    if let Some(dir) = copy.get_current_dir() {
        target.current_dir(dir);
    }
    for (key, value) in copy.get_envs() {
        match value {
            Some(value) => target.env(key, value),
            None => target.env_remove(key),
        };
    }
    copy = target;
    copy
}

/// A finished process: how it ended and what it printed.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// It was killed because it ran past its timeout.
    pub timed_out: bool,
    /// It was killed because the caller cancelled it.
    pub cancelled: bool,
}

/// Runs `command` with its stdin closed, collects its output and kills it once `timeout` has
/// passed. The sandbox waits for its process this way; callers running a helper inside a
/// sandbox (git, say) use it too, so there is one timeout mechanism.
pub fn run_with_timeout(
    command: Command,
    timeout: Option<Duration>,
) -> Result<Finished, SandboxError> {
    run_until(command, timeout, None)
}

/// [`run_with_timeout`], also killing the process as soon as `cancel` is set.
pub fn run_until(
    mut command: Command,
    timeout: Option<Duration>,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Finished, SandboxError> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(SandboxError::Spawn)?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let mut timed_out = false;
    let mut cancelled = false;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(SandboxError::Wait)? {
            break status;
        }
        if timeout.is_some_and(|limit| started.elapsed() >= limit) {
            timed_out = true;
            let _ = child.kill();
            break child.wait().map_err(SandboxError::Wait)?;
        }
        if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
            cancelled = true;
            let _ = child.kill();
            break child.wait().map_err(SandboxError::Wait)?;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Finished {
        status,
        stdout,
        stderr,
        timed_out,
        cancelled,
    })
}

/// Everything the child needs between fork and exec, prepared before the fork.
struct NamespaceSetup {
    root: bool,
    parent: nix::unistd::Pid,
    uid_map: CString,
    gid_map: CString,
    tmpfs_options: CString,
    /// `ferret-sandbox-<pid of the starting process>`, shown as the mount's source.
    tmpfs_source: CString,
    limits: Vec<(nix::sys::resource::Resource, u64)>,
}

impl NamespaceSetup {
    fn new(options: &Options) -> NamespaceSetup {
        use nix::sys::resource::Resource;
        let uid = nix::unistd::getuid();
        let gid = nix::unistd::getgid();
        let mut limits = Vec::new();
        if let Some(v) = options.cpu_seconds {
            limits.push((Resource::RLIMIT_CPU, v));
        }
        if let Some(v) = options.file_size_bytes {
            limits.push((Resource::RLIMIT_FSIZE, v));
        }
        if let Some(v) = options.open_files {
            limits.push((Resource::RLIMIT_NOFILE, v));
        }
        if let Some(v) = options.address_space_bytes {
            limits.push((Resource::RLIMIT_AS, v));
        }
        NamespaceSetup {
            root: uid.is_root(),
            parent: nix::unistd::getpid(),
            uid_map: CString::new(format!("0 {uid} 1")).expect("no NUL"),
            gid_map: CString::new(format!("0 {gid} 1")).expect("no NUL"),
            tmpfs_options: CString::new(format!(
                "size={},nr_inodes={},mode=0700",
                options.workspace_bytes, options.workspace_inodes
            ))
            .expect("no NUL"),
            tmpfs_source: CString::new(format!("{MOUNT_SOURCE_PREFIX}{}", std::process::id()))
                .expect("no NUL"),
            limits,
        }
    }

    /// Runs in the child between fork and exec.
    fn apply(&self) -> std::io::Result<()> {
        use nix::mount::{mount, MsFlags};
        use nix::sched::{unshare, CloneFlags};
        let io = |e: nix::Error| std::io::Error::from_raw_os_error(e as i32);
        nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL).map_err(io)?;
        // The parent may have died before the death signal was armed.
        if nix::unistd::getppid() != self.parent {
            // SAFETY: exits the forked child immediately.
            unsafe { nix::libc::_exit(125) }
        }
        let mut flags = CloneFlags::CLONE_NEWNS
            | CloneFlags::CLONE_NEWIPC
            | CloneFlags::CLONE_NEWUTS
            | CloneFlags::CLONE_NEWPID;
        if !self.root {
            flags |= CloneFlags::CLONE_NEWUSER;
        }
        unshare(flags).map_err(io)?;
        if !self.root {
            write_proc(c"/proc/self/setgroups", c"deny")?;
            write_proc(c"/proc/self/uid_map", &self.uid_map)?;
            write_proc(c"/proc/self/gid_map", &self.gid_map)?;
        }
        mount(
            None::<&str>,
            "/",
            None::<&str>,
            MsFlags::MS_REC | MsFlags::MS_PRIVATE,
            None::<&str>,
        )
        .map_err(io)?;
        mount(
            Some(self.tmpfs_source.as_c_str()),
            c"/tmp",
            Some(c"tmpfs"),
            MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
            Some(self.tmpfs_options.as_c_str()),
        )
        .map_err(io)?;
        for (resource, value) in &self.limits {
            nix::sys::resource::setrlimit(*resource, *value, *value).map_err(io)?;
        }
        // The new PID namespace applies to children: fork once more so that the command runs as
        // its PID 1. When PID 1 dies the kernel kills everything else in the namespace, and the
        // namespace's tmpfs goes with the last process. This process stays behind only to pass
        // on the exit status, and dies (taking PID 1 with it) when its parent does.
        match unsafe { nix::unistd::fork() }.map_err(io)? {
            nix::unistd::ForkResult::Child => {
                // The parent lies outside the new namespace (getppid() reads 0), so there is no
                // reparenting check here; the window before this call is a few instructions.
                nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL).map_err(io)?;
                Ok(())
            }
            nix::unistd::ForkResult::Parent { child } => {
                use nix::sys::wait::{waitpid, WaitStatus};
                // Close every descriptor but stdio, including the standard library's
                // exec-status pipe, so that `spawn` returns now instead of waiting for this
                // process to exec (it never does).
                // SAFETY: plain system calls on descriptor numbers.
                unsafe {
                    if nix::libc::syscall(nix::libc::SYS_close_range, 3u32, u32::MAX, 0u32) != 0 {
                        for fd in 3..4096 {
                            nix::libc::close(fd);
                        }
                    }
                }
                let code = loop {
                    match waitpid(child, None) {
                        Ok(WaitStatus::Exited(_, code)) => break code,
                        Ok(WaitStatus::Signaled(_, signal, _)) => break 128 + signal as i32,
                        Ok(_) => continue,
                        Err(nix::Error::EINTR) => continue,
                        Err(_) => break 125,
                    }
                };
                // SAFETY: leaves the forked child without running destructors or atexit hooks.
                unsafe { nix::libc::_exit(code) }
            }
        }
    }
}

fn write_proc(path: &std::ffi::CStr, value: &std::ffi::CStr) -> std::io::Result<()> {
    use nix::fcntl::{open, OFlag};
    use nix::sys::stat::Mode;
    let io = |e: nix::Error| std::io::Error::from_raw_os_error(e as i32);
    let fd = open(path, OFlag::O_WRONLY, Mode::empty()).map_err(io)?;
    nix::unistd::write(&fd, value.to_bytes()).map_err(io)?;
    Ok(())
}

/// System calls a confined scan never needs; they fail with `EPERM` after [`confine`].
const DENIED_SYSCALLS: &[i64] = &[
    nix::libc::SYS_mount,
    nix::libc::SYS_umount2,
    nix::libc::SYS_pivot_root,
    nix::libc::SYS_chroot,
    nix::libc::SYS_ptrace,
    nix::libc::SYS_process_vm_readv,
    nix::libc::SYS_process_vm_writev,
    nix::libc::SYS_bpf,
    nix::libc::SYS_perf_event_open,
    nix::libc::SYS_keyctl,
    nix::libc::SYS_add_key,
    nix::libc::SYS_request_key,
    nix::libc::SYS_unshare,
    nix::libc::SYS_setns,
    nix::libc::SYS_init_module,
    nix::libc::SYS_finit_module,
    nix::libc::SYS_delete_module,
    nix::libc::SYS_kexec_load,
    nix::libc::SYS_reboot,
    nix::libc::SYS_swapon,
    nix::libc::SYS_swapoff,
    nix::libc::SYS_open_by_handle_at,
    nix::libc::SYS_userfaultfd,
];

/// Confines the calling process for analysis: Landlock lets it read only system directories and
/// read and write only `workspace`, and forbids TCP `bind`/`connect`; a seccomp filter makes
/// [`DENIED_SYSCALLS`] (mount, ptrace, bpf, keyctl, unshare, setns, module loading, ...) fail.
/// Applies to every thread created afterwards. Returns whether Landlock was fully enforced (the
/// kernel may support only part of it).
pub fn confine(workspace: &std::path::Path) -> Result<bool, ConfineError> {
    use landlock::{
        path_beneath_rules, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr,
        RulesetStatus, ABI,
    };
    let abi = ABI::V4;
    let system: Vec<&str> = [
        "/usr", "/lib", "/lib64", "/etc", "/proc", "/dev", "/bin", "/sbin",
    ]
    .into_iter()
    .filter(|p| std::path::Path::new(p).exists())
    .collect();
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.add_rules(path_beneath_rules(&system, AccessFs::from_read(abi))))
        .and_then(|r| r.add_rules(path_beneath_rules([workspace], AccessFs::from_all(abi))))
        .and_then(|r| r.restrict_self())?;

    let rules = DENIED_SYSCALLS.iter().map(|&nr| (nr, Vec::new())).collect();
    let arch = std::env::consts::ARCH
        .try_into()
        .map_err(|e| ConfineError::Architecture(format!("{e:?}")))?;
    let filter = seccompiler::SeccompFilter::new(
        rules,
        seccompiler::SeccompAction::Allow,
        seccompiler::SeccompAction::Errno(nix::libc::EPERM as u32),
        arch,
    )?;
    let program: seccompiler::BpfProgram = filter.try_into()?;
    seccompiler::apply_filter(&program)?;
    Ok(status.ruleset == RulesetStatus::FullyEnforced)
}
