//! GitHub App installations, the workspaces they are connected to, the repositories scanned
//! through them, and the webhook deliveries already handled.
//!
//! Only ids and names are kept: an installation token is minted per job and never stored.
//! When an installation is uninstalled (or a repository leaves it) access ends at once — the
//! repositories lose their installation, so no new scan can start — and their data is kept
//! only until `delete_after`, a grace period after which [`purge_expired`] deletes it.

use crate::audit::Actor;
use crate::{Db, StoreError};
use serde_json::json;
use sqlx::Row;

/// How long delivery ids are remembered (GitHub redelivers for at most a few days).
const DELIVERY_MEMORY_SECS: i64 = 30 * 86_400;

/// The job-queue subject of everything done through an installation: cancelling it stops
/// every queued and running job of the installation.
pub fn subject(installation_id: i64) -> String {
    format!("github-installation:{installation_id}")
}

/// The job-queue subject of one repository's jobs, under its installation's.
pub fn repository_subject(installation_id: i64, repository_id: &str) -> String {
    format!("{}/repository:{repository_id}", subject(installation_id))
}

/// An installation as GitHub describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    pub installation_id: i64,
    /// The user or organisation that installed the App.
    pub account_login: String,
    /// `User` or `Organization`.
    pub account_type: String,
}

/// Records a webhook delivery id; `false` when it was seen before (a replay, to be ignored).
/// Forgets ids older than a month.
pub async fn remember_delivery(
    db: &Db,
    delivery_id: &str,
    event: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM github_deliveries WHERE received_at < $1")
        .bind(now - DELIVERY_MEMORY_SECS)
        .execute(&mut *tx.tx)
        .await?;
    let seen = sqlx::query("SELECT 1 FROM github_deliveries WHERE delivery_id = $1")
        .bind(delivery_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .is_some();
    if !seen {
        sqlx::query(
            "INSERT INTO github_deliveries (delivery_id, event, received_at) VALUES ($1, $2, $3)",
        )
        .bind(delivery_id)
        .bind(event)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    }
    tx.commit().await?;
    Ok(!seen)
}

/// Records an installation (created, or its account renamed).
pub async fn installation_created(
    db: &Db,
    installation: &Installation,
    now: i64,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let known = sqlx::query("SELECT 1 FROM github_installations WHERE installation_id = $1")
        .bind(installation.installation_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .is_some();
    if known {
        sqlx::query(
            "UPDATE github_installations SET account_login = $1, account_type = $2 \
             WHERE installation_id = $3",
        )
        .bind(&installation.account_login)
        .bind(&installation.account_type)
        .bind(installation.installation_id)
        .execute(&mut *tx.tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO github_installations (installation_id, account_login, account_type, \
             created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(installation.installation_id)
        .bind(&installation.account_login)
        .bind(&installation.account_type)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    }
    crate::audit::record_and_commit(
        tx,
        actor,
        None,
        "github.installation.created",
        Some(&installation.installation_id.to_string()),
        json!({"account": installation.account_login, "type": installation.account_type}),
    )
    .await?;
    Ok(())
}

/// A known installation, if any.
pub async fn installation(
    db: &Db,
    installation_id: i64,
) -> Result<Option<Installation>, StoreError> {
    let row = sqlx::query(
        "SELECT installation_id, account_login, account_type FROM github_installations \
         WHERE installation_id = $1",
    )
    .bind(installation_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| Installation {
        installation_id: r.get("installation_id"),
        account_login: r.get("account_login"),
        account_type: r.get("account_type"),
    }))
}

/// Whether an installation is known and not suspended (jobs refuse to start otherwise).
pub async fn is_active(db: &Db, installation_id: i64) -> Result<bool, StoreError> {
    let row =
        sqlx::query("SELECT suspended_at FROM github_installations WHERE installation_id = $1")
            .bind(installation_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.is_some_and(|r| r.get::<Option<i64>, _>("suspended_at").is_none()))
}

/// Suspends or resumes an installation (GitHub's `suspend` / `unsuspend`).
pub async fn set_suspended(
    db: &Db,
    installation_id: i64,
    suspended: bool,
    now: i64,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let changed =
        sqlx::query("UPDATE github_installations SET suspended_at = $1 WHERE installation_id = $2")
            .bind(suspended.then_some(now))
            .bind(installation_id)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
    crate::changed_one(changed, "installation")?;
    let action = if suspended {
        "github.installation.suspended"
    } else {
        "github.installation.unsuspended"
    };
    crate::audit::record_and_commit(
        tx,
        actor,
        None,
        action,
        Some(&installation_id.to_string()),
        json!({}),
    )
    .await?;
    Ok(())
}

/// Forgets an installation (uninstalled in GitHub, or disconnected everywhere): its
/// connections go, its repositories lose it at once and their data is scheduled for deletion
/// at `delete_after`. Returns how many repositories were cut off. Unknown installations are
/// not an error (GitHub may tell us about one we never saw).
pub async fn installation_deleted(
    db: &Db,
    installation_id: i64,
    delete_after: i64,
    actor: &Actor,
) -> Result<u64, StoreError> {
    let mut tx = db.write().await?;
    let workspaces: Vec<String> = sqlx::query(
        "SELECT DISTINCT workspace_id FROM repositories WHERE github_installation_id = $1",
    )
    .bind(installation_id)
    .fetch_all(&mut *tx.tx)
    .await?
    .iter()
    .map(|r| r.get("workspace_id"))
    .collect();
    let repositories = sqlx::query(
        "UPDATE repositories SET github_installation_id = NULL, delete_after = $1 \
         WHERE github_installation_id = $2",
    )
    .bind(delete_after)
    .bind(installation_id)
    .execute(&mut *tx.tx)
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM github_connections WHERE installation_id = $1")
        .bind(installation_id)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query("DELETE FROM github_installations WHERE installation_id = $1")
        .bind(installation_id)
        .execute(&mut *tx.tx)
        .await?;
    let target = installation_id.to_string();
    for workspace in &workspaces {
        crate::audit::record(
            &mut tx,
            actor,
            Some(workspace),
            "github.installation.deleted",
            Some(&target),
            json!({"delete_after": delete_after}),
        )
        .await?;
    }
    crate::audit::record_and_commit(
        tx,
        actor,
        None,
        "github.installation.deleted",
        Some(&target),
        json!({"repositories": repositories, "delete_after": delete_after}),
    )
    .await?;
    Ok(repositories)
}

/// Repositories removed from an installation (or deleted in GitHub): cut off at once, their
/// data scheduled for deletion at `delete_after`. Returns how many Ferret repositories.
pub async fn repositories_removed(
    db: &Db,
    installation_id: i64,
    github_repo_ids: &[i64],
    delete_after: i64,
    actor: &Actor,
) -> Result<u64, StoreError> {
    let mut tx = db.write().await?;
    let mut removed = 0;
    for repo_id in github_repo_ids {
        let rows = sqlx::query(
            "SELECT id, workspace_id FROM repositories \
             WHERE github_installation_id = $1 AND github_repo_id = $2",
        )
        .bind(installation_id)
        .bind(repo_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        for row in &rows {
            let id: String = row.get("id");
            let workspace: String = row.get("workspace_id");
            sqlx::query(
                "UPDATE repositories SET github_installation_id = NULL, delete_after = $1 \
                 WHERE id = $2",
            )
            .bind(delete_after)
            .bind(&id)
            .execute(&mut *tx.tx)
            .await?;
            crate::audit::record(
                &mut tx,
                actor,
                Some(&workspace),
                "github.repository.removed",
                Some(&id),
                json!({"github_repo_id": repo_id, "delete_after": delete_after}),
            )
            .await?;
            removed += 1;
        }
    }
    tx.commit().await?;
    Ok(removed)
}

/// A GitHub repository's new name or default branch (`repository` renamed / edited events).
pub async fn repository_changed(
    db: &Db,
    installation_id: i64,
    github_repo_id: i64,
    full_name: &str,
    default_branch: &str,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE repositories SET url = $1, default_branch = $2 \
         WHERE github_installation_id = $3 AND github_repo_id = $4",
    )
    .bind(format!("https://github.com/{full_name}"))
    .bind(default_branch)
    .bind(installation_id)
    .bind(github_repo_id)
    .execute(&mut *tx.tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `installation_id` is connected to `workspace`.
async fn is_connected(
    tx: &mut crate::db::WriteTx,
    workspace: &str,
    installation_id: i64,
) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "SELECT 1 FROM github_connections WHERE workspace_id = $1 AND installation_id = $2",
    )
    .bind(workspace)
    .bind(installation_id)
    .fetch_optional(&mut *tx.tx)
    .await?
    .is_some())
}

/// Links an installation to a workspace. The caller has proved that the user can access the
/// installation (the connect flow); the store only records it.
pub async fn connect(
    db: &Db,
    workspace: &str,
    installation_id: i64,
    now: i64,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let known = sqlx::query("SELECT 1 FROM github_installations WHERE installation_id = $1")
        .bind(installation_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .is_some();
    if !known {
        return Err(StoreError::NotFound("no such installation".into()));
    }
    let linked = is_connected(&mut tx, workspace, installation_id).await?;
    if linked {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO github_connections (workspace_id, installation_id, connected_by, \
         connected_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(workspace)
    .bind(installation_id)
    .bind(&actor.user_id)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "github.connect",
        Some(&installation_id.to_string()),
        json!({}),
    )
    .await?;
    Ok(())
}

/// A GitHub repository to scan through a connected installation.
#[derive(Debug, Clone)]
pub struct NewGithubRepository<'a> {
    pub installation_id: i64,
    pub github_repo_id: i64,
    /// `owner/name`.
    pub full_name: &'a str,
    pub default_branch: &'a str,
}

/// Adds a repository of a connected installation to a workspace; returns its id. The
/// installation must be connected to that workspace.
pub async fn add_repository(
    db: &Db,
    workspace: &str,
    repository: &NewGithubRepository<'_>,
    now: i64,
    actor: &Actor,
) -> Result<String, StoreError> {
    let mut tx = db.write().await?;
    let connected = is_connected(&mut tx, workspace, repository.installation_id).await?;
    if !connected {
        return Err(StoreError::NotFound(
            "no such installation in this workspace".into(),
        ));
    }
    let taken = sqlx::query("SELECT 1 FROM repositories WHERE workspace_id = $1 AND name = $2")
        .bind(workspace)
        .bind(repository.full_name)
        .fetch_optional(&mut *tx.tx)
        .await?
        .is_some();
    if taken {
        return Err(StoreError::Conflict(
            "a repository with this name is already registered".into(),
        ));
    }
    let id = crate::crypto::new_id("repo");
    sqlx::query(
        "INSERT INTO repositories (id, workspace_id, name, url, created_at, github_repo_id, \
         github_installation_id, default_branch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(workspace)
    .bind(repository.full_name)
    .bind(format!("https://github.com/{}", repository.full_name))
    .bind(now)
    .bind(repository.github_repo_id)
    .bind(repository.installation_id)
    .bind(repository.default_branch)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "repository.create",
        Some(&id),
        json!({"github_repo_id": repository.github_repo_id,
               "installation": repository.installation_id}),
    )
    .await?;
    Ok(id)
}

/// A Ferret repository that a GitHub event should scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanTarget {
    pub workspace_id: String,
    pub repository_id: String,
    pub default_branch: Option<String>,
}

/// The repositories, in every workspace connected to a live installation, that track GitHub
/// repository `github_repo_id` through it.
pub async fn scan_targets(
    db: &Db,
    installation_id: i64,
    github_repo_id: i64,
) -> Result<Vec<ScanTarget>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.workspace_id, r.id, r.default_branch FROM repositories r \
         JOIN github_connections c ON c.workspace_id = r.workspace_id \
              AND c.installation_id = r.github_installation_id \
         JOIN github_installations i ON i.installation_id = r.github_installation_id \
         WHERE r.github_installation_id = $1 AND r.github_repo_id = $2 \
           AND r.delete_after IS NULL AND i.suspended_at IS NULL \
         ORDER BY r.workspace_id",
    )
    .bind(installation_id)
    .bind(github_repo_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| ScanTarget {
            workspace_id: r.get("workspace_id"),
            repository_id: r.get("id"),
            default_branch: r.get("default_branch"),
        })
        .collect())
}

/// Deletes repositories (with their scans and findings) whose grace period has ended;
/// returns how many.
pub async fn purge_expired(db: &Db, now: i64, actor: &Actor) -> Result<u64, StoreError> {
    let mut tx = db.write().await?;
    let rows = sqlx::query(
        "SELECT id, workspace_id FROM repositories WHERE delete_after IS NOT NULL \
         AND delete_after <= $1",
    )
    .bind(now)
    .fetch_all(&mut *tx.tx)
    .await?;
    for row in &rows {
        let id: String = row.get("id");
        let workspace: String = row.get("workspace_id");
        crate::repositories::delete_in(&mut tx, &workspace, &id).await?;
        crate::audit::record(
            &mut tx,
            actor,
            Some(&workspace),
            "repository.purged",
            Some(&id),
            json!({"reason": "GitHub access ended and the grace period is over"}),
        )
        .await?;
    }
    tx.commit().await?;
    if !rows.is_empty() {
        db.purge_deleted().await?;
    }
    Ok(rows.len() as u64)
}

/// A pending "Connect GitHub" request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectState {
    pub workspace_id: String,
    pub user_id: String,
    /// The hash of the session that asked.
    pub session_hash: String,
}

/// Records a connect request under the hash of its `state` (the state itself is only in the
/// user's browser and GitHub's redirect).
pub async fn create_connect_state(
    db: &Db,
    state_hash: &str,
    state: &ConnectState,
    expires_at: i64,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO github_connect_states (state_hash, workspace_id, user_id, session_hash, \
         expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(state_hash)
    .bind(&state.workspace_id)
    .bind(&state.user_id)
    .bind(&state.session_hash)
    .bind(expires_at)
    .execute(&mut *tx.tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a connect request: it is deleted whatever happens next (single use). `None` when
/// unknown, used or expired.
pub async fn take_connect_state(
    db: &Db,
    state_hash: &str,
    now: i64,
) -> Result<Option<ConnectState>, StoreError> {
    let mut tx = db.write().await?;
    let row = sqlx::query(
        "SELECT workspace_id, user_id, session_hash, expires_at FROM github_connect_states \
         WHERE state_hash = $1",
    )
    .bind(state_hash)
    .fetch_optional(&mut *tx.tx)
    .await?;
    sqlx::query("DELETE FROM github_connect_states WHERE state_hash = $1 OR expires_at < $2")
        .bind(state_hash)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    tx.commit().await?;
    Ok(row
        .filter(|r| r.get::<i64, _>("expires_at") >= now)
        .map(|r| ConnectState {
            workspace_id: r.get("workspace_id"),
            user_id: r.get("user_id"),
            session_hash: r.get("session_hash"),
        }))
}

/// An installation connected to a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub installation: Installation,
    pub suspended: bool,
    pub connected_by: Option<String>,
    pub connected_at: i64,
}

/// The installations connected to `workspace`.
pub async fn connections(db: &Db, workspace: &str) -> Result<Vec<Connection>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.installation_id, i.account_login, i.account_type, i.suspended_at, \
         c.connected_by, c.connected_at FROM github_connections c \
         JOIN github_installations i ON i.installation_id = c.installation_id \
         WHERE c.workspace_id = $1 ORDER BY i.account_login",
    )
    .bind(workspace)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| Connection {
            installation: Installation {
                installation_id: r.get("installation_id"),
                account_login: r.get("account_login"),
                account_type: r.get("account_type"),
            },
            suspended: r.get::<Option<i64>, _>("suspended_at").is_some(),
            connected_by: r.get("connected_by"),
            connected_at: r.get("connected_at"),
        })
        .collect())
}

/// Disconnects an installation from one workspace: that workspace's repositories of it are
/// cut off at once and their data scheduled for deletion at `delete_after`; other workspaces
/// keep their own connection. Returns the ids of the repositories cut off.
pub async fn disconnect(
    db: &Db,
    workspace: &str,
    installation_id: i64,
    delete_after: i64,
    actor: &Actor,
) -> Result<Vec<String>, StoreError> {
    let mut tx = db.write().await?;
    let removed = sqlx::query(
        "DELETE FROM github_connections WHERE workspace_id = $1 AND installation_id = $2",
    )
    .bind(workspace)
    .bind(installation_id)
    .execute(&mut *tx.tx)
    .await?
    .rows_affected();
    crate::changed_one(removed, "installation in this workspace")?;
    let repositories: Vec<String> = sqlx::query(
        "SELECT id FROM repositories WHERE workspace_id = $1 AND github_installation_id = $2",
    )
    .bind(workspace)
    .bind(installation_id)
    .fetch_all(&mut *tx.tx)
    .await?
    .iter()
    .map(|r| r.get("id"))
    .collect();
    sqlx::query(
        "UPDATE repositories SET github_installation_id = NULL, delete_after = $1 \
         WHERE workspace_id = $2 AND github_installation_id = $3",
    )
    .bind(delete_after)
    .bind(workspace)
    .bind(installation_id)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "github.disconnect",
        Some(&installation_id.to_string()),
        json!({"repositories": repositories.len(), "delete_after": delete_after}),
    )
    .await?;
    Ok(repositories)
}

/// A workspace repository's GitHub side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubRepository {
    pub installation_id: i64,
    pub github_repo_id: i64,
    /// `owner/name`.
    pub full_name: String,
    pub default_branch: Option<String>,
}

/// The GitHub side of repository `id` of `workspace`: `None` when it is not a GitHub
/// repository or has been cut off.
pub async fn github_repository(
    db: &Db,
    workspace: &str,
    id: &str,
) -> Result<Option<GithubRepository>, StoreError> {
    let row = sqlx::query(
        "SELECT github_installation_id, github_repo_id, name, default_branch FROM repositories \
         WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace)
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Err(StoreError::NotFound("no such repository".into()));
    };
    let (Some(installation_id), Some(github_repo_id)) = (
        row.get::<Option<i64>, _>("github_installation_id"),
        row.get::<Option<i64>, _>("github_repo_id"),
    ) else {
        return Ok(None);
    };
    Ok(Some(GithubRepository {
        installation_id,
        github_repo_id,
        full_name: row.get("name"),
        default_branch: row.get("default_branch"),
    }))
}
