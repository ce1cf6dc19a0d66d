//! API tokens: per user and workspace, scoped, expiring; only their SHA-256 is stored.

use crate::audit::Actor;
use crate::{Db, StoreError};
use serde_json::json;
use sqlx::Row;

/// A token as listed (never its secret); times in Unix seconds.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: String,
    pub name: String,
    pub user_id: String,
    pub user_email: String,
    /// Scope names, space-separated in storage.
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// `workspace`'s tokens: everyone's, or only `user_id`'s.
pub async fn list(
    db: &Db,
    workspace: &str,
    only_user: Option<&str>,
) -> Result<Vec<TokenRecord>, StoreError> {
    let sql = "SELECT t.id, t.name, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, \
               t.user_id, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.workspace_id = $1";
    let rows = match only_user {
        None => {
            sqlx::query(&format!("{sql} ORDER BY t.created_at, t.id"))
                .bind(workspace)
                .fetch_all(db.pool())
                .await?
        }
        Some(user) => {
            sqlx::query(&format!(
                "{sql} AND t.user_id = $2 ORDER BY t.created_at, t.id"
            ))
            .bind(workspace)
            .bind(user)
            .fetch_all(db.pool())
            .await?
        }
    };
    Ok(rows
        .iter()
        .map(|r| TokenRecord {
            id: r.get("id"),
            name: r.get("name"),
            user_id: r.get("user_id"),
            user_email: r.get("email"),
            scopes: r
                .get::<String, _>("scopes")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            created_at: r.get("created_at"),
            expires_at: r.get("expires_at"),
            last_used_at: r.get("last_used_at"),
            revoked_at: r.get("revoked_at"),
        })
        .collect())
}

/// A token to store (its secret already hashed by the caller).
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub user_id: &'a str,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub scopes: &'a [&'a str],
    pub created_at: i64,
    pub expires_at: i64,
}

/// Stores a new token of `workspace`; returns its id.
pub async fn create(
    db: &Db,
    workspace: &str,
    token: &NewToken<'_>,
    actor: &Actor,
) -> Result<String, StoreError> {
    let id = crate::crypto::new_id("tok");
    let scope_text = token.scopes.join(" ");
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, workspace_id, name, token_hash, scopes, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(token.user_id)
    .bind(workspace)
    .bind(token.name)
    .bind(token.token_hash)
    .bind(&scope_text)
    .bind(token.created_at)
    .bind(token.expires_at)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "token.create",
        Some(&id),
        json!({"scopes": scope_text, "expires_at": token.expires_at}),
    )
    .await?;
    Ok(id)
}

/// The user a token of `workspace` belongs to.
pub async fn owner(db: &Db, workspace: &str, id: &str) -> Result<String, StoreError> {
    sqlx::query("SELECT user_id FROM api_tokens WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(workspace)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.get("user_id"))
        .ok_or_else(|| StoreError::NotFound("no such token".into()))
}

/// Revokes a token (idempotently), with its audit entry.
pub async fn revoke(
    db: &Db,
    workspace: &str,
    id: &str,
    owner: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(crate::time::now())
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "token.revoke",
        Some(id),
        json!({"owner": owner}),
    )
    .await?;
    Ok(())
}
