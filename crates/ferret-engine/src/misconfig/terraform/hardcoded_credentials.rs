//! `tf-hardcoded-credentials`: credentials written into Terraform code.
//!
//! **What**: literal values for credential arguments of a `provider` block (`access_key`,
//! `secret_key`, `token`, `password`, `client_secret`, inline `credentials` JSON); literal
//! values of secret-named arguments anywhere (`password = "…"`, a Lambda `environment {
//! variables = { DB_PASSWORD = "…" } }`, ECS `{ name = "API_TOKEN", value = "…" }`); defaults of
//! secret-named variables; `NAME=value` secret assignments inside `user_data`. Not idempotency
//! tokens (`creation_token`) or condition keys such as GitHub's OIDC claims
//! (`token.actions.githubusercontent.com:sub`).
//! **Why**: the value lands in version control, in every clone and CI log, and in the state
//! file; it cannot be rotated without a commit, and everyone with read access holds it.
//! **Example**: `provider "aws" { secret_key = "wJalr…" }`.
//! **Fix**: take credentials from the environment or a secret manager (`aws_secretsmanager_secret_version`,
//! `random_password`, a `sensitive` variable without default, `manage_master_user_password`).
//!
//! Values that are references, templates (`"${…}"`) or booleans are not reported.

use super::{Attr, Block, Check, Pos, TerraformFile, Value};
use crate::misconfig::{literal, secret_name, CheckMeta};
use crate::secrets::filters::is_placeholder;
use ferret_core::{Confidence, Finding, Severity};

pub struct HardcodedCredentials;

static META: CheckMeta = CheckMeta {
    id: "tf-hardcoded-credentials",
    doc: include_str!("hardcoded_credentials.rs"),
    title: "Hard-coded credential in Terraform",
    format: "Terraform",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

const PROVIDER_KEYS: [&str; 7] = [
    "access_key",
    "secret_key",
    "token",
    "password",
    "client_secret",
    "client_certificate_password",
    "credentials",
];

/// A secret-named argument, minus Terraform's settings that merely mention one
/// (`http_tokens`, `password_policy`, `secret_rotation_enabled`, …).
fn secret_key(key: &str) -> bool {
    const SETTINGS: [&str; 10] = [
        "_tokens",
        "_type",
        "_policy",
        "_length",
        "_arn",
        "_version",
        "_enabled",
        "_rotation",
        "_mode",
        "_required",
    ];
    // Idempotency tokens name a request, not a secret (EFS `creation_token`).
    const NOT_SECRETS: [&str; 3] = [
        "creation_token",
        "client_request_token",
        "idempotency_token",
    ];
    let lower = key.to_ascii_lowercase();
    secret_name(key)
        && !SETTINGS.iter().any(|s| lower.ends_with(s))
        && !NOT_SECRETS.contains(&lower.as_str())
        // A condition key such as GitHub's OIDC claim `token.actions.githubusercontent.com:sub`
        // is not an argument name.
        && !key.contains(['.', ':'])
}

/// A literal that can be a credential: not a keyword, placeholder (`none`, `changeme`, …),
/// ARN or file name (`private_key.pem`).
fn secret_literal(value: &Value) -> bool {
    const KEYWORDS: [&str; 6] = ["true", "false", "none", "nil", "undefined", "disabled"];
    const FILES: [&str; 8] = [
        ".pem", ".key", ".json", ".txt", ".crt", ".p12", ".pfx", ".ppk",
    ];
    value.as_str().is_some_and(|v| {
        let lower = v.to_ascii_lowercase();
        literal(v)
            && !KEYWORDS.contains(&lower.as_str())
            && !is_placeholder(v.as_bytes(), false)
            && !FILES.iter().any(|ext| lower.ends_with(ext))
            && !v.starts_with("arn:")
    })
}

struct Reporter<'a> {
    file: &'a TerraformFile,
    path: &'a str,
    findings: &'a mut Vec<Finding>,
}

impl Reporter<'_> {
    fn report(&mut self, pos: Pos, key: &str, evidence: String) {
        let mut finding = self.file.finding(&META, self.path, pos, &evidence);
        // Never carry the value: keep what precedes it.
        let line = self.file.line(pos).trim();
        let head = line.split(['=', ':']).next().unwrap_or(key).trim();
        finding.snippet = format!("{head} = \"*****\"");
        self.findings.push(finding);
    }

    /// Secret-named keys with literal values inside an object (Lambda variables, ECS env).
    fn object(&mut self, owner: &str, attr: &Attr, value: &Value) {
        match value {
            Value::Object(fields) => {
                let named = fields
                    .iter()
                    .find(|(k, _)| k == "name")
                    .and_then(|(_, v)| v.as_str());
                let inner = fields.iter().find(|(k, _)| k == "value").map(|(_, v)| v);
                if let (Some(name), Some(inner)) = (named, inner) {
                    if secret_key(name) && secret_literal(inner) {
                        let pos = self.file.find_after(attr.pos, name);
                        self.report(pos, name, format!("{owner}:{}:{name}", attr.key));
                    }
                }
                for (key, inner) in fields {
                    if secret_key(key) && secret_literal(inner) {
                        let pos = self.file.find_after(attr.pos, key);
                        self.report(pos, key, format!("{owner}:{}:{key}", attr.key));
                    } else {
                        self.object(owner, attr, inner);
                    }
                }
            }
            Value::List(items) => {
                for item in items {
                    self.object(owner, attr, item);
                }
            }
            _ => {}
        }
    }

    fn user_data(&mut self, owner: &str, attr: &Attr) {
        let Some(text) = attr.value.text() else {
            return;
        };
        for line in text.lines() {
            let line = line.trim().trim_start_matches("export ").trim();
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let name = name.trim();
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            if !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && secret_name(name)
                && literal(value)
            {
                let pos = self.file.find_after(attr.pos, name);
                self.report(pos, name, format!("{owner}:{}:{name}", attr.key));
            }
        }
    }

    fn block(&mut self, owner: &str, block: &Block) {
        for attr in &block.attrs {
            let key = attr.key.as_str();
            if key == "user_data" {
                self.user_data(owner, attr);
            } else if secret_key(key) && secret_literal(&attr.value) {
                self.report(attr.pos, key, format!("{owner}:{key}"));
            } else {
                self.object(owner, attr, &attr.value);
            }
        }
        for nested in &block.blocks {
            self.block(owner, nested);
        }
    }
}

impl Check<TerraformFile> for HardcodedCredentials {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, file: &TerraformFile, findings: &mut Vec<Finding>) {
        let mut reporter = Reporter {
            file,
            path,
            findings,
        };
        for block in &file.blocks {
            let owner = block.address();
            match block.kind.as_str() {
                "provider" => {
                    for attr in &block.attrs {
                        let provider_key = PROVIDER_KEYS.contains(&attr.key.as_str());
                        if (provider_key || secret_key(&attr.key)) && secret_literal(&attr.value) {
                            reporter.report(attr.pos, &attr.key, format!("{owner}:{}", attr.key));
                        }
                    }
                }
                "variable" => {
                    let name = block.labels.first().map(String::as_str).unwrap_or("");
                    if let Some(default) = block.attr("default") {
                        if secret_key(name) && secret_literal(&default.value) {
                            reporter.report(default.pos, name, format!("{owner}:default"));
                        }
                    }
                }
                "resource" | "data" | "module" | "locals" => reporter.block(&owner, block),
                _ => {}
            }
        }
    }
}
