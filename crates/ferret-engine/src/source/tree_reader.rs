//! Reads tree objects for history walks, cheaply along git's delta chains.
//!
//! git stores most trees as deltas (chains up to 50 deep, each version a delta on a newer one),
//! and a history walk reads them oldest commit first. Looked up one by one through gix, each
//! tree is rebuilt from the base at the far end of its chain through every delta in between,
//! and gix's pack cache keeps only the object asked for — so reading the versions of one
//! directory oldest first costs the square of the chain length (on git's own history, 82,000
//! commits: 12 s of listing, two thirds of it inflating the same deltas again and again).
//!
//! This reader resolves a tree's chain from its cached end instead: it follows the chain only
//! until it meets a version already in its memory-capped cache, then decodes the versions back
//! towards the wanted tree one delta at a time, caching each. The next-older version is then
//! one delta away. Trees outside this repository's packs (loose objects, alternates, a damaged
//! pack, deltas on bases named by id) are read through gix as before.

use gix::odb::pack;
use gix::odb::pack::cache::DecodeEntry;
use gix::ObjectId;

/// Decoded tree versions kept for the next lookups (LRU by bytes).
const CACHE_BYTES: usize = 16 * 1024 * 1024;
/// Longer chains than this (git's default maximum is 50) are left to gix.
const MAX_CHAIN: usize = 10_000;

/// The entry of `id` in `bundle`'s pack, as a delta base named by id.
fn in_pack(
    bundle: &pack::Bundle,
    id: &gix::oid,
) -> Option<pack::data::decode::entry::ResolvedBase> {
    let index = bundle.index.lookup(id)?;
    let entry = bundle
        .pack
        .entry(bundle.index.pack_offset_at_index(index))
        .ok()?;
    Some(pack::data::decode::entry::ResolvedBase::InPack(entry))
}

/// Reads trees of one repository; see the module documentation.
pub struct TreeReader<'r> {
    repo: &'r gix::Repository,
    bundles: Vec<pack::Bundle>,
    cache: pack::cache::lru::MemoryCappedHashmap,
    inflate: gix::zlib::Inflate,
    /// Pack offsets from the wanted entry down its delta chain.
    chain: Vec<u64>,
    scratch: Vec<u8>,
}

impl<'r> TreeReader<'r> {
    pub fn new(repo: &'r gix::Repository) -> TreeReader<'r> {
        let bundles = super::packs::pack_indices(repo)
            .iter()
            .filter_map(|index| pack::Bundle::at(index, repo.object_hash()).ok())
            .collect();
        TreeReader {
            repo,
            bundles,
            cache: pack::cache::lru::MemoryCappedHashmap::new(CACHE_BYTES),
            inflate: gix::zlib::Inflate::default(),
            chain: Vec::new(),
            scratch: Vec::new(),
        }
    }

    pub fn object_hash(&self) -> gix::hash::Kind {
        self.repo.object_hash()
    }

    /// The raw (undecoded) tree `id`, in `out`.
    pub fn read(&mut self, id: &ObjectId, out: &mut Vec<u8>) -> Result<(), gix::Error> {
        let found = self
            .bundles
            .iter()
            .enumerate()
            .find_map(|(at, b)| b.index.lookup(id).map(|entry| (at, entry)));
        if let Some((at, entry)) = found {
            if self.read_packed(at, entry, out).is_some() {
                return Ok(());
            }
        }
        let tree = self.repo.find_tree(*id)?;
        out.clear();
        out.extend_from_slice(&tree.data);
        Ok(())
    }

    /// Decodes index entry `index_entry` of bundle `at` (see the module documentation); `None`
    /// on anything unusual, which the caller leaves to gix.
    fn read_packed(&mut self, at: usize, index_entry: u32, out: &mut Vec<u8>) -> Option<()> {
        let bundle = &self.bundles[at];
        let pack_id = bundle.pack.id;
        let mut offset = bundle.index.pack_offset_at_index(index_entry);
        self.chain.clear();
        loop {
            let entry = bundle.pack.entry(offset).ok()?;
            if let Some((kind, _)) = self
                .cache
                .get(pack_id, entry.data_offset, &mut self.scratch)
            {
                if self.chain.is_empty() {
                    // The wanted tree itself was cached.
                    std::mem::swap(out, &mut self.scratch);
                    return (kind == gix::objs::Kind::Tree).then_some(());
                }
                break;
            }
            self.chain.push(offset);
            let base = match entry.header {
                pack::data::entry::Header::OfsDelta { base_distance } => {
                    entry.checked_base_pack_offset(base_distance)
                }
                pack::data::entry::Header::RefDelta { base_id } => bundle
                    .index
                    .lookup(base_id)
                    .map(|i| bundle.index.pack_offset_at_index(i)),
                _ => None,
            };
            match base {
                Some(base) if self.chain.len() < MAX_CHAIN => offset = base,
                _ => break,
            }
        }
        // Deepest first: each entry's base is then the entry decoded (and cached) just before.
        let mut kind = None;
        for &offset in self.chain.iter().rev() {
            let entry = bundle.pack.entry(offset).ok()?;
            let full = !entry.header.is_delta();
            let data_offset = entry.data_offset;
            let outcome = bundle
                .pack
                .decode_entry(
                    entry,
                    out,
                    &mut self.inflate,
                    &|base, _| Ok(in_pack(bundle, base)),
                    &mut self.cache,
                )
                .ok()?;
            if full {
                // gix caches the results of delta resolution only; the chain's base counts too.
                self.cache.put(
                    pack_id,
                    data_offset,
                    out,
                    outcome.kind,
                    outcome.compressed_size,
                );
            }
            kind = Some(outcome.kind);
        }
        (kind == Some(gix::objs::Kind::Tree)).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::testing::git;
    use std::path::Path;

    /// A repository of 60 commits, each changing one file in `src/deep/`, packed by `pack` (its
    /// trees become delta chains), plus one commit after packing (loose objects).
    fn history(pack: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        std::fs::create_dir_all(root.join("src/deep")).unwrap();
        for i in 0..40 {
            std::fs::write(root.join(format!("src/deep/file{i:02}.txt")), "start\n").unwrap();
        }
        for version in 0..60 {
            let file = root.join(format!("src/deep/file{:02}.txt", version % 40));
            std::fs::write(file, format!("version {version}\n")).unwrap();
            git(root, &["add", "-A"]);
            git(root, &["commit", "-q", "-m", &format!("v{version}")]);
        }
        git(root, pack);
        std::fs::write(root.join("late.txt"), "committed after packing\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "late"]);
        dir
    }

    /// Every tree of the repository, oldest commit first, as git lists them.
    fn trees(root: &Path) -> Vec<ObjectId> {
        let listing = git(root, &["rev-list", "--reverse", "--objects", "--all"]);
        let mut trees = Vec::new();
        for line in listing.lines() {
            let id = line.split(' ').next().unwrap();
            let kind = git(root, &["cat-file", "-t", id]);
            if kind.trim() == "tree" {
                trees.push(ObjectId::from_hex(id.as_bytes()).unwrap());
            }
        }
        trees
    }

    fn reads_every_tree_exactly(pack: &[&str]) {
        let dir = history(pack);
        let repo = gix::open(dir.path()).unwrap();
        let trees = trees(dir.path());
        assert!(trees.len() > 100, "{} trees", trees.len());
        let verify = git(dir.path(), &["count-objects", "-v"]);
        assert!(verify.contains("packs: 1"), "{verify}");
        let mut reader = TreeReader::new(&repo);
        let mut out = Vec::new();
        // Oldest first (the walk's order), then newest first, then again from the cache.
        let orders = [
            trees.clone(),
            trees.iter().rev().copied().collect(),
            trees.clone(),
        ];
        for order in orders {
            for id in order {
                reader.read(&id, &mut out).unwrap();
                let expected = repo.find_object(id).unwrap();
                assert_eq!(out, expected.data, "tree {id}");
            }
        }
        let packed_blob = git(dir.path(), &["rev-parse", "HEAD~1:src/deep/file00.txt"]);
        let packed_blob = ObjectId::from_hex(packed_blob.trim().as_bytes()).unwrap();
        assert!(
            reader.read(&packed_blob, &mut out).is_err(),
            "a blob is no tree"
        );
    }

    #[test]
    fn trees_read_through_offset_delta_chains_equal_gix_lookups() {
        reads_every_tree_exactly(&["repack", "-adfq", "--depth=50", "--window=50"]);
    }

    #[test]
    fn trees_read_through_deltas_on_bases_named_by_id_equal_gix_lookups() {
        // Without delta-base offsets, git names every delta's base by its id (REF_DELTA).
        reads_every_tree_exactly(&[
            "-c",
            "repack.useDeltaBaseOffset=false",
            "repack",
            "-adfq",
            "--depth=50",
            "--window=50",
        ]);
    }
}
