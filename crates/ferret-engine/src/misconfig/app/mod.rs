//! Application settings and frontend exposure: risky settings written in configuration files
//! and in the languages the code analyzer does not parse (Ruby, PHP, C#, Kotlin, Scala, Vue and
//! Svelte components): CORS, TLS verification, weak JWT secrets, database passwords; and what
//! built frontend bundles give away (source maps, secrets).
//!
//! Python, JavaScript/TypeScript, Go and Java source is the code analyzer's (`rules/code/`,
//! syntax-aware, with import resolution): its rules cover the same settings there, so these
//! checks leave such files alone unless they are built bundles.
//!
//! These checks read files line by line with regular expressions. One keyword pass over
//! the file (shared with the other analyzers when run by the scanner) finds which checks'
//! keywords occur at all; only those checks run, so a file that mentions none of them costs
//! nothing more. Test code (`tests/`, `*_test.go`,
//! `*.spec.ts`, …) is skipped: disabling TLS verification against a local test server is
//! normal there.

mod cors_credentials;
mod database_password;
mod secret_in_bundle;
mod source_map;
mod tls_verify_disabled;
mod weak_secret_key;

use super::CheckMeta;
use crate::keywords::{Keyword, KeywordHit, KeywordSet};
use ferret_core::Finding;
use regex::Regex;
use std::sync::LazyLock;

/// The language (or kind of file) a check is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    JavaScript,
    Go,
    Java,
    Ruby,
    Php,
    CSharp,
    /// YAML, JSON, TOML, INI, `.properties`, `.env`, `.npmrc` and friends.
    Config,
    /// A `.map` file.
    SourceMap,
}

/// One file as the application checks see it.
pub struct AppFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub lang: Lang,
    /// Built frontend output (`dist/`, `build/`, `*.min.js`, …) rather than source.
    pub bundle: bool,
}

pub use super::Check;

/// Every application check.
pub static CHECKS: &[&dyn for<'a> Check<AppFile<'a>>] = &[
    &cors_credentials::CorsCredentials,
    &tls_verify_disabled::TlsVerifyDisabled,
    &weak_secret_key::WeakSecretKey,
    &database_password::DatabasePassword,
    &source_map::SourceMap,
    &secret_in_bundle::SecretInBundle,
];

/// All keywords of all checks, in check order, and which check each belongs to.
static KEYWORDS: LazyLock<(Vec<&'static str>, Vec<usize>)> = LazyLock::new(|| {
    let mut words = Vec::new();
    let mut owners = Vec::new();
    for (i, check) in CHECKS.iter().enumerate() {
        for word in check.keywords() {
            words.push(*word);
            owners.push(i);
        }
    }
    (words, owners)
});

/// The same keywords compiled, for callers that have not located them already.
static KEYWORD_SET: LazyLock<KeywordSet> =
    LazyLock::new(|| KeywordSet::case_sensitive(&KEYWORDS.0).expect("application check keywords"));

/// Every check's keywords (case-sensitive), as [`run_all`]'s `keyword_hits` number them.
pub fn keywords() -> Vec<Keyword> {
    KEYWORDS
        .0
        .iter()
        .map(|word| Keyword {
            text: word.as_bytes().to_vec(),
            case_sensitive: true,
        })
        .collect()
}

/// The language of a path, if any application check reads it.
pub fn lang_of(path: &str) -> Option<Lang> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    Some(match ext {
        "py" => Lang::Python,
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "vue" | "svelte" => Lang::JavaScript,
        "go" => Lang::Go,
        "java" | "kt" | "kts" | "scala" => Lang::Java,
        "rb" => Lang::Ruby,
        "php" => Lang::Php,
        "cs" => Lang::CSharp,
        "map" => Lang::SourceMap,
        "yml" | "yaml" | "json" | "toml" | "ini" | "cfg" | "conf" | "properties" | "env" => {
            Lang::Config
        }
        _ if name.starts_with(".env") || name == ".npmrc" || name == ".yarnrc" => Lang::Config,
        _ => return None,
    })
}

/// Test code, where insecure settings are expected.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    lower.split('/').any(|part| {
        matches!(
            part,
            "test" | "tests" | "__tests__" | "spec" | "specs" | "testdata" | "fixtures" | "e2e"
        )
    }) || name.starts_with("test_")
        || name.ends_with("_test.go")
        || name.ends_with("_test.py")
        || [".test.", ".spec.", "_spec."]
            .iter()
            .any(|m| name.contains(m))
}

/// Built frontend output: minified or bundled JavaScript and what sits beside it.
pub fn is_bundle(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let in_output = lower.split('/').any(|part| {
        matches!(
            part,
            "dist" | "build" | "public" | "static" | "out" | "www" | ".next" | "assets"
        )
    });
    name.ends_with(".min.js")
        || name.ends_with(".bundle.js")
        || name.contains(".chunk.")
        || (in_output && (name.ends_with(".js") || name.ends_with(".map")))
}

/// Runs the application checks whose keywords occur in the file (nothing for files no check
/// reads, which are not even decoded). `keyword_hits` are the occurrences of [`keywords`] when
/// the caller has located them; otherwise they are searched here.
pub fn run_all(
    path: &str,
    content: &[u8],
    keyword_hits: Option<&[KeywordHit]>,
    findings: &mut Vec<Finding>,
) {
    let Some(lang) = lang_of(path) else {
        return;
    };
    let bundle = is_bundle(path);
    // Source the code analyzer parses is checked by its rules instead.
    if !bundle && ferret_code::CodeAnalyzer::handles(path) {
        return;
    }
    // Validating is much faster than the lossy conversion, and almost every file is UTF-8.
    let text = match std::str::from_utf8(content) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(content),
    };
    let text = text.as_ref();
    let owners = &KEYWORDS.1;
    let mut wanted = [false; 16];
    match keyword_hits {
        Some(hits) => hits
            .iter()
            .for_each(|hit| wanted[owners[hit.keyword]] = true),
        None => KEYWORD_SET.for_each_hit(text.as_bytes(), |keyword, _, _| {
            wanted[owners[keyword]] = true;
        }),
    }
    let file = AppFile {
        path,
        text,
        lang,
        bundle,
    };
    let test = is_test_path(path);
    for (i, check) in CHECKS.iter().enumerate() {
        if wanted[i] && (!test || file.bundle) {
            check.run(path, &file, findings);
        }
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line as u32, before[start..].chars().count() as u32 + 1)
}

/// The text a finding shows for a match at `offset`: its line, or for long (minified) lines a
/// window around the match.
pub fn context(text: &str, start: usize, end: usize) -> &str {
    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[end..]
        .find('\n')
        .map(|i| end + i)
        .unwrap_or(text.len());
    if line_end - line_start <= 200 {
        return &text[line_start..line_end];
    }
    let mut from = start.saturating_sub(40).max(line_start);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 40).min(line_end);
    while !text.is_char_boundary(to) {
        to += 1;
    }
    &text[from..to]
}

/// One finding per match of `pattern`; the matched text (not its line number) makes the
/// fingerprint.
pub fn report_matches(
    meta: &CheckMeta,
    file: &AppFile<'_>,
    pattern: &Regex,
    findings: &mut Vec<Finding>,
) {
    for m in pattern.find_iter(file.text) {
        findings.push(finding_at(meta, file, m.start(), m.end(), m.as_str(), None));
    }
}

/// A finding of `meta` for the text between `start` and `end`. `secret`, when given, is the
/// one value the snippet must hide (an empty one: nothing to hide); without it, the snippet
/// masks any `NAME=value` whose name looks secret.
pub fn finding_at(
    meta: &CheckMeta,
    file: &AppFile<'_>,
    start: usize,
    end: usize,
    evidence: &str,
    secret: Option<&str>,
) -> Finding {
    let matched = &file.text[start..end];
    let start = start + (matched.len() - matched.trim_start().len());
    let (line, column) = line_col(file.text, start);
    let shown = context(file.text, start, end);
    let mut finding = meta.finding(file.path, line, column, shown, evidence);
    if let Some(secret) = secret {
        let shown = shown.trim();
        let shown = if secret.is_empty() {
            shown.to_string()
        } else {
            shown.replace(secret, "*****")
        };
        finding.snippet = shown.chars().take(160).collect();
    }
    finding
}

/// Compiles a pattern written in this module (a bad one is a bug caught by the tests).
pub fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("application check pattern")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_tests_and_bundles() {
        assert_eq!(lang_of("app/settings.py"), Some(Lang::Python));
        assert_eq!(lang_of("web/.env.production"), Some(Lang::Config));
        assert_eq!(lang_of("README.md"), None);
        assert!(is_test_path("pkg/client_test.go"));
        assert!(is_test_path("src/__tests__/api.ts"));
        assert!(!is_test_path("src/testing_utils.py"));
        assert!(is_bundle("web/dist/app.js"));
        assert!(is_bundle("static/js/main.3f2a.chunk.js"));
        assert!(!is_bundle("src/app.js"));
    }

    #[test]
    fn long_lines_show_a_window() {
        let text = format!("{}needle{}", "a".repeat(500), "b".repeat(500));
        let shown = context(&text, 500, 506);
        assert!(shown.contains("needle") && shown.len() < 100);
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
