//! Uploaded scan results: strict validation, then server-side re-redaction.
//!
//! The client is not trusted. Only the metadata fields of each finding are read (anything else
//! in the JSON, including a `secret` sent by `--show-secrets`, is ignored); every field is
//! checked for type, size and shape; paths must be repository-relative (no absolute paths, no
//! `..`, no control characters); titles of known rules come from the server's own catalog;
//! and evidence snippets are cut to one short line and redacted again with the server's secret
//! rules plus a mask for any long token-like run. So whatever a client sends, the server stores
//! at most a short, redacted line per finding — never file contents.

use crate::error::{ApiError, ApiResult};
use ferret_core::{Category, Confidence, Severity};
use ferret_engine::secrets::SecretMatcher;
use ferret_engine::Analyzer;
use serde::Deserialize;
use std::collections::HashMap;

/// Longest snippet stored, in characters.
pub const SNIPPET_MAX_CHARS: usize = 200;
/// Longest snippet accepted, in characters.
const SNIPPET_MAX_INPUT_CHARS: usize = 1000;
/// Runs of token characters at least this long are masked in snippets.
const TOKEN_RUN_MIN: usize = 20;

/// The upload body: `ferret scan --upload` sends this.
#[derive(Debug, Deserialize)]
pub struct UploadRequest {
    /// Registered repository name (or id) in the workspace.
    pub repository: String,
    pub branch: String,
    #[serde(default)]
    pub commit: Option<String>,
    pub findings: Vec<UploadedFinding>,
}

#[derive(Debug, Deserialize)]
pub struct UploadedFinding {
    pub rule_id: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    #[serde(default)]
    pub title: String,
    pub location: UploadedLocation,
    #[serde(default)]
    pub snippet: String,
    pub fingerprint: String,
    #[serde(default)]
    pub provenance: Option<UploadedProvenance>,
}

#[derive(Debug, Deserialize)]
pub struct UploadedLocation {
    pub path: String,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Debug, Deserialize)]
pub struct UploadedProvenance {
    pub commit: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub date: String,
}

/// A finding ready to store: validated, re-redacted.
#[derive(Debug, Clone)]
pub struct CleanFinding {
    pub fingerprint: String,
    pub rule_id: String,
    pub category: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    pub title: String,
    pub path: String,
    pub start_line: i64,
    pub start_column: i64,
    pub end_line: i64,
    pub end_column: i64,
    pub snippet: String,
    pub commit: Option<String>,
    pub author: Option<String>,
    pub committed_at: Option<String>,
}

/// The server's rule catalog and secret matcher, built once.
pub struct Redactor {
    matcher: Option<SecretMatcher>,
    titles: HashMap<String, String>,
    remediations: HashMap<String, String>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new()
    }
}

impl Redactor {
    pub fn new() -> Redactor {
        let matcher = SecretMatcher::builtin().ok();
        let mut titles = HashMap::new();
        let mut remediations = HashMap::new();
        let mut rules = ferret_engine::misconfig::ConfigAnalyzer.rules();
        if let Ok(specs) = ferret_engine::secrets::builtin_rule_specs() {
            if let Ok(m) = SecretMatcher::new(specs) {
                rules.extend(ferret_engine::secrets::SecretAnalyzer::new(m).rules());
            }
        }
        for rule in rules {
            titles.insert(rule.id.clone(), rule.name);
            remediations.insert(rule.id, rule.remediation);
        }
        Redactor {
            matcher,
            titles,
            remediations,
        }
    }

    /// The catalog's remediation for a built-in rule.
    pub fn remediation(&self, rule_id: &str) -> Option<&str> {
        self.remediations.get(rule_id).map(String::as_str)
    }

    /// Cuts a snippet to one short line and masks every secret and token-like run in it.
    pub fn redact(&self, snippet: &str) -> String {
        let line: String = snippet
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(SNIPPET_MAX_CHARS)
            .collect();
        let mut text = line;
        if let Some(matcher) = &self.matcher {
            let mut spans: Vec<_> = matcher
                .find(text.as_bytes())
                .into_iter()
                .map(|m| m.secret)
                .collect();
            spans.sort_by_key(|s| std::cmp::Reverse(s.start));
            for span in spans {
                if text.is_char_boundary(span.start) && text.is_char_boundary(span.end) {
                    let masked = ferret_core::redact_secret(&text[span.clone()]);
                    text.replace_range(span, &masked);
                }
            }
        }
        mask_token_runs(&text)
    }

    /// Validates one upload and returns the findings to store (duplicates by fingerprint are
    /// dropped). Errors name the offending finding by index.
    pub fn clean(
        &self,
        request: &UploadRequest,
        max_findings: usize,
    ) -> ApiResult<Vec<CleanFinding>> {
        check_name("repository", &request.repository, 200)?;
        check_branch(&request.branch)?;
        if let Some(commit) = &request.commit {
            check_commit("commit", commit)?;
        }
        if request.findings.len() > max_findings {
            return Err(ApiError::invalid(format!(
                "too many findings in one upload ({}; at most {max_findings})",
                request.findings.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(request.findings.len());
        for (index, finding) in request.findings.iter().enumerate() {
            let clean = self
                .clean_one(finding)
                .map_err(|message| ApiError::invalid(format!("findings[{index}]: {message}")))?;
            if seen.insert(clean.fingerprint.clone()) {
                out.push(clean);
            }
        }
        Ok(out)
    }

    fn clean_one(&self, f: &UploadedFinding) -> Result<CleanFinding, String> {
        if f.rule_id.is_empty()
            || f.rule_id.len() > 128
            || !f
                .rule_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./:".contains(&b))
        {
            return Err("rule_id must be 1-128 characters of letters, digits and -_./:".into());
        }
        if f.fingerprint.len() < 8
            || f.fingerprint.len() > 128
            || !f
                .fingerprint
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(&b))
        {
            return Err("fingerprint must be 8-128 characters of letters, digits and -_:.".into());
        }
        check_path(&f.location.path)?;
        let loc = &f.location;
        for (name, value, max) in [
            ("start_line", loc.start_line, 100_000_000),
            ("end_line", loc.end_line, 100_000_000),
            ("start_column", loc.start_column, 10_000_000),
            ("end_column", loc.end_column, 10_000_000),
        ] {
            if value == 0 || value > max {
                return Err(format!("location.{name} must be between 1 and {max}"));
            }
        }
        if loc.end_line < loc.start_line {
            return Err("location.end_line is before start_line".into());
        }
        if f.snippet.chars().count() > SNIPPET_MAX_INPUT_CHARS {
            return Err(format!(
                "snippet is longer than {SNIPPET_MAX_INPUT_CHARS} characters"
            ));
        }
        let title = match self.titles.get(&f.rule_id) {
            Some(title) => title.clone(),
            None => {
                if f.title.chars().count() > 200 || f.title.chars().any(char::is_control) {
                    return Err("title must be at most 200 characters on one line".into());
                }
                self.redact(&f.title)
            }
        };
        let (commit, author, committed_at) = match &f.provenance {
            Some(p) => {
                check_commit("provenance.commit", &p.commit).map_err(|e| e.message)?;
                if p.author.chars().count() > 200 || p.author.chars().any(char::is_control) {
                    return Err("provenance.author must be at most 200 characters".into());
                }
                if p.date.len() > 64 || p.date.chars().any(char::is_control) {
                    return Err("provenance.date must be at most 64 characters".into());
                }
                (
                    Some(p.commit.to_ascii_lowercase()),
                    Some(p.author.clone()).filter(|a| !a.is_empty()),
                    Some(p.date.clone()).filter(|d| !d.is_empty()),
                )
            }
            None => (None, None, None),
        };
        Ok(CleanFinding {
            fingerprint: f.fingerprint.clone(),
            rule_id: f.rule_id.clone(),
            category: match f.category {
                Category::Secret => "secret",
                Category::Config => "config",
                Category::Code => "code",
                Category::Dependency => "dependency",
            },
            severity: f.severity,
            confidence: f.confidence,
            title,
            path: f.location.path.clone(),
            start_line: loc.start_line as i64,
            start_column: loc.start_column as i64,
            end_line: loc.end_line as i64,
            end_column: loc.end_column as i64,
            snippet: self.redact(&f.snippet),
            commit,
            author,
            committed_at,
        })
    }
}

/// Masks every run of at least [`TOKEN_RUN_MIN`] token characters (letters, digits, `+=_-`)
/// that mixes letters and digits — the shape of keys, hashes and encoded blobs.
fn mask_token_runs(text: &str) -> String {
    let is_token = |c: char| c.is_ascii_alphanumeric() || "+=_-".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let looks_secret = run.chars().count() >= TOKEN_RUN_MIN
            && run.chars().any(|c| c.is_ascii_digit())
            && run.chars().any(|c| c.is_ascii_alphabetic());
        if looks_secret {
            out.push_str(&ferret_core::redact_secret(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Repository-relative, `/`-separated, no `..`, no absolute or drive paths, no control
/// characters, at most 1024 bytes.
pub fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.len() > 1024 {
        return Err("location.path must be 1-1024 bytes".into());
    }
    if path.chars().any(|c| c.is_control()) {
        return Err("location.path contains control characters".into());
    }
    if path.starts_with('/') || path.starts_with('\\') || path.contains('\\') {
        return Err("location.path must be repository-relative with / separators".into());
    }
    if path.len() >= 2 && path.as_bytes()[1] == b':' {
        return Err("location.path must not be a drive path".into());
    }
    if path
        .split('/')
        .any(|seg| seg == ".." || seg == "." || seg.is_empty())
    {
        return Err("location.path must not contain empty, . or .. segments".into());
    }
    Ok(())
}

/// A short name: letters, digits and `-_./`, not starting with `.` or `/`.
pub fn check_name(field: &str, value: &str, max: usize) -> ApiResult<()> {
    let ok = !value.is_empty()
        && value.len() <= max
        && !value.starts_with(['.', '/'])
        && !value.contains("..")
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "{field} must be 1-{max} characters of letters, digits and -_./"
        )))
    }
}

fn check_branch(branch: &str) -> ApiResult<()> {
    let ok = !branch.is_empty()
        && branch.len() <= 255
        && !branch.contains("..")
        && !branch
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid("branch is not a valid git branch name"))
    }
}

fn check_commit(field: &str, commit: &str) -> ApiResult<()> {
    if (4..=64).contains(&commit.len()) && commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "{field} must be a hexadecimal commit id"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_redacted_again_and_cut() {
        let r = Redactor::new();
        let leaked = "token = \"ghp_Abcdefghijklmnopqrstuvwxyz0123456789\"";
        let out = r.redact(leaked);
        assert!(!out.contains("Abcdefghijklmnop"), "{out}");
        let blob = format!("x = {}", "A1b2C3d4".repeat(10));
        assert!(
            !r.redact(&blob).contains("A1b2C3d4A1b2"),
            "token-like runs are masked"
        );
        let long = format!("{}\nsecond line", "a ".repeat(500));
        let out = r.redact(&long);
        assert!(out.chars().count() <= SNIPPET_MAX_CHARS && !out.contains("second"));
        assert_eq!(r.redact("DEBUG = True"), "DEBUG = True");
    }

    #[test]
    fn paths_must_stay_inside_the_repository() {
        assert!(check_path("src/main.rs").is_ok());
        assert!(check_path(".github/workflows/ci.yml").is_ok());
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../b",
            "a//b",
            "C:/x",
            "a\\b",
            "a\nb",
            "",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
    }
}
