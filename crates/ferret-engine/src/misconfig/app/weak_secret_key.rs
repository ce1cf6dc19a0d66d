//! `app-weak-secret-key`: a session or JWT signing secret that is a default or guessable, in
//! code the code analyzer does not parse.
//!
//! **What**: a literal signing secret that is a well-known default (`secret`, `changeme`,
//! `keyboard cat`, `your-256-bit-secret`) or shorter than 16 characters, in Kotlin and Scala
//! `Algorithm.HMAC256("…")` / `signWith(…, "…")`, and in Vue and Svelte components'
//! `jwt.sign(…, "…")` / `secret:`. (Python, JavaScript/TypeScript, Go and Java source: the code
//! rules `py-weak-secret-key`, `py-hardcoded-jwt-secret`, `js-hardcoded-jwt-secret`,
//! `js-hardcoded-session-secret`, `go-hardcoded-jwt-key` and `java-hardcoded-jwt-secret`.)
//! **Why**: whoever knows or guesses the key forges session cookies and tokens for any user,
//! administrators included; default keys are the first thing attackers try.
//! **Example**: `val algorithm = Algorithm.HMAC256("secret")` in a Kotlin service.
//! **Fix**: generate a long random key (32+ bytes) per environment and load it from the
//! environment or a secret manager.
//!
//! Long random literals are leaked secrets rather than weak ones: the secret rules report them.

use super::{finding_at, regex, AppFile, Check, Lang};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct WeakSecretKey;

static META: CheckMeta = CheckMeta {
    id: "app-weak-secret-key",
    doc: include_str!("weak_secret_key.rs"),
    title: "Weak or default session/JWT secret",
    format: "Application",
    severity: Severity::High,
    confidence: Confidence::High,
};

/// Each pattern's group 1 is the secret.
static PATTERNS: LazyLock<[(Lang, Regex); 2]> = LazyLock::new(|| {
    [
        (
            Lang::JavaScript,
            regex(
                r#"jwt\.(?:sign|verify)\([^,\n]+,\s*["'`]([^"'`\n]*)["'`]|\bsecret(?:OrKey)?\s*:\s*["'`]([^"'`\n]*)["'`]"#,
            ),
        ),
        (
            Lang::Java,
            regex(
                r#"Algorithm\.HMAC(?:256|384|512)\(\s*"([^"\n]*)"|signWith\([^,\n]*,\s*"([^"\n]*)""#,
            ),
        ),
    ]
});

const DEFAULTS: [&str; 16] = [
    "secret",
    "changeme",
    "change-me",
    "change_me",
    "keyboard cat",
    "your-256-bit-secret",
    "your-secret-key",
    "your_secret_key",
    "mysecret",
    "my-secret",
    "supersecret",
    "secretkey",
    "secret-key",
    "default",
    "password",
    "development",
];

fn weak(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    !value.is_empty()
        && (value.chars().count() < 16
            || lower.starts_with("django-insecure-")
            || DEFAULTS.iter().any(|d| {
                lower == *d || lower.replace(['-', '_', ' '], "") == d.replace(['-', '_', ' '], "")
            }))
}

impl<'a> Check<AppFile<'a>> for WeakSecretKey {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }
    fn keywords(&self) -> &'static [&'static str] {
        &[
            "SECRET",
            "secret",
            "jwt",
            "SignedString",
            "HMAC",
            "signWith",
        ]
    }
    fn run(&self, _path: &str, file: &AppFile<'a>, findings: &mut Vec<Finding>) {
        if file.bundle {
            return;
        }
        for (lang, pattern) in PATTERNS.iter() {
            if *lang != file.lang {
                continue;
            }
            // A bare `secret:` key is only a signing secret in session/JWT set-up code.
            if *lang == Lang::JavaScript
                && !["session", "jwt", "passport", "Strategy"]
                    .iter()
                    .any(|w| file.text.contains(w))
            {
                continue;
            }
            for caps in pattern.captures_iter(file.text) {
                let Some(secret) = caps.iter().skip(1).flatten().next() else {
                    continue;
                };
                if weak(secret.as_str()) {
                    let whole = caps.get(0).expect("match");
                    findings.push(finding_at(
                        &META,
                        file,
                        whole.start(),
                        whole.end(),
                        whole.as_str(),
                        Some(secret.as_str()),
                    ));
                }
            }
        }
    }
}
