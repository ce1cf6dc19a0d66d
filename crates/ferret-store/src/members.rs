//! Members, roles and invitations of team workspaces. The rules that need the database's
//! current state (the last owner can neither leave nor be demoted; invitations are single-use)
//! are enforced here, inside the transaction that makes the change.

use crate::audit::Actor;
use crate::{Db, StoreError};
use serde_json::json;
use sqlx::Row;

/// A member; `joined_at` in Unix seconds.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    pub user_id: String,
    pub email: String,
    pub role: String,
    pub joined_at: i64,
}

/// `workspace`'s members, by joining time.
pub async fn list(db: &Db, workspace: &str) -> Result<Vec<MemberRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 ORDER BY m.created_at, u.id",
    )
    .bind(workspace)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| MemberRecord {
            user_id: r.get("id"),
            email: r.get("email"),
            role: r.get("role"),
            joined_at: r.get("created_at"),
        })
        .collect())
}

async fn owner_count(conn: &mut sqlx::AnyConnection, workspace: &str) -> Result<i64, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = $1 AND role = 'owner'",
    )
    .bind(workspace)
    .fetch_one(&mut *conn)
    .await?
    .get("n"))
}

/// Changes a member's role from `current` to `role` (both role names). Demoting below admin
/// revokes the member's admin-scoped tokens at once.
pub async fn change_role(
    db: &Db,
    workspace: &str,
    user: &str,
    current: &str,
    role: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    if current == "owner" && role != "owner" && owner_count(&mut tx.tx, workspace).await? <= 1 {
        return Err(StoreError::Conflict(
            "a workspace needs at least one owner".into(),
        ));
    }
    sqlx::query("UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3")
        .bind(role)
        .bind(workspace)
        .bind(user)
        .execute(&mut *tx.tx)
        .await?;
    if role == "member" {
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE workspace_id = $2 AND user_id = $3 \
             AND scopes LIKE '%admin%' AND revoked_at IS NULL",
        )
        .bind(crate::time::now())
        .bind(workspace)
        .bind(user)
        .execute(&mut *tx.tx)
        .await?;
    }
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "member.role",
        Some(user),
        json!({"from": current, "to": role}),
    )
    .await?;
    Ok(())
}

/// Removes a member (or records that they left) with their tokens in the workspace; refuses to
/// remove the last owner.
pub async fn remove(
    db: &Db,
    workspace: &str,
    user: &str,
    role: &str,
    leaving: bool,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    if role == "owner" && owner_count(&mut tx.tx, workspace).await? <= 1 {
        return Err(StoreError::Conflict(
            "the last owner cannot leave: transfer ownership first".into(),
        ));
    }
    for table in ["memberships", "api_tokens"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE workspace_id = $1 AND user_id = $2"
        ))
        .bind(workspace)
        .bind(user)
        .execute(&mut *tx.tx)
        .await?;
    }
    let action = if leaving {
        "member.leave"
    } else {
        "member.remove"
    };
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        action,
        Some(user),
        json!({"role": role}),
    )
    .await?;
    Ok(())
}

/// A pending invitation; times in Unix seconds.
#[derive(Debug, Clone)]
pub struct InvitationRecord {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A new invitation (the token already hashed by the caller).
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub role: &'a str,
    pub token_hash: &'a str,
    pub created_by: &'a str,
    pub expires_at: i64,
}

/// Stores an invitation.
pub async fn invite(
    db: &Db,
    workspace: &str,
    invitation: &NewInvitation<'_>,
    actor: &Actor,
) -> Result<InvitationRecord, StoreError> {
    let id = crate::crypto::new_id("inv");
    let now = crate::time::now();
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO invitations (id, workspace_id, email, role, token_hash, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(workspace)
    .bind(invitation.email)
    .bind(invitation.role)
    .bind(invitation.token_hash)
    .bind(invitation.created_by)
    .bind(now)
    .bind(invitation.expires_at)
    .execute(&mut *tx.tx)
    .await?;
    // The invited address is not written to the append-only log (it outlives the invitation).
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "invitation.create",
        Some(&id),
        json!({"role": invitation.role}),
    )
    .await?;
    Ok(InvitationRecord {
        id,
        email: invitation.email.to_string(),
        role: invitation.role.to_string(),
        created_at: now,
        expires_at: invitation.expires_at,
    })
}

/// `workspace`'s pending invitations.
pub async fn invitations(db: &Db, workspace: &str) -> Result<Vec<InvitationRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, email, role, created_at, expires_at FROM invitations \
         WHERE workspace_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at, id",
    )
    .bind(workspace)
    .bind(crate::time::now())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| InvitationRecord {
            id: r.get("id"),
            email: r.get("email"),
            role: r.get("role"),
            created_at: r.get("created_at"),
            expires_at: r.get("expires_at"),
        })
        .collect())
}

/// Withdraws a pending invitation.
pub async fn revoke_invitation(
    db: &Db,
    workspace: &str,
    id: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let n = sqlx::query(
        "DELETE FROM invitations WHERE id = $1 AND workspace_id = $2 AND accepted_at IS NULL",
    )
    .bind(id)
    .bind(workspace)
    .execute(&mut *tx.tx)
    .await?
    .rows_affected();
    crate::changed_one(n, "invitation")?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(workspace),
        "invitation.revoke",
        Some(id),
        json!({}),
    )
    .await?;
    Ok(())
}

/// Uses the invitation whose token hashes to `token_hash` for `user_id` (whose address must be
/// the invited one): single use, expiring. Returns the workspace and role joined.
pub async fn accept(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    email: &str,
    actor: &Actor,
) -> Result<(String, String), StoreError> {
    let now = crate::time::now();
    let mut tx = db.write().await?;
    // Single use: the update succeeds for exactly one request.
    let row = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 WHERE token_hash = $2 AND accepted_at IS NULL \
         AND expires_at > $1 AND email = $3 RETURNING workspace_id, role",
    )
    .bind(now)
    .bind(token_hash)
    .bind(email)
    .fetch_optional(&mut *tx.tx)
    .await?
    .ok_or_else(|| {
        StoreError::NotFound("invitation not found, expired, used, or for another email".into())
    })?;
    let workspace: String = row.get("workspace_id");
    let role: String = row.get("role");
    let already =
        sqlx::query("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(&workspace)
            .bind(user_id)
            .fetch_optional(&mut *tx.tx)
            .await?;
    if already.is_some() {
        return Err(StoreError::Conflict(
            "you are already a member of this workspace".into(),
        ));
    }
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&workspace)
    .bind(user_id)
    .bind(&role)
    .bind(now)
    .execute(&mut *tx.tx)
    .await?;
    crate::audit::record_and_commit(
        tx,
        actor,
        Some(&workspace),
        "member.add",
        Some(user_id),
        json!({"role": role, "via": "invitation"}),
    )
    .await?;
    Ok((workspace, role))
}
