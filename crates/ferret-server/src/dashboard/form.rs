//! Who is looking at a page, and forms that change something.
//!
//! [`Viewer`] is the signed-in user of a page (the API's own session check; without a session,
//! the browser goes to the login page). [`FormPost`] is a submitted form of a signed-in user:
//! its `csrf_token` field is handed to the API's CSRF check exactly as the `X-CSRF-Token`
//! header would be, so a form without the session's token is refused the same way. The login
//! and sign-up forms, which come before any session, use [`PublicForm`]: a double-submitted
//! random value (a `SameSite=Strict` cookie set with the page, and the same value in the form).

use super::PageError;
use crate::auth::{csrf_token, AuthKind, Caller, CSRF_HEADER};
use crate::crypto;
use crate::error::ApiError;
use crate::routes::account::cookie_value;
use crate::AppState;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Forms are small; a larger body is refused before it is parsed.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The cookie of [`PublicForm`].
pub const FORM_COOKIE: &str = "ferret_form";

/// The signed-in user looking at a page, with the CSRF token their forms carry.
pub struct Viewer {
    pub caller: Caller,
    pub csrf: String,
}

async fn viewer(parts: &mut Parts, state: &AppState, next: String) -> Result<Viewer, PageError> {
    match Caller::from_request_parts(parts, state).await {
        Ok(caller) => {
            let AuthKind::Session { id_hash } = &caller.auth else {
                return Err(ApiError::forbidden("the dashboard needs a signed-in session").into());
            };
            let csrf = csrf_token(state, id_hash);
            Ok(Viewer { caller, csrf })
        }
        Err(error) if error.status == StatusCode::UNAUTHORIZED => Err(PageError::SignIn { next }),
        Err(error) => Err(error.into()),
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, PageError> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".to_string());
        viewer(parts, state, next).await
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

#[derive(Deserialize)]
struct FormTokenField {
    #[serde(default)]
    form_token: String,
}

async fn read_form<T: DeserializeOwned>(body: Body) -> Result<(T, Vec<u8>), PageError> {
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "the form is too large",
            )
        })?;
    let form = serde_urlencoded::from_bytes(&bytes)
        .map_err(|e| ApiError::bad_request(format!("the form could not be read: {e}")))?;
    Ok((form, bytes.to_vec()))
}

/// A form submitted by a signed-in user whose `csrf_token` field matched their session.
pub struct FormPost<T> {
    pub viewer: Viewer,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for FormPost<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = request.into_parts();
        let (form, bytes) = read_form::<T>(body).await?;
        let field: CsrfField = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::bad_request(format!("the form could not be read: {e}")))?;
        // The API's check reads the header; a form's field takes its place (and replaces any
        // header sent along, so only the form's own token counts).
        parts.headers.remove(CSRF_HEADER);
        if let Ok(value) = HeaderValue::from_str(&field.csrf_token) {
            parts.headers.insert(CSRF_HEADER, value);
        }
        let viewer = viewer(&mut parts, state, "/".to_string()).await?;
        Ok(FormPost { viewer, form })
    }
}

/// A form sent before there is a session (login, sign-up), with its double-submitted token.
pub struct PublicForm<T> {
    pub form: T,
    pub parts: Parts,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for PublicForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, _: &AppState) -> Result<Self, PageError> {
        let (parts, body) = request.into_parts();
        let (form, bytes) = read_form::<T>(body).await?;
        let field: FormTokenField = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::bad_request(format!("the form could not be read: {e}")))?;
        let cookie = cookie_value(&parts.headers, FORM_COOKIE).unwrap_or_default();
        if cookie.is_empty() || !crypto::constant_time_eq(&cookie, &field.form_token) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "this form has expired: reload the page and send it again",
            )
            .into());
        }
        Ok(PublicForm { form, parts })
    }
}

/// The token for a public form: the browser's existing one, or a new one to set as a cookie.
pub fn form_token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(existing) = cookie_value(headers, FORM_COOKIE).filter(|v| v.len() >= 32) {
        return (existing, None);
    }
    let value = crypto::random_alnum(40);
    let cookie = HeaderValue::from_str(&format!(
        "{FORM_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400"
    ))
    .ok();
    (value, cookie)
}

/// Adds `cookie` (from [`form_token`]) to a response.
pub fn with_cookie(
    mut response: axum::response::Response,
    cookie: Option<HeaderValue>,
) -> axum::response::Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
