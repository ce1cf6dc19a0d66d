//! The audit log: append-only, keyed hash chain, anchored outside the database.
//!
//! Each entry stores an HMAC-SHA-256 of its own content and the previous entry's seal, under a
//! key derived from the server key (which never enters the database), tagged with the key's id
//! (`hmac-sha256:KEYID:HEX`) so keys can rotate. Someone who can write the database but does not
//! hold the server key cannot edit an entry, forge one or re-chain the rest. `audit_head` holds
//! the latest sequence number and seal. Appending takes the head row's lock (`UPDATE …
//! RETURNING`), so concurrent servers on one PostgreSQL database still produce one gap-free
//! chain.
//!
//! Truncation and rollback (delete the tail and move the head back, or wipe everything) leave a
//! valid-looking shorter chain, so the chain is also anchored: signed checkpoints (sequence
//! number, seal, time; Ed25519 under a key derived from the server key) are appended to a file
//! outside the database and written to the log. [`verify`] checks every entry, the head and
//! each checkpoint, and says what it cannot prove (entries sealed before keyed chains existed,
//! entries after the last checkpoint).

use crate::StoreError;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::path::Path;

/// The key that seals the chain and signs checkpoints: derived from the server key.
#[derive(Clone)]
pub struct AuditKey {
    id: String,
    mac: [u8; 32],
    signing: SigningKey,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey").field("id", &self.id).finish()
    }
}

impl AuditKey {
    pub fn from_server_key(key: &crate::crypto::ServerKey) -> AuditKey {
        let mac = key.derive("ferret audit chain v1");
        let id = hex::encode(&Sha256::digest(mac)[..4]);
        let signing = SigningKey::from_bytes(&key.derive("ferret audit checkpoint v1"));
        AuditKey { id, mac, signing }
    }

    /// Identifies the key in every seal, so a verifier knows which key a seal needs.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The checkpoint signing key's public half (hex), for verifiers that hold no secret.
    pub fn public_key(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    fn seal(&self, canonical: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.mac).expect("any key length works");
        mac.update(canonical.as_bytes());
        format!(
            "hmac-sha256:{}:{}",
            self.id,
            hex::encode(mac.finalize().into_bytes())
        )
    }

    /// A signed checkpoint of the chain's head.
    pub fn checkpoint(&self, seq: i64, hash: &str, at: i64) -> Checkpoint {
        let signature = self
            .signing
            .sign(checkpoint_message(seq, hash, at).as_bytes());
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at,
            public_key: self.public_key(),
            signature: hex::encode(signature.to_bytes()),
        }
    }
}

fn checkpoint_message(seq: i64, hash: &str, at: i64) -> String {
    format!("ferret-audit-checkpoint:v1:{seq}:{hash}:{at}")
}

/// A signed statement that the chain had `seq` entries ending in `hash` at time `at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: i64,
    pub public_key: String,
    pub signature: String,
}

impl Checkpoint {
    /// Whether the signature holds under `public_key` (hex).
    pub fn signed_by(&self, public_key: &str) -> bool {
        let Ok(key) = hex::decode(public_key) else {
            return false;
        };
        let Ok(key) = <[u8; 32]>::try_from(key.as_slice()) else {
            return false;
        };
        let Ok(key) = VerifyingKey::from_bytes(&key) else {
            return false;
        };
        let Some(signature) = hex::decode(&self.signature)
            .ok()
            .and_then(|s| <[u8; 64]>::try_from(s.as_slice()).ok())
        else {
            return false;
        };
        key.verify(
            checkpoint_message(self.seq, &self.hash, self.at).as_bytes(),
            &ed25519_dalek::Signature::from_bytes(&signature),
        )
        .is_ok()
    }
}

/// The file beside the database where checkpoints are appended.
pub const CHECKPOINT_FILE: &str = "audit-checkpoints.jsonl";

/// Appends a checkpoint line to `path` (created with mode 0600, only ever appended to).
pub fn append_checkpoint(path: &Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let mut line = serde_json::to_string(checkpoint).map_err(std::io::Error::other)?;
    line.push('\n');
    file.write_all(line.as_bytes())?;
    file.sync_data()
}

/// Reads the checkpoint file; a missing file is no checkpoints.
pub fn read_checkpoints(path: &Path) -> Result<Vec<Checkpoint>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|_| format!("{}:{}: not a checkpoint", path.display(), i + 1))
        })
        .collect()
}

/// Checkpoints the current head into `path` (and the log) unless the last checkpoint there
/// already covers it. Returns the new checkpoint.
pub async fn checkpoint_now(
    db: &crate::db::Db,
    key: &AuditKey,
    path: &Path,
) -> Result<Option<Checkpoint>, StoreError> {
    let (seq, hash) = head(db).await?;
    let last = read_checkpoints(path).map_err(StoreError::File)?.pop();
    if seq == 0 || last.is_some_and(|c| c.seq == seq && c.hash == hash) {
        return Ok(None);
    }
    let checkpoint = key.checkpoint(seq, &hash, crate::time::now());
    append_checkpoint(path, &checkpoint)
        .map_err(|e| StoreError::File(format!("{}: cannot append: {e}", path.display())))?;
    tracing::info!(
        target: "ferret::audit",
        seq = checkpoint.seq,
        hash = %checkpoint.hash,
        at = checkpoint.at,
        signature = %checkpoint.signature,
        "audit checkpoint"
    );
    Ok(Some(checkpoint))
}

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something, from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub ip: String,
    pub user_agent: Option<String>,
}

/// One stored entry, as exported (JSON lines) and verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor_user_id: Option<String>,
    pub actor_token_id: Option<String>,
    pub workspace_id: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// JSON text, hashed exactly as stored.
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    /// The entry's seal: keyed when `key` is given (how entries are written now), the plain
    /// SHA-256 of earlier versions otherwise.
    pub fn compute_hash(&self, key: Option<&AuditKey>) -> String {
        let canonical = serde_json::to_string(&(
            self.seq,
            self.at,
            &self.actor_user_id,
            &self.actor_token_id,
            &self.workspace_id,
            &self.action,
            &self.target,
            &self.ip,
            &self.user_agent,
            &self.details,
            &self.prev_hash,
        ))
        .expect("entry serializes");
        match key {
            Some(key) => key.seal(&canonical),
            None => hex::encode(Sha256::digest(canonical.as_bytes())),
        }
    }

    /// The key id of a keyed seal; `None` for a plain (legacy) one.
    fn key_id(&self) -> Option<&str> {
        let rest = self.hash.strip_prefix("hmac-sha256:")?;
        Some(rest.split(':').next().unwrap_or(""))
    }
}

/// Records `action` in the transaction and commits it: the last step of most state changes, so
/// the change and its audit entry land together or not at all.
pub async fn record_and_commit(
    mut tx: crate::db::WriteTx,
    actor: &Actor,
    workspace_id: Option<&str>,
    action: &str,
    target: Option<&str>,
    details: Value,
) -> Result<(), sqlx::Error> {
    record(&mut tx, actor, workspace_id, action, target, details).await?;
    tx.commit().await
}

/// Appends an entry inside the caller's transaction (so the action and its record commit
/// together).
pub async fn record(
    tx: &mut crate::db::WriteTx,
    actor: &Actor,
    workspace_id: Option<&str>,
    action: &str,
    target: Option<&str>,
    details: Value,
) -> Result<(), sqlx::Error> {
    let key = tx.audit_key.clone();
    let conn: &mut AnyConnection = &mut tx.tx;
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let user_agent = actor
        .user_agent
        .as_ref()
        .map(|ua| ua.chars().take(256).collect::<String>());
    let mut entry = Entry {
        seq: head.get("seq"),
        at: crate::time::now(),
        actor_user_id: actor.user_id.clone(),
        actor_token_id: actor.token_id.clone(),
        workspace_id: workspace_id.map(str::to_string),
        action: action.to_string(),
        target: target.map(str::to_string),
        ip: Some(actor.ip.clone()).filter(|ip| !ip.is_empty()),
        user_agent,
        details: details.to_string(),
        prev_hash: head.get("hash"),
        hash: String::new(),
    };
    entry.hash = entry.compute_hash(key.as_deref());
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_user_id, actor_token_id, workspace_id, action, \
         target, ip, user_agent, details, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(&entry.actor_user_id)
    .bind(&entry.actor_token_id)
    .bind(&entry.workspace_id)
    .bind(&entry.action)
    .bind(&entry.target)
    .bind(&entry.ip)
    .bind(&entry.user_agent)
    .bind(&entry.details)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&entry.hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Appends an entry in its own transaction.
pub async fn record_now(
    db: &crate::db::Db,
    actor: &Actor,
    workspace_id: Option<&str>,
    action: &str,
    target: Option<&str>,
    details: Value,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    record(&mut tx, actor, workspace_id, action, target, details).await?;
    Ok(tx.commit().await?)
}

fn entry_from_row(row: &sqlx::any::AnyRow) -> Entry {
    Entry {
        seq: row.get("seq"),
        at: row.get("at"),
        actor_user_id: row.get("actor_user_id"),
        actor_token_id: row.get("actor_token_id"),
        workspace_id: row.get("workspace_id"),
        action: row.get("action"),
        target: row.get("target"),
        ip: row.get("ip"),
        user_agent: row.get("user_agent"),
        details: row.get("details"),
        prev_hash: row.get("prev_hash"),
        hash: row.get("hash"),
    }
}

const SELECT_ENTRIES: &str = "SELECT seq, at, actor_user_id, actor_token_id, workspace_id, \
     action, target, ip, user_agent, details, prev_hash, hash FROM audit_log";

/// Entries of one workspace (or all when `None`), newest first, at most `limit`.
pub async fn list(
    db: &crate::db::Db,
    workspace_id: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>, StoreError> {
    let executor = db.pool();
    let before = before_seq.unwrap_or(i64::MAX);
    let rows = match workspace_id {
        Some(ws) => {
            sqlx::query(&format!(
                "{SELECT_ENTRIES} WHERE workspace_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"
            ))
            .bind(ws)
            .bind(before)
            .bind(limit)
            .fetch_all(executor)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{SELECT_ENTRIES} WHERE seq < $1 ORDER BY seq DESC LIMIT $2"
            ))
            .bind(before)
            .bind(limit)
            .fetch_all(executor)
            .await?
        }
    };
    Ok(rows.iter().map(entry_from_row).collect())
}

/// Every entry in chain order, read in pages.
pub async fn all(db: &crate::db::Db) -> Result<Vec<Entry>, StoreError> {
    let mut out = Vec::new();
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(&format!(
            "{SELECT_ENTRIES} WHERE seq > $1 ORDER BY seq LIMIT 5000"
        ))
        .bind(after)
        .fetch_all(db.pool())
        .await?;
        if rows.is_empty() {
            return Ok(out);
        }
        out.extend(rows.iter().map(entry_from_row));
        after = out.last().map(|e| e.seq).unwrap_or(after);
    }
}

/// The chain head as stored.
pub async fn head(db: &crate::db::Db) -> Result<(i64, String), StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    Ok((row.get("seq"), row.get("hash")))
}

/// What [`verify`] proved, and what it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: usize,
    /// Entries sealed with the plain SHA-256 of earlier versions: a database writer could have
    /// rewritten them undetectably.
    pub legacy: usize,
    /// Keyed entries whose key is not at hand (sealed under another server key).
    pub unknown_key: usize,
    /// The newest checkpoint that matched: (sequence number, time).
    pub anchored_through: Option<(i64, i64)>,
}

impl Verification {
    /// One line per limit of the proof (none when everything is proven).
    pub fn caveats(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.legacy > 0 {
            out.push(format!(
                "{} entries predate keyed seals: they prove order, not that a database writer left them alone",
                self.legacy
            ));
        }
        if self.unknown_key > 0 {
            out.push(format!(
                "{} entries are sealed under a key this server does not hold: their content is unchecked",
                self.unknown_key
            ));
        }
        match self.anchored_through {
            Some((seq, _)) if (seq as usize) < self.entries => out.push(format!(
                "entries after {seq} are not covered by a checkpoint yet: removal of the newest entries since then would not be noticed"
            )),
            None => out.push(
                "no checkpoint: truncation or rollback of the whole log could not be noticed".into(),
            ),
            _ => {}
        }
        out
    }
}

/// Checks a chain in order. `head` is the stored head (`None` for an export, whose own trailing
/// head line the caller passes instead); `key` checks keyed seals; `checkpoints` (already read
/// from outside the database) anchor it: each must be signed by `key` and name an entry of the
/// chain with the same seal. Returns what was proven, or one line on the first problem.
pub fn verify(
    entries: &[Entry],
    head: Option<(i64, &str)>,
    key: Option<&AuditKey>,
    checkpoints: &[Checkpoint],
) -> Result<Verification, String> {
    let mut report = Verification {
        entries: entries.len(),
        legacy: 0,
        unknown_key: 0,
        anchored_through: None,
    };
    let mut prev_hash = GENESIS.to_string();
    if let Some(first) = entries.first() {
        if first.seq != 1 {
            return Err(format!(
                "entry 1 is missing (the chain starts at entry {})",
                first.seq
            ));
        }
    }
    for (entry, expected_seq) in entries.iter().zip(1..) {
        if entry.seq != expected_seq {
            return Err(format!(
                "entry {expected_seq} is missing or out of order (found entry {} in its place)",
                entry.seq
            ));
        }
        if entry.prev_hash != prev_hash {
            return Err(format!(
                "entry {} does not link to the entry before it (removed, inserted or reordered entries)",
                entry.seq
            ));
        }
        let sealed_by = match entry.key_id() {
            None => {
                report.legacy += 1;
                None
            }
            Some(id) => match key {
                Some(key) if key.id() == id => Some(key),
                _ => {
                    report.unknown_key += 1;
                    prev_hash = entry.hash.clone();
                    continue;
                }
            },
        };
        if report.legacy > 0 && sealed_by.is_none() && report.legacy as i64 != entry.seq {
            return Err(format!(
                "entry {} has an unkeyed seal after keyed entries (forged or rewritten)",
                entry.seq
            ));
        }
        if entry.compute_hash(sealed_by) != entry.hash {
            return Err(format!(
                "entry {} was modified (its content does not match its seal)",
                entry.seq
            ));
        }
        prev_hash = entry.hash.clone();
    }
    let last_seq = entries.last().map(|e| e.seq).unwrap_or(0);
    if let Some((head_seq, head_hash)) = head {
        if head_seq != last_seq {
            return Err(format!(
                "the chain ends at entry {last_seq} but the recorded head is entry {head_seq} (entries were removed from the end, or the head was altered)"
            ));
        }
        if head_hash != prev_hash {
            return Err(format!(
                "the recorded head's seal does not match entry {last_seq} (the last entry or the head was altered)"
            ));
        }
    }
    for checkpoint in checkpoints {
        let Some(key) = key else {
            break;
        };
        if !checkpoint.signed_by(&key.public_key()) {
            return Err(format!(
                "the checkpoint of entry {} is not signed by this server's key (forged checkpoint)",
                checkpoint.seq
            ));
        }
        match entries.get((checkpoint.seq - 1).max(0) as usize) {
            Some(entry) if entry.seq == checkpoint.seq && entry.hash == checkpoint.hash => {
                if report.anchored_through.is_none_or(|(seq, _)| seq <= checkpoint.seq) {
                    report.anchored_through = Some((checkpoint.seq, checkpoint.at));
                }
            }
            Some(_) => {
                return Err(format!(
                    "entry {} differs from its signed checkpoint (the log was rewritten or rolled back)",
                    checkpoint.seq
                ))
            }
            None => {
                return Err(format!(
                    "a signed checkpoint names entry {} but the chain ends at entry {last_seq} (entries were removed, or the log was reset)",
                    checkpoint.seq
                ))
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::ServerKey;

    fn chain(n: i64, key: Option<&AuditKey>) -> Vec<Entry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = Entry {
                    seq,
                    at: 1_700_000_000 + seq,
                    actor_user_id: Some("usr_a".into()),
                    actor_token_id: None,
                    workspace_id: Some("ws_a".into()),
                    action: format!("action.{seq}"),
                    target: None,
                    ip: Some("127.0.0.1".into()),
                    user_agent: None,
                    details: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.compute_hash(key);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    /// Re-seals `entries` from `from` on, as a database writer without the key would.
    fn rechain_without_key(entries: &mut [Entry], from: usize) {
        let mut prev = match from {
            0 => GENESIS.to_string(),
            _ => entries[from - 1].hash.clone(),
        };
        for e in &mut entries[from..] {
            e.prev_hash = prev;
            e.hash = e.compute_hash(None);
            prev = e.hash.clone();
        }
    }

    #[test]
    fn detects_edits_removals_reordering_and_truncation() {
        let key = AuditKey::from_server_key(&ServerKey::ephemeral());
        let entries = chain(5, Some(&key));
        let head = (5, entries[4].hash.clone());
        let check = |entries: &[Entry]| verify(entries, Some((head.0, &head.1)), Some(&key), &[]);
        assert_eq!(check(&entries).unwrap().entries, 5);

        let mut edited = entries.clone();
        edited[2].action = "login.success".into();
        assert!(check(&edited).unwrap_err().contains("entry 3 was modified"));

        let mut removed = entries.clone();
        removed.remove(1);
        assert!(check(&removed).unwrap_err().contains("entry 2"));

        let mut reordered = entries.clone();
        reordered.swap(1, 2);
        assert!(check(&reordered).is_err());

        let truncated = &entries[..4];
        assert!(check(truncated)
            .unwrap_err()
            .contains("removed from the end"));

        let mut head_altered = head.clone();
        head_altered.1 = entries[3].hash.clone();
        assert!(
            verify(&entries, Some((5, &head_altered.1)), Some(&key), &[])
                .unwrap_err()
                .contains("head's seal does not match entry 5"),
        );
    }

    #[test]
    fn a_database_writer_without_the_key_cannot_rewrite_the_chain() {
        let key = AuditKey::from_server_key(&ServerKey::ephemeral());
        let entries = chain(5, Some(&key));
        // Edit an entry and re-seal everything from there, as a plain SHA-256 chain allowed.
        let mut rewritten = entries.clone();
        rewritten[2].action = "nothing.happened".into();
        rechain_without_key(&mut rewritten, 2);
        let head = rewritten[4].hash.clone();
        assert!(verify(&rewritten, Some((5, &head)), Some(&key), &[])
            .unwrap_err()
            .contains("unkeyed seal after keyed entries"));
        // Rewriting the whole log as an old unkeyed one is caught by its checkpoint.
        let checkpoint = key.checkpoint(5, &entries[4].hash, 1_700_000_100);
        rechain_without_key(&mut rewritten, 0);
        let head = rewritten[4].hash.clone();
        assert!(
            verify(&rewritten, Some((5, &head)), Some(&key), &[checkpoint])
                .unwrap_err()
                .contains("differs from its signed checkpoint")
        );
        // Re-sealing under another key is no better: nothing of it can be checked.
        let other = AuditKey::from_server_key(&ServerKey::ephemeral());
        let forged = chain(5, Some(&other));
        let report = verify(&forged, Some((5, &forged[4].hash)), Some(&key), &[]).unwrap();
        assert_eq!(report.unknown_key, 5);
        assert!(!report.caveats().is_empty());
    }

    #[test]
    fn checkpoints_catch_truncation_rollback_and_reset() {
        let key = AuditKey::from_server_key(&ServerKey::ephemeral());
        let entries = chain(6, Some(&key));
        let checkpoint = key.checkpoint(4, &entries[3].hash, 1_700_000_100);
        let report = verify(
            &entries,
            Some((6, &entries[5].hash)),
            Some(&key),
            std::slice::from_ref(&checkpoint),
        )
        .unwrap();
        assert_eq!(report.anchored_through, Some((4, 1_700_000_100)));
        assert_eq!(
            report.caveats().len(),
            1,
            "entries 5-6 are not anchored yet"
        );

        // Tail deleted and the head moved back: the shorter chain is consistent on its own.
        let rolled_back = &entries[..3];
        let err = verify(
            rolled_back,
            Some((3, &rolled_back[2].hash)),
            Some(&key),
            std::slice::from_ref(&checkpoint),
        )
        .unwrap_err();
        assert!(err.contains("chain ends at entry 3"), "{err}");
        // Everything wiped and a new chain started.
        let reset = chain(2, Some(&key));
        assert!(verify(
            &reset[..0],
            Some((0, GENESIS)),
            Some(&key),
            std::slice::from_ref(&checkpoint)
        )
        .is_err());
        // A checkpoint signed by another key is refused.
        let other = AuditKey::from_server_key(&ServerKey::ephemeral());
        let forged = other.checkpoint(6, &entries[5].hash, 1_700_000_200);
        assert!(
            verify(&entries, Some((6, &entries[5].hash)), Some(&key), &[forged])
                .unwrap_err()
                .contains("not signed")
        );
    }

    #[test]
    fn legacy_unkeyed_entries_are_reported_not_trusted() {
        let entries = chain(3, None);
        let report = verify(&entries, Some((3, &entries[2].hash)), None, &[]).unwrap();
        assert_eq!(report.legacy, 3);
        assert!(report.caveats()[0].contains("predate keyed seals"));
    }
}
