//! Who is calling, and what they may do.
//!
//! A request authenticates with either a session cookie (browsers; state changes also need the
//! `X-CSRF-Token` header, whose value is an HMAC of the session under the server key) or an
//! `Authorization: Bearer ferret_pat_…` API token (scripts and CI; tokens are bound to one
//! workspace and carry scopes). Workspace access is always checked against the membership
//! table: a workspace the caller is not in — or a token for another workspace — answers 404,
//! exactly as if it did not exist.

use crate::audit::Actor;
use crate::crypto::{self, API_TOKEN_PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Method;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ferret_session";
/// The header carrying the CSRF token on cookie-authenticated state changes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Request facts recorded by the middleware: client address, user agent, request id.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: Option<String>,
    pub request_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> ApiResult<ClientInfo> {
        Ok(parts
            .extensions
            .get::<ClientInfo>()
            .cloned()
            .unwrap_or_default())
    }
}

/// A role in a workspace, ordered by power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "member" => Some(Role::Member),
            "admin" => Some(Role::Admin),
            "owner" => Some(Role::Owner),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }
}

/// What an API token may do. `admin` implies every other scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    FindingsRead,
    FindingsWrite,
    ScansWrite,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::FindingsRead,
        Scope::FindingsWrite,
        Scope::ScansWrite,
        Scope::Admin,
    ];
    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::FindingsRead => "findings:read",
            Scope::FindingsWrite => "findings:write",
            Scope::ScansWrite => "scans:write",
            Scope::Admin => "admin",
        }
    }
    /// The lowest role that may hold this scope.
    pub fn min_role(self) -> Role {
        match self {
            Scope::Admin => Role::Admin,
            _ => Role::Member,
        }
    }
}

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum AuthKind {
    Session {
        id_hash: String,
    },
    Token {
        id: String,
        workspace_id: String,
        scopes: Vec<Scope>,
        /// The owner's role in the token's workspace, read with the token (None: no longer a
        /// member, so the token opens nothing).
        role: Option<Role>,
    },
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub email: String,
    pub auth: AuthKind,
    pub client: ClientInfo,
}

/// What an operation needs inside a workspace.
#[derive(Debug, Clone, Copy)]
pub struct Need {
    pub role: Role,
    pub scope: Scope,
}

impl Need {
    pub const READ: Need = Need {
        role: Role::Member,
        scope: Scope::FindingsRead,
    };
    pub const TRIAGE: Need = Need {
        role: Role::Member,
        scope: Scope::FindingsWrite,
    };
    pub const SCAN: Need = Need {
        role: Role::Member,
        scope: Scope::ScansWrite,
    };
    pub const ADMIN: Need = Need {
        role: Role::Admin,
        scope: Scope::Admin,
    };
    pub const OWNER: Need = Need {
        role: Role::Owner,
        scope: Scope::Admin,
    };
    /// Changes to the caller's own standing — revoking a token, leaving a workspace: any member
    /// with a session, but a token only with the `admin` scope (a `findings:read` token must not
    /// revoke its owner's other tokens or take its owner out of the workspace).
    pub const SELF_SERVICE: Need = Need {
        role: Role::Member,
        scope: Scope::Admin,
    };
}

impl Caller {
    /// The audit actor for this caller.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id.clone()),
            token_id: match &self.auth {
                AuthKind::Token { id, .. } => Some(id.clone()),
                AuthKind::Session { .. } => None,
            },
            ip: self.client.ip.clone(),
            user_agent: self.client.user_agent.clone(),
        }
    }

    /// Account operations (password, deletion, tokens) need an interactive session.
    pub fn require_session(&self) -> ApiResult<&str> {
        match &self.auth {
            AuthKind::Session { id_hash } => Ok(id_hash),
            AuthKind::Token { .. } => Err(ApiError::forbidden(
                "this operation needs a signed-in session, not an API token",
            )),
        }
    }

    /// Checks membership (404 when absent), role and token scope (403 when insufficient), and
    /// returns the caller's role.
    pub async fn in_workspace(
        &self,
        state: &AppState,
        workspace_id: &str,
        need: Need,
    ) -> ApiResult<Role> {
        let role = match &self.auth {
            AuthKind::Token {
                workspace_id: bound,
                role,
                ..
            } => {
                if bound != workspace_id {
                    return Err(ApiError::not_found());
                }
                *role
            }
            AuthKind::Session { .. } => member_role(state, workspace_id, &self.user_id).await?,
        }
        .ok_or_else(ApiError::not_found)?;
        if role < need.role {
            return Err(ApiError::forbidden(format!(
                "this needs the {} role in the workspace",
                need.role.as_str()
            )));
        }
        if let AuthKind::Token { scopes, .. } = &self.auth {
            if !scopes.contains(&need.scope) && !scopes.contains(&Scope::Admin) {
                return Err(ApiError::forbidden(format!(
                    "the API token lacks the {} scope",
                    need.scope.as_str()
                )));
            }
        }
        Ok(role)
    }
}

/// The role of `user_id` in `workspace_id`, if a member.
pub async fn member_role(
    state: &AppState,
    workspace_id: &str,
    user_id: &str,
) -> ApiResult<Option<Role>> {
    let role = ferret_store::accounts::member_role(&state.db, workspace_id, user_id).await?;
    Ok(role.as_deref().and_then(Role::parse))
}

/// The CSRF token belonging to a session.
pub fn csrf_token(state: &AppState, session_hash: &str) -> String {
    state.key.mac(format!("csrf:{session_hash}").as_bytes())
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Last-used and last-seen times are written at most this often (keeps reads read-only).
const TOUCH_EVERY_SECS: i64 = 60;

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Caller> {
        let client = parts
            .extensions
            .get::<ClientInfo>()
            .cloned()
            .unwrap_or_default();
        let now = crate::time::now();
        if let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| t.starts_with(API_TOKEN_PREFIX))
                .ok_or_else(ApiError::unauthorized)?;
            let hash = crypto::sha256_hex(token.as_bytes());
            let grant = ferret_store::accounts::token_by_hash(&state.db, &hash)
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            if grant.revoked_at.is_some() || grant.expires_at <= now {
                return Err(ApiError::unauthorized());
            }
            if grant
                .last_used_at
                .is_none_or(|t| now - t >= TOUCH_EVERY_SECS)
            {
                ferret_store::accounts::touch_token(&state.db, &grant.id, now).await?;
            }
            let scopes = grant
                .scopes
                .iter()
                .filter_map(|s| Scope::parse(s))
                .collect();
            return Ok(Caller {
                user_id: grant.user_id,
                email: grant.email,
                auth: AuthKind::Token {
                    id: grant.id,
                    workspace_id: grant.workspace_id,
                    scopes,
                    role: grant.role.as_deref().and_then(Role::parse),
                },
                client,
            });
        }

        let session = cookie(parts, SESSION_COOKIE).ok_or_else(ApiError::unauthorized)?;
        let id_hash = crypto::sha256_hex(session.as_bytes());
        let session = ferret_store::accounts::session(&state.db, &id_hash)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        let last_seen = session.last_seen_at;
        if session.expires_at <= now || last_seen + state.config.session_idle_secs <= now {
            ferret_store::accounts::drop_session(&state.db, &id_hash).await?;
            return Err(ApiError::unauthorized());
        }
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !crypto::constant_time_eq(sent, &csrf_token(state, &id_hash)) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf",
                    "missing or invalid X-CSRF-Token header",
                ));
            }
        }
        if now - last_seen >= TOUCH_EVERY_SECS {
            ferret_store::accounts::touch_session(&state.db, &id_hash, now).await?;
        }
        Ok(Caller {
            user_id: session.user_id,
            email: session.email,
            auth: AuthKind::Session { id_hash },
            client,
        })
    }
}
