//! Accounts and how callers prove who they are: users with their personal workspace,
//! password hashes, sessions (stored as the SHA-256 of the cookie), API token lookup and
//! membership roles, and account deletion. Hashing passwords and minting secrets is the
//! server's business; this module stores and finds what it is given.

use crate::audit::Actor;
use crate::{Db, StoreError, WriteTx};
use serde_json::json;
use sqlx::Row;

/// Inserts a user with a personal workspace inside `tx`; returns the user id.
async fn insert_user(
    tx: &mut WriteTx,
    email: &str,
    password_hash: &str,
    actor: &Actor,
) -> Result<String, StoreError> {
    let now = crate::time::now();
    let user_id = crate::crypto::new_id("usr");
    let workspace_id = crate::crypto::new_id("ws");
    sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&user_id)
        .bind(email)
        .bind(password_hash)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query(
        "INSERT INTO workspaces (id, name, personal_of, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&workspace_id)
    .bind(format!("{email} (personal)"))
    .bind(&user_id)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)",
    )
    .bind(&workspace_id)
    .bind(&user_id)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    let actor = Actor {
        user_id: Some(user_id.clone()),
        ..actor.clone()
    };
    crate::audit::record(
        tx,
        &actor,
        Some(&workspace_id),
        "account.create",
        Some(&user_id),
        json!({}),
    )
    .await?;
    Ok(user_id)
}

async fn user_by_email(tx: &mut WriteTx, email: &str) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *tx.tx)
        .await?
        .map(|r| r.get("id")))
}

/// Sign-up: creates the account, or — when the address is taken — records the attempt against
/// the existing account (by id, never what was typed) and changes nothing, so the caller can
/// answer the same either way.
pub async fn sign_up(
    db: &Db,
    email: &str,
    password_hash: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    match user_by_email(&mut tx, email).await? {
        Some(existing) => {
            crate::audit::record(
                &mut tx,
                actor,
                None,
                "signup.duplicate",
                Some(&existing),
                json!({}),
            )
            .await?;
        }
        None => {
            insert_user(&mut tx, email, password_hash, actor).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Creates an account (`ferret admin create-user`); a taken address is a conflict.
pub async fn create(
    db: &Db,
    email: &str,
    password_hash: &str,
    actor: &Actor,
) -> Result<String, StoreError> {
    let mut tx = db.write().await?;
    if user_by_email(&mut tx, email).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "{email} already has an account"
        )));
    }
    let id = insert_user(&mut tx, email, password_hash, actor).await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether `email` has a pending, unexpired invitation (invitation-only sign-up).
pub async fn has_pending_invitation(db: &Db, email: &str, now: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "SELECT id FROM invitations WHERE email = $1 AND accepted_at IS NULL AND expires_at > $2",
    )
    .bind(email)
    .bind(now)
    .fetch_optional(db.pool())
    .await?
    .is_some())
}

/// The account id and password hash registered for `email`.
pub async fn credentials(db: &Db, email: &str) -> Result<Option<(String, String)>, StoreError> {
    Ok(
        sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(db.pool())
            .await?
            .map(|r| (r.get("id"), r.get("password_hash"))),
    )
}

/// The password hash of an account.
pub async fn password_hash(db: &Db, user_id: &str) -> Result<String, StoreError> {
    sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.get("password_hash"))
        .ok_or_else(|| StoreError::NotFound("no such account".into()))
}

/// A new session: the SHA-256 of its cookie and when it ends at the latest.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub expires_at: i64,
}

async fn insert_session(
    tx: &mut WriteTx,
    user_id: &str,
    session: &NewSession<'_>,
    actor: &Actor,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(session.id_hash)
    .bind(user_id)
    .bind(crate::time::now())
    .bind(session.expires_at)
    .bind(&actor.ip)
    .bind(&actor.user_agent)
    .execute(&mut *tx.tx)
    .await?;
    Ok(())
}

/// A successful login: a session presented at login (possibly planted) is discarded, the new
/// one stored, both recorded.
pub async fn log_in(
    db: &Db,
    user_id: &str,
    discarded_session_hash: Option<&str>,
    session: &NewSession<'_>,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    if let Some(old) = discarded_session_hash {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(old)
            .execute(&mut *tx.tx)
            .await?;
    }
    insert_session(&mut tx, user_id, session, actor).await?;
    for action in ["login.success", "session.create"] {
        crate::audit::record(&mut tx, actor, None, action, Some(user_id), json!({})).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends one session.
pub async fn log_out(
    db: &Db,
    id_hash: &str,
    user_id: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *tx.tx)
        .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        None,
        "session.revoke",
        Some(user_id),
        json!({"reason": "logout"}),
    )
    .await?;
    Ok(())
}

/// Sets a new password hash, ends every session of the account and starts `session`.
pub async fn change_password(
    db: &Db,
    user_id: &str,
    new_hash: &str,
    session: &NewSession<'_>,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(new_hash)
        .bind(user_id)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx.tx)
        .await?;
    insert_session(&mut tx, user_id, session, actor).await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        None,
        "password.change",
        Some(user_id),
        json!({"sessions_revoked": "all"}),
    )
    .await?;
    Ok(())
}

/// Deletes an account with its personal workspace and the team workspaces where it is the only
/// member; refused (conflict) while it is the last owner of a team that has other members.
/// Returns the deleted workspaces. Deleted data is purged from the database files.
pub async fn delete(db: &Db, user_id: &str, actor: &Actor) -> Result<Vec<String>, StoreError> {
    let mut tx = db.write().await?;
    let owned = sqlx::query(
        "SELECT w.id, w.name, w.personal_of, \
           (SELECT COUNT(*) FROM memberships m2 WHERE m2.workspace_id = w.id) AS members, \
           (SELECT COUNT(*) FROM memberships m3 WHERE m3.workspace_id = w.id AND m3.role = 'owner') AS owners \
         FROM workspaces w JOIN memberships m ON m.workspace_id = w.id \
         WHERE m.user_id = $1 AND m.role = 'owner'",
    )
    .bind(user_id)
    .fetch_all(&mut *tx.tx)
    .await?;
    let mut doomed = Vec::new();
    for row in &owned {
        let id: String = row.get("id");
        let personal: Option<String> = row.get("personal_of");
        let members: i64 = row.get("members");
        let owners: i64 = row.get("owners");
        if personal.is_some() || members == 1 {
            doomed.push(id);
        } else if owners == 1 {
            let name: String = row.get("name");
            return Err(StoreError::Conflict(format!(
                "you are the last owner of workspace {name:?}: transfer ownership or delete it first"
            )));
        }
    }
    for id in &doomed {
        crate::workspaces::delete_rows(&mut tx.tx, id).await?;
    }
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx.tx)
        .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        None,
        "account.delete",
        Some(user_id),
        json!({"workspaces_deleted": doomed}),
    )
    .await?;
    db.purge_deleted().await?;
    Ok(doomed)
}

/// What an API token (found by its hash) grants; times in Unix seconds.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub workspace_id: String,
    /// Scope names.
    pub scopes: Vec<String>,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    /// The owner's current role in the token's workspace (`None` once they left).
    pub role: Option<String>,
}

/// The token whose SHA-256 is `hash`.
pub async fn token_by_hash(db: &Db, hash: &str) -> Result<Option<TokenGrant>, StoreError> {
    let row = sqlx::query(
        "SELECT t.id, t.user_id, t.workspace_id, t.scopes, t.expires_at, t.revoked_at, \
         t.last_used_at, u.email, m.role FROM api_tokens t JOIN users u ON u.id = t.user_id \
         LEFT JOIN memberships m ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id \
         WHERE t.token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| TokenGrant {
        id: r.get("id"),
        user_id: r.get("user_id"),
        email: r.get("email"),
        workspace_id: r.get("workspace_id"),
        scopes: r
            .get::<String, _>("scopes")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        expires_at: r.get("expires_at"),
        revoked_at: r.get("revoked_at"),
        last_used_at: r.get("last_used_at"),
        role: r.get("role"),
    }))
}

/// Records that a token was used at `now`.
pub async fn touch_token(db: &Db, id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A stored session; times in Unix seconds.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user_id: String,
    pub email: String,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// The session whose cookie hashes to `id_hash`.
pub async fn session(db: &Db, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
    Ok(sqlx::query(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.email FROM sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(db.pool())
    .await?
    .map(|r| SessionRecord {
        user_id: r.get("user_id"),
        email: r.get("email"),
        last_seen_at: r.get("last_seen_at"),
        expires_at: r.get("expires_at"),
    }))
}

/// Ends an expired session.
pub async fn drop_session(db: &Db, id_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Records that a session was used at `now`.
pub async fn touch_session(db: &Db, id_hash: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// `user_id`'s role name in `workspace`, if a member.
pub async fn member_role(
    db: &Db,
    workspace: &str,
    user_id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace)
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?
            .map(|r| r.get("role")),
    )
}

/// A signed-in session as its owner sees it: `id` is derived from the stored hash (the hash is
/// never shown), `current` marks the session asking.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub current: bool,
}

/// The public id of a session: 16 hex characters of a hash of its stored hash.
pub fn session_public_id(id_hash: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(format!("session-id:{id_hash}").as_bytes()))[..16].to_string()
}

/// `user_id`'s sessions that have not expired at `now`, newest first.
pub async fn active_sessions(
    db: &Db,
    user_id: &str,
    current_hash: &str,
    now: i64,
) -> Result<Vec<ActiveSession>, StoreError> {
    let rows = sqlx::query(
        "SELECT id_hash, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let id_hash: String = r.get("id_hash");
            ActiveSession {
                id: session_public_id(&id_hash),
                current: id_hash == current_hash,
                created_at: r.get("created_at"),
                last_seen_at: r.get("last_seen_at"),
                expires_at: r.get("expires_at"),
                ip: r.get("ip"),
                user_agent: r.get("user_agent"),
            }
        })
        .collect())
}

/// Which of a user's sessions to end.
#[derive(Debug, Clone, Copy)]
pub enum Revoke<'a> {
    /// The one with this public id.
    One(&'a str),
    /// Every one but the session whose stored hash is given.
    AllBut(&'a str),
}

/// Ends sessions of `user_id`, with an audit entry; returns how many ended. Ending one that
/// does not exist (or is another user's) is `NotFound`.
pub async fn revoke_sessions(
    db: &Db,
    user_id: &str,
    which: Revoke<'_>,
    actor: &Actor,
) -> Result<usize, StoreError> {
    let mut tx = db.write().await?;
    let hashes: Vec<String> = sqlx::query("SELECT id_hash FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|r| r.get("id_hash"))
        .collect();
    let ending: Vec<&String> = match which {
        Revoke::One(id) => hashes
            .iter()
            .filter(|h| session_public_id(h) == id)
            .collect(),
        Revoke::AllBut(keep) => hashes.iter().filter(|h| h.as_str() != keep).collect(),
    };
    if ending.is_empty() {
        if let Revoke::One(_) = which {
            return Err(StoreError::NotFound("no such session".into()));
        }
    }
    for hash in &ending {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1 AND user_id = $2")
            .bind(hash.as_str())
            .bind(user_id)
            .execute(&mut *tx.tx)
            .await?;
    }
    let reason = match which {
        Revoke::One(_) => "revoked",
        Revoke::AllBut(_) => "revoked-others",
    };
    crate::audit::record_and_commit(
        tx,
        actor,
        None,
        "session.revoke",
        Some(user_id),
        json!({"reason": reason, "sessions": ending.len()}),
    )
    .await?;
    Ok(ending.len())
}
