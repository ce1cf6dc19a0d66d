//! Secrets at rest on both backends: AES-256-GCM under the master key, a fresh nonce per
//! encryption, bound to the secret's name, refused when altered or under another key, and
//! re-encrypted all or nothing by a key rotation.

mod common;

use common::{postgres, sqlite};
use ferret_store::app_secrets::{self, MasterKey};
use ferret_store::Db;

fn key(byte: u8) -> MasterKey {
    MasterKey::parse(&hex::encode([byte; 32])).unwrap()
}

async fn raw(db: &Db) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT name, nonce, ciphertext FROM app_secrets ORDER BY name")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

async fn secrets_at_rest(db: Db) {
    let old = key(1);
    let secret = b"-----BEGIN RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----\n";
    app_secrets::put(&db, &old, app_secrets::GITHUB_PRIVATE_KEY, secret, 1)
        .await
        .unwrap();
    app_secrets::put(&db, &old, app_secrets::GITHUB_WEBHOOK_SECRET, b"whsec", 1)
        .await
        .unwrap();
    let got = app_secrets::get(&db, &old, app_secrets::GITHUB_PRIVATE_KEY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.as_slice(), secret);
    assert!(app_secrets::get(&db, &old, "missing")
        .await
        .unwrap()
        .is_none());
    // Nothing of the plaintext is stored.
    let rows = raw(&db).await;
    for (_, nonce, ciphertext) in &rows {
        assert!(!ciphertext.contains(&hex::encode(b"BEGIN")) && !ciphertext.contains("whsec"));
        assert_eq!(nonce.len(), 24, "96-bit nonce");
    }
    // A fresh nonce each time: the same secret encrypts differently.
    app_secrets::put(&db, &old, app_secrets::GITHUB_WEBHOOK_SECRET, b"whsec", 2)
        .await
        .unwrap();
    assert_ne!(raw(&db).await[1], rows[1]);
    // Another key, an altered ciphertext, or a ciphertext moved to another name: refused.
    assert!(
        app_secrets::get(&db, &key(2), app_secrets::GITHUB_PRIVATE_KEY)
            .await
            .is_err()
    );
    let (_, _, ciphertext) = &raw(&db).await[0];
    let flipped = format!(
        "{}{}",
        if ciphertext.starts_with('0') {
            "1"
        } else {
            "0"
        },
        &ciphertext[1..]
    );
    sqlx::query("UPDATE app_secrets SET ciphertext = $1 WHERE name = $2")
        .bind(&flipped)
        .bind(app_secrets::GITHUB_PRIVATE_KEY)
        .execute(db.pool())
        .await
        .unwrap();
    assert!(app_secrets::get(&db, &old, app_secrets::GITHUB_PRIVATE_KEY)
        .await
        .is_err());
    app_secrets::put(&db, &old, app_secrets::GITHUB_PRIVATE_KEY, secret, 3)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO app_secrets (name, key_id, nonce, ciphertext, updated_at) \
         SELECT $1, key_id, nonce, ciphertext, updated_at FROM app_secrets WHERE name = $2",
    )
    .bind(app_secrets::GITHUB_CLIENT_SECRET)
    .bind(app_secrets::GITHUB_WEBHOOK_SECRET)
    .execute(db.pool())
    .await
    .unwrap();
    assert!(
        app_secrets::get(&db, &old, app_secrets::GITHUB_CLIENT_SECRET)
            .await
            .is_err(),
        "a ciphertext is bound to its name"
    );
    sqlx::query("DELETE FROM app_secrets WHERE name = $1")
        .bind(app_secrets::GITHUB_CLIENT_SECRET)
        .execute(db.pool())
        .await
        .unwrap();
    // Rotation: everything moves to the new key, or nothing does.
    let new = key(3);
    assert!(
        app_secrets::rotate(&db, &key(9), &new, 4).await.is_err(),
        "neither key seals them"
    );
    assert!(app_secrets::get(&db, &old, app_secrets::GITHUB_PRIVATE_KEY)
        .await
        .is_ok());
    assert_eq!(app_secrets::rotate(&db, &old, &new, 5).await.unwrap(), 2);
    assert!(app_secrets::get(&db, &old, app_secrets::GITHUB_PRIVATE_KEY)
        .await
        .is_err());
    let got = app_secrets::get(&db, &new, app_secrets::GITHUB_PRIVATE_KEY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.as_slice(), secret);
    assert!(app_secrets::list(&db)
        .await
        .unwrap()
        .iter()
        .all(|(_, id)| *id == new.id()));
}

#[tokio::test]
async fn secrets_at_rest_on_sqlite() {
    let (db, _dir) = sqlite().await;
    secrets_at_rest(db).await;
}

#[tokio::test]
async fn secrets_at_rest_on_postgres() {
    if let Some(db) = postgres().await {
        secrets_at_rest(db).await;
    }
}

#[test]
fn master_keys_are_parsed_strictly_and_never_printed() {
    let hex_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let a = MasterKey::parse(hex_key).unwrap();
    let b = MasterKey::parse("ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=\n").unwrap();
    assert_eq!(a.id(), b.id(), "hex and base64 of the same bytes");
    assert!(!format!("{a:?}").contains("0011223344"));
    assert!(MasterKey::parse("too short").is_err());
    assert!(MasterKey::parse(&"ab".repeat(31)).is_err());
}
