//! `dockerfile-unpinned-packages`: OS or Python packages installed without a version.
//!
//! **What**: `apt-get install` / `apt install` and `apk add` of a package without `=version`,
//! and `pip install` of a package without `==version` (hadolint DL3008, DL3018, DL3013).
//! Requirement files (`-r`), constraints, local paths, archives and URLs are not reported.
//! **Why**: every build installs whatever the mirror serves that day: images stop being
//! reproducible, and a compromised or broken release enters the next build unnoticed.
//! **Example**: `RUN apt-get install -y curl && pip install requests`.
//! **Fix**: pin what you install (`curl=8.5.0-2ubuntu10.6`, `requests==2.32.3`), or install from
//! a locked requirements file with hashes.

use super::{runs_of, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct UnpinnedPackages;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-unpinned-packages",
    doc: include_str!("unpinned_packages.rs"),
    format: "Dockerfile",
    title: "Package installed without a pinned version",
    severity: Severity::Low,
    confidence: Confidence::High,
};

/// Options of `apt-get install`, `apk add` and `pip install` that take a value.
const VALUED: &[&str] = &[
    "-o",
    "-t",
    "--target-release",
    "--repository",
    "-X",
    "--root",
    "-p",
    "--virtual",
    "-t",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "--target",
    "--prefix",
    "-f",
    "--find-links",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--root-user-action",
];

/// The package names among `args`, without the options and their values.
fn packages(args: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut skip = false;
    for arg in args {
        if skip {
            skip = false;
            continue;
        }
        if arg.starts_with('-') {
            skip = VALUED.contains(&arg.as_str());
            continue;
        }
        out.push(arg.as_str());
    }
    out
}

/// The first unpinned package of an install, if any.
fn unpinned<'a>(program: &str, args: &'a [String]) -> Option<&'a str> {
    let pip = program.starts_with("pip") || program == "uv";
    if pip
        && args
            .iter()
            .any(|a| a == "-r" || a.starts_with("--requirement"))
    {
        return None;
    }
    packages(args).into_iter().find(|p| {
        if pip {
            let local = p.starts_with('.')
                || p.starts_with('/')
                || p.contains("://")
                || p.ends_with(".whl")
                || p.ends_with(".tar.gz")
                || p.ends_with(".zip");
            !local && !p.contains("==") && !p.contains("===") && !p.contains('@')
        } else {
            // apt: `pkg=1.2`, a local `.deb`; apk: `pkg=1.2`, `pkg~1.2`.
            !p.contains('=') && !p.contains('~') && !p.ends_with(".deb") && !p.contains('/')
        }
    })
}

impl Check<Dockerfile> for UnpinnedPackages {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let installs = runs_of(file, &["apt-get", "apt"], "install")
            .chain(runs_of(file, &["apk"], "add"))
            .chain(runs_of(
                file,
                &["pip", "pip3", "python", "python3"],
                "install",
            ));
        let mut reported = std::collections::BTreeSet::new();
        for (instruction, program, args) in installs {
            if let Some(package) = unpinned(&program, &args) {
                if reported.insert(instruction.line) {
                    findings.push(META.finding(
                        path,
                        instruction.line,
                        instruction.column,
                        &instruction.text,
                        &format!("{program} {package}"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn pinned_and_unpinned() {
        assert_eq!(
            unpinned("apt-get", &words("-y --no-install-recommends curl=8.5 git")),
            Some("git")
        );
        assert_eq!(unpinned("apt-get", &words("-y curl=8.5 ./local.deb")), None);
        assert_eq!(
            unpinned("apk", &words("--no-cache --virtual .build gcc=13.2")),
            None
        );
        assert_eq!(
            unpinned("apk", &words("--no-cache musl-dev")),
            Some("musl-dev")
        );
        assert_eq!(
            unpinned("pip", &words("--no-cache-dir requests==2.32.3 ./pkg")),
            None
        );
        assert_eq!(unpinned("pip", &words("-r requirements.txt")), None);
        assert_eq!(
            unpinned("pip3", &words("-c constraints.txt flask")),
            Some("flask")
        );
    }
}
