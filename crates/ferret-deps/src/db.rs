//! The OSV database kept offline: imported from OSV's per-ecosystem `all.zip` dumps (or a
//! folder of OSV JSON files) into a compact index, so a scan reads only the advisories of the
//! packages it has.
//!
//! Layout under the database folder (one per machine, see [`default_dir`]):
//!
//! ```text
//! <dir>/<ecosystem>            symlink to data/<ecosystem>-<stamp> (swapped atomically)
//! <dir>/data/<ecosystem>-<stamp>/advisories.jsonl   one advisory per line, only this
//!                                                    ecosystem's affected entries
//! <dir>/data/<ecosystem>-<stamp>/index.tsv          normalized name, offset, length
//! <dir>/data/<ecosystem>-<stamp>/meta.json          source, import time, counts
//! ```
//!
//! An import writes a new folder and then renames a symlink over the old one, so a scan
//! running meanwhile sees either the old or the new database, never a half-written one; a
//! failed import leaves the old one in place.

use crate::osv::Advisory;
use crate::Ecosystem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Why the database could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: not an OSV zip archive ({1})")]
    Zip(String, String),
    #[error("{0}: no OSV advisory of a supported ecosystem found")]
    Empty(String),
    #[error("{0}: the database index is damaged ({1}); run `ferret db update` again")]
    Damaged(String, String),
    #[error("{url}: {problem}")]
    Download { url: String, problem: String },
}

/// The largest OSV record read (real ones are a few kilobytes; the largest seen, tens).
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// OSV's public bucket of per-ecosystem dumps (`<url>/<ecosystem>/all.zip`).
pub const DEFAULT_OSV_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Downloads one dump and checks it: the HTTP status, the announced length, and the MD5 that
/// Google Cloud Storage sends in `x-goog-hash` when present (every zip entry's CRC-32 is
/// checked again on import).
pub fn download(url: &str) -> Result<Vec<u8>, DbError> {
    let fail = |problem: String| DbError::Download {
        url: url.to_string(),
        problem,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(1800)))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .header(
            "User-Agent",
            &format!("ferret/{}", env!("CARGO_PKG_VERSION")),
        )
        .call()
        .map_err(|e| fail(format!("download failed: {e}")))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(fail(format!("download failed: HTTP {status}")));
    }
    let announced: Option<usize> = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let md5: Option<String> = response
        .headers()
        .get_all("x-goog-hash")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|part| part.trim().strip_prefix("md5=").map(str::to_string));
    let bytes = response
        .body_mut()
        .with_config()
        .limit(4 * 1024 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| fail(format!("download interrupted: {e}")))?;
    if let Some(announced) = announced {
        if announced != bytes.len() {
            return Err(fail(format!(
                "download truncated: {} of {announced} bytes",
                bytes.len()
            )));
        }
    }
    if let Some(expected) = md5 {
        use base64::Engine;
        use md5::Digest;
        let actual = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&bytes));
        if actual != expected {
            return Err(fail(format!(
                "integrity check failed: MD5 {actual} but the server announced {expected}"
            )));
        }
    }
    Ok(bytes)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DbError + '_ {
    move |source| DbError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What one ecosystem's index holds and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub ecosystem: Ecosystem,
    /// The zip, folder or URL imported.
    pub source: String,
    /// Unix seconds.
    pub imported_at: u64,
    pub advisories: usize,
    /// Withdrawn advisories left out.
    pub withdrawn: usize,
    /// The newest `modified` time among the advisories (RFC 3339).
    #[serde(default)]
    pub newest_modified: Option<String>,
}

/// The clock, in Unix seconds (0 before 1970).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Meta {
    /// Whole days since this index was imported.
    pub fn age_days(&self) -> u64 {
        unix_now().saturating_sub(self.imported_at) / 86_400
    }
}

/// `FERRET_DB_DIR`, else `$XDG_DATA_HOME/ferret/osv`, else `~/.local/share/ferret/osv`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("FERRET_DB_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(data).join("ferret/osv"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share/ferret/osv"))
}

/// A database folder (which may hold no ecosystem yet).
#[derive(Debug, Clone)]
pub struct Database {
    dir: PathBuf,
}

/// One ecosystem's index, loaded: the name table (sorted `name\toffset\tlength` lines) in
/// memory, searched by bisection; the records stay on disk. Loading is one read and one pass
/// for the line starts, so OSV's npm dump (hundreds of thousands of records) loads in
/// milliseconds.
#[derive(Debug)]
pub struct EcosystemIndex {
    pub meta: Meta,
    records: PathBuf,
    index_path: PathBuf,
    text: String,
    /// Where each line of `text` starts.
    lines: Vec<usize>,
}

impl Database {
    pub fn at(dir: impl Into<PathBuf>) -> Database {
        Database { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The ecosystems imported, with their metadata.
    pub fn ecosystems(&self) -> Vec<Meta> {
        Ecosystem::ALL
            .into_iter()
            .filter_map(|e| read_meta(&self.dir.join(e.osv_name())).ok())
            .collect()
    }

    /// Loads `ecosystem`'s index; `None` when it was never imported.
    pub fn load(&self, ecosystem: Ecosystem) -> Result<Option<EcosystemIndex>, DbError> {
        let folder = self.dir.join(ecosystem.osv_name());
        if !folder.exists() {
            return Ok(None);
        }
        let meta = read_meta(&folder)?;
        let index_path = folder.join("index.tsv");
        let text = std::fs::read_to_string(&index_path).map_err(io(&index_path))?;
        let mut lines = Vec::with_capacity(text.len() / 24);
        let mut at = 0;
        while at < text.len() {
            lines.push(at);
            at += text[at..].find('\n').map_or(text.len() - at, |n| n + 1);
        }
        let index = EcosystemIndex {
            meta,
            records: folder.join("advisories.jsonl"),
            index_path,
            text,
            lines,
        };
        if !index
            .lines
            .windows(2)
            .all(|w| index.name_at(w[0]) <= index.name_at(w[1]))
        {
            return Err(index.damaged("not sorted by name".to_string()));
        }
        Ok(Some(index))
    }

    /// Imports an OSV `all.zip` (any number of ecosystems in it) from `bytes`; `source` is
    /// recorded as its origin. Each ecosystem found replaces its previous index atomically.
    pub fn import_zip(&self, bytes: &[u8], source: &str) -> Result<Vec<Meta>, DbError> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| DbError::Zip(source.to_string(), e.to_string()))?;
        let mut advisories = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive
                .by_index(i)
                .map_err(|e| DbError::Zip(source.to_string(), e.to_string()))?;
            if !file.name().ends_with(".json") {
                continue;
            }
            // An OSV record is kilobytes: an entry that inflates past the cap is refused, not
            // read into memory (a zip bomb from a hostile mirror).
            if file.size() > MAX_RECORD_BYTES {
                return Err(DbError::Zip(
                    source.to_string(),
                    format!("{}: larger than {MAX_RECORD_BYTES} bytes", file.name()),
                ));
            }
            let name = file.name().to_string();
            let mut text = String::new();
            // Reading to the end checks the entry's CRC-32.
            (&mut file)
                .take(MAX_RECORD_BYTES + 1)
                .read_to_string(&mut text)
                .map_err(|e| DbError::Zip(source.to_string(), format!("{name}: {e}")))?;
            if text.len() as u64 > MAX_RECORD_BYTES {
                return Err(DbError::Zip(
                    source.to_string(),
                    format!("{name}: larger than {MAX_RECORD_BYTES} bytes"),
                ));
            }
            if let Ok(advisory) = serde_json::from_str::<Advisory>(&text) {
                advisories.push(advisory);
            }
        }
        self.import(advisories, source)
    }

    /// Downloads and imports each ecosystem's dump from `base_url`; one outcome per ecosystem
    /// (a failure keeps that ecosystem's previous index).
    pub fn update(
        &self,
        base_url: &str,
        ecosystems: &[Ecosystem],
    ) -> Vec<(Ecosystem, Result<Meta, DbError>)> {
        ecosystems
            .iter()
            .map(|&ecosystem| {
                let url = format!(
                    "{}/{}/all.zip",
                    base_url.trim_end_matches('/'),
                    ecosystem.osv_name()
                );
                let outcome = download(&url).and_then(|bytes| {
                    let metas = self.import_zip(&bytes, &url)?;
                    metas
                        .into_iter()
                        .find(|m| m.ecosystem == ecosystem)
                        .ok_or_else(|| DbError::Empty(url.clone()))
                });
                (ecosystem, outcome)
            })
            .collect()
    }

    /// Imports every `*.json` OSV record under `folder`.
    pub fn import_dir(&self, folder: &Path) -> Result<Vec<Meta>, DbError> {
        let mut advisories = Vec::new();
        let mut pending = vec![folder.to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
                let entry = entry.map_err(io(&dir))?;
                let path = entry.path();
                // Symbolic links are not followed (a link to a parent would never end).
                let kind = entry.file_type().map_err(io(&path))?;
                if kind.is_dir() {
                    pending.push(path);
                } else if kind.is_file() && path.extension().is_some_and(|e| e == "json") {
                    if entry.metadata().map_err(io(&path))?.len() > MAX_RECORD_BYTES {
                        continue;
                    }
                    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
                    if let Ok(advisory) = serde_json::from_str::<Advisory>(&text) {
                        advisories.push(advisory);
                    }
                }
            }
        }
        self.import(advisories, &folder.display().to_string())
    }

    fn import(&self, advisories: Vec<Advisory>, source: &str) -> Result<Vec<Meta>, DbError> {
        // Per ecosystem: the advisory narrowed to that ecosystem's affected entries.
        let mut per_ecosystem: BTreeMap<Ecosystem, (Vec<Advisory>, usize)> = BTreeMap::new();
        for advisory in advisories {
            let mut ecosystems: Vec<Ecosystem> = advisory
                .affected
                .iter()
                .filter_map(|a| a.package.as_ref())
                .filter_map(|p| {
                    Ecosystem::from_osv_name(p.ecosystem.split(':').next().unwrap_or(""))
                })
                .collect();
            ecosystems.sort();
            ecosystems.dedup();
            for ecosystem in ecosystems {
                let slot = per_ecosystem.entry(ecosystem).or_default();
                if advisory.withdrawn.is_some() {
                    slot.1 += 1;
                    continue;
                }
                let mut narrowed = advisory.clone();
                narrowed.details = None;
                narrowed.affected.retain(|a| {
                    a.package.as_ref().is_some_and(|p| {
                        p.ecosystem.split(':').next() == Some(ecosystem.osv_name())
                    })
                });
                narrowed.references.retain(|r| r.kind == "ADVISORY");
                narrowed.references.truncate(1);
                slot.0.push(narrowed);
            }
        }
        if per_ecosystem.is_empty() {
            return Err(DbError::Empty(source.to_string()));
        }
        let imported_at = unix_now();
        let mut metas = Vec::new();
        for (ecosystem, (advisories, withdrawn)) in per_ecosystem {
            let meta = Meta {
                ecosystem,
                source: source.to_string(),
                imported_at,
                advisories: advisories.len(),
                withdrawn,
                newest_modified: advisories.iter().filter_map(|a| a.modified.clone()).max(),
            };
            self.write_ecosystem(&meta, &advisories)?;
            metas.push(meta);
        }
        Ok(metas)
    }

    fn write_ecosystem(&self, meta: &Meta, advisories: &[Advisory]) -> Result<(), DbError> {
        let data = self.dir.join("data");
        std::fs::create_dir_all(&data).map_err(io(&data))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!(
            "{}-{stamp}-{}",
            meta.ecosystem.osv_name(),
            std::process::id()
        );
        let folder = data.join(&name);
        std::fs::create_dir_all(&folder).map_err(io(&folder))?;
        let write = || -> Result<(), DbError> {
            let records_path = folder.join("advisories.jsonl");
            let mut records = std::io::BufWriter::new(
                std::fs::File::create(&records_path).map_err(io(&records_path))?,
            );
            let mut index: Vec<(String, u64, usize)> = Vec::new();
            let mut offset = 0u64;
            for advisory in advisories {
                let line = serde_json::to_string(advisory).expect("advisories serialize");
                records
                    .write_all(line.as_bytes())
                    .map_err(io(&records_path))?;
                records.write_all(b"\n").map_err(io(&records_path))?;
                let mut names: Vec<String> = advisory
                    .affected
                    .iter()
                    .filter_map(|a| a.package.as_ref())
                    .map(|p| meta.ecosystem.normalize_name(&p.name))
                    .filter(|n| !n.contains(['\t', '\n']))
                    .collect();
                names.sort();
                names.dedup();
                for name in names {
                    index.push((name, offset, line.len()));
                }
                offset += line.len() as u64 + 1;
            }
            records.flush().map_err(io(&records_path))?;
            records.get_ref().sync_all().map_err(io(&records_path))?;
            // Sorted by name, so a scan finds a package by bisection without building a table.
            index.sort();
            let index: String = index
                .iter()
                .map(|(name, offset, len)| format!("{name}\t{offset}\t{len}\n"))
                .collect();
            let index_path = folder.join("index.tsv");
            std::fs::write(&index_path, index).map_err(io(&index_path))?;
            let meta_path = folder.join("meta.json");
            std::fs::write(
                &meta_path,
                serde_json::to_vec_pretty(meta).expect("meta serializes"),
            )
            .map_err(io(&meta_path))?;
            Ok(())
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_dir_all(&folder);
            return Err(e);
        }
        // Swap: a new symlink renamed over the old one, then the old data removed.
        let link = self.dir.join(meta.ecosystem.osv_name());
        let previous = std::fs::read_link(&link).ok();
        let temporary = self.dir.join(format!(".{name}.link"));
        let _ = std::fs::remove_file(&temporary);
        std::os::unix::fs::symlink(Path::new("data").join(&name), &temporary)
            .map_err(io(&temporary))?;
        std::fs::rename(&temporary, &link).map_err(io(&link))?;
        if let Some(previous) = previous {
            let _ = std::fs::remove_dir_all(self.dir.join(previous));
        }
        self.remove_abandoned(meta.ecosystem, &name, stamp);
        Ok(())
    }

    /// Removes data folders of `ecosystem` that an import killed half-way left behind: neither
    /// `current` nor younger than an hour (a concurrent import may still be writing those).
    fn remove_abandoned(&self, ecosystem: Ecosystem, current: &str, now: u128) {
        const HOUR_NANOS: u128 = 3600 * 1_000_000_000;
        let Ok(entries) = std::fs::read_dir(self.dir.join("data")) else {
            return;
        };
        let prefix = format!("{}-", ecosystem.osv_name());
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stamp = name
                .strip_prefix(&prefix)
                .and_then(|rest| rest.split('-').next())
                .and_then(|s| s.parse::<u128>().ok());
            if let Some(stamp) = stamp {
                if name != current && stamp + HOUR_NANOS < now {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
}

fn read_meta(folder: &Path) -> Result<Meta, DbError> {
    let path = folder.join("meta.json");
    let text = std::fs::read(&path).map_err(io(&path))?;
    serde_json::from_slice(&text)
        .map_err(|e| DbError::Damaged(path.display().to_string(), e.to_string()))
}

impl EcosystemIndex {
    /// The advisories that name `name` (any spelling the ecosystem treats as the same).
    pub fn advisories_for(&self, name: &str) -> Result<Vec<Advisory>, DbError> {
        let spots = self.spots(&self.meta.ecosystem.normalize_name(name))?;
        if spots.is_empty() {
            return Ok(Vec::new());
        }
        let mut file = std::fs::File::open(&self.records).map_err(io(&self.records))?;
        let mut advisories = Vec::with_capacity(spots.len());
        for (offset, len) in spots {
            let mut buffer = vec![0u8; len as usize];
            file.seek(SeekFrom::Start(offset))
                .map_err(io(&self.records))?;
            file.read_exact(&mut buffer).map_err(io(&self.records))?;
            let advisory = serde_json::from_slice(&buffer)
                .map_err(|e| DbError::Damaged(self.records.display().to_string(), e.to_string()))?;
            advisories.push(advisory);
        }
        Ok(advisories)
    }

    /// The name field of the line starting at `start`.
    fn name_at(&self, start: usize) -> &str {
        let line = &self.text[start..];
        &line[..line.find(['\t', '\n']).unwrap_or(line.len())]
    }

    fn damaged(&self, why: String) -> DbError {
        DbError::Damaged(self.index_path.display().to_string(), why)
    }

    /// (offset, length) of every record that names `name`.
    fn spots(&self, name: &str) -> Result<Vec<(u64, u32)>, DbError> {
        let first = self
            .lines
            .partition_point(|&start| self.name_at(start) < name);
        let mut spots = Vec::new();
        for &start in &self.lines[first..] {
            if self.name_at(start) != name {
                break;
            }
            let line = self.text[start..].lines().next().unwrap_or("");
            let mut fields = line.split('\t').skip(1);
            let (Some(Ok(offset)), Some(Ok(len))) = (
                fields.next().map(str::parse::<u64>),
                fields.next().map(str::parse::<u32>),
            ) else {
                return Err(self.damaged(format!("line {line:?}")));
            };
            spots.push((offset, len));
        }
        Ok(spots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockfile::{read, Kind};
    use crate::matching::Matcher;

    fn rustsec_zip() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/osv/crates.io-all.zip"
        );
        std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_rustsec_dump_imports_swaps_atomically_and_answers_queries() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::at(dir.path());
        assert!(db.ecosystems().is_empty());
        assert!(db.load(Ecosystem::CratesIo).unwrap().is_none());
        let metas = db.import_zip(&rustsec_zip(), "crates.io-all.zip").unwrap();
        assert_eq!(metas.len(), 1);
        assert_eq!(metas[0].ecosystem, Ecosystem::CratesIo);
        assert_eq!((metas[0].advisories, metas[0].withdrawn), (1206 - 13, 13));
        assert_eq!(db.ecosystems(), metas);

        let lock = "[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let packages = read(Kind::CargoLock, lock).unwrap();
        let found = Matcher::new(db.clone()).vulnerabilities(&packages).unwrap();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].id, "RUSTSEC-2021-0003");
        assert_eq!(found[0].package.version, "1.6.0");
        assert_eq!(found[0].fixed.as_deref(), Some("1.6.1"));
        assert!(found[0].aliases.iter().any(|a| a.starts_with("CVE-")));

        // A second import replaces the first; the old data folder is gone.
        let before = std::fs::read_link(dir.path().join("crates.io")).unwrap();
        db.import_zip(&rustsec_zip(), "again").unwrap();
        let after = std::fs::read_link(dir.path().join("crates.io")).unwrap();
        assert_ne!(before, after);
        assert!(!dir.path().join(&before).exists());
        assert_eq!(
            std::fs::read_dir(dir.path().join("data")).unwrap().count(),
            1
        );

        // Folders an import killed half-way left behind are removed by the next import once
        // they are an hour old; a recent one (a concurrent import) is left alone.
        let abandoned = dir.path().join("data/crates.io-1-1");
        std::fs::create_dir_all(&abandoned).unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let recent = dir.path().join(format!("data/crates.io-{now}-2"));
        std::fs::create_dir_all(&recent).unwrap();
        db.import_zip(&rustsec_zip(), "again").unwrap();
        assert!(!abandoned.exists() && recent.exists());
        std::fs::remove_dir_all(&recent).unwrap();
        let after = std::fs::read_link(dir.path().join("crates.io")).unwrap();

        // A damaged download is refused and the database stays as it was.
        let mut damaged = rustsec_zip();
        let middle = damaged.len() / 2;
        damaged.truncate(middle);
        assert!(db.import_zip(&damaged, "damaged").is_err());
        let mut flipped = rustsec_zip();
        flipped[middle] ^= 0xff;
        assert!(db.import_zip(&flipped, "flipped").is_err());
        assert!(db.import_zip(b"not a zip", "junk").is_err());
        assert_eq!(
            std::fs::read_link(dir.path().join("crates.io")).unwrap(),
            after
        );
        assert_eq!(db.ecosystems()[0].source, "again");

        // A hand-edited (unsorted) or truncated index is refused with a hint, not misread.
        let index = dir.path().join("crates.io/index.tsv");
        let text = std::fs::read_to_string(&index).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let name = |line: &str| line.split('\t').next().unwrap().to_string();
        assert!(
            lines.windows(2).all(|w| name(w[0]) <= name(w[1])),
            "written sorted"
        );
        lines.reverse();
        std::fs::write(&index, lines.join("\n")).unwrap();
        let err = db.load(Ecosystem::CratesIo).unwrap_err().to_string();
        assert!(
            err.contains("not sorted") && err.contains("ferret db update"),
            "{err}"
        );
        std::fs::write(&index, "smallvec\tnot-a-number\n").unwrap();
        let index = db.load(Ecosystem::CratesIo).unwrap().unwrap();
        assert!(index.advisories_for("smallvec").is_err());
        assert!(index.advisories_for("serde").unwrap().is_empty());
    }

    #[test]
    fn a_folder_of_osv_files_imports_every_ecosystem_it_names() {
        let source = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(source.path().join("npm")).unwrap();
        std::fs::write(
            source.path().join("npm/GHSA-1.json"),
            r#"{"id":"GHSA-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"versions":["1.0.0"]},{"package":{"ecosystem":"PyPI","name":"Left_Pad"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}]}"#,
        )
        .unwrap();
        std::fs::write(source.path().join("broken.json"), "{").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let db = Database::at(dir.path());
        let metas = db.import_dir(source.path()).unwrap();
        let ecosystems: Vec<Ecosystem> = metas.iter().map(|m| m.ecosystem).collect();
        assert_eq!(ecosystems, vec![Ecosystem::Npm, Ecosystem::PyPI]);
        let pypi = db.load(Ecosystem::PyPI).unwrap().unwrap();
        let found = pypi.advisories_for("left.pad").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].affected.len(),
            1,
            "narrowed to the ecosystem's entries"
        );
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            db.import_dir(empty.path()),
            Err(DbError::Empty(_))
        ));

        // A symbolic link back to the folder is not followed (the walk ends).
        std::os::unix::fs::symlink(source.path(), source.path().join("npm/loop")).unwrap();
        assert_eq!(db.import_dir(source.path()).unwrap().len(), 2);
    }

    #[test]
    fn a_zip_entry_that_inflates_past_the_cap_is_refused() {
        use std::io::Write;
        let mut bytes = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut bytes);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("BOMB-1.json", options).unwrap();
            let spaces = vec![b' '; 1024 * 1024];
            for _ in 0..(MAX_RECORD_BYTES / spaces.len() as u64 + 1) {
                zip.write_all(&spaces).unwrap();
            }
            zip.finish().unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let err = Database::at(dir.path())
            .import_zip(bytes.get_ref(), "bomb.zip")
            .unwrap_err()
            .to_string();
        assert!(err.contains("larger than"), "{err}");
    }
}
