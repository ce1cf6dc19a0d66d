//! Inline suppressions: a `ferret:ignore` comment on the line of a finding.
//!
//! `ferret:ignore` suppresses every finding on its line; `ferret:ignore[rule-a,rule-b]`
//! suppresses only those rules. The allow comments of other secret scanners (`gitleaks:allow`,
//! detect-secrets' `pragma: allowlist secret`, `trufflehog:ignore`) suppress the secret findings
//! on their line, so a repository already reviewed with one of them needs no second annotation.

const MARKER: &[u8] = b"ferret:ignore";

/// Other secret scanners' comments that allow the secret on their line.
const SECRET_SCANNER_MARKERS: &[&[u8]] = &[
    b"gitleaks:allow",
    b"pragma: allowlist secret",
    b"trufflehog:ignore",
];

/// Whether `content` holds any suppression comment at all (a cheap test before reading lines).
pub fn has_suppressions(content: &[u8]) -> bool {
    std::iter::once(MARKER)
        .chain(SECRET_SCANNER_MARKERS.iter().copied())
        .any(|marker| memchr::memmem::find(content, marker).is_some())
}

/// Whether `line` carries another secret scanner's allow comment.
pub fn line_allows_secret(line: &[u8]) -> bool {
    SECRET_SCANNER_MARKERS
        .iter()
        .any(|marker| memchr::memmem::find(line, marker).is_some())
}

/// Whether `line` carries a suppression covering `rule_id`.
pub fn line_suppresses(line: &[u8], rule_id: &str) -> bool {
    let mut rest = line;
    while let Some(pos) = memchr::memmem::find(rest, MARKER) {
        let after = &rest[pos + MARKER.len()..];
        match after.first() {
            Some(b'[') => {
                let close = after.iter().position(|&b| b == b']').unwrap_or(after.len());
                let list = String::from_utf8_lossy(&after[1..close]);
                if list.split(',').any(|id| id.trim() == rule_id) {
                    return true;
                }
            }
            Some(b) if b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-' => {}
            _ => return true,
        }
        rest = after;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_with_and_without_rule_list() {
        assert!(line_suppresses(b"key = 'x' # ferret:ignore", "any-rule"));
        assert!(line_suppresses(
            b"key = 'x' // ferret:ignore[jwt, aws-access-key-id]",
            "aws-access-key-id"
        ));
        assert!(!line_suppresses(
            b"key = 'x' // ferret:ignore[jwt]",
            "aws-access-key-id"
        ));
        assert!(!line_suppresses(b"key = 'x' // ferret:ignored-not", "jwt"));
        assert!(!line_suppresses(b"key = 'x'", "jwt"));
    }

    #[test]
    fn other_secret_scanners_allow_comments() {
        assert!(line_allows_secret(b"token = 'x' # gitleaks:allow"));
        assert!(line_allows_secret(b"sk_live_x // pragma: allowlist secret"));
        assert!(line_allows_secret(b"key: x # trufflehog:ignore"));
        assert!(!line_allows_secret(b"key: x # allowlist"));
        assert!(has_suppressions(b"a\nb = 1 # gitleaks:allow\n"));
        assert!(!has_suppressions(b"a\nb = 1\n"));
    }
}
