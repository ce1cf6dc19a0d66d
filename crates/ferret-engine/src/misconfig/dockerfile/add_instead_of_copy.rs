//! `dockerfile-add-instead-of-copy`: `ADD` used to copy local files.
//!
//! **What**: an `ADD` whose sources are local files or directories that are not archives
//! (hadolint DL3020). Downloads are `dockerfile-add-url`'s; `ADD` of a local `.tar`, `.tar.gz`,
//! `.tgz`, `.tar.xz` or `.tar.bz2`, which `ADD` unpacks on purpose, is not reported.
//! **Why**: `ADD` has magic a plain copy does not need — it unpacks archives and fetches URLs —
//! so a source that changes shape (a file renamed to `.tar`, a path turned into a URL) silently
//! changes what lands in the image. `COPY` does only what it says.
//! **Example**: `ADD ./app /srv/app`.
//! **Fix**: `COPY ./app /srv/app`.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct AddInsteadOfCopy;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-add-instead-of-copy",
    doc: include_str!("add_instead_of_copy.rs"),
    format: "Dockerfile",
    title: "ADD used where COPY would do",
    severity: Severity::Info,
    confidence: Confidence::High,
};

const ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2",
];

impl Check<Dockerfile> for AddInsteadOfCopy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in file.instructions.iter().filter(|i| i.keyword == "ADD") {
            let args = instruction.args.trim();
            // Exec form: `ADD ["a", "b", "/dest/"]`.
            let words: Vec<&str> = if args.starts_with('[') {
                args.trim_matches(|c| c == '[' || c == ']')
                    .split(',')
                    .map(|w| w.trim().trim_matches('"'))
                    .collect()
            } else {
                args.split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect()
            };
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            let local_files = !sources.is_empty()
                && sources.iter().all(|s| {
                    let lower = s.to_ascii_lowercase();
                    !lower.contains("://")
                        && !lower.starts_with("git@")
                        && !ARCHIVES.iter().any(|a| lower.ends_with(a))
                });
            if local_files {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    &instruction.args,
                ));
            }
        }
    }
}
