//! The file-tree source: a parallel walk over a directory (or one file).
//!
//! Honours `.gitignore` (also outside git repositories), `.git/info/exclude` and `.ferretignore`
//! (gitignore syntax), scans hidden files such as `.env`, never enters `.git`, never follows
//! symbolic links, and reports every file it does not scan (binary, too large, unreadable) with
//! the reason.

use ignore::{WalkBuilder, WalkState};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The ignore file Ferret reads besides `.gitignore`.
pub const IGNORE_FILE_NAME: &str = ".ferretignore";

/// Why a file was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    Binary,
    TooLarge,
    Unreadable,
    Symlink,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Symlink => "symbolic link (not followed)",
        }
    }
}

/// A file the walk did not scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: SkipReason,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
}

/// Live counters for progress display.
#[derive(Debug, Default)]
pub struct Progress {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
}

/// What a walk hands to the per-file callback.
pub enum TreeEntry<'a> {
    File { path: &'a str, content: Vec<u8> },
    Skipped(SkippedFile),
}

/// Options of a tree walk.
pub struct TreeWalk<'a> {
    pub root: PathBuf,
    pub max_file_size: u64,
    pub threads: usize,
    pub excludes: Option<&'a ignore::gitignore::Gitignore>,
    pub progress: Option<&'a Progress>,
}

/// Path of `path` relative to `root`, `/`-separated. A root that is itself a file yields its
/// file name.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => PathBuf::from(path.file_name().unwrap_or(path.as_os_str())),
    };
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

impl TreeWalk<'_> {
    /// Walks the tree in parallel, calling `visit` from worker threads for every file. `visit`
    /// builds per-thread state with `make_visitor`.
    pub fn run<F>(&self, make_visitor: impl Fn() -> F + Sync)
    where
        F: FnMut(TreeEntry<'_>) + Send,
    {
        let mut builder = WalkBuilder::new(&self.root);
        builder
            .hidden(false)
            .parents(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .follow_links(false)
            .threads(self.threads.max(1))
            .add_custom_ignore_filename(IGNORE_FILE_NAME)
            .filter_entry(|entry| entry.file_name() != ".git");
        let root = self.root.clone();
        builder.build_parallel().run(|| {
            let mut visit = make_visitor();
            let root = root.clone();
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(err) => {
                        let path = match &err {
                            ignore::Error::WithPath { path, .. } => relative_path(&root, path),
                            _ => String::new(),
                        };
                        visit(TreeEntry::Skipped(SkippedFile {
                            path,
                            reason: SkipReason::Unreadable,
                            detail: Some(err.to_string()),
                        }));
                        return WalkState::Continue;
                    }
                };
                let Some(file_type) = entry.file_type() else {
                    return WalkState::Continue;
                };
                let path = relative_path(&root, entry.path());
                if let Some(excludes) = self.excludes {
                    if excludes
                        .matched_path_or_any_parents(Path::new(&path), file_type.is_dir())
                        .is_ignore()
                    {
                        return if file_type.is_dir() {
                            WalkState::Skip
                        } else {
                            WalkState::Continue
                        };
                    }
                }
                if file_type.is_symlink() {
                    visit(TreeEntry::Skipped(SkippedFile {
                        path,
                        reason: SkipReason::Symlink,
                        detail: None,
                    }));
                    return WalkState::Continue;
                }
                if !file_type.is_file() {
                    return WalkState::Continue;
                }
                visit(self.read(entry.path(), &path));
                WalkState::Continue
            })
        });
    }

    fn read<'p>(&self, full: &Path, path: &'p str) -> TreeEntry<'p> {
        let skipped = |reason, detail| {
            TreeEntry::Skipped(SkippedFile {
                path: path.to_string(),
                reason,
                detail,
            })
        };
        let size = match std::fs::metadata(full) {
            Ok(meta) => meta.len(),
            Err(e) => return skipped(SkipReason::Unreadable, Some(e.to_string())),
        };
        if size > self.max_file_size {
            return skipped(
                SkipReason::TooLarge,
                Some(format!("{size} bytes > limit {}", self.max_file_size)),
            );
        }
        let content = match std::fs::read(full) {
            Ok(content) => content,
            Err(e) => return skipped(SkipReason::Unreadable, Some(e.to_string())),
        };
        if let Some(progress) = self.progress {
            progress.files.fetch_add(1, Ordering::Relaxed);
            progress
                .bytes
                .fetch_add(content.len() as u64, Ordering::Relaxed);
        }
        let content = crate::text::decode_utf16_if_marked(&content).unwrap_or(content);
        if crate::text::looks_binary(&content) {
            return skipped(SkipReason::Binary, None);
        }
        TreeEntry::File { path, content }
    }
}
