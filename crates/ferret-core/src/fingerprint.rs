//! Stable finding fingerprints.
//!
//! A fingerprint identifies "this rule found this value in this file", independent of the line
//! it sits on, so baselines and triage survive edits that move code around. The matched value is
//! hashed, never stored.

use sha2::{Digest, Sha256};

/// Fingerprint of `matched` found by `rule_id` in the file at `path` (repository-relative).
/// Returns 32 lowercase hex characters (128 bits of SHA-256).
pub fn fingerprint(rule_id: &str, path: &str, matched: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"ferret-fp-v1\0");
    hasher.update(rule_id.as_bytes());
    hasher.update(b"\0");
    hasher.update(path.as_bytes());
    hasher.update(b"\0");
    hasher.update(matched);
    let digest = hasher.finalize();
    let mut out = String::with_capacity(32);
    for byte in &digest[..16] {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_rule_path_and_value_only() {
        let a = fingerprint("r", "a.txt", b"secret");
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint("r", "a.txt", b"secret"));
        assert_ne!(a, fingerprint("r2", "a.txt", b"secret"));
        assert_ne!(a, fingerprint("r", "b.txt", b"secret"));
        assert_ne!(a, fingerprint("r", "a.txt", b"secret2"));
        assert!(!a.contains("secret"));
    }
}
