//! `app-tls-verify-disabled`: TLS certificate verification switched off in configuration or in
//! code the code analyzer does not parse.
//!
//! **What**: `rejectUnauthorized: false` and `NODE_TLS_REJECT_UNAUTHORIZED = "0"` in Vue and
//! Svelte components; Kotlin and Scala `NoopHostnameVerifier`, `TrustAllStrategy`,
//! `ALLOW_ALL_HOSTNAME_VERIFIER`, verifiers that return `true`; Ruby `VERIFY_NONE`; PHP
//! `CURLOPT_SSL_VERIFYPEER => false`; C# certificate callbacks that return `true`; config keys
//! such as `insecure_skip_verify: true`, `verify_ssl: false`, `sslVerify = false`, npm
//! `strict-ssl=false`. (Python, JavaScript/TypeScript, Go and Java source: the code rules
//! `py-tls-verification-disabled`, `js-tls-verification-disabled`, `go-tls-insecure-skip-verify`
//! and `java-trust-all-certificates`.)
//! **Why**: without verification anyone on the network path can impersonate the server, read
//! the credentials sent to it and change the answers.
//! **Example**: `OpenSSL::SSL::VERIFY_NONE` in a Ruby HTTP client.
//! **Fix**: keep verification on; for private CAs, pass the CA bundle (`ca_file`, `RootCAs`,
//! `NODE_EXTRA_CA_CERTS`).

use super::{regex, report_matches, AppFile, Check, Lang};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct TlsVerifyDisabled;

static META: CheckMeta = CheckMeta {
    id: "app-tls-verify-disabled",
    doc: include_str!("tls_verify_disabled.rs"),
    title: "TLS certificate verification disabled",
    format: "Application",
    severity: Severity::High,
    confidence: Confidence::High,
};

static PATTERNS: LazyLock<[(Lang, Regex); 6]> = LazyLock::new(|| {
    [
        (
            Lang::JavaScript,
            regex(
                r#"\brejectUnauthorized\s*:\s*false\b|NODE_TLS_REJECT_UNAUTHORIZED["'\]]*\s*=\s*["']?0|\bstrictSSL\s*:\s*false\b"#,
            ),
        ),
        (
            Lang::Java,
            regex(
                r"\bNoopHostnameVerifier\b|\bTrustAllStrategy\b|\bALLOW_ALL_HOSTNAME_VERIFIER\b|hostnameVerifier\s*\{\s*_\s*,\s*_\s*->\s*true|setHostnameVerifier\(\s*\(\s*\w+\s*,\s*\w+\s*\)\s*->\s*true",
            ),
        ),
        (
            Lang::Ruby,
            regex(r"\bVERIFY_NONE\b|ssl_verify_mode\s*[:=>]+\s*:none"),
        ),
        (
            Lang::Php,
            regex(
                r#"CURLOPT_SSL_VERIFY(?:PEER|HOST)\s*(?:=>|,)\s*(?:false|0)\b|["']verify["']\s*=>\s*false\b|["']verify_peer["']\s*=>\s*false\b"#,
            ),
        ),
        (
            Lang::CSharp,
            regex(
                r"ServerCertificate(?:Custom)?ValidationCallback\s*\+?=\s*[^;\n]*=>\s*true\b|DangerousAcceptAnyServerCertificateValidator",
            ),
        ),
        (
            Lang::Config,
            regex(
                r#"(?i)\b(?:insecure_?skip_?verify|tls_?insecure|insecure)["']?\s*[:=]\s*["']?true\b|\b(?:verify_?ssl|ssl_?verify|tls_?verify|verify_?certs?|strict-ssl|sslverify)["']?\s*[:=]\s*["']?false\b|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*["']?0"#,
            ),
        ),
    ]
});

impl<'a> Check<AppFile<'a>> for TlsVerifyDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }
    fn keywords(&self) -> &'static [&'static str] {
        &[
            "verify",
            "Verify",
            "VERIFY",
            "CERT_NONE",
            "check_hostname",
            "rejectUnauthorized",
            "REJECT_UNAUTHORIZED",
            "strictSSL",
            "strict-ssl",
            "TrustAll",
            "Noop",
            "Validat",
            "nsecure",
            "NSECURE",
            "sslverify",
        ]
    }
    fn run(&self, _path: &str, file: &AppFile<'a>, findings: &mut Vec<Finding>) {
        if file.bundle {
            return;
        }
        for (lang, pattern) in PATTERNS.iter() {
            if *lang == file.lang {
                report_matches(&META, file, pattern, findings);
            }
        }
    }
}
