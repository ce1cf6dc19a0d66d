//! `dockerfile-missing-healthcheck`: an image without a `HEALTHCHECK`.
//!
//! **What**: a Dockerfile whose final stage has no `HEALTHCHECK` instruction (checkov
//! CKV_DOCKER_2). Reported at the final stage's `FROM`, at low severity: orchestrators that
//! probe health themselves (Kubernetes) do not need it.
//! **Why**: without it, Docker and Compose report a hung service as running and never restart
//! it.
//! **Example**: `FROM python:3.12-slim` … `CMD ["gunicorn", "app:app"]` with no health check.
//! **Fix**: `HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1`,
//! or `HEALTHCHECK NONE` to say the image has none on purpose.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct MissingHealthcheck;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-missing-healthcheck",
    doc: include_str!("missing_healthcheck.rs"),
    format: "Dockerfile",
    title: "No HEALTHCHECK in the image",
    severity: Severity::Low,
    confidence: Confidence::Medium,
};

impl Check<Dockerfile> for MissingHealthcheck {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let Some(last) = file.stages.len().checked_sub(1) else {
            return;
        };
        let has = file
            .instructions
            .iter()
            .any(|i| i.stage == last && i.keyword == "HEALTHCHECK");
        if has {
            return;
        }
        if let Some(from) = file.instructions.get(file.stages[last].from) {
            findings.push(META.finding(path, from.line, from.column, &from.text, "no HEALTHCHECK"));
        }
    }
}
