//! The git-history source: every blob reachable from the selected commits, read straight from
//! the object database with `gix`, each unique blob once.
//!
//! Commits are visited oldest first (by commit time); the first commit whose tree holds a blob is
//! recorded as the one that introduced it, with its author, date and the path in that commit.
//! Trees already visited are not walked again, so the cost grows with the number of distinct
//! trees, not commits times files. Blobs are then decompressed and scanned in parallel.

pub use super::blob::HistoryBlob;
use super::tree_reader::TreeReader;
use ferret_core::Provenance;
use gix::ObjectId;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Which commits to take blobs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitSelection {
    /// Everything reachable from every reference (and HEAD).
    AllRefs,
    /// Everything reachable from one revision (`main`, `v1.2`, a commit id).
    Revision(String),
    /// Commits reachable from `to` but not from `from` (`A..B`).
    Range { from: String, to: String },
    /// What `head` adds to `base`: the commits of `base..head`, and of their files only those
    /// that `base`'s tree does not already hold (a pull request's own changes).
    Introduced { base: String, head: String },
}

impl CommitSelection {
    /// `A..B` becomes a range, anything else a single revision.
    pub fn parse(spec: &str) -> CommitSelection {
        match spec.split_once("..") {
            Some((from, to)) if !from.is_empty() && !to.is_empty() => CommitSelection::Range {
                from: from.to_string(),
                to: to.to_string(),
            },
            _ => CommitSelection::Revision(spec.to_string()),
        }
    }
}

/// A selected commit: its root tree and who made it when.
#[derive(Debug, Clone)]
pub struct SelectedCommit {
    pub tree: ObjectId,
    pub provenance: Provenance,
}

/// The blobs of a history selection.
#[derive(Debug, Default)]
pub struct HistoryBlobs {
    /// Every selected commit, oldest first.
    pub commits: Vec<SelectedCommit>,
    pub blobs: Vec<HistoryBlob>,
}

/// Why git history could not be read. Causes from gix are kept as their messages.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path}: not a git repository: {reason}")]
    NotARepository { path: String, reason: String },
    #[error("unknown revision '{spec}': {reason}")]
    UnknownRevision { spec: String, reason: String },
    #[error("revision '{spec}' is not a commit: {reason}")]
    NotACommit { spec: String, reason: String },
    #[error("tree {tree} is nested more than {max} directories deep")]
    TooDeep { tree: String, max: usize },
    /// A reference, commit, tree or the index could not be read (a corrupt or partial clone).
    #[error("{what}: {reason}")]
    Unreadable { what: String, reason: String },
}

fn err(what: &str, e: impl std::fmt::Display) -> HistoryError {
    HistoryError::Unreadable {
        what: what.to_string(),
        reason: e.to_string(),
    }
}

/// Opens the repository at (or above) `path`.
pub fn open(path: &Path) -> Result<gix::ThreadSafeRepository, HistoryError> {
    gix::discover(path)
        .map(gix::Repository::into_sync)
        .map_err(|e| HistoryError::NotARepository {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
}

/// The checkout's current branch (`None` when detached) and commit (`None` before the first
/// commit), read through gix: linked worktrees, packed refs and `.git` files all work.
pub fn head(path: &Path) -> Option<(Option<String>, Option<String>)> {
    let repo = gix::discover(path).ok()?;
    let branch = repo
        .head_name()
        .ok()
        .flatten()
        .map(|name| name.shorten().to_string());
    let commit = repo.head_id().ok().map(|id| id.to_string());
    Some((branch, commit))
}

fn resolve(repo: &gix::Repository, spec: &str) -> Result<ObjectId, HistoryError> {
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| HistoryError::UnknownRevision {
            spec: spec.to_string(),
            reason: e.to_string(),
        })?;
    let commit = id
        .object()
        .and_then(|object| object.peel_to_commit())
        .map_err(|e| HistoryError::NotACommit {
            spec: spec.to_string(),
            reason: e.to_string(),
        })?;
    Ok(commit.id)
}

/// Lists the unique blobs of the selected commits, each with its introducing commit.
pub fn collect_blobs(
    repo: &gix::Repository,
    selection: &CommitSelection,
) -> Result<HistoryBlobs, HistoryError> {
    let (mut tips, hidden) = match selection {
        CommitSelection::AllRefs => {
            let mut tips = Vec::new();
            let platform = repo
                .references()
                .map_err(|e| err("cannot read references", e))?;
            for reference in platform
                .all()
                .map_err(|e| err("cannot read references", e))?
            {
                let Ok(mut reference) = reference else {
                    continue;
                };
                // A reference whose object cannot be read means a missing or corrupt pack or
                // object: say so instead of scanning nothing. References to trees or blobs
                // are skipped.
                if let Some(id) = reference.target().try_id().map(ToOwned::to_owned) {
                    if let Err(e) = repo.find_object(id) {
                        return Err(err(
                            &format!(
                                "{} points to {id}, which cannot be read (missing or corrupt \
                                 object or pack)",
                                reference.name().as_bstr()
                            ),
                            e,
                        ));
                    }
                }
                if let Ok(commit) = reference.peel_to_commit() {
                    tips.push(commit.id);
                }
            }
            match repo.head() {
                Ok(mut head) => {
                    if let Some(id) = head.id() {
                        let id = id.detach();
                        repo.find_object(id).map_err(|e| {
                            err(&format!("HEAD points to {id}, which cannot be read"), e)
                        })?;
                        if let Ok(commit) = head.peel_to_commit() {
                            tips.push(commit.id);
                        }
                    }
                }
                Err(e) => return Err(err("cannot read HEAD", e)),
            }
            (tips, Vec::new())
        }
        CommitSelection::Revision(spec) => (vec![resolve(repo, spec)?], Vec::new()),
        CommitSelection::Range { from, to } => {
            (vec![resolve(repo, to)?], vec![resolve(repo, from)?])
        }
        CommitSelection::Introduced { base, head } => {
            (vec![resolve(repo, head)?], vec![resolve(repo, base)?])
        }
    };
    tips.sort();
    tips.dedup();
    if tips.is_empty() {
        return Ok(HistoryBlobs::default());
    }
    // `Introduced`: what the base's tree already holds is not introduced, so its blobs are
    // marked seen before the walk.
    let mut hidden_trees = Vec::new();
    let introduced_only = matches!(selection, CommitSelection::Introduced { .. });
    for id in hidden.iter().filter(|_| introduced_only) {
        let commit = repo
            .find_commit(*id)
            .map_err(|e| err(&format!("cannot read commit {id}"), e))?;
        hidden_trees.push(
            commit
                .tree_id()
                .map_err(|e| err(&format!("cannot read commit {id}"), e))?
                .detach(),
        );
    }

    let walk = repo
        .rev_walk(tips)
        .with_hidden(hidden)
        .all()
        .map_err(|e| err("cannot walk history", e))?;
    // (commit time, commit id, tree id, provenance) for every selected commit.
    let mut commits: Vec<(i64, ObjectId, ObjectId, Provenance)> = Vec::new();
    for info in walk {
        let commit_id = info.map_err(|e| err("cannot walk history", e))?.id;
        let commit = repo
            .find_commit(commit_id)
            .map_err(|e| err(&format!("cannot read commit {commit_id}"), e))?;
        let tree_id = commit
            .tree_id()
            .map_err(|e| err(&format!("cannot read commit {commit_id}"), e))?
            .detach();
        let time = commit.time().map(|t| t.seconds).unwrap_or(0);
        let (author, authored) = match commit.author() {
            Ok(sig) => (format!("{} <{}>", sig.name, sig.email), sig.seconds()),
            Err(_) => (String::new(), time),
        };
        let provenance = Provenance {
            commit: commit_id.to_string(),
            author,
            date: ferret_core::time::rfc3339(authored),
        };
        commits.push((time, commit_id, tree_id, provenance));
    }
    // Oldest first; the walk yields children before parents, so reverse before a stable sort.
    commits.reverse();
    commits.sort_by_key(|(time, ..)| *time);

    let commits: Vec<SelectedCommit> = commits
        .into_iter()
        .map(|(_, _, tree, provenance)| SelectedCommit { tree, provenance })
        .collect();

    let mut reader = TreeReader::new(repo);
    let mut seen_trees = gix::hashtable::HashSet::default();
    let mut seen_blobs = gix::hashtable::HashSet::default();
    let mut blobs = Vec::new();
    for tree in hidden_trees {
        walk_files(
            &mut reader,
            tree,
            Some(&mut seen_trees),
            &mut |id| {
                seen_blobs.insert(id);
                false
            },
            &mut |_, _| {},
        )?;
    }
    for commit in &commits {
        walk_files(
            &mut reader,
            commit.tree,
            Some(&mut seen_trees),
            &mut |id| seen_blobs.insert(id),
            &mut |path, id| {
                blobs.push(HistoryBlob {
                    id,
                    path,
                    provenance: Some(commit.provenance.clone()),
                });
            },
        )?;
    }
    Ok(HistoryBlobs { commits, blobs })
}

/// For each blob in `wanted`, every commit of `commits` whose tree holds it, as (index into
/// `commits`, path in that commit), oldest commit first. Each distinct tree is decoded once: a
/// tree's list of wanted blobs is remembered and shared by every commit that contains it.
pub fn commits_containing(
    repo: &gix::Repository,
    commits: &[SelectedCommit],
    wanted: &HashSet<ObjectId>,
) -> Result<HashMap<ObjectId, Vec<(usize, String)>>, HistoryError> {
    /// Wanted blobs under one tree, as (blob, path relative to the tree).
    type Holdings = std::rc::Rc<Vec<(ObjectId, String)>>;
    /// Deeper trees than this are refused rather than risking the stack on a crafted repository.
    const MAX_DEPTH: usize = 512;
    fn holdings(
        reader: &mut TreeReader,
        tree_id: ObjectId,
        wanted: &HashSet<ObjectId>,
        memo: &mut HashMap<ObjectId, Holdings>,
        depth: usize,
    ) -> Result<Holdings, HistoryError> {
        if let Some(known) = memo.get(&tree_id) {
            return Ok(known.clone());
        }
        if depth > MAX_DEPTH {
            return Err(HistoryError::TooDeep {
                tree: tree_id.to_string(),
                max: MAX_DEPTH,
            });
        }
        let mut entries = Vec::new();
        let mut buf = Vec::new();
        for_each_entry(reader, tree_id, &mut buf, |name, id, is_tree| {
            if is_tree || wanted.contains(&id) {
                entries.push((name.into_owned(), id, is_tree));
            }
            Ok(())
        })?;
        let mut found = Vec::new();
        for (name, id, is_tree) in entries {
            if is_tree {
                for (blob, path) in holdings(reader, id, wanted, memo, depth + 1)?.iter() {
                    found.push((*blob, format!("{name}/{path}")));
                }
            } else {
                found.push((id, name));
            }
        }
        let found = std::rc::Rc::new(found);
        memo.insert(tree_id, found.clone());
        Ok(found)
    }

    let mut reader = TreeReader::new(repo);
    let mut memo = HashMap::new();
    let mut containing: HashMap<ObjectId, Vec<(usize, String)>> = HashMap::new();
    for (index, commit) in commits.iter().enumerate() {
        for (blob, path) in holdings(&mut reader, commit.tree, wanted, &mut memo, 0)?.iter() {
            containing
                .entry(*blob)
                .or_default()
                .push((index, path.clone()));
        }
    }
    Ok(containing)
}

/// Calls `visit(path, blob id)` for every file in a tree that `wanted(blob id)` accepts (its
/// path is built only then); symbolic links and submodules hold no file content and are
/// skipped. Subtrees already in `seen_trees` (when given) are not walked again, and every walked
/// tree is added to it.
fn walk_files(
    reader: &mut TreeReader,
    tree_id: ObjectId,
    mut seen_trees: Option<&mut gix::hashtable::HashSet<ObjectId>>,
    wanted: &mut dyn FnMut(ObjectId) -> bool,
    visit: &mut dyn FnMut(String, ObjectId),
) -> Result<(), HistoryError> {
    if let Some(seen) = seen_trees.as_deref_mut() {
        if !seen.insert(tree_id) {
            return Ok(());
        }
    }
    let mut stack = vec![(tree_id, String::new())];
    let mut buf = Vec::new();
    while let Some((tree_id, prefix)) = stack.pop() {
        let path = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}/{name}")
            }
        };
        for_each_entry(reader, tree_id, &mut buf, |name, id, is_tree| {
            if is_tree {
                let new = seen_trees.as_deref_mut().is_none_or(|seen| seen.insert(id));
                if new {
                    stack.push((id, path(&name)));
                }
            } else if wanted(id) {
                visit(path(&name), id);
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Calls `visit(name, id, is_tree)` for every subtree and file directly in `tree_id` (read into
/// `buf`); symbolic links and submodules hold no content to scan and are left out.
fn for_each_entry(
    reader: &mut TreeReader,
    tree_id: ObjectId,
    buf: &mut Vec<u8>,
    mut visit: impl FnMut(std::borrow::Cow<'_, str>, ObjectId, bool) -> Result<(), HistoryError>,
) -> Result<(), HistoryError> {
    reader
        .read(&tree_id, buf)
        .map_err(|e| err(&format!("cannot read tree {tree_id}"), e))?;
    for entry in gix::objs::TreeRefIter::from_bytes(buf, reader.object_hash()) {
        let entry = entry.map_err(|e| err(&format!("cannot decode tree {tree_id}"), e))?;
        if entry.mode.is_commit() || entry.mode.is_link() {
            continue;
        }
        visit(
            String::from_utf8_lossy(entry.filename),
            entry.oid.to_owned(),
            entry.mode.is_tree(),
        )?;
    }
    Ok(())
}

/// Path → blob id of every file in a tree.
pub fn tree_files(
    repo: &gix::Repository,
    tree_id: ObjectId,
) -> Result<HashMap<String, ObjectId>, HistoryError> {
    let mut files = HashMap::new();
    walk_files(
        &mut TreeReader::new(repo),
        tree_id,
        None,
        &mut |_| true,
        &mut |path, id| {
            files.insert(path, id);
        },
    )?;
    Ok(files)
}

/// What a change-focused scan compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeSet {
    /// The index against HEAD: what `git commit` would record (pre-commit hooks).
    Staged,
    /// HEAD against a base revision (pull requests).
    Since(String),
}

/// The blobs of a change: the new versions of added or modified files, and the old versions of
/// modified or deleted files.
#[derive(Debug, Default)]
pub struct ChangedBlobs {
    pub new: Vec<HistoryBlob>,
    pub old: Vec<HistoryBlob>,
}

fn head_tree_files(repo: &gix::Repository) -> Result<HashMap<String, ObjectId>, HistoryError> {
    match repo.head_commit() {
        Ok(commit) => {
            let tree = commit
                .tree_id()
                .map_err(|e| err("cannot read HEAD", e))?
                .detach();
            tree_files(repo, tree)
        }
        // An unborn branch: nothing committed yet.
        Err(_) => Ok(HashMap::new()),
    }
}

/// Lists the blobs that differ between the two sides of `set`.
pub fn changed_blobs(
    repo: &gix::Repository,
    set: &ChangeSet,
) -> Result<ChangedBlobs, HistoryError> {
    let (old, new) = match set {
        ChangeSet::Staged => {
            let index = repo
                .open_index()
                .map_err(|e| err("cannot read the index", e))?;
            let mut new = HashMap::new();
            for entry in index.entries() {
                let symlink = entry.mode == gix::index::entry::Mode::SYMLINK;
                if entry.stage_raw() != 0 || entry.mode.is_submodule() || symlink {
                    continue;
                }
                new.insert(entry.path(&index).to_string(), entry.id);
            }
            (head_tree_files(repo)?, new)
        }
        ChangeSet::Since(base) => {
            let base_id = resolve(repo, base)?;
            let base_tree = repo
                .find_commit(base_id)
                .and_then(|c| c.tree_id())
                .map_err(|e| err(&format!("cannot read {base}"), e))?
                .detach();
            (tree_files(repo, base_tree)?, head_tree_files(repo)?)
        }
    };
    let blob = |path: &String, id: &ObjectId| HistoryBlob {
        id: *id,
        path: path.clone(),
        provenance: None,
    };
    let mut changed = ChangedBlobs::default();
    for (path, id) in &new {
        if old.get(path) != Some(id) {
            changed.new.push(blob(path, id));
        }
    }
    for (path, id) in &old {
        if new.get(path) != Some(id) {
            changed.old.push(blob(path, id));
        }
    }
    changed.new.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changed)
}

/// Reads every blob on `threads` threads and hands `(index in blobs, content)` to `visit`; blobs
/// larger than `max_size` are passed with `None`. Packs that hold mostly wanted blobs are walked whole
/// (see [`super::packs`]); what remains is looked up blob by blob.
pub fn read_blobs_parallel<F>(
    repo: &gix::ThreadSafeRepository,
    blobs: &[HistoryBlob],
    threads: usize,
    max_size: u64,
    visit: F,
) -> Vec<String>
where
    F: Fn(usize, Option<&[u8]>) + Sync,
{
    let done: Vec<AtomicBool> = blobs.iter().map(|_| AtomicBool::new(false)).collect();
    super::packs::visit_packed_blobs(
        &repo.to_thread_local(),
        blobs,
        &done,
        threads,
        max_size,
        &visit,
    );
    let remaining: Vec<usize> = (0..blobs.len())
        .filter(|&i| !done[i].load(Ordering::Relaxed))
        .collect();
    let next = AtomicUsize::new(0);
    let errors = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                let mut local = repo.to_thread_local();
                local.object_cache_size_if_unset(4 * 1024 * 1024);
                // One buffer per thread, reused for every blob: fresh allocations of large
                // blobs cost more in kernel page-zeroing than inflating them does.
                let mut buffer = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&index) = remaining.get(index) else {
                        break;
                    };
                    let blob = &blobs[index];
                    match local.find_header(blob.id) {
                        Ok(header) if header.size() > max_size => {
                            visit(index, None);
                            continue;
                        }
                        _ => {}
                    }
                    use gix::prelude::FindExt;
                    match local.objects.find_blob(&blob.id, &mut buffer) {
                        Ok(found) => visit(index, Some(found.data)),
                        Err(e) => errors
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(format!("{}: cannot read blob {}: {e}", blob.path, blob.id)),
                    }
                }
            });
        }
    });
    errors.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_ranges() {
        assert_eq!(
            CommitSelection::parse("v1..main"),
            CommitSelection::Range {
                from: "v1".into(),
                to: "main".into()
            }
        );
        assert_eq!(
            CommitSelection::parse("main"),
            CommitSelection::Revision("main".into())
        );
    }

    /// `Introduced` holds what a branch adds to its base: files unchanged since the base are
    /// not in it, files added or changed after it are (a pull request's own changes); a plain
    /// range holds every file of its commits.
    #[test]
    fn introduced_holds_only_what_the_branch_adds() {
        use crate::source::testing::git;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        std::fs::create_dir_all(root.join("lib")).unwrap();
        std::fs::write(root.join("kept.txt"), "in the base\n").unwrap();
        std::fs::write(root.join("lib/changed.txt"), "old\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "base"]);
        let base = git(root, &["rev-parse", "HEAD"]).trim().to_string();
        git(root, &["checkout", "-q", "-b", "feature"]);
        std::fs::write(root.join("lib/changed.txt"), "new\n").unwrap();
        std::fs::write(root.join("added.txt"), "added\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "feature"]);
        let repo = gix::open(root).unwrap();
        let introduced = CommitSelection::Introduced {
            base: base.clone(),
            head: "feature".into(),
        };
        let range = collect_blobs(&repo, &introduced).unwrap();
        let mut paths: Vec<&str> = range.blobs.iter().map(|b| b.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["added.txt", "lib/changed.txt"]);
        assert_eq!(range.commits.len(), 1);
        let plain =
            collect_blobs(&repo, &CommitSelection::parse(&format!("{base}..feature"))).unwrap();
        assert_eq!(plain.blobs.len(), 3, "every file of the range's commit");
        // The whole branch still holds everything.
        let all = collect_blobs(&repo, &CommitSelection::parse("feature")).unwrap();
        assert_eq!(all.blobs.len(), 4, "kept, old and new changed, added");
    }
}
