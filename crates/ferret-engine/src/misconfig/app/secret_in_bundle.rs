//! `app-secret-in-bundle`: a server-side secret compiled into frontend code.
//!
//! **What**: in built JavaScript (`dist/`, `*.min.js`, chunks), a secret-named key
//! (`clientSecret`, `API_SECRET`, `privateKey`, `DB_PASSWORD`, …) with a literal, random-looking
//! value — the typical result of a bundler inlining `process.env.*` that was never meant to
//! be public. Names marked public (`NEXT_PUBLIC_`, `VITE_`, `publishable`) are not reported.
//! **Why**: everything in a bundle is downloaded by every visitor; a secret there is published.
//! **Example**: `const c={clientSecret:"<random 20 characters>"}` in `dist/main.js`.
//! **Fix**: keep secrets on the server (call a backend endpoint), expose only public
//! identifiers to the bundler, and rotate the leaked secret.

use super::{finding_at, regex, AppFile, Check, Lang};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct SecretInBundle;

static META: CheckMeta = CheckMeta {
    id: "app-secret-in-bundle",
    doc: include_str!("secret_in_bundle.rs"),
    title: "Secret in a frontend bundle",
    format: "Application",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

/// Group 1: the name; group 2: the value.
static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"["']?([A-Za-z_$][\w$]*(?i:secret|private_?key|password|passwd)[\w$]*)["']?\s*[:=]\s*["']([^"'\s]{12,})["']"#,
    )
});

fn random_looking(value: &str) -> bool {
    value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_alphabetic())
        && !value.contains("://")
        && !value.starts_with('#')
}

impl<'a> Check<AppFile<'a>> for SecretInBundle {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["ecret", "ECRET", "rivate", "RIVATE", "assw", "ASSW"]
    }
    fn run(&self, _path: &str, file: &AppFile<'a>, findings: &mut Vec<Finding>) {
        if !file.bundle || file.lang != Lang::JavaScript {
            return;
        }
        for caps in PATTERN.captures_iter(file.text) {
            let (name, value) = (caps.get(1).expect("name"), caps.get(2).expect("value"));
            let lower = name.as_str().to_ascii_lowercase();
            if ["public", "publishable", "vite_", "placeholder"]
                .iter()
                .any(|p| lower.contains(p))
                || !random_looking(value.as_str())
            {
                continue;
            }
            let whole = caps.get(0).expect("match");
            findings.push(finding_at(
                &META,
                file,
                whole.start(),
                whole.end(),
                name.as_str(),
                Some(value.as_str()),
            ));
        }
    }
}
