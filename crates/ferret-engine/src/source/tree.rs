//! The file-tree source: a parallel walk over a directory (or one file).
//!
//! Honours `.gitignore` (also outside git repositories), `.git/info/exclude` and `.ferretignore`
//! (gitignore syntax), scans hidden files such as `.env`, never enters `.git`, never follows
//! symbolic links, and reports every file it does not scan (binary, too large, unreadable,
//! special) with the reason. Ignore files are the tree's own control files: they are read with
//! [`crate::control_file`] (no symbolic links, regular files only, size cap), so a `.gitignore`
//! linked to `/dev/zero` or made a FIFO is reported as unusable instead of hanging the scan.

use crate::control_file::{self, Links};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{Match, WalkBuilder, WalkState};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Directories deeper than this below the root are not entered; each one is reported as skipped
/// (`too_deep`) with its path. Real trees stay far below it; a hostile tree 10,000 levels deep
/// would otherwise exceed the system's path length and make the walk quadratic.
pub const MAX_DEPTH: usize = 256;

/// The ignore file Ferret reads besides `.gitignore`.
pub const IGNORE_FILE_NAME: &str = ".ferretignore";

pub use ferret_core::{SkipReason, SkippedFile};

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
    /// Files (relative paths) worth reading: the others are passed over without a word, as
    /// when no analyzer of the scan could report anything in them. Every file when `None`.
    pub wants: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
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
        let ignores = Arc::new(IgnoreFiles::new(&self.root));
        let filter = Arc::clone(&ignores);
        let mut builder = WalkBuilder::new(&self.root);
        builder
            .hidden(false)
            .parents(false)
            .ignore(false)
            .git_ignore(false)
            .git_exclude(false)
            .git_global(false)
            .follow_links(false)
            .threads(self.threads.max(1))
            .filter_entry(move |entry| {
                entry.file_name() != ".git"
                    && (entry.depth() == 0
                        || !filter
                            .ignores(entry.path(), entry.file_type().is_some_and(|t| t.is_dir())))
            });
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
                if file_type.is_dir() && entry.depth() >= MAX_DEPTH {
                    visit(TreeEntry::Skipped(SkippedFile {
                        path,
                        reason: SkipReason::TooDeep,
                        detail: Some(format!(
                            "more than {MAX_DEPTH} directories below the scanned root; not entered"
                        )),
                    }));
                    return WalkState::Skip;
                }
                if !file_type.is_file() {
                    if !file_type.is_dir() {
                        visit(TreeEntry::Skipped(SkippedFile {
                            path,
                            reason: SkipReason::Special,
                            detail: None,
                        }));
                    }
                    return WalkState::Continue;
                }
                if self.wants.is_none_or(|wants| wants(&path)) {
                    visit(self.read(entry.path(), &path));
                }
                WalkState::Continue
            })
        });
        let problems =
            std::mem::take(&mut *ignores.problems.lock().unwrap_or_else(|e| e.into_inner()));
        if !problems.is_empty() {
            let mut visit = make_visitor();
            for problem in problems {
                visit(TreeEntry::Skipped(problem));
            }
        }
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
        let content = match crate::text::scannable(&content) {
            None => return skipped(SkipReason::Binary, None),
            Some(std::borrow::Cow::Owned(text)) => text,
            Some(std::borrow::Cow::Borrowed(_)) => content,
        };
        TreeEntry::File { path, content }
    }
}

/// The ignore files of each directory of a walk, read safely once and kept: in order of
/// precedence `.ferretignore`, `.gitignore`, and `.git/info/exclude` where a directory holds a
/// repository. A deeper directory's rules decide before its parents' (as in git).
struct IgnoreFiles {
    root: PathBuf,
    dirs: RwLock<HashMap<PathBuf, Arc<Vec<Gitignore>>>>,
    /// Ignore files that could not be used, reported as skipped.
    problems: Mutex<Vec<SkippedFile>>,
}

impl IgnoreFiles {
    fn new(root: &Path) -> IgnoreFiles {
        IgnoreFiles {
            root: root.to_path_buf(),
            dirs: RwLock::new(HashMap::new()),
            problems: Mutex::new(Vec::new()),
        }
    }

    /// Whether `path` (below the root) is ignored by the ignore files of its ancestors.
    fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        for dir in path.ancestors().skip(1) {
            for rules in self.rules_of(dir).iter() {
                match rules.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            if dir == self.root || !dir.starts_with(&self.root) {
                break;
            }
        }
        false
    }

    fn rules_of(&self, dir: &Path) -> Arc<Vec<Gitignore>> {
        if let Some(rules) = self.dirs.read().unwrap_or_else(|e| e.into_inner()).get(dir) {
            return Arc::clone(rules);
        }
        let mut rules = Vec::new();
        for file in [
            dir.join(IGNORE_FILE_NAME),
            dir.join(".gitignore"),
            dir.join(".git/info/exclude"),
        ] {
            if let Some(matcher) = self.load(dir, &file) {
                rules.push(matcher);
            }
        }
        let rules = Arc::new(rules);
        self.dirs
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf(), Arc::clone(&rules));
        rules
    }

    fn load(&self, dir: &Path, file: &Path) -> Option<Gitignore> {
        std::fs::symlink_metadata(file).ok()?;
        let problem = |detail: String| {
            self.problems
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(SkippedFile {
                    path: relative_path(&self.root, file),
                    reason: SkipReason::Unreadable,
                    detail: Some(format!("ignore file not used: {detail}")),
                });
            None
        };
        let text = match control_file::read(file, Links::Refuse) {
            Ok(text) => text,
            Err(e) => return problem(e.to_string()),
        };
        let mut builder = GitignoreBuilder::new(dir);
        for line in text.lines() {
            // A bad pattern is skipped, as git does.
            let _ = builder.add_line(Some(file.to_path_buf()), line);
        }
        match builder.build() {
            Ok(matcher) => Some(matcher),
            Err(e) => problem(control_file::sanitize_message(&e.to_string())),
        }
    }
}
