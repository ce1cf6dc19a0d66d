//! `app-token-in-local-storage`: authentication tokens kept in Web Storage.
//!
//! **What**: `localStorage.setItem("token", …)`, `localStorage.accessToken = …`,
//! `sessionStorage["jwt"] = …` and the like, for keys naming a token, JWT, session or
//! credential.
//! **Why**: Web Storage is readable by every script on the page, so one XSS bug (or one
//! compromised npm dependency) exfiltrates every user's session.
//! **Example**: `localStorage.setItem("access_token", response.token)`.
//! **Fix**: keep sessions in `HttpOnly; Secure; SameSite` cookies, or hold tokens in memory
//! only.

use super::{finding_at, regex, AppFile, Check, Lang};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct TokenInLocalStorage;

static META: CheckMeta = CheckMeta {
    id: "app-token-in-local-storage",
    doc: include_str!("token_in_local_storage.rs"),
    title: "Auth token stored in localStorage",
    format: "Application",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)\b(?:local|session)Storage\s*(?:\.setItem\(\s*["'`][\w.:-]*(?:token|jwt|auth|session|credential|bearer)[\w.:-]*["'`]\s*,|\[\s*["'`][\w.:-]*(?:token|jwt|auth|session|credential|bearer)[\w.:-]*["'`]\s*\]\s*=[^=]|\.[\w$]*(?:token|jwt|auth|session|credential|bearer)[\w$]*\s*=[^=])"#,
    )
});

impl<'a> Check<AppFile<'a>> for TokenInLocalStorage {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["Storage"]
    }
    fn run(&self, _path: &str, file: &AppFile<'a>, findings: &mut Vec<Finding>) {
        if file.lang == Lang::JavaScript && !file.bundle {
            for m in PATTERN.find_iter(file.text) {
                findings.push(finding_at(
                    &META,
                    file,
                    m.start(),
                    m.end(),
                    m.as_str(),
                    Some(""),
                ));
            }
        }
    }
}
