//! The audit log: append-only, hash-chained, verifiable.
//!
//! Each entry stores the SHA-256 of its own content together with the previous entry's hash;
//! `audit_head` holds the latest sequence number and hash. Appending takes the head row's lock
//! (`UPDATE … RETURNING`), so concurrent servers on one PostgreSQL database still produce one
//! gap-free chain. [`verify`] recomputes everything: an edited entry fails its hash, a removed
//! one leaves a gap, a reordered one breaks the links, a truncated tail disagrees with the head.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Any, AnyConnection, Row};

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
    /// The hash this entry must carry.
    pub fn compute_hash(&self) -> String {
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
        hex::encode(Sha256::digest(canonical.as_bytes()))
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
    record(&mut tx.tx, actor, workspace_id, action, target, details).await?;
    tx.commit().await
}

/// Appends an entry inside the caller's transaction (so the action and its record commit
/// together).
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    workspace_id: Option<&str>,
    action: &str,
    target: Option<&str>,
    details: Value,
) -> Result<(), sqlx::Error> {
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
    entry.hash = entry.compute_hash();
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
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    record(&mut tx.tx, actor, workspace_id, action, target, details).await?;
    tx.commit().await
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
pub async fn list<'e, E>(
    executor: E,
    workspace_id: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
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
pub async fn all(db: &crate::db::Db) -> Result<Vec<Entry>, sqlx::Error> {
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
pub async fn head(db: &crate::db::Db) -> Result<(i64, String), sqlx::Error> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    Ok((row.get("seq"), row.get("hash")))
}

/// Checks a chain in order. `head` is the stored head (`None` when verifying an export, which
/// is then only checked for internal consistency). Returns the number of entries checked or a
/// one-line description of the first problem.
pub fn verify(entries: &[Entry], head: Option<(i64, &str)>) -> Result<usize, String> {
    let mut prev_hash = GENESIS.to_string();
    let first_seq = entries.first().map(|e| e.seq).unwrap_or(1);
    if head.is_some() && first_seq != 1 {
        return Err(format!(
            "entry 1 is missing (the chain starts at entry {first_seq})"
        ));
    }
    for ((i, entry), expected_seq) in entries.iter().enumerate().zip(first_seq..) {
        if entry.seq != expected_seq {
            return Err(format!(
                "entry {expected_seq} is missing or out of order (found entry {} in its place)",
                entry.seq
            ));
        }
        if (i > 0 || head.is_some()) && entry.prev_hash != prev_hash {
            return Err(format!(
                "entry {} does not link to the entry before it (removed, inserted or reordered entries)",
                entry.seq
            ));
        }
        if entry.compute_hash() != entry.hash {
            return Err(format!(
                "entry {} was modified (its content does not match its hash)",
                entry.seq
            ));
        }
        prev_hash = entry.hash.clone();
    }
    if let Some((head_seq, head_hash)) = head {
        let last_seq = entries.last().map(|e| e.seq).unwrap_or(0);
        if head_seq != last_seq || head_hash != prev_hash {
            return Err(format!(
                "the chain ends at entry {last_seq} but the recorded head is entry {head_seq} (entries were removed from the end, or the head was altered)"
            ));
        }
    }
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
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
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn detects_edits_removals_reordering_and_truncation() {
        let entries = chain(5);
        let head = (5, entries[4].hash.clone());
        assert_eq!(verify(&entries, Some((head.0, &head.1))), Ok(5));

        let mut edited = entries.clone();
        edited[2].action = "login.success".into();
        assert!(verify(&edited, Some((head.0, &head.1)))
            .unwrap_err()
            .contains("entry 3 was modified"));

        let mut removed = entries.clone();
        removed.remove(1);
        assert!(verify(&removed, Some((head.0, &head.1)))
            .unwrap_err()
            .contains("entry 2"));

        let mut reordered = entries.clone();
        reordered.swap(1, 2);
        assert!(verify(&reordered, Some((head.0, &head.1))).is_err());

        let truncated = &entries[..4];
        assert!(verify(truncated, Some((head.0, &head.1)))
            .unwrap_err()
            .contains("removed from the end"));

        // Renumbering after a removal still breaks the links.
        let mut renumbered = entries.clone();
        renumbered.remove(1);
        for (i, e) in renumbered.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        assert!(verify(&renumbered, None).is_err());
    }
}
