//! `dockerfile-tls-verification-disabled`: certificate checks turned off during the build.
//!
//! **What**: `curl -k`/`--insecure`, `wget --no-check-certificate`, `GIT_SSL_NO_VERIFY`,
//! `git -c http.sslVerify=false`, `pip --trusted-host`, `npm config set strict-ssl false`,
//! `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `NPM_CONFIG_STRICT_SSL=false`,
//! `PIP_TRUSTED_HOST` — as flags of the tool they belong to, settings given to a command
//! (`GIT_SSL_NO_VERIFY=1 git clone`, `export …`) or `ENV`/`ARG` (any of its forms). Not:
//! the same words in `echo` or `grep` arguments, `unset GIT_SSL_NO_VERIFY`, or a longer
//! variable name that merely ends the same way.
//! **Why**: anyone on the network path can swap what the build downloads.
//! **Example**: `RUN curl -k https://internal/pkg.tgz | tar xz`.
//! **Fix**: install the right CA certificate instead of disabling verification.

use super::{Check, Dockerfile};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct TlsDisabled;

static META: CheckMeta = CheckMeta {
    id: "dockerfile-tls-verification-disabled",
    doc: include_str!("tls_disabled.rs"),
    format: "Dockerfile",
    title: "TLS verification disabled",
    severity: Severity::High,
    confidence: Confidence::High,
};

/// Whether setting variable `name` to `value` turns certificate checks off.
fn disabling_setting(name: &str, value: &str) -> bool {
    let value = value
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    let off = matches!(value.as_str(), "0" | "false" | "no" | "off");
    match name.to_ascii_uppercase().as_str() {
        "GIT_SSL_NO_VERIFY" => !value.is_empty() && !off,
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" | "NPM_CONFIG_STRICT_SSL" => off,
        "PIP_TRUSTED_HOST" => !value.is_empty(),
        _ => false,
    }
}

/// What in one shell command turns certificate checks off, if anything.
fn disabling_command(command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    // Settings given to the command (`NAME=value cmd`), and `export NAME=value`.
    let program = super::program(command);
    let leading = words.iter().take_while(|w| w.contains('=') || **w == "env");
    let exported = words.iter().skip(1).filter(|_| program == "export");
    for word in leading.chain(exported) {
        if let Some((name, value)) = word.split_once('=') {
            if disabling_setting(name, value) {
                return Some("a setting that disables certificate checks");
            }
        }
    }
    let args: Vec<String> = words
        .iter()
        .skip_while(|w| w.contains('=') || **w == "env" || **w == "sudo")
        .skip(1)
        .map(|w| {
            w.trim_matches(|c| c == '"' || c == '\'')
                .to_ascii_lowercase()
        })
        .collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let joined = args.join(" ");
    match program {
        "curl" => {
            let short_k = args
                .iter()
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('k'));
            (short_k || has("--insecure")).then_some("curl --insecure")
        }
        "wget" => has("--no-check-certificate").then_some("wget --no-check-certificate"),
        "pip" | "pip3" | "uv" => args
            .iter()
            .any(|a| a == "--trusted-host" || a.starts_with("--trusted-host="))
            .then_some("pip --trusted-host"),
        "python" | "python3" if joined.starts_with("-m pip") => args
            .iter()
            .any(|a| a == "--trusted-host" || a.starts_with("--trusted-host="))
            .then_some("pip --trusted-host"),
        "git" => (joined.contains("http.sslverify=false")
            || joined.contains("http.sslverify false"))
        .then_some("git http.sslVerify false"),
        "npm" | "yarn" | "pnpm" => (joined.contains("strict-ssl false")
            || joined.contains("strict-ssl=false")
            || has("--strict-ssl=false"))
        .then_some("strict-ssl false"),
        _ => None,
    }
}

impl Check<Dockerfile> for TlsDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &Dockerfile, findings: &mut Vec<Finding>) {
        for instruction in &file.instructions {
            let evidence = match instruction.keyword.as_str() {
                "RUN" => super::shell_commands(&instruction.args)
                    .iter()
                    .find_map(|(command, _)| disabling_command(command)),
                "ENV" | "ARG" => super::assignments(&instruction.args)
                    .iter()
                    .any(|(name, value)| disabling_setting(name, value))
                    .then_some("a setting that disables certificate checks"),
                _ => None,
            };
            if let Some(evidence) = evidence {
                findings.push(META.finding(
                    path,
                    instruction.line,
                    instruction.column,
                    &instruction.text,
                    evidence,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_settings_not_substrings() {
        for fires in [
            "curl -k https://x/y.tgz",
            "curl -fsSLk https://x",
            "curl --insecure https://x",
            "wget --no-check-certificate https://x",
            "pip install --trusted-host pypi.internal pkg",
            "python3 -m pip install --trusted-host=pypi.internal pkg",
            "git -c http.sslVerify=false clone https://x",
            "git config --global http.sslverify false",
            "npm config set strict-ssl false",
            "GIT_SSL_NO_VERIFY=1 git clone https://x",
            "export NODE_TLS_REJECT_UNAUTHORIZED=0",
        ] {
            assert!(disabling_command(fires).is_some(), "{fires}");
        }
        for quiet in [
            "echo \"--insecure\"",
            "grep -- --no-check-certificate notes.txt",
            "unset GIT_SSL_NO_VERIFY",
            "ASDFGIT_SSL_NO_VERIFY=1 make",
            "curl -fsSL https://x",
            "GIT_SSL_NO_VERIFY=0 git clone https://x",
            "npm config set strict-ssl true",
        ] {
            assert_eq!(disabling_command(quiet), None, "{quiet}");
        }
        assert!(disabling_setting("NPM_CONFIG_STRICT_SSL", "\"false\""));
        assert!(disabling_setting("PIP_TRUSTED_HOST", "pypi.internal"));
        assert!(!disabling_setting("NODE_TLS_REJECT_UNAUTHORIZED", "1"));
    }
}
