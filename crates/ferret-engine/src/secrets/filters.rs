//! Precision filters applied to every candidate secret before it becomes a finding.
//!
//! Provider rules are already specific, so they only drop obvious placeholders (`xxxx`,
//! `YOUR_API_KEY`, `${VAR}`, documentation example keys, long runs of one character). Generic
//! rules (a secret-like name assigned a value) also require the value to look random and not to
//! be a reference, a path, an identifier or a lookup.

/// Shannon entropy of `data` in bits per byte.
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a value as a stand-in rather than a real credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "placeholder",
    ".....",
    "...",
    ".....",
    "...",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourapikey",
    "insert",
    "replace",
    "changeme",
    "change_me",
    "redacted",
    ".....",
    "...",
    ".....",
    "...",
    ".....",
    "...",
    ".....",
    "...",
    "…",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "%(",
    "$(",
    "#{",
    "abcdefgh",
    "12345678",
    "0123456",
    "qwerty",
    "deadbeef",
    "notreal",
    "not_real",
    "not-a-real",
    "fake",
    "sample",
];

/// True when the candidate is obviously a placeholder.
pub fn is_placeholder(secret: &[u8], repeats_ok: bool) -> bool {
    let lower = String::from_utf8_lossy(secret).to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    if !repeats_ok && longest_run(secret) >= 6 {
        return true;
    }
    false
}

fn longest_run(data: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in data {
        if Some(b) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(b);
        }
        best = best.max(run);
    }
    best
}

/// True when the text right before a candidate labels it as a digest: `sha256=`, `sha512-`
/// (lockfile and SRI integrity), `sha1:`, `md5=`, `h1:` (go.sum), possibly with the value
/// cut out of a longer base64 string.
pub fn follows_hash_label(before: &[u8]) -> bool {
    let text = String::from_utf8_lossy(before).to_ascii_lowercase();
    let trimmed = text.trim_end_matches(|c: char| {
        c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '+' || c == '/'
    });
    const LABELS: &[&str] = &[
        "sha1", "sha224", "sha256", "sha384", "sha512", "md5", "h1", "blake2b", "blake3", "xxh64",
    ];
    [text.as_str(), trimmed].iter().any(|candidate| {
        candidate
            .strip_suffix(['=', '-', ':'])
            .is_some_and(|label_end| LABELS.iter().any(|label| label_end.ends_with(label)))
    })
}

/// Domains reserved for documentation and tests (RFC 2606, RFC 6761): credentials in URLs to
/// these hosts are examples.
pub fn is_documentation_host(host: &[u8]) -> bool {
    let host = String::from_utf8_lossy(host).to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    [
        "example.com",
        "example.net",
        "example.org",
        "example",
        "test",
        "invalid",
    ]
    .iter()
    .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

/// Parts of a secret-like *name* that say the value is not itself a secret
/// (`password_hash`, `token_url`, `secret_name`, `api_key_id`, ...).
const NON_SECRET_NAME_PARTS: &[&str] = &[
    "hash",
    "digest",
    "checksum",
    "sha",
    "_id",
    "-id",
    ".id",
    "uuid",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "dir",
    "name",
    "type",
    "length",
    "len",
    "size",
    "count",
    "field",
    "ref",
    "env",
    "version",
    "expir",
    "ttl",
    "timeout",
    "header",
    "prefix",
    "format",
    "policy",
    "label",
    "placeholder",
    "regex",
    "pattern",
    "mode",
    "enabled",
    "required",
    "rotation",
    "provider",
    "manager",
    "store",
    "arn",
    "param",
    "question",
    "hint",
    "reset",
    "_by",
    "created",
    "updated",
    "count",
    "limit",
    "min",
    "max",
    "strength",
    "validator",
    "input",
    "selector",
    "public",
    "cookie_name",
    "_at",
    "template",
    "sample",
    "example",
    "salt",
    "kind",
];

/// Values that are code or configuration references, not literal secrets.
fn looks_like_reference(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let starts = [
        '$', '%', '@', '&', '!', '#', '/', '\\', '~', '(', '[', '{', '<', ':',
    ];
    if value.starts_with(starts) || value.starts_with("..") || value.starts_with("./") {
        return true;
    }
    const REFERENCE_MARKERS: &[&str] = &[
        "env.",
        "environ",
        "getenv",
        "process.",
        "secrets.",
        "secret(",
        "vault:",
        "arn:",
        "ssm:",
        "sm://",
        "secretsmanager",
        "keyvault",
        "keychain",
        "file:",
        "http://",
        "https://",
        "ftp://",
        "null",
        "none",
        "undefined",
        "true",
        "false",
        "func",
        "lambda",
        "return",
        "import",
        "require",
        "()",
        "=>",
        "::",
        "->",
        "this.",
        "self.",
        "props.",
        "config.",
        "settings.",
        "options.",
        "params.",
        "args.",
        "req.",
        "request.",
        "os.",
        "std",
        "string",
        "bytes",
        "optional",
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "credential",
    ];
    if REFERENCE_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // A dotted identifier chain: `foo.bar.baz`.
    let dotted = value.contains('.')
        && value.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        && value.split('.').all(|part| {
            part.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        });
    dotted
}

/// Names and word lists rather than random values: `DB_PASSWORD_2`, `PHY_Beacon_RSSI_MAX`,
/// `regulator-fec1-pwdn`, `WRPLL-specific`.
fn looks_like_identifier(value: &str) -> bool {
    let has_upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let word_chars = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if word_chars && value.contains('_') && !(has_upper && has_lower) {
        return true;
    }
    if word_chars && value.matches('_').count() >= 2 {
        return true;
    }
    let segments: Vec<&str> = value.split(['-', '_', '.']).collect();
    let words = segments
        .iter()
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic()))
        .count();
    (segments.len() >= 2 && words == segments.len())
        || (segments.len() >= 3 && words + 1 >= segments.len())
}

/// Whether a value found by a generic rule (`name = value`) is plausibly a real secret.
pub fn generic_value_is_plausible(name: &str, value: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    if NON_SECRET_NAME_PARTS.iter().any(|part| name.contains(part)) {
        return false;
    }
    if value.len() < 8 || looks_like_reference(value) {
        return false;
    }
    let has_upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let has_digit = value.bytes().any(|b| b.is_ascii_digit());
    let has_symbol = value.bytes().any(|b| !b.is_ascii_alphanumeric());
    let letters = value.bytes().filter(|b| b.is_ascii_alphabetic()).count();
    // Pure numbers (ports, ids, timestamps) and words without digits are not secrets.
    if letters == 0 || !(has_digit || (has_symbol && has_upper && has_lower)) {
        return false;
    }
    if looks_like_identifier(value) {
        return false;
    }
    // Short values without a digit are words, not passwords.
    if !has_digit && value.len() < 20 {
        return false;
    }
    // Hex-only values are hashes unless long and in a secret context; we are in a secret
    // context here, so accept them only at typical key lengths.
    let classes = [has_upper, has_lower, has_digit, has_symbol]
        .iter()
        .filter(|&&c| c)
        .count();
    let entropy = shannon_entropy(value.as_bytes());
    let needed = if value.len() >= 20 { 3.3 } else { 2.8 };
    classes >= 2 && entropy >= needed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_random_strings() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy(b"8fK2pQ9xZ7mN4vB1cR6tY3wE5uI0oP") > 4.5);
    }

    #[test]
    fn placeholders_are_recognised() {
        assert!(is_placeholder(b"AKIAIOSFODNN7EXAMPLE", false));
        assert!(is_placeholder(
            b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            false
        ));
        assert!(is_placeholder(b"${GITHUB_TOKEN}", false));
        assert!(is_placeholder(b"sk_live_000000000000000000000000", false));
        assert!(!is_placeholder(
            b"ghp_R8x2Lq9vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8U",
            false
        ));
    }

    #[test]
    fn documentation_hosts() {
        assert!(is_documentation_host(b"example.com"));
        assert!(is_documentation_host(b"api.example.org"));
        assert!(is_documentation_host(b"db.test"));
        assert!(!is_documentation_host(b"example.company.io"));
        assert!(!is_documentation_host(b"localhost"));
    }

    #[test]
    fn digest_labels() {
        assert!(follows_hash_label(b"const.py,sha256=_"));
        assert!(follows_hash_label(b"\"integrity\": \"sha512-"));
        assert!(follows_hash_label(b"v1.0 h1:"));
        assert!(!follows_hash_label(b"AWS_SECRET_KEY="));
        assert!(!follows_hash_label(b"token: "));
    }

    #[test]
    fn generic_values() {
        assert!(generic_value_is_plausible(
            "db_password",
            b"Xk9#mP2$vL8qR4tW"
        ));
        assert!(generic_value_is_plausible(
            "API_KEY",
            b"a8f3k2m9x7q1w5e4r6t0y2u8i3o7p1s9"
        ));
        assert!(!generic_value_is_plausible(
            "password_hash",
            b"Xk9#mP2$vL8qR4tW"
        ));
        assert!(!generic_value_is_plausible("token", b"settings.API_TOKEN"));
        assert!(!generic_value_is_plausible("password", b"DB_PASSWORD_2"));
        assert!(!generic_value_is_plausible("secret", b"12345678901234"));
        assert!(!generic_value_is_plausible(
            "secret",
            b"/etc/app/secret.key"
        ));
        assert!(!generic_value_is_plausible("token", b"os.environ.get"));
        assert!(!generic_value_is_plausible(
            "Token",
            b":RecursiveZeroOrMore"
        ));
        assert!(!generic_value_is_plausible("password", b"mypassword1"));
        assert!(!generic_value_is_plausible("pwd", b"WRPLL-specific"));
        assert!(!generic_value_is_plausible(
            "pwdown",
            b"GPIO105_HX4700_nIR_ON"
        ));
        assert!(!generic_value_is_plausible(
            "secret",
            b"regulator-fec1-pwdn"
        ));
        assert!(!generic_value_is_plausible(
            "pwdb",
            b"PHY_Beacon_RSSI_SLID_WIN_MAX"
        ));
        assert!(generic_value_is_plausible("token", b"q8X_Lm2pZ-r7Tw4kV9yB"));
    }
}
