//! Workspaces (personal and team), their settings, ownership transfer and integrations.

use crate::audit::Actor;
use crate::{Db, StoreError};
use serde_json::json;
use sqlx::Row;

/// A workspace as one member sees it; `created_at` in Unix seconds.
#[derive(Debug, Clone)]
pub struct WorkspaceRecord {
    pub id: String,
    pub name: String,
    pub personal: bool,
    /// The member's role.
    pub role: String,
    pub created_at: i64,
    /// When hosted scans' check runs fail: `high`, `any` or `never` ([`CHECK_POLICIES`]).
    pub check_policy: String,
    /// Days of history kept (0: for ever); see [`purge_history`].
    pub retention_days: i64,
}

/// The longest retention a workspace may set (ten years); 0 keeps everything.
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// The check-run policies a workspace can have.
pub const CHECK_POLICIES: [&str; 3] = ["high", "any", "never"];

const SELECT: &str =
    "SELECT w.id, w.name, w.personal_of, w.created_at, w.check_policy, w.retention_days, m.role FROM workspaces w \
     JOIN memberships m ON m.workspace_id = w.id";

fn record(r: &sqlx::any::AnyRow) -> WorkspaceRecord {
    WorkspaceRecord {
        id: r.get("id"),
        name: r.get("name"),
        personal: r.get::<Option<String>, _>("personal_of").is_some(),
        role: r.get("role"),
        created_at: r.get("created_at"),
        check_policy: r.get("check_policy"),
        retention_days: r.get("retention_days"),
    }
}

/// The workspaces `user_id` belongs to, oldest first.
pub async fn list_for_member(db: &Db, user_id: &str) -> Result<Vec<WorkspaceRecord>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE m.user_id = $1 ORDER BY w.created_at, w.id"
    ))
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(record).collect())
}

/// One workspace as `user_id` (a member) sees it.
pub async fn get_for_member(
    db: &Db,
    workspace: &str,
    user_id: &str,
) -> Result<WorkspaceRecord, StoreError> {
    sqlx::query(&format!("{SELECT} WHERE w.id = $1 AND m.user_id = $2"))
        .bind(workspace)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| record(&r))
        .ok_or_else(|| StoreError::NotFound("no such workspace".into()))
}

/// Creates a team workspace owned by `owner`.
pub async fn create(
    db: &Db,
    name: &str,
    owner: &str,
    actor: &Actor,
) -> Result<WorkspaceRecord, StoreError> {
    let id = crate::crypto::new_id("ws");
    let now = crate::time::now();
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO workspaces (id, name, personal_of, created_at) VALUES ($1, $2, NULL, $3)",
    )
    .bind(&id)
    .bind(name)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)",
    )
    .bind(&id)
    .bind(owner)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(&id),
        "workspace.create",
        Some(&id),
        json!({}),
    )
    .await?;
    Ok(WorkspaceRecord {
        id,
        name: name.to_string(),
        personal: false,
        role: "owner".into(),
        created_at: now,
        check_policy: "high".into(),
        retention_days: 0,
    })
}

/// A change of a workspace's settings; `None` leaves a setting as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct SettingsChange<'a> {
    pub name: Option<&'a str>,
    /// One of [`CHECK_POLICIES`].
    pub check_policy: Option<&'a str>,
    /// 0 (for ever) to [`MAX_RETENTION_DAYS`].
    pub retention_days: Option<i64>,
}

/// Changes a workspace's settings (each when given).
pub async fn update_settings(
    db: &Db,
    workspace: &str,
    change: &SettingsChange<'_>,
    actor: &Actor,
) -> Result<(), StoreError> {
    if change
        .check_policy
        .is_some_and(|p| !CHECK_POLICIES.contains(&p))
    {
        return Err(StoreError::Invalid(format!(
            "check_policy must be one of {}",
            CHECK_POLICIES.join(", ")
        )));
    }
    if change
        .retention_days
        .is_some_and(|d| !(0..=MAX_RETENTION_DAYS).contains(&d))
    {
        return Err(StoreError::Invalid(format!(
            "retention_days must be 0 (keep everything) to {MAX_RETENTION_DAYS}"
        )));
    }
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE workspaces SET name = COALESCE($1, name), \
         check_policy = COALESCE($2, check_policy), \
         retention_days = COALESCE($3, retention_days) WHERE id = $4",
    )
    .bind(change.name)
    .bind(change.check_policy)
    .bind(change.retention_days)
    .bind(workspace)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "workspace.settings",
        Some(workspace),
        json!({"name": change.name.is_some(), "check_policy": change.check_policy,
               "retention_days": change.retention_days}),
    )
    .await?;
    Ok(())
}

/// What a retention pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub scans: u64,
    pub findings: u64,
}

/// Applies every workspace's retention at `now`: findings fixed (gone from their branch) and
/// last seen before the cutoff are deleted, then scans older than the cutoff that no stored
/// finding still names as its first or last scan. One audit entry per workspace that lost
/// anything.
pub async fn purge_history(db: &Db, now: i64, actor: &Actor) -> Result<Purged, StoreError> {
    let workspaces: Vec<(String, i64)> =
        sqlx::query("SELECT id, retention_days FROM workspaces WHERE retention_days > 0")
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| (r.get("id"), r.get("retention_days")))
            .collect();
    let mut total = Purged::default();
    for (workspace, days) in workspaces {
        let cutoff = now - days * 86_400;
        let mut tx = db.write().await?;
        let findings = sqlx::query(
            "DELETE FROM findings WHERE workspace_id = $1 AND present = 0 AND last_seen_at < $2",
        )
        .bind(&workspace)
        .bind(cutoff)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        let scans = sqlx::query(
            "DELETE FROM scans WHERE workspace_id = $1 AND created_at < $2 \
             AND id NOT IN (SELECT first_scan_id FROM findings WHERE workspace_id = $1) \
             AND id NOT IN (SELECT last_scan_id FROM findings WHERE workspace_id = $1)",
        )
        .bind(&workspace)
        .bind(cutoff)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if findings == 0 && scans == 0 {
            tx.commit().await?;
            continue;
        }
        crate::audit::record_and_commit(
            tx,
            actor,
            Some(&workspace),
            "retention.purge",
            Some(&workspace),
            json!({"retention_days": days, "findings": findings, "scans": scans}),
        )
        .await?;
        total.scans += scans;
        total.findings += findings;
    }
    Ok(total)
}

/// A workspace's check-run policy (`high` when the workspace is unknown).
pub async fn check_policy(db: &Db, workspace: &str) -> Result<String, StoreError> {
    let row = sqlx::query("SELECT check_policy FROM workspaces WHERE id = $1")
        .bind(workspace)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map_or_else(|| "high".to_string(), |r| r.get("check_policy")))
}

/// Whether a workspace is someone's personal one.
pub async fn is_personal(db: &Db, workspace: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT personal_of FROM workspaces WHERE id = $1")
        .bind(workspace)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound("no such workspace".into()))?;
    Ok(row.get::<Option<String>, _>("personal_of").is_some())
}

/// Deletes a workspace and everything in it inside `conn`'s transaction (explicitly, child
/// tables first, so it does not depend on foreign-key cascades being enabled).
pub async fn delete_rows(
    conn: &mut sqlx::AnyConnection,
    workspace: &str,
) -> Result<(), sqlx::Error> {
    for table in [
        "findings",
        "scans",
        "repositories",
        "integrations",
        "api_tokens",
        "invitations",
        "memberships",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE workspace_id = $1"))
            .bind(workspace)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM workspaces WHERE id = $1")
        .bind(workspace)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes a team workspace with everything in it, then purges the deleted data from the
/// database files.
pub async fn delete(db: &Db, workspace: &str, actor: &Actor) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    delete_rows(&mut tx.tx, workspace).await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "workspace.delete",
        Some(workspace),
        json!({}),
    )
    .await?;
    db.purge_deleted().await?;
    Ok(())
}

/// Hands ownership from `from` to `to` (a member); `from` becomes an admin.
pub async fn transfer(
    db: &Db,
    workspace: &str,
    from: &str,
    to: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE memberships SET role = 'owner' WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace)
        .bind(to)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query("UPDATE memberships SET role = 'admin' WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace)
        .bind(from)
        .execute(&mut *tx.tx)
        .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "workspace.transfer",
        Some(to),
        json!({"from": from}),
    )
    .await?;
    Ok(())
}

/// An integration as stored: `url` is sealed by the server (it is a credential).
#[derive(Debug, Clone)]
pub struct IntegrationRecord {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub sealed_url: String,
    pub created_at: i64,
}

/// `workspace`'s integrations, oldest first.
pub async fn integrations(db: &Db, workspace: &str) -> Result<Vec<IntegrationRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, kind, name, url, created_at FROM integrations WHERE workspace_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(workspace)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| IntegrationRecord {
            id: r.get("id"),
            kind: r.get("kind"),
            name: r.get("name"),
            sealed_url: r.get("url"),
            created_at: r.get("created_at"),
        })
        .collect())
}

/// Adds an integration; `seal` turns the URL into its stored form for the new row's id.
pub async fn add_integration(
    db: &Db,
    workspace: &str,
    kind: &str,
    name: &str,
    seal: impl FnOnce(&str) -> String,
    actor: &Actor,
) -> Result<IntegrationRecord, StoreError> {
    let id = crate::crypto::new_id("int");
    let now = crate::time::now();
    let sealed_url = seal(&id);
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO integrations (id, workspace_id, kind, name, url, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(workspace)
    .bind(kind)
    .bind(name)
    .bind(&sealed_url)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "integration.create",
        Some(&id),
        json!({"kind": kind}),
    )
    .await?;
    Ok(IntegrationRecord {
        id,
        kind: kind.to_string(),
        name: name.to_string(),
        sealed_url,
        created_at: now,
    })
}

/// Replaces an integration's (sealed) URL.
pub async fn replace_integration_url(
    db: &Db,
    workspace: &str,
    id: &str,
    sealed_url: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let updated =
        sqlx::query("UPDATE integrations SET url = $1 WHERE id = $2 AND workspace_id = $3")
            .bind(sealed_url)
            .bind(id)
            .bind(workspace)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
    crate::changed_one(updated, "integration")?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "integration.replace_url",
        Some(id),
        json!({}),
    )
    .await?;
    Ok(())
}

/// Removes an integration.
pub async fn remove_integration(
    db: &Db,
    workspace: &str,
    id: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let deleted = sqlx::query("DELETE FROM integrations WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(workspace)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
    crate::changed_one(deleted, "integration")?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "integration.delete",
        Some(id),
        json!({}),
    )
    .await?;
    Ok(())
}

/// Re-stores every integration URL for which `reseal` returns a new stored form (unsealed
/// values written by older versions); returns how many changed.
pub async fn reseal_integrations(
    db: &Db,
    reseal: impl Fn(&str, &str) -> Option<String>,
) -> Result<u64, StoreError> {
    let rows = sqlx::query("SELECT id, url FROM integrations")
        .fetch_all(db.pool())
        .await?;
    let mut changed = 0;
    for row in rows {
        let (id, url): (String, String) = (row.get("id"), row.get("url"));
        let Some(sealed) = reseal(&id, &url) else {
            continue;
        };
        let mut tx = db.write().await?;
        sqlx::query("UPDATE integrations SET url = $1 WHERE id = $2 AND url = $3")
            .bind(&sealed)
            .bind(&id)
            .bind(&url)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        changed += 1;
    }
    Ok(changed)
}
