//! `dockerfile-consecutive-run`: consecutive `RUN` instructions that could be one.
//!
//! **What**: a single-command `RUN` directly after another single-command `RUN` in the same
//! stage (hadolint DL3059), reported at each one after the first. A `RUN` that chains commands
//! (`&&`, `;`, `||`, a pipe, a heredoc) or mounts a cache or secret marks a layer boundary
//! someone chose, and is left alone.
//! **Why**: each `RUN` is a layer: files one step deletes still ship in the layer before it,
//! and many small layers make images bigger and pulls slower.
//! **Example**: `RUN apt-get update` followed by `RUN apt-get install -y curl`.
//! **Fix**: join them with `&&` (and a `\` line continuation) into one `RUN`.

use super::{Check, Dockerfile, Instruction};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct ConsecutiveRun;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-consecutive-run",
    doc: include_str!("consecutive_run.rs"),
    format: "Dockerfile",
    title: "Consecutive RUN instructions",
    severity: Severity::Info,
    confidence: Confidence::High,
};

impl Check<Dockerfile> for ConsecutiveRun {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for pair in file.instructions.windows(2) {
            let (before, this) = (&pair[0], &pair[1]);
            if before.stage == this.stage && single_command(before) && single_command(this) {
                findings.push(META.finding(path, this.line, this.column, &this.text, &this.args));
            }
        }
    }
}

/// A `RUN` of one plain command: no chaining, pipe, heredoc or mount.
fn single_command(instruction: &Instruction) -> bool {
    let args = instruction.args.trim_start();
    instruction.keyword == "RUN"
        && !args.starts_with("--mount")
        && !args.contains('\n')
        && !chains(args)
}

/// Whether a shell command line has `&&`, `||`, `;` or `|` outside quotes.
fn chains(command: &str) -> bool {
    let mut quote = None;
    let mut escaped = false;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (_, '\\') => escaped = true,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '|' | ';') => return true,
            // `&&`; a lone `&` is a redirection (`2>&1`) or a background job.
            (None, '&') if chars.peek() == Some(&'&') => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::chains;

    #[test]
    fn operators_inside_quotes_do_not_chain() {
        assert!(chains("apt-get update && apt-get install -y curl"));
        assert!(chains("curl -s https://x | sh"));
        assert!(!chains(
            r##"sed -i 's#ErrorLog /x#ErrorLog "|/bin/cat 1>\&2"#' /etc/a.conf"##
        ));
        assert!(!chains("make build 2>&1"));
    }
}
