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
//!
//! A variable is read through the `ARG` and `ENV` defaults before it (`ARG NB_UID=1000`).

use super::{assignments, substitute, Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use std::collections::HashMap;

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
        // `ARG`/`ENV` defaults seen so far: `USER ${NB_UID}` after `ARG NB_UID=1000` is numeric.
        let mut defaults = HashMap::new();
        for instruction in &file.instructions {
            match instruction.keyword.as_str() {
                "ARG" | "ENV" => {
                    for (name, value) in assignments(&instruction.args) {
                        match substitute(&value, &defaults).filter(|v| !v.is_empty()) {
                            Some(value) => defaults.insert(name, value),
                            None => defaults.remove(&name),
                        };
                    }
                }
                "USER" => {
                    let user = instruction.args.split(':').next().unwrap_or("").trim();
                    let resolved = substitute(user, &defaults).unwrap_or_else(|| user.to_string());
                    if !user.is_empty() && !resolved.bytes().all(|b| b.is_ascii_digit()) {
                        findings.push(META.finding(
                            path,
                            instruction.line,
                            instruction.column,
                            &instruction.text,
                            user,
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}
