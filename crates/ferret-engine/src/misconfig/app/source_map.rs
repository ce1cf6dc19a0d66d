//! `app-source-map-exposed`: source maps shipped with built frontend code.
//!
//! **What**: a `.map` file in build output (`dist/`, `build/`, `public/`, `static/`, …) that
//! embeds the original sources (`sourcesContent`), or a bundle with an inline
//! `sourceMappingURL=data:` map.
//! **Why**: whoever loads the site downloads the unminified application source — internal
//! endpoints, feature flags, comments, sometimes keys.
//! **Example**: `dist/assets/index-4f3a.js.map` committed and deployed.
//! **Fix**: build production bundles without source maps (or with `hidden-source-map` and
//! upload them only to the error tracker), and keep build output out of the repository.

use super::{finding_at, AppFile, Check, Lang};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SourceMap;

static META: CheckMeta = CheckMeta {
    id: "app-source-map-exposed",
    doc: include_str!("source_map.rs"),
    title: "Source map shipped with the frontend",
    format: "Application",
    severity: Severity::Low,
    confidence: Confidence::High,
};

impl<'a> Check<AppFile<'a>> for SourceMap {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["sourcesContent", "sourceMappingURL=data:"]
    }
    fn run(&self, _path: &str, file: &AppFile<'a>, findings: &mut Vec<Finding>) {
        if !file.bundle {
            return;
        }
        let needle = match file.lang {
            Lang::SourceMap => "\"sourcesContent\"",
            Lang::JavaScript => "sourceMappingURL=data:",
            _ => return,
        };
        if let Some(at) = file.text.find(needle) {
            let mut finding = finding_at(&META, file, at, at + needle.len(), needle, Some(""));
            // The file's text is the application's source: show only what was found.
            finding.snippet = needle.to_string();
            findings.push(finding);
        }
    }
}
