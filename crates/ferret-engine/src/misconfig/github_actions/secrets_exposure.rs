//! `gha-secrets-exposure`: more secrets than needed, or secret values the log cannot mask.
//!
//! **What**: the whole secrets context handed to a step — `${{ toJSON(secrets) }}`, or a secret
//! picked by a computed name (`secrets[matrix.name]`, `secrets[format(…)]`) — or a value
//! derived from a secret by `fromJSON(secrets.X)`.
//! **Why**: GitHub gives a job the secrets its expressions name; `toJSON(secrets)` and computed
//! names give it every secret of the repository and organization, so one compromised step reads
//! them all. Fields pulled out of a JSON secret are new strings the runner never registered, so
//! they are printed in logs unmasked.
//! **Example**: `env: { ALL: "${{ toJSON(secrets) }}" }`; `${{ fromJSON(secrets.CONFIG).token }}`.
//! **Fix**: name each secret the step needs (`secrets.DEPLOY_KEY`); store the fields of a JSON
//! secret as secrets of their own, or call `::add-mask::` on each before use.

use super::{Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct SecretsExposure;

static META: CheckMeta = CheckMeta {
    id: "gha-secrets-exposure",
    doc: include_str!("secrets_exposure.rs"),
    title: "Whole secrets context or unmasked secret-derived value",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

/// `toJSON(secrets)`, `secrets[<expression>]`, `fromJSON(secrets.X)` inside `${{ }}`.
static EXPOSURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\btojson\(\s*secrets\s*\)|\bsecrets\s*\[\s*[^'\x22\s\]]|\bfromjson\(\s*secrets\s*[.\[]",
    )
    .expect("the secrets-exposure pattern compiles")
});

impl Check<Workflow> for SecretsExposure {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        for line in &workflow.lines {
            let text = &line.text;
            if text.trim_start().starts_with('#') || !text.contains("${{") {
                continue;
            }
            if let Some(found) = EXPOSURE.find(text) {
                findings.push(META.finding(
                    path,
                    line.number,
                    found.start() as u32 + 1,
                    text,
                    found.as_str(),
                ));
            }
        }
    }
}
