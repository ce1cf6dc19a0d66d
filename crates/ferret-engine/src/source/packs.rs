//! Reads most of a repository's blobs at once by resolving each pack's delta trees.
//!
//! Looking blobs up one by one makes git's delta chains expensive: a blob stored as the 40th
//! delta on top of another version is rebuilt from its chain's base, applying up to 40 deltas of
//! a file's full size, unless a small cache happens to hold a nearby version. When a history scan
//! wants most of a pack anyway, walking the pack's delta trees instead (`gix-pack`'s
//! `traverse_with_index`, the machinery behind `gix`'s clone and verify) decompresses every entry
//! once and builds every object from its already-built base with one delta, in parallel.
//!
//! This is only a faster route: a pack where few objects are wanted is skipped, and any blob the
//! walk did not hand over (loose objects, alternates, a pack that failed to read) is left for the
//! caller's one-by-one lookup.

use super::blob::HistoryBlob;
use gix::odb::pack;
use gix::ObjectId;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// A pack is walked when at least this share (1/N) of its objects are wanted blobs; the rest of
/// its objects (commits, trees, unwanted blobs) are decoded for nothing.
const WANTED_SHARE_DIVISOR: u32 = 10;
/// Objects larger than this abort a pack walk (which decodes everything, whatever its size); the
/// blobs it did not reach are then read one by one, where oversized blobs are skipped unread.
const WALK_ALLOCATION_LIMIT: usize = 512 * 1024 * 1024;

/// Hands every wanted blob found in a worthwhile pack to `visit` as its index in `blobs` (with
/// `None` for content larger than `max_size`), on up to `threads` threads, and marks it in `done`. A pack that cannot be
/// opened or walked to the end is no error here: its unvisited blobs stay unmarked.
pub fn visit_packed_blobs<F>(
    repo: &gix::Repository,
    blobs: &[HistoryBlob],
    done: &[AtomicBool],
    threads: usize,
    max_size: u64,
    visit: &F,
) where
    F: Fn(usize, Option<&[u8]>) + Sync,
{
    let wanted: HashMap<ObjectId, usize> =
        blobs.iter().enumerate().map(|(i, b)| (b.id, i)).collect();
    for index_path in pack_indices(repo) {
        let Ok(bundle) = pack::Bundle::at(&index_path, repo.object_hash()) else {
            continue;
        };
        let wanted_here = wanted
            .iter()
            .filter(|(id, &i)| {
                !done[i].load(Ordering::Relaxed) && bundle.index.lookup(id).is_some()
            })
            .count();
        if wanted_here == 0
            || (wanted_here as u64) * u64::from(WANTED_SHARE_DIVISOR)
                < u64::from(bundle.index.num_objects())
        {
            continue;
        }
        let processor = |kind: gix::objs::Kind,
                         data: &[u8],
                         entry: &pack::index::Entry,
                         _: &dyn gix::Progress|
         -> gix::error::Result {
            if kind != gix::objs::Kind::Blob {
                return Ok(());
            }
            let Some(&i) = wanted.get(&entry.oid) else {
                return Ok(());
            };
            // A blob can sit in two packs; only the first visit counts.
            if done[i].swap(true, Ordering::AcqRel) {
                return Ok(());
            }
            let content = (data.len() as u64 <= max_size).then_some(data);
            visit(i, content);
            Ok(())
        };
        // An error (a damaged pack, an object over the limit) ends the walk early; whatever it
        // did not reach is read one by one by the caller.
        let _ = bundle.index.traverse_with_index(
            &bundle.pack,
            processor,
            &mut gix::progress::Discard,
            &AtomicBool::new(false),
            pack::index::traverse::with_index::Options {
                thread_limit: Some(threads.max(1)),
                check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerification,
                alloc_limit_bytes: Some(
                    WALK_ALLOCATION_LIMIT.max(usize::try_from(max_size).unwrap_or(usize::MAX)),
                ),
            },
        );
    }
}

/// The pack index files of the repository's own object database, largest pack first.
pub(super) fn pack_indices(repo: &gix::Repository) -> Vec<PathBuf> {
    let dir = repo.objects.store_ref().path().join("pack");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut indices: Vec<(u64, PathBuf)> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
        .map(|path| {
            let size = std::fs::metadata(path.with_extension("pack")).map_or(0, |m| m.len());
            (size, path)
        })
        .collect();
    indices.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    indices.into_iter().map(|(_, path)| path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::testing::git;
    use std::path::Path;
    use std::sync::Mutex;

    /// A repository whose 30 versions of a 40 KB file are packed as deltas, plus one blob
    /// committed after packing (loose). Returns it with every blob of its history.
    fn packed_repo() -> (tempfile::TempDir, Vec<HistoryBlob>, ObjectId) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        let mut lines: Vec<String> = (0..2000)
            .map(|i| format!("line {i:05} of the big file"))
            .collect();
        for version in 0..30 {
            lines[version * 37] = format!("edited in version {version}");
            std::fs::write(root.join("big.txt"), lines.join("\n")).unwrap();
            std::fs::write(root.join("small.txt"), format!("version {version}\n")).unwrap();
            git(root, &["add", "-A"]);
            git(root, &["commit", "-q", "-m", &format!("v{version}")]);
        }
        git(root, &["repack", "-adfq", "--depth=50", "--window=50"]);
        let verify = git(
            root,
            &[
                "verify-pack",
                "-v",
                &format!("{}/.git/objects/pack/{}", root.display(), pack_name(root)),
            ],
        );
        assert!(
            verify.contains("chain length = 2"),
            "the pack should hold delta chains:\n{verify}"
        );
        std::fs::write(root.join("late.txt"), "committed after packing\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "late"]);
        let late = ObjectId::from_hex(git(root, &["rev-parse", "HEAD:late.txt"]).trim().as_bytes())
            .unwrap();
        let listing = git(
            root,
            &[
                "cat-file",
                "--batch-all-objects",
                "--batch-check=%(objecttype) %(objectname)",
            ],
        );
        let blobs = listing
            .lines()
            .filter_map(|line| line.strip_prefix("blob "))
            .map(|id| HistoryBlob {
                id: ObjectId::from_hex(id.as_bytes()).unwrap(),
                path: id.to_string(),
                provenance: None,
            })
            .collect();
        (dir, blobs, late)
    }

    /// A visited blob and the content it was handed over with.
    type Visit = (ObjectId, Option<Vec<u8>>);

    fn pack_name(root: &Path) -> String {
        std::fs::read_dir(root.join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|name| name.ends_with(".idx"))
            .expect("a pack index")
    }

    fn walk(root: &Path, blobs: &[HistoryBlob], max_size: u64) -> (Vec<bool>, Vec<Visit>) {
        let repo = gix::open(root).unwrap();
        let done: Vec<AtomicBool> = blobs.iter().map(|_| AtomicBool::new(false)).collect();
        let seen = Mutex::new(Vec::new());
        let visit = |i: usize, content: Option<&[u8]>| {
            let content = content.map(<[u8]>::to_vec);
            seen.lock().unwrap().push((blobs[i].id, content));
        };
        visit_packed_blobs(&repo, blobs, &done, 2, max_size, &visit);
        (
            done.iter().map(|d| d.load(Ordering::Relaxed)).collect(),
            seen.into_inner().unwrap(),
        )
    }

    #[test]
    fn every_packed_blob_is_visited_once_with_its_exact_content() {
        let (dir, blobs, late) = packed_repo();
        assert_eq!(blobs.len(), 61, "30 versions of two files and the late one");
        let (done, seen) = walk(dir.path(), &blobs, u64::MAX);
        for (blob, done) in blobs.iter().zip(&done) {
            // The loose blob is left for the one-by-one lookup.
            assert_eq!(*done, blob.id != late, "{}", blob.id);
        }
        assert_eq!(seen.len(), 60);
        let mut ids: Vec<ObjectId> = seen.iter().map(|(id, _)| *id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 60, "no blob visited twice");
        for (id, content) in &seen {
            let expected = std::process::Command::new("git")
                .args(["cat-file", "blob", &id.to_string()])
                .current_dir(dir.path())
                .output()
                .unwrap()
                .stdout;
            assert_eq!(content.as_deref(), Some(expected.as_slice()), "{id}");
        }
    }

    #[test]
    fn oversized_blobs_are_passed_without_content() {
        let (dir, blobs, _) = packed_repo();
        let (_, seen) = walk(dir.path(), &blobs, 1000);
        assert_eq!(seen.len(), 60);
        let (big, small): (Vec<_>, Vec<_>) =
            seen.iter().partition(|(_, content)| content.is_none());
        assert_eq!((big.len(), small.len()), (30, 30));
    }

    #[test]
    fn packs_holding_few_wanted_blobs_are_left_to_lookups() {
        let (dir, blobs, _) = packed_repo();
        let (done, seen) = walk(dir.path(), &blobs[..2], u64::MAX);
        assert!(seen.is_empty());
        assert!(done.iter().all(|d| !d));
    }
}
