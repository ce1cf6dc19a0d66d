//! `dockerfile-root-user`: the final stage runs as root.
//!
//! **What**: no `USER` instruction in the final build stage, or the last one is `root`/`0`.
//! **Why**: a process running as root in the container turns any code-execution bug into root
//! in the container, one kernel or runtime bug away from the host.
//! **Example**: `FROM node:22` … `CMD ["node", "server.js"]` with no `USER`.
//! **Fix**: create an unprivileged user and switch to it: `RUN useradd -r app` then `USER app`.
//!
//! A `FROM scratch` image without `USER` runs its binary as UID 0 too; a numeric
//! `USER 65532:65532` works there without an `/etc/passwd`.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct RootUser;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-root-user",
    doc: include_str!("root_user.rs"),
    format: "Dockerfile",
    title: "Container runs as root",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for RootUser {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        let Some(stage) = file.stages.last() else {
            return;
        };
        let last_user = file.final_stage().filter(|i| i.keyword == "USER").last();
        match last_user {
            Some(user) => {
                let name = user.args.split(':').next().unwrap_or("").trim();
                if name == "root" || name == "0" {
                    findings.push(META.finding(
                        path,
                        user.line,
                        user.column,
                        &user.text,
                        "USER root",
                    ));
                }
            }
            None => {
                let from = &file.instructions[stage.from];
                findings.push(META.finding(path, from.line, from.column, &from.text, "no USER"));
            }
        }
    }
}
