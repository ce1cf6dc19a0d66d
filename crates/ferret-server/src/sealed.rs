//! Credential-bearing settings (integration webhook URLs) encrypted at rest.
//!
//! Values are sealed with XChaCha20-Poly1305 under a key derived from the server key (never
//! stored in the database), with a random 192-bit nonce per value and the row's id as
//! associated data (a sealed value moved to another row does not open). The stored form is
//! `xc20p1:<hex nonce><hex ciphertext>`. Responses never carry the value: they show only where it
//! points ([`mask_url`]); an admin replaces a value, nobody reads it back.

use crate::crypto::ServerKey;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

const PREFIX: &str = "xc20p1:";

fn cipher(key: &ServerKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&key.derive("ferret sealed settings v1").into())
}

/// Whether `stored` is a sealed value (rows written before sealing hold plain text).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// Seals `value` for the row `row_id`.
pub fn seal(key: &ServerKey, row_id: &str, value: &str) -> String {
    let mut nonce = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut nonce);
    let sealed = cipher(key)
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: value.as_bytes(),
                aad: row_id.as_bytes(),
            },
        )
        .expect("encryption of a short value cannot fail");
    format!("{PREFIX}{}{}", hex::encode(nonce), hex::encode(sealed))
}

/// Opens a value sealed for `row_id`; `None` if it was tampered with, moved or sealed under
/// another key. Plain (legacy) values come back as they are.
pub fn open(key: &ServerKey, row_id: &str, stored: &str) -> Option<String> {
    let Some(rest) = stored.strip_prefix(PREFIX) else {
        return Some(stored.to_string());
    };
    let bytes = hex::decode(rest).ok()?;
    if bytes.len() < 24 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(24);
    let plain = cipher(key)
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: row_id.as_bytes(),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

/// Where a URL points, without its secret parts: `https://hooks.slack.com/*****`.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "*****".to_string();
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    format!("{scheme}://{host}/*****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_row_and_key() {
        let key = ServerKey::ephemeral();
        let url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET";
        let stored = seal(&key, "int_1", url);
        assert!(is_sealed(&stored));
        assert!(!stored.contains("XXXXSECRET") && !stored.contains("hooks.slack"));
        assert_eq!(open(&key, "int_1", &stored).as_deref(), Some(url));
        assert_eq!(open(&key, "int_2", &stored), None, "moved to another row");
        assert_eq!(open(&ServerKey::ephemeral(), "int_1", &stored), None);
        // Change the last character (to one it is not: a fixed "00" was already there 1 time
        // in 256 and made the check fail).
        let mut tampered = stored.clone();
        let last = if stored.ends_with('0') { "1" } else { "0" };
        tampered.replace_range(stored.len() - 1.., last);
        assert_ne!(tampered, stored);
        assert_eq!(open(&key, "int_1", &tampered), None);
        assert_ne!(seal(&key, "int_1", url), stored, "a fresh nonce each time");
        assert_eq!(mask_url(url), "https://hooks.slack.com/*****");
        assert_eq!(
            mask_url("https://u:p@h.example/x?y"),
            "https://h.example/*****"
        );
    }
}
