//! `app-cors-wildcard-credentials`: any origin may make credentialed cross-site requests, in
//! code the code analyzer does not parse.
//!
//! **What**: in Ruby, PHP, C#, Kotlin, Scala, Vue or Svelte source, a CORS configuration that
//! allows every origin (`origins "*"`, `origin: true`, `allowedOrigins("*")`,
//! `Access-Control-Allow-Origin: *`) in a file that also allows credentials
//! (`credentials: true`, `allowCredentials(true)`, `Access-Control-Allow-Credentials: true`).
//! (Python, JavaScript/TypeScript, Go and Java source: the code rules
//! `py-cors-any-origin-credentials`, `js-cors-credentials-any-origin`,
//! `js-cors-header-any-origin-credentials`, `go-cors-config-any-origin-credentials`,
//! `go-cors-any-origin` and `java-cors-any-origin`.)
//! **Why**: most libraries then reflect the caller's origin, so any web page a signed-in user
//! visits can call the API with the user's cookies and read the answers.
//! **Example**: `header("Access-Control-Allow-Origin: *"); header("Access-Control-Allow-Credentials: true");` in PHP.
//! **Fix**: list the trusted origins explicitly when credentials are allowed.

use super::{finding_at, regex, AppFile, Check, Lang};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct CorsCredentials;

static META: CheckMeta = CheckMeta {
    id: "app-cors-wildcard-credentials",
    doc: include_str!("cors_credentials.rs"),
    title: "CORS allows any origin with credentials",
    format: "Application",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

static ANY_ORIGIN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"\borigins?\s*[:=]\s*(?:["']\*["']|true\b|\[\s*["']\*["']\s*\])|CORS_(?:ORIGIN_)?ALLOW_ALL(?:_ORIGINS)?\s*=\s*True\b|AllowAllOrigins\s*:\s*true\b|Allow(?:ed)?Origins\s*:\s*\[\]string\{\s*"\*"\s*\}|allowedOrigins\(\s*"\*"\s*\)|allowedOriginPatterns\(\s*"\*"\s*\)|origins\s*=\s*"\*"|Access-Control-Allow-Origin["']?\s*[,:=]\s*["']?\*|CORS\(\s*app\s*,\s*supports_credentials\s*=\s*True\s*\)"#,
    )
});
static CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"\bcredentials\s*:\s*true\b|CORS_ALLOW_CREDENTIALS\s*=\s*True\b|supports_credentials\s*=\s*True\b|AllowCredentials\s*:\s*true\b|allowCredentials\(\s*true\s*\)|allowCredentials\s*=\s*"true"|Access-Control-Allow-Credentials["']?\s*[,:=]\s*["']?true"#,
    )
});

impl<'a> Check<AppFile<'a>> for CorsCredentials {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["redentials", "REDENTIALS"]
    }
    fn run(&self, _path: &str, file: &AppFile<'a>, findings: &mut Vec<Finding>) {
        if matches!(file.lang, Lang::Config | Lang::SourceMap) || file.bundle {
            return;
        }
        if !CREDENTIALS.is_match(file.text) {
            return;
        }
        for m in ANY_ORIGIN.find_iter(file.text) {
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
