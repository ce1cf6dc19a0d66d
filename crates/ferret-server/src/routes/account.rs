//! Sign-up, login, logout, the current session, password change and account deletion.

use crate::audit::{self, Actor};
use crate::auth::{self, AuthKind, Caller, ClientInfo, SESSION_COOKIE};
use crate::crypto;
use crate::error::{ApiError, ApiResult, ErrorReply};
use crate::password;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// An email address and a password.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    #[schema(format = "email", max_length = 320)]
    pub email: String,
    /// At sign-up: 12 to 1024 characters, not a commonly used password.
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

/// Create an account.
///
/// Answers the same whether or not the email is already registered. On a server where sign-up
/// is by invitation, only invited addresses may sign up.
#[utoipa::path(post, path = "/api/auth/signup", tag = "auth", security(()),
    request_body = Credentials,
    responses(
        (status = 201, description = "Account created, unless the email was already registered", body = Message),
        (status = 403, description = "Sign-up is by invitation and this email has none", body = ErrorReply),
    ))]
pub async fn signup(
    State(state): State<AppState>,
    client: ClientInfo,
    Json(body): Json<Credentials>,
) -> ApiResult<Response> {
    let email = normalize_email(&body.email)?;
    password::check_policy(&body.password).map_err(ApiError::invalid)?;
    if state.config.signup == crate::config::Signup::Invite {
        let invited =
            ferret_store::accounts::has_pending_invitation(&state.db, &email, crate::time::now())
                .await?;
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
    // A taken address is recorded against the existing account (by id, never what was typed)
    // and answered the same.
    ferret_store::accounts::sign_up(&state.db, &email, &hash, &anonymous(&client)).await?;
    Ok((
        StatusCode::CREATED,
        Json(Message {
            message: "account created if the email was not already registered; sign in to continue",
        }),
    )
        .into_response())
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
    let operator = Actor {
        user_id: None,
        token_id: None,
        ip: "cli".to_string(),
        user_agent: Some("ferret admin create-user".to_string()),
    };
    ferret_store::accounts::create(&state.db, &email, &hash, &operator)
        .await
        .map_err(|e| e.to_string())
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.tls { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("cookie is ASCII")
}

/// A new session's cookie value and the hash stored for it.
fn new_session(state: &AppState) -> (String, String, i64) {
    let value = crypto::new_secret("");
    let id_hash = crypto::sha256_hex(value.as_bytes());
    (
        value,
        id_hash,
        crate::time::now() + state.config.session_absolute_secs,
    )
}

fn session_response(
    state: &AppState,
    status: StatusCode,
    cookie: &str,
    id_hash: &str,
    user: UserOut,
) -> Response {
    let body = SessionOut {
        user,
        csrf_token: auth::csrf_token(state, id_hash),
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(state, cookie, state.config.session_absolute_secs),
    );
    response
}

/// Sign in: starts a session (cookie) and returns its CSRF token.
///
/// Failed attempts slow down the address, the client and (for unknown browsers) the account.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", security(()),
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionOut),
        (status = 401, description = "Wrong email or password", body = ErrorReply),
    ))]
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
    let row = ferret_store::accounts::credentials(&state.db, &email).await?;
    let password_ok = {
        let stored: Option<String> = row.as_ref().map(|(_, hash)| hash.clone());
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
    let user_id: Option<String> = row.map(|(id, _)| id);
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

    // Rotate: a session presented at login (possibly planted) is discarded.
    let discarded =
        cookie_value(&headers, SESSION_COOKIE).map(|old| crypto::sha256_hex(old.as_bytes()));
    let (cookie, id_hash, expires_at) = new_session(&state);
    let actor = Actor {
        user_id: Some(user_id.clone()),
        ..anonymous(&client)
    };
    ferret_store::accounts::log_in(
        &state.db,
        &user_id,
        discarded.as_deref(),
        &ferret_store::accounts::NewSession {
            id_hash: &id_hash,
            expires_at,
        },
        &actor,
    )
    .await?;
    let mut response = session_response(
        &state,
        StatusCode::OK,
        &cookie,
        &id_hash,
        UserOut {
            id: user_id,
            email: email.clone(),
        },
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

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Sign out: ends the session and clears its cookie.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out")))]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let id_hash = caller.require_session()?.to_string();
    ferret_store::accounts::log_out(&state.db, &id_hash, &caller.user_id, &caller.actor()).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// Who is signed in, and the CSRF token for state changes.
#[utoipa::path(get, path = "/api/auth/session", tag = "auth",
    responses((status = 200, description = "The session", body = SessionOut)))]
pub async fn session(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<SessionOut>> {
    let csrf_token = auth::csrf_token(&state, caller.require_session()?);
    Ok(Json(SessionOut {
        user: UserOut {
            id: caller.user_id,
            email: caller.email,
        },
        csrf_token,
    }))
}

/// The caller, for sessions and tokens alike.
#[utoipa::path(get, path = "/api/me", tag = "auth",
    responses((status = 200, description = "The caller and how they authenticated", body = MeOut)))]
pub async fn me(caller: Caller) -> Json<MeOut> {
    let auth = match caller.auth {
        AuthKind::Session { .. } => AuthOut::Session,
        AuthKind::Token {
            id,
            workspace_id,
            scopes,
            ..
        } => AuthOut::Token {
            token_id: id,
            workspace_id,
            scopes: scopes.iter().map(|s| s.as_str()).collect(),
        },
    };
    Json(MeOut {
        user: UserOut {
            id: caller.user_id,
            email: caller.email,
        },
        auth,
    })
}

/// A short confirmation.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Message {
    message: &'static str,
}

/// The signed-in account.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserOut {
    id: String,
    email: String,
}

/// A session: who, and the CSRF token its state changes need.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionOut {
    user: UserOut,
    csrf_token: String,
}

/// How the caller authenticated.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AuthOut {
    Session,
    Token {
        token_id: String,
        workspace_id: String,
        scopes: Vec<&'static str>,
    },
}

/// `GET /api/me`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeOut {
    user: UserOut,
    auth: AuthOut,
}

/// The current password and the new one.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

async fn check_password(state: &AppState, user_id: &str, password: &str) -> ApiResult<bool> {
    let stored = ferret_store::accounts::password_hash(&state.db, user_id).await?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        password.len() <= password::MAX_PASSWORD_BYTES && password::verify(&password, &stored)
    })
    .await
    .map_err(|_| ApiError::internal())
}

/// Change the password: every existing session ends and a new one is issued.
#[utoipa::path(put, path = "/api/account/password", tag = "account",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; the new session cookie is set", body = SessionOut),
        (status = 403, description = "The current password is wrong", body = ErrorReply),
    ))]
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
    let (cookie, id_hash, expires_at) = new_session(&state);
    ferret_store::accounts::change_password(
        &state.db,
        &caller.user_id,
        &hash,
        &ferret_store::accounts::NewSession {
            id_hash: &id_hash,
            expires_at,
        },
        &caller.actor(),
    )
    .await?;
    Ok(session_response(
        &state,
        StatusCode::OK,
        &cookie,
        &id_hash,
        UserOut {
            id: caller.user_id,
            email: caller.email,
        },
    ))
}

/// The password, to confirm.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeleteAccount {
    pub password: String,
}

/// Delete the account.
///
/// Removes the user, their personal workspace and all its data, and team workspaces where they
/// are the only member. Refused while they are the last owner of a team workspace that has
/// other members.
#[utoipa::path(delete, path = "/api/account", tag = "account",
    request_body = DeleteAccount,
    responses(
        (status = 204, description = "Deleted; the session cookie is cleared"),
        (status = 403, description = "The password is wrong", body = ErrorReply),
        (status = 409, description = "The last owner of a team workspace with other members", body = ErrorReply),
    ))]
pub async fn delete_account(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<DeleteAccount>,
) -> ApiResult<Response> {
    caller.require_session()?;
    if !check_password(&state, &caller.user_id, &body.password).await? {
        return Err(ApiError::forbidden("the password is wrong"));
    }
    ferret_store::accounts::delete(&state.db, &caller.user_id, &caller.actor()).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// A signed-in session (a browser) of the caller.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInfo {
    /// Names the session for revocation (not its cookie, nor anything that opens it).
    pub id: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    /// The address and browser it was started from.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The session making this request.
    pub current: bool,
}

/// Your active sessions, newest first.
#[utoipa::path(get, path = "/api/account/sessions", tag = "account",
    responses((status = 200, description = "Sessions", body = super::repositories::Items<SessionInfo>)))]
pub async fn sessions(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<super::repositories::Items<SessionInfo>>> {
    let current = caller.require_session()?;
    let items = ferret_store::accounts::active_sessions(
        &state.db,
        &caller.user_id,
        current,
        crate::time::now(),
    )
    .await?
    .into_iter()
    .map(|s| SessionInfo {
        id: s.id,
        created_at: crate::time::rfc3339(s.created_at),
        last_seen_at: crate::time::rfc3339(s.last_seen_at),
        expires_at: crate::time::rfc3339(s.expires_at),
        ip: s.ip,
        user_agent: s.user_agent,
        current: s.current,
    })
    .collect();
    Ok(Json(super::repositories::Items::new(items)))
}

/// End one of your sessions (ending the current one signs you out).
#[utoipa::path(delete, path = "/api/account/sessions/{session}", tag = "account",
    params(("session" = String, Path, description = "Session id, from the list")),
    responses((status = 204, description = "Ended")))]
pub async fn revoke_session(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_session()?;
    ferret_store::accounts::revoke_sessions(
        &state.db,
        &caller.user_id,
        ferret_store::accounts::Revoke::One(&id),
        &caller.actor(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many sessions ended.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revoked {
    pub sessions: usize,
}

/// Sign out everywhere else: end every session but this one.
#[utoipa::path(post, path = "/api/account/sessions/revoke-others", tag = "account",
    responses((status = 200, description = "Ended", body = Revoked)))]
pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Revoked>> {
    let current = caller.require_session()?;
    let sessions = ferret_store::accounts::revoke_sessions(
        &state.db,
        &caller.user_id,
        ferret_store::accounts::Revoke::AllBut(current),
        &caller.actor(),
    )
    .await?;
    Ok(Json(Revoked { sessions }))
}
