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
use ferret_core::redact::{self, ValueMask};
use ferret_core::Category;
use ferret_engine::secrets::SecretMatcher;
use std::collections::HashMap;

/// Longest snippet stored, in characters.
pub const SNIPPET_MAX_CHARS: usize = 200;
/// Longest snippet accepted, in characters.
const SNIPPET_MAX_INPUT_CHARS: usize = 1000;

pub use ferret_core::upload::{ScanUpload, UploadSummary, UploadedFinding};

pub use ferret_store::scans::CleanFinding;

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
        let catalog = ferret_engine::Catalog::builtin().ok();
        let matcher = catalog
            .as_ref()
            .and_then(|c| SecretMatcher::new(c.secret_rules().to_vec()).ok());
        let mut titles = HashMap::new();
        let mut remediations = HashMap::new();
        for rule in catalog.map(|c| c.rules()).unwrap_or_default() {
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

    /// Every value in `text` (its first line) that the server's rules see, unfiltered
    /// (placeholders and example hosts too), and every token-like run.
    fn secrets_in<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let line = text.lines().next().unwrap_or("");
        let mut values = redact::token_like_runs(line);
        values.extend(self.rule_matches_in(line));
        values
    }

    /// Every value in `line` that the server's rules see, unfiltered.
    fn rule_matches_in<'t>(&self, line: &'t str) -> Vec<&'t str> {
        let mut values = Vec::new();
        if let Some(matcher) = &self.matcher {
            for m in matcher.find_for_redaction(line.as_bytes()) {
                if let Some(value) = line.get(m.secret) {
                    values.push(value);
                }
            }
        }
        values
    }

    /// One short, masked line of `text`: every value of `mask`, and every secret-like value in
    /// the text itself, are masked before the cut (so a cut never leaves an unrecognisable
    /// piece in clear), and the cut falls between tokens.
    pub fn redact(&self, text: &str, mask: &ValueMask) -> String {
        let own = ValueMask::new(&self.secrets_in(text));
        let line = text.lines().next().unwrap_or("");
        redact::cut_snippet(&own.apply(&mask.apply(line)), SNIPPET_MAX_CHARS)
    }

    /// A name (path, author) with every value of `mask` and every rule match masked, not cut
    /// and without the token-like heuristic (hashed file names are common and harmless).
    fn redact_name(&self, name: &str, mask: &ValueMask) -> String {
        let masked = mask.apply(name);
        ValueMask::new(&self.rule_matches_in(&masked)).apply(&masked)
    }

    /// Whether the server's rules see a secret in `text` (identifiers must not carry one).
    fn holds_secret(&self, text: &str) -> bool {
        self.matcher
            .as_ref()
            .is_some_and(|m| !m.find_for_redaction(text.as_bytes()).is_empty())
    }

    /// Validates one upload and returns the findings to store (duplicates by fingerprint are
    /// dropped). Errors name the offending finding by index.
    pub fn clean(&self, request: &ScanUpload, max_findings: usize) -> ApiResult<Vec<CleanFinding>> {
        check_name("repository", &request.repository, 200)?;
        check_branch(&request.branch)?;
        if self.holds_secret(&request.branch) || self.holds_secret(&request.repository) {
            return Err(ApiError::invalid(
                "branch and repository must not contain secret-like values",
            ));
        }
        if let Some(commit) = &request.commit {
            check_commit("commit", commit)?;
        }
        if request.findings.len() > max_findings {
            return Err(ApiError::invalid(format!(
                "too many findings in one upload ({}; at most {max_findings})",
                request.findings.len()
            )));
        }
        // Whatever looks secret in any snippet of the upload is masked in every stored text of
        // it: a value a client also put into a path, a title or an author name stays hidden.
        let values: std::collections::HashSet<&str> = request
            .findings
            .iter()
            .flat_map(|f| self.secrets_in(&f.snippet))
            .collect();
        let values: Vec<&str> = values.into_iter().collect();
        let mask = ValueMask::new(&values);
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(request.findings.len());
        for (index, finding) in request.findings.iter().enumerate() {
            let clean = self
                .clean_one(finding, &mask)
                .map_err(|message| ApiError::invalid(format!("findings[{index}]: {message}")))?;
            if seen.insert(clean.fingerprint.clone()) {
                out.push(clean);
            }
        }
        Ok(out)
    }

    fn clean_one(&self, f: &UploadedFinding, mask: &ValueMask) -> Result<CleanFinding, String> {
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
        if self.holds_secret(&f.rule_id) {
            return Err("rule_id must not contain a secret-like value".into());
        }
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
                self.redact(&f.title, mask)
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
                    Some(self.redact_name(&p.author, mask)).filter(|a| !a.is_empty()),
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
            // A path is data, not a channel: anything secret-like in it is masked.
            path: self.redact_name(&f.location.path, mask),
            start_line: loc.start_line as i64,
            start_column: loc.start_column as i64,
            end_line: loc.end_line as i64,
            end_column: loc.end_column as i64,
            snippet: self.redact(&f.snippet, mask),
            commit,
            author,
            committed_at,
        })
    }
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
        let none = ValueMask::new::<&str>(&[]);
        let out = r.redact(leaked, &none);
        assert!(!out.contains("Abcdefghijklmnop"), "{out}");
        let blob = format!("x = {}", "A1b2C3d4".repeat(10));
        assert!(
            !r.redact(&blob, &none).contains("A1b2C3d4A1b2"),
            "token-like runs are masked"
        );
        let long = format!("{}\nsecond line", "a ".repeat(500));
        let out = r.redact(&long, &none);
        assert!(out.chars().count() <= SNIPPET_MAX_CHARS && !out.contains("second"));
        assert_eq!(r.redact("DEBUG = True", &none), "DEBUG = True");
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
