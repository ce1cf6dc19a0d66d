//! Sign-up, login, logout, the current session, password change and account deletion.

use crate::audit::{self, Actor};
use crate::auth::{self, AuthKind, Caller, ClientInfo, SESSION_COOKIE};
use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::password;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::Row;

#[derive(Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// The canonical form of an email address (see [`crate::email`]), or 422.
pub fn normalize_email(email: &str) -> ApiResult<String> {
    crate::email::normalize(email).map_err(|e| ApiError::invalid(e.0))
}

fn anonymous(client: &ClientInfo) -> Actor {
    Actor {
        user_id: None,
        token_id: None,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
    }
}

/// `POST /api/auth/signup`. Answers the same whether or not the email is already registered.
pub async fn signup(
    State(state): State<AppState>,
    client: ClientInfo,
    Json(body): Json<Credentials>,
) -> ApiResult<Response> {
    let email = normalize_email(&body.email)?;
    password::check_policy(&body.password).map_err(ApiError::invalid)?;
    if state.config.signup == crate::config::Signup::Invite {
        let now = crate::time::now();
        let invited = sqlx::query(
            "SELECT id FROM invitations WHERE email = $1 AND accepted_at IS NULL \
             AND expires_at > $2",
        )
        .bind(&email)
        .bind(now)
        .fetch_optional(state.db.pool())
        .await?
        .is_some();
        if !invited {
            return Err(ApiError::forbidden(
                "sign-up on this server is by invitation: ask a workspace admin to invite this email",
            ));
        }
    }
    if let Err(retry) = state
        .limits
        .login_per_ip
        .check(&format!("signup:{}", client.ip))
    {
        return Err(ApiError::too_many(retry));
    }
    let hash = {
        let password = body.password.clone();
        tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|_| ApiError::internal())?
    };
    let mut tx = state.db.write().await?;
    let existing: Option<String> = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx.tx)
        .await?
        .map(|row| row.get("id"));
    if let Some(account) = existing {
        // The account, not what was typed: the log is append-only and outlives the account.
        audit::record(
            &mut tx,
            &anonymous(&client),
            None,
            "signup.duplicate",
            Some(&account),
            json!({}),
        )
        .await?;
    } else {
        insert_account(&mut tx, &email, &hash, &anonymous(&client)).await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"message": "account created if the email was not already registered; sign in to continue"})),
    )
        .into_response())
}

/// Inserts an account with its personal workspace inside `tx`; returns the account id.
async fn insert_account(
    tx: &mut crate::db::WriteTx,
    email: &str,
    hash: &str,
    client: &Actor,
) -> Result<String, sqlx::Error> {
    let now = crate::time::now();
    let user_id = crypto::new_id("usr");
    let workspace_id = crypto::new_id("ws");
    sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&user_id)
        .bind(email)
        .bind(hash)
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
        ..client.clone()
    };
    audit::record(
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

/// Creates an account from the command line (`ferret admin create-user`): the way to make the
/// first owner when sign-up is by invitation. Applies the same email and password rules as
/// sign-up; an email already registered is an error here (the operator needs to know).
pub async fn create_account(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<String, String> {
    let email = crate::email::normalize(email).map_err(|e| e.0.to_string())?;
    password::check_policy(password)?;
    let hash = {
        let password = password.to_string();
        tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|e| e.to_string())?
    };
    let mut tx = state.db.write().await.map_err(|e| e.to_string())?;
    let exists = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx.tx)
        .await
        .map_err(|e| e.to_string())?
        .is_some();
    if exists {
        return Err(format!("{email} already has an account"));
    }
    let operator = Actor {
        user_id: None,
        token_id: None,
        ip: "cli".to_string(),
        user_agent: Some("ferret admin create-user".to_string()),
    };
    let id = insert_account(&mut tx, &email, &hash, &operator)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(id)
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.tls { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("cookie is ASCII")
}

/// Creates a session for `user_id` inside `tx` and returns (cookie value, id hash).
async fn create_session(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    user_id: &str,
) -> ApiResult<(String, String)> {
    let value = crypto::new_secret("");
    let id_hash = crypto::sha256_hex(value.as_bytes());
    let now = crate::time::now();
    sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)")
        .bind(&id_hash)
        .bind(user_id)
        .bind(now)
        .bind(now + state.config.session_absolute_secs)
        .execute(&mut *conn)
        .await?;
    Ok((value, id_hash))
}

fn session_response(
    state: &AppState,
    status: StatusCode,
    cookie: &str,
    id_hash: &str,
    user: Value,
) -> Response {
    let mut response = (
        status,
        Json(json!({"user": user, "csrf_token": auth::csrf_token(state, id_hash)})),
    )
        .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(state, cookie, state.config.session_absolute_secs),
    );
    response
}

/// `POST /api/auth/login`.
pub async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    headers: HeaderMap,
    Json(body): Json<Credentials>,
) -> ApiResult<Response> {
    // The same canonical spelling as at sign-up; an address that could not have signed up
    // matches no account.
    let email =
        crate::email::normalize(&body.email).unwrap_or_else(|_| body.email.trim().to_lowercase());
    // Backoff per (account, address): one client's failures slow that client down, not the
    // account's owner elsewhere. The per-account ceiling stops distributed guessing, but a
    // browser that logged in to this account before (known-device cookie) is not held by it.
    let account_key = format!("login:{email}|{}", client.ip);
    let ceiling_key = format!("login:{email}");
    let ip_key = format!("login:{}", client.ip);
    let known_device = cookie_value(&headers, KNOWN_DEVICE_COOKIE)
        .is_some_and(|value| value == known_device_value(&state, &email));
    if let Err(retry) = state.limits.login_per_account.peek(&account_key) {
        return Err(ApiError::too_many(retry));
    }
    if let Err(retry) = state.limits.login_per_ip.peek(&ip_key) {
        return Err(ApiError::too_many(retry));
    }
    if !known_device {
        if let Err(retry) = state.limits.login_ceiling.peek(&ceiling_key) {
            return Err(ApiError::too_many(retry));
        }
    }
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(state.db.pool())
        .await?;
    let password_ok = {
        let stored: Option<String> = row.as_ref().map(|r| r.get("password_hash"));
        let password = body.password.clone();
        tokio::task::spawn_blocking(move || match stored {
            Some(stored) if password.len() <= password::MAX_PASSWORD_BYTES => {
                password::verify(&password, &stored)
            }
            _ => {
                password::verify_dummy(&password);
                false
            }
        })
        .await
        .map_err(|_| ApiError::internal())?
    };
    let user_id: Option<String> = row.as_ref().map(|r| r.get("id"));
    let Some(user_id) = user_id.clone().filter(|_| password_ok) else {
        let _ = state.limits.login_per_account.check(&account_key);
        let _ = state.limits.login_per_ip.check(&ip_key);
        let _ = state.limits.login_ceiling.check(&ceiling_key);
        // What was typed is never stored: a password typed into the email field would land in the
        // append-only log. A known account is named by id; otherwise a keyed hash lets an admin
        // see repeated attempts with the same text without the text.
        let details = match &user_id {
            Some(id) => json!({"account": id}),
            None => json!({
                "account": "unknown",
                "typed_hmac": state.key.mac(format!("login-email:{email}").as_bytes()),
            }),
        };
        audit::record_now(
            &state.db,
            &anonymous(&client),
            None,
            "login.failure",
            user_id.as_deref(),
            details,
        )
        .await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "invalid email or password",
        ));
    };

    let mut tx = state.db.write().await?;
    // Rotate: a session presented at login (possibly planted) is discarded.
    if let Some(old) = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
    {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(crypto::sha256_hex(old.as_bytes()))
            .execute(&mut *tx.tx)
            .await?;
    }
    let (cookie, id_hash) = create_session(&mut tx.tx, &state, &user_id).await?;
    let actor = Actor {
        user_id: Some(user_id.clone()),
        ..anonymous(&client)
    };
    audit::record(
        &mut tx,
        &actor,
        None,
        "login.success",
        Some(&user_id),
        json!({}),
    )
    .await?;
    audit::record(
        &mut tx,
        &actor,
        None,
        "session.create",
        Some(&user_id),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    let mut response = session_response(
        &state,
        StatusCode::OK,
        &cookie,
        &id_hash,
        json!({"id": user_id, "email": email}),
    );
    // Remember this browser for the account (see the ceiling above): a keyed hash of the
    // address, useless for anything else and for any other account.
    let secure = if state.config.tls { "; Secure" } else { "" };
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{KNOWN_DEVICE_COOKIE}={}; Path=/api/auth/login; Max-Age=31536000; HttpOnly; SameSite=Strict{secure}",
        known_device_value(&state, &email)
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The cookie that marks a browser as having logged in to an account before.
pub const KNOWN_DEVICE_COOKIE: &str = "ferret_known";

fn known_device_value(state: &AppState, email: &str) -> String {
    state.key.mac(format!("known-device:{email}").as_bytes())
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `POST /api/auth/logout`.
pub async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let id_hash = caller.require_session()?.to_string();
    let mut tx = state.db.write().await?;
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(&id_hash)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        None,
        "session.revoke",
        Some(&caller.user_id),
        json!({"reason": "logout"}),
    )
    .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// `GET /api/auth/session`: who is signed in, and the CSRF token for state changes.
pub async fn session(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let id_hash = caller.require_session()?;
    Ok(Json(json!({
        "user": {"id": caller.user_id, "email": caller.email},
        "csrf_token": auth::csrf_token(&state, id_hash),
    })))
}

/// `GET /api/me`: the caller, for sessions and tokens alike.
pub async fn me(caller: Caller) -> Json<Value> {
    let auth = match &caller.auth {
        AuthKind::Session { .. } => json!({"kind": "session"}),
        AuthKind::Token {
            id,
            workspace_id,
            scopes,
            ..
        } => json!({
            "kind": "token", "token_id": id, "workspace_id": workspace_id,
            "scopes": scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        }),
    };
    Json(json!({"user": {"id": caller.user_id, "email": caller.email}, "auth": auth}))
}

#[derive(Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

async fn check_password(state: &AppState, user_id: &str, password: &str) -> ApiResult<bool> {
    let stored: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await?
        .get("password_hash");
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        password.len() <= password::MAX_PASSWORD_BYTES && password::verify(&password, &stored)
    })
    .await
    .map_err(|_| ApiError::internal())
}

/// `PUT /api/account/password`: every existing session ends; a new one is issued.
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<PasswordChange>,
) -> ApiResult<Response> {
    caller.require_session()?;
    password::check_policy(&body.new_password).map_err(ApiError::invalid)?;
    if !check_password(&state, &caller.user_id, &body.current_password).await? {
        return Err(ApiError::forbidden("the current password is wrong"));
    }
    let new_password = body.new_password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&new_password))
        .await
        .map_err(|_| ApiError::internal())?;
    let mut tx = state.db.write().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(&caller.user_id)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(&caller.user_id)
        .execute(&mut *tx.tx)
        .await?;
    let (cookie, id_hash) = create_session(&mut tx.tx, &state, &caller.user_id).await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        None,
        "password.change",
        Some(&caller.user_id),
        json!({"sessions_revoked": "all"}),
    )
    .await?;
    Ok(session_response(
        &state,
        StatusCode::OK,
        &cookie,
        &id_hash,
        json!({"id": caller.user_id, "email": caller.email}),
    ))
}

#[derive(Deserialize)]
pub struct DeleteAccount {
    pub password: String,
}

/// `DELETE /api/account`: removes the user, their personal workspace and all its data, and team
/// workspaces where they are the only member. Refused while they are the last owner of a team
/// workspace that has other members.
pub async fn delete_account(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<DeleteAccount>,
) -> ApiResult<Response> {
    caller.require_session()?;
    if !check_password(&state, &caller.user_id, &body.password).await? {
        return Err(ApiError::forbidden("the password is wrong"));
    }
    let mut tx = state.db.write().await?;
    let owned = sqlx::query(
        "SELECT w.id, w.name, w.personal_of, \
           (SELECT COUNT(*) FROM memberships m2 WHERE m2.workspace_id = w.id) AS members, \
           (SELECT COUNT(*) FROM memberships m3 WHERE m3.workspace_id = w.id AND m3.role = 'owner') AS owners \
         FROM workspaces w JOIN memberships m ON m.workspace_id = w.id \
         WHERE m.user_id = $1 AND m.role = 'owner'",
    )
    .bind(&caller.user_id)
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
            return Err(ApiError::conflict(format!(
                "you are the last owner of workspace {name:?}: transfer ownership or delete it first"
            )));
        }
    }
    for id in &doomed {
        ferret_store::workspaces::delete_rows(&mut tx.tx, id).await?;
    }
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(&caller.user_id)
        .execute(&mut *tx.tx)
        .await?;
    audit::record_and_commit(
        tx,
        &caller.actor(),
        None,
        "account.delete",
        Some(&caller.user_id),
        json!({"workspaces_deleted": doomed}),
    )
    .await?;
    state.db.purge_deleted().await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}
