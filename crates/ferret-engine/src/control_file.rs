//! Safe reading of control files (`.ferret.toml`, `--config`, `--baseline`): a scanned tree is
//! untrusted, so its own control files are opened without following symbolic links, must be
//! regular files (never a FIFO, a device such as `/dev/zero` or `/proc/self/environ` behind a
//! link) and are read with a size cap. Errors never echo the file's content.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The largest control file read.
pub const MAX_CONTROL_FILE: u64 = 8 * 1024 * 1024;

/// Whether the last component of the path may be a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// A file the user named on the command line.
    Follow,
    /// A file found inside the scanned tree.
    Refuse,
}

/// Why a control file was not read; the message is one line and names no content.
#[derive(Debug, thiserror::Error)]
pub enum ControlFileError {
    #[error("is a symbolic link (control files inside the scanned tree are not followed)")]
    Symlink,
    #[error("is not a regular file")]
    NotRegular,
    #[error("is larger than {} MiB", MAX_CONTROL_FILE >> 20)]
    TooLarge,
    #[error("is not UTF-8 text")]
    NotText,
    #[error("cannot read: {0}")]
    Io(std::io::Error),
}

/// Reads a control file as text, under the rules above.
pub fn read(path: &Path, links: Links) -> Result<String, ControlFileError> {
    let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) if links == Links::Refuse => ControlFileError::Symlink,
            _ => ControlFileError::Io(e),
        })?;
    let meta = file.metadata().map_err(ControlFileError::Io)?;
    if !meta.is_file() {
        return Err(ControlFileError::NotRegular);
    }
    if meta.len() > MAX_CONTROL_FILE {
        return Err(ControlFileError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(MAX_CONTROL_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(ControlFileError::Io)?;
    if bytes.len() as u64 > MAX_CONTROL_FILE {
        return Err(ControlFileError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| ControlFileError::NotText)
}

/// A parser's message made safe to print: one line, control characters replaced, quoted
/// excerpts of the input cut short, at most 200 characters.
pub fn sanitize_message(message: &str) -> String {
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are quoted excerpts of the input.
        if i % 2 == 1 && part.chars().count() > 24 {
            out.extend(part.chars().take(24));
            out.push('…');
        } else {
            out.push_str(part);
        }
    }
    let one_line: String = out
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut short: String = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    if short.chars().count() > 200 {
        short = short.chars().take(200).collect::<String>() + "…";
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_fifos_devices_and_huge_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink("/proc/self/environ", &link).unwrap();
        assert!(matches!(
            read(&link, Links::Refuse),
            Err(ControlFileError::Symlink)
        ));
        let fifo = dir.path().join("fifo");
        nix_mkfifo(&fifo);
        assert!(matches!(
            read(&fifo, Links::Follow),
            Err(ControlFileError::NotRegular)
        ));
        assert!(matches!(
            read(Path::new("/dev/zero"), Links::Follow),
            Err(ControlFileError::NotRegular)
        ));
        let plain = dir.path().join("ok.toml");
        std::fs::write(&plain, "a = 1\n").unwrap();
        assert_eq!(read(&plain, Links::Refuse).unwrap(), "a = 1\n");
        let big = dir.path().join("big");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_CONTROL_FILE + 1)
            .unwrap();
        assert!(matches!(
            read(&big, Links::Follow),
            Err(ControlFileError::TooLarge)
        ));
    }

    fn nix_mkfifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    #[test]
    fn messages_do_not_echo_content() {
        let message = "unknown field `HOME=/root\u{0}PATH=/usr/bin\u{0}FERRET_GIT_TOKEN=ghp_secret`, expected one of `disable`";
        let safe = sanitize_message(message);
        assert!(!safe.contains("FERRET_GIT_TOKEN"), "{safe}");
        assert!(
            safe.contains("unknown field `HOME=/root PATH=/usr/bin"),
            "{safe}"
        );
    }
}
