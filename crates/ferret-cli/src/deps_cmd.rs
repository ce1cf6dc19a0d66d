//! `ferret deps list` (the inventory of a tree's lockfiles, also as CycloneDX) and `ferret db`
//! (download, import and inspect the offline OSV database the dependency analyzer matches
//! against).

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use ferret_core::terminal::escape;
use ferret_engine::deps::inventory;
use ferret_engine::ferret_deps::db::{default_dir, Database, Meta};
use ferret_engine::ferret_deps::lockfile::Package;
use ferret_engine::ferret_deps::{sbom, Ecosystem};
use std::path::PathBuf;
use std::process::ExitCode;

use ferret_engine::ferret_deps::db::DEFAULT_OSV_URL;

#[derive(Subcommand)]
pub enum DepsCommand {
    /// List the packages every lockfile under PATH pins.
    List {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(short, long, value_enum, default_value = "human")]
        format: InventoryFormat,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum InventoryFormat {
    Human,
    Json,
    /// CycloneDX 1.6 JSON (a software bill of materials).
    Cyclonedx,
}

#[derive(Args)]
pub struct DbLocation {
    /// The database folder (default: $FERRET_DB_DIR, else $XDG_DATA_HOME/ferret/osv, else
    /// ~/.local/share/ferret/osv).
    #[arg(long, value_name = "DIR")]
    pub db: Option<PathBuf>,
}

impl DbLocation {
    fn open(&self) -> Result<Database> {
        let dir = self
            .db
            .clone()
            .or_else(default_dir)
            .ok_or_else(|| anyhow!("no database folder: set --db or FERRET_DB_DIR"))?;
        Ok(Database::at(dir))
    }
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Download each ecosystem's OSV dump (`<url>/<ecosystem>/all.zip`), check it, and swap it
    /// in atomically.
    Update {
        #[command(flatten)]
        location: DbLocation,
        /// Where the dumps are (a mirror for air-gapped sites, or OSV's bucket).
        #[arg(long, value_name = "URL", default_value = DEFAULT_OSV_URL)]
        url: String,
        /// Only these ecosystems (OSV names: crates.io, npm, PyPI, Go, RubyGems, Packagist,
        /// Maven, NuGet, Pub, Hex); default all.
        #[arg(long = "ecosystem", value_name = "NAME", value_delimiter = ',')]
        ecosystems: Vec<String>,
    },
    /// Import OSV records from a zip (an `all.zip` dump) or a folder of OSV JSON files.
    Import {
        #[command(flatten)]
        location: DbLocation,
        path: PathBuf,
    },
    /// Show what the database holds and how old it is.
    Status {
        #[command(flatten)]
        location: DbLocation,
    },
}

pub fn run_deps(command: DepsCommand) -> Result<ExitCode> {
    let DepsCommand::List { path, format } = command;
    if std::fs::symlink_metadata(&path).is_err() {
        bail!("{}: no such file or directory", path.display());
    }
    let lockfiles = inventory(&path);
    let mut readable: Vec<(String, Vec<Package>)> = Vec::new();
    let mut failed = false;
    for (file, packages) in lockfiles {
        match packages {
            Ok(packages) => readable.push((file, packages)),
            Err(e) => {
                failed = true;
                eprintln!("ferret: warning: {}: {}", escape(&file), escape(&e));
            }
        }
    }
    let text = match format {
        InventoryFormat::Human => {
            let mut out = String::new();
            for (file, packages) in &readable {
                out.push_str(&format!("{} ({} packages)\n", escape(file), packages.len()));
                for p in packages {
                    let mut flags = Vec::new();
                    match p.direct {
                        Some(true) => flags.push("direct"),
                        Some(false) => flags.push("transitive"),
                        None => {}
                    }
                    if p.dev {
                        flags.push("dev");
                    }
                    if p.optional {
                        flags.push("optional");
                    }
                    out.push_str(&format!(
                        "  {:<10} {} {}  line {}{}\n",
                        p.ecosystem.osv_name(),
                        escape(&p.name),
                        escape(&p.version),
                        p.line,
                        if flags.is_empty() {
                            String::new()
                        } else {
                            format!("  [{}]", flags.join(", "))
                        }
                    ));
                }
            }
            let total: usize = readable.iter().map(|(_, p)| p.len()).sum();
            out.push_str(&format!(
                "{total} packages in {} lockfiles\n",
                readable.len()
            ));
            out
        }
        InventoryFormat::Json => {
            let files: Vec<serde_json::Value> = readable
                .iter()
                .map(|(file, packages)| serde_json::json!({"path": file, "packages": packages}))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({ "lockfiles": files }))? + "\n"
        }
        InventoryFormat::Cyclonedx => {
            let subject = std::fs::canonicalize(&path)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| path.display().to_string());
            let now = ferret_engine::ferret_deps::db::unix_now() as i64;
            let bom = sbom::cyclonedx(
                &subject,
                &readable,
                &random_uuid(),
                &ferret_core::time::rfc3339(now),
            );
            serde_json::to_string_pretty(&bom)? + "\n"
        }
    };
    crate::write_output(None, &text)?;
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// A version-4 UUID from the standard library's randomly keyed hasher.
fn random_uuid() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(i);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        chunk.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

pub fn run_db(command: DbCommand) -> Result<ExitCode> {
    match command {
        DbCommand::Status { location } => {
            let db = location.open()?;
            let metas = db.ecosystems();
            if metas.is_empty() {
                println!(
                    "{}: no advisories imported (run `ferret db update`)",
                    db.dir().display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            println!("{}", db.dir().display());
            for meta in metas {
                println!("  {}", describe(&meta));
            }
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Import { location, path } => {
            let db = location.open()?;
            let metas = if path.is_dir() {
                db.import_dir(&path)?
            } else {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("{}: cannot read", path.display()))?;
                db.import_zip(&bytes, &path.display().to_string())?
            };
            for meta in metas {
                println!("imported {}", describe(&meta));
            }
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Update {
            location,
            url,
            ecosystems,
        } => {
            let db = location.open()?;
            let wanted: Vec<Ecosystem> = if ecosystems.is_empty() {
                Ecosystem::ALL.to_vec()
            } else {
                ecosystems
                    .iter()
                    .map(|name| {
                        Ecosystem::from_osv_name(name)
                            .ok_or_else(|| anyhow!("unknown ecosystem {name:?} (use OSV's names: crates.io, npm, PyPI, Go, RubyGems, Packagist, Maven, NuGet, Pub, Hex)"))
                    })
                    .collect::<Result<_>>()?
            };
            let mut failed = false;
            for (ecosystem, outcome) in db.update(&url, &wanted) {
                match outcome {
                    Ok(meta) => println!("updated {}", describe(&meta)),
                    Err(e) => {
                        failed = true;
                        eprintln!(
                            "ferret: error: {ecosystem}: {} (the previous {ecosystem} database is kept)",
                            escape(&e.to_string())
                        );
                    }
                }
            }
            Ok(if failed {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn describe(meta: &Meta) -> String {
    let days = meta.age_days();
    format!(
        "{}: {} advisories ({} withdrawn left out), imported {} ({days} days ago), newest advisory {}, from {}",
        meta.ecosystem,
        meta.advisories,
        meta.withdrawn,
        ferret_core::time::rfc3339(meta.imported_at as i64),
        meta.newest_modified.as_deref().unwrap_or("unknown"),
        escape(&meta.source)
    )
}
