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

use super::{shell_commands, Check, Dockerfile, Instruction};
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
        && shell_commands(args).len() <= 1
}

#[cfg(test)]
mod tests {
    use super::shell_commands;

    #[test]
    fn operators_inside_quotes_do_not_split_commands() {
        assert_eq!(
            shell_commands("apt-get update && apt-get install -y curl").len(),
            2
        );
        assert!(shell_commands("curl -s https://x | sh")[0].1);
        let sed = r##"sed -i 's#ErrorLog /x#ErrorLog "|/bin/cat 1>\&2"#' /etc/a.conf"##;
        assert_eq!(shell_commands(sed).len(), 1);
        assert_eq!(shell_commands("echo \"a; b\" && make 2>&1").len(), 2);
    }
}
