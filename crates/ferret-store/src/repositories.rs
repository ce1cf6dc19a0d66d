//! Repositories registered in a workspace, and the history of scans uploaded into them.

use crate::audit::Actor;
use crate::{Db, StoreError};
use serde_json::json;
use sqlx::Row;

/// A registered repository; `created_at` in Unix seconds.
#[derive(Debug, Clone)]
pub struct Repository {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub created_at: i64,
}

/// `workspace`'s repositories, by name.
pub async fn list(db: &Db, workspace: &str) -> Result<Vec<Repository>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, url, created_at FROM repositories WHERE workspace_id = $1 ORDER BY name",
    )
    .bind(workspace)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| Repository {
            id: r.get("id"),
            name: r.get("name"),
            url: r.get("url"),
            created_at: r.get("created_at"),
        })
        .collect())
}

/// Registers a repository (name and URL already validated); a taken name is a conflict.
pub async fn create(
    db: &Db,
    workspace: &str,
    name: &str,
    url: Option<&str>,
    actor: &Actor,
) -> Result<Repository, StoreError> {
    let id = crate::crypto::new_id("repo");
    let now = crate::time::now();
    let mut tx = db.write().await?;
    let taken = sqlx::query("SELECT id FROM repositories WHERE workspace_id = $1 AND name = $2")
        .bind(workspace)
        .bind(name)
        .fetch_optional(&mut *tx.tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::Conflict(
            "a repository with this name is already registered".into(),
        ));
    }
    sqlx::query(
        "INSERT INTO repositories (id, workspace_id, name, url, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(workspace)
    .bind(name)
    .bind(url)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "repository.create",
        Some(&id),
        json!({}),
    )
    .await?;
    Ok(Repository {
        id,
        name: name.to_string(),
        url: url.map(str::to_string),
        created_at: now,
    })
}

/// Removes a repository with its scans and findings, then purges the deleted data from the
/// database files (see [`Db::purge_deleted`]).
pub async fn remove(db: &Db, workspace: &str, id: &str, actor: &Actor) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let exists = sqlx::query("SELECT id FROM repositories WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(workspace)
        .fetch_optional(&mut *tx.tx)
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound("no such repository".into()));
    }
    delete_in(&mut tx, workspace, id).await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "repository.delete",
        Some(id),
        json!({}),
    )
    .await?;
    db.purge_deleted().await?;
    Ok(())
}

/// Deletes a repository of `workspace` with its scans and findings, inside the caller's
/// transaction.
pub(crate) async fn delete_in(
    tx: &mut crate::db::WriteTx,
    workspace: &str,
    id: &str,
) -> Result<(), StoreError> {
    for table in ["findings", "scans"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE repository_id = $1"))
            .bind(id)
            .execute(&mut *tx.tx)
            .await?;
    }
    sqlx::query("DELETE FROM repositories WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(workspace)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
}

/// One uploaded scan; `created_at` in Unix seconds.
#[derive(Debug, Clone)]
pub struct ScanRecord {
    pub id: String,
    pub repository_id: String,
    pub repository: String,
    pub branch: String,
    pub commit: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub findings: i64,
    pub new: i64,
    pub fixed: i64,
}

/// `workspace`'s stored scans (not those still being ingested or failed), newest first, optionally of one repository (id or name).
pub async fn scans(
    db: &Db,
    workspace: &str,
    repository: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<ScanRecord>, StoreError> {
    let base = "SELECT s.id, s.repository_id, r.name, s.branch, s.commit_sha, s.created_by, s.created_at, \
                s.findings_total, s.findings_new, s.findings_fixed FROM scans s \
                JOIN repositories r ON r.id = s.repository_id \
                WHERE s.workspace_id = $1 AND s.status = 'complete'";
    let rows = match repository {
        Some(repo) => {
            sqlx::query(&format!(
                "{base} AND (r.id = $2 OR r.name = $2) ORDER BY s.created_at DESC, s.id LIMIT $3 OFFSET $4"
            ))
            .bind(workspace)
            .bind(repo)
            .bind(limit)
            .bind(offset)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{base} ORDER BY s.created_at DESC, s.id LIMIT $2 OFFSET $3"
            ))
            .bind(workspace)
            .bind(limit)
            .bind(offset)
            .fetch_all(db.pool())
            .await?
        }
    };
    Ok(rows
        .iter()
        .map(|r| ScanRecord {
            id: r.get("id"),
            repository_id: r.get("repository_id"),
            repository: r.get("name"),
            branch: r.get("branch"),
            commit: r.get("commit_sha"),
            created_by: r.get("created_by"),
            created_at: r.get("created_at"),
            findings: r.get("findings_total"),
            new: r.get("findings_new"),
            fixed: r.get("findings_fixed"),
        })
        .collect())
}
