//! Random identifiers and tokens, hashing of bearer secrets, and the server key.
//!
//! Bearer secrets (session ids, API tokens, invitation tokens) carry 256 bits of randomness, so
//! a single SHA-256 is a sufficient one-way function for storing them: the database holds only
//! hashes, and a leaked database cannot be replayed. Passwords are different (low entropy) and
//! use argon2id (the server's `password` module).

use crate::StoreError;
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Prefix of API tokens. Ferret's own secret rules detect leaked tokens by it
/// (`rules/secrets/ferret.toml`).
pub const API_TOKEN_PREFIX: &str = "ferret_pat_";
/// Prefix of invitation tokens.
pub const INVITE_TOKEN_PREFIX: &str = "ferret_inv_";

/// `n` random alphanumeric characters (≈5.95 bits each) from the OS generator.
pub fn random_alnum(n: usize) -> String {
    rand::rngs::OsRng
        .sample_iter(rand::distributions::Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// A new record id such as `ws_…`: 16 random characters after the type prefix.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_alnum(16))
}

/// A new bearer secret with 256 bits of entropy (43 characters) after `prefix`.
pub fn new_secret(prefix: &str) -> String {
    format!("{prefix}{}", random_alnum(43))
}

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The server's long-lived secret, generated on first start and kept in a 0600 file.
#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl ServerKey {
    /// Loads the key from `path`, creating it (mode 0600, never overwritten) if missing.
    pub fn load_or_create(path: &Path) -> Result<ServerKey, StoreError> {
        use std::io::Write;
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let file_error = |what: &str, e: std::io::Error| {
            StoreError::File(format!("{what} {}: {e}", path.display()))
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let mode = std::fs::metadata(path)
                    .map_err(|e| file_error("cannot read", e))?
                    .permissions()
                    .mode()
                    & 0o777;
                if mode & 0o077 != 0 {
                    return Err(StoreError::File(format!(
                        "{} is readable by other users (mode {mode:o}); run chmod 600 on it",
                        path.display()
                    )));
                }
                let bytes = hex::decode(text.trim())
                    .ok()
                    .filter(|b| b.len() == 32)
                    .ok_or_else(|| {
                        StoreError::File(format!("{} is not a valid server key", path.display()))
                    })?;
                let mut key = [0u8; 32];
                key.copy_from_slice(&bytes);
                Ok(ServerKey(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(|e| file_error("cannot create", e))?;
                file.write_all(hex::encode(key).as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| file_error("cannot write", e))?;
                Ok(ServerKey(key))
            }
            Err(e) => Err(file_error("cannot read", e)),
        }
    }

    /// A key for tests and tools that need no persistence.
    pub fn ephemeral() -> ServerKey {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        ServerKey(key)
    }

    /// A key for one purpose (`label`), derived from this one: HMAC-SHA-256(key, label).
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// HMAC-SHA-256 of `message` under this key, hex.
    pub fn mac(&self, message: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        mac.update(message);
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_prefixed() {
        let a = new_secret(API_TOKEN_PREFIX);
        let b = new_secret(API_TOKEN_PREFIX);
        assert_ne!(a, b);
        assert!(a.starts_with("ferret_pat_") && a.len() == 11 + 43);
        assert!(a[11..].bytes().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        let first = ServerKey::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let second = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(first.mac(b"x"), second.mac(b"x"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(ServerKey::load_or_create(&path).is_err());
    }
}
