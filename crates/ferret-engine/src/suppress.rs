//! Inline suppressions: a `ferret:ignore` comment on the line of a finding.
//!
//! `ferret:ignore` suppresses every finding on its line; `ferret:ignore[rule-a,rule-b]`
//! suppresses only those rules.

const MARKER: &[u8] = b"ferret:ignore";

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
}
