//! Redaction of secrets in evidence snippets.
//!
//! Evidence shows enough to recognise a finding (the line, a few leading characters of the
//! value) and never enough to use it.

/// The longest snippet kept, in characters.
const SNIPPET_MAX_CHARS: usize = 160;

/// Redacts a secret: keeps a short prefix (at most 4 characters and at most a fifth of the
/// value) and replaces the rest with `*****`.
pub fn redact_secret(secret: &str) -> String {
    // PEM blocks keep their (public) header line: `-----BEGIN RSA PRIVATE KEY-----*****`.
    if let Some(rest) = secret.strip_prefix("-----BEGIN ") {
        if let Some(end) = rest.find("-----") {
            return format!("-----BEGIN {}-----*****", &rest[..end]);
        }
    }
    let chars = secret.chars().count();
    let keep = (chars / 5).min(4);
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}*****")
}

/// Builds a one-line evidence snippet from `line` where the byte range `secret` (relative to
/// the line) is redacted. Control characters are replaced and long lines are trimmed around the
/// secret. `secret` may extend past the end of the line (multi-line secrets): only the part on
/// this line is shown, redacted.
pub fn redacted_snippet(line: &str, secret: std::ops::Range<usize>) -> String {
    let start = floor_char_boundary(line, secret.start.min(line.len()));
    let end = floor_char_boundary(line, secret.end.min(line.len())).max(start);
    let before = &line[..start];
    let value = &line[start..end];
    let after = &line[end..];
    let redacted = redact_secret(value);

    let before_chars: Vec<char> = before.chars().collect();
    let after_chars: Vec<char> = after.chars().collect();
    let budget = SNIPPET_MAX_CHARS.saturating_sub(redacted.chars().count());
    // Give each side half the budget; a side that needs less leaves the rest to the other.
    let keep_before = before_chars
        .len()
        .min((budget / 2).max(budget.saturating_sub(after_chars.len())));
    let keep_after = after_chars.len().min(budget.saturating_sub(keep_before));

    let mut out = String::new();
    if keep_before < before_chars.len() {
        out.push('…');
    }
    out.extend(before_chars[before_chars.len() - keep_before..].iter());
    out.push_str(&redacted);
    out.extend(after_chars[..keep_after].iter());
    if keep_after < after_chars.len() {
        out.push('…');
    }
    let cleaned: String = out
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.trim().to_string()
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    while index > 0 && !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_all_but_a_short_prefix() {
        assert_eq!(
            redact_secret("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "ghp_*****"
        );
        assert_eq!(redact_secret("hunter2"), "h*****");
        assert_eq!(redact_secret("abc"), "*****");
        assert_eq!(
            redact_secret("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----"),
            "-----BEGIN EC PRIVATE KEY-----*****"
        );
    }

    #[test]
    fn snippet_hides_the_secret_and_keeps_context() {
        let line = "token = \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\" # prod";
        let snippet = redacted_snippet(line, 9..49);
        assert_eq!(snippet, "token = \"ghp_*****\" # prod");
        assert!(!snippet.contains("abcdefghij"));
    }

    #[test]
    fn long_lines_are_trimmed_around_the_secret() {
        let line = format!(
            "{}KEY=supersecretvalue123{}",
            "a".repeat(500),
            "b".repeat(500)
        );
        let start = 504;
        let snippet = redacted_snippet(&line, start..start + 20);
        assert!(snippet.chars().count() <= SNIPPET_MAX_CHARS + 2);
        assert!(snippet.starts_with('…') && snippet.ends_with('…'));
        assert!(snippet.contains("KEY=supe*****"));
        assert!(!snippet.contains("secretvalue"));
    }

    #[test]
    fn handles_multibyte_and_out_of_range_spans() {
        let line = "pässwörd = 'Zürich-Geheimnis-42'";
        let start = line.find('Z').unwrap();
        let snippet = redacted_snippet(line, start..start + 200);
        assert!(snippet.starts_with("pässwörd = 'Z"), "{snippet}");
        assert!(snippet.ends_with("*****"), "{snippet}");
        assert!(!snippet.contains("Geheimnis"));
    }
}
