//! Secrets the server keeps — the GitHub App's private key, webhook secret and client secret —
//! encrypted at rest with AES-256-GCM under the operator's master key.
//!
//! Each encryption uses a fresh random 96-bit nonce; the secret's name is the associated data
//! (a ciphertext moved to another name does not decrypt); each row records the id of the key
//! that sealed it, so [`rotate`] can re-encrypt everything under a new key in one transaction.
//! The master key itself is never stored: the operator gives it by file or environment.

use crate::{Db, StoreError};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use sha2::{Digest, Sha256};
use sqlx::Row;
use zeroize::Zeroizing;

/// The names of the secrets the server keeps.
pub const GITHUB_PRIVATE_KEY: &str = "github.private_key";
pub const GITHUB_WEBHOOK_SECRET: &str = "github.webhook_secret";
pub const GITHUB_CLIENT_SECRET: &str = "github.client_secret";

/// A 256-bit master key. Printed as `[redacted]`; wiped on drop.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({}, [redacted])", self.id())
    }
}

impl MasterKey {
    /// Parses a key written as 64 hex digits or as base64 of 32 bytes (surrounding whitespace
    /// ignored), as `openssl rand -hex 32` or `openssl rand -base64 32` print it.
    pub fn parse(text: &str) -> Result<MasterKey, StoreError> {
        use base64::Engine;
        let text = text.trim();
        let bytes = Zeroizing::new(
            hex::decode(text)
                .ok()
                .filter(|b| b.len() == 32)
                .or_else(|| {
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .ok()
                        .filter(|b| b.len() == 32)
                })
                .ok_or_else(|| {
                    StoreError::Invalid(
                        "a master key is 32 bytes, written as 64 hex digits or in base64".into(),
                    )
                })?,
        );
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&bytes);
        Ok(MasterKey(key))
    }

    /// The key's id: the first 16 hex digits of its SHA-256 (never the key).
    pub fn id(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_slice())[..8])
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new_from_slice(self.0.as_slice()).expect("32-byte key")
    }

    /// Encrypts `plaintext` for the secret `name`: (nonce, ciphertext), hex.
    fn seal(&self, name: &str, plaintext: &[u8]) -> (String, String) {
        let mut nonce = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        let ciphertext = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: name.as_bytes(),
                },
            )
            .expect("AES-GCM encryption does not fail");
        (hex::encode(nonce), hex::encode(ciphertext))
    }

    fn open(
        &self,
        name: &str,
        nonce: &str,
        ciphertext: &str,
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let broken = || {
            StoreError::Invalid(format!("the stored secret {name} does not decrypt: it was altered, or sealed under another key"))
        };
        let nonce = hex::decode(nonce)
            .ok()
            .filter(|n| n.len() == 12)
            .ok_or_else(broken)?;
        let ciphertext = hex::decode(ciphertext).map_err(|_| broken())?;
        self.cipher()
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: name.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| broken())
    }
}

/// Stores (or replaces) secret `name`, encrypted under `key`.
pub async fn put(
    db: &Db,
    key: &MasterKey,
    name: &str,
    plaintext: &[u8],
    now: i64,
) -> Result<(), StoreError> {
    let (nonce, ciphertext) = key.seal(name, plaintext);
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM app_secrets WHERE name = $1")
        .bind(name)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query(
        "INSERT INTO app_secrets (name, key_id, nonce, ciphertext, updated_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(name)
    .bind(key.id())
    .bind(nonce)
    .bind(ciphertext)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Secret `name`, decrypted with `key`; `None` when none is stored. A secret sealed under
/// another key, or altered, is an error.
pub async fn get(
    db: &Db,
    key: &MasterKey,
    name: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    let row = sqlx::query("SELECT key_id, nonce, ciphertext FROM app_secrets WHERE name = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let key_id: String = row.get("key_id");
    if key_id != key.id() {
        return Err(StoreError::Invalid(format!(
            "the stored secret {name} is sealed under master key {key_id}, not {}",
            key.id()
        )));
    }
    key.open(
        name,
        &row.get::<String, _>("nonce"),
        &row.get::<String, _>("ciphertext"),
    )
    .map(Some)
}

/// The names of the stored secrets and the ids of the keys that sealed them.
pub async fn list(db: &Db) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query("SELECT name, key_id FROM app_secrets ORDER BY name")
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("name"), r.get("key_id")))
        .collect())
}

/// Re-encrypts every stored secret from `old` to `new`, all or nothing; returns how many.
pub async fn rotate(
    db: &Db,
    old: &MasterKey,
    new: &MasterKey,
    now: i64,
) -> Result<usize, StoreError> {
    let mut tx = db.write().await?;
    let rows = sqlx::query("SELECT name, key_id, nonce, ciphertext FROM app_secrets")
        .fetch_all(&mut *tx.tx)
        .await?;
    for row in &rows {
        let name: String = row.get("name");
        let key_id: String = row.get("key_id");
        let plaintext = if key_id == new.id() {
            new.open(
                &name,
                &row.get::<String, _>("nonce"),
                &row.get::<String, _>("ciphertext"),
            )?
        } else if key_id == old.id() {
            old.open(
                &name,
                &row.get::<String, _>("nonce"),
                &row.get::<String, _>("ciphertext"),
            )?
        } else {
            return Err(StoreError::Invalid(format!(
                "the stored secret {name} is sealed under master key {key_id}, which is neither the old nor the new key"
            )));
        };
        let (nonce, ciphertext) = new.seal(&name, &plaintext);
        sqlx::query(
            "UPDATE app_secrets SET key_id = $1, nonce = $2, ciphertext = $3, updated_at = $4 \
             WHERE name = $5",
        )
        .bind(new.id())
        .bind(nonce)
        .bind(ciphertext)
        .bind(now)
        .bind(&name)
        .execute(&mut *tx.tx)
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}
