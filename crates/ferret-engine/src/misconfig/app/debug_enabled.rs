//! `app-debug-enabled`: debug mode switched on in application code or production settings.
//!
//! **What**: Django `DEBUG = True` in a settings module that is not a development, local or
//! test one; Flask `app.run(debug=True)`, `app.debug = True` or `app.config["DEBUG"] = True`.
//! **Why**: debug pages show stack traces, settings, environment variables and source; the
//! Werkzeug debugger even gives an interactive Python console to whoever triggers an error.
//! **Example**: `app.run(host="0.0.0.0", debug=True)`.
//! **Fix**: read debug from the environment, default off (`DEBUG = os.environ.get("DEBUG") ==
//! "1"`), and never enable it in production.

use super::{regex, report_matches, AppFile, Check, Lang};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct DebugEnabled;

static META: CheckMeta = CheckMeta {
    id: "app-debug-enabled",
    doc: include_str!("debug_enabled.rs"),
    title: "Debug mode enabled",
    format: "Application",
    severity: Severity::Medium,
    confidence: Confidence::Medium,
};

static DJANGO: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)^DEBUG\s*=\s*True\b"));
static FLASK: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?m)\.run\([^)\n]*\bdebug\s*=\s*True\b|^\s*app\.debug\s*=\s*True\b|app\.config\[\s*["']DEBUG["']\s*\]\s*=\s*True\b"#,
    )
});

/// A settings module meant for production (not `dev.py`, `local_settings.py`, `test.py`, …).
fn production_settings(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    (lower.contains("settings") || lower.contains("config"))
        && !["dev", "local", "test", "debug", "example", "sample"]
            .iter()
            .any(|w| name.contains(w))
}

impl<'a> Check<AppFile<'a>> for DebugEnabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["DEBUG", "debug"]
    }
    fn run(&self, _path: &str, file: &AppFile<'a>, findings: &mut Vec<Finding>) {
        if file.lang != Lang::Python {
            return;
        }
        if production_settings(file.path) {
            report_matches(&META, file, &DJANGO, findings);
        }
        report_matches(&META, file, &FLASK, findings);
    }
}
