//! `dockerfile-user-not-numeric`: `USER` names a user instead of a numeric id.
//!
//! **What**: a `USER` instruction whose user is a name or a variable (`USER app`,
//! `USER $APP_USER`) rather than a number (`USER 10001`) (hadolint DL3066).
//! **Why**: Kubernetes' `runAsNonRoot` can only prove an image runs as non-root from a numeric
//! user: with a name it refuses to start the pod, so teams drop the setting — and a name can
//! resolve to UID 0 in another base image's `/etc/passwd`. Policy engines and admission
//! controllers read the number, not the name.
//! **Example**: `USER app`.
//! **Fix**: `USER 10001:10001` (create the user with that id, `useradd -u 10001 app`).

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct UserNotNumeric;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-user-not-numeric",
    doc: include_str!("user_not_numeric.rs"),
    format: "Dockerfile",
    title: "USER given by name, not numeric id",
    severity: Severity::Info,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for UserNotNumeric {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for user in file.instructions.iter().filter(|i| i.keyword == "USER") {
            let name = user.args.split(':').next().unwrap_or("").trim();
            if !name.is_empty() && !name.bytes().all(|b| b.is_ascii_digit()) {
                findings.push(META.finding(path, user.line, user.column, &user.text, name));
            }
        }
    }
}
