//! The web dashboard: server-rendered pages over the same operations as the API.
//!
//! A page handler calls the API handler of the operation it shows or performs (so the same
//! authorization, validation and audit entries apply: hiding a button is never the
//! protection) and renders the typed result with maud, which escapes every value it is given.
//! Forms carry the session's CSRF token as a field, which [`form::FormPost`] hands to the API's
//! own check. Every page is sent with a strict Content-Security-Policy: no inline script or
//! style, scripts and styles only from this server ([`assets`], content-hashed names cached for
//! a year), no third-party requests at all. Pages work without JavaScript; the one script only
//! adds confirmations and live refresh.
//!
//! Layout: [`layout`] (the page shell and navigation), [`form`] (sessions and CSRF for forms),
//! [`chart`] (SVG charts), [`pages`] (one module per area).

pub mod assets;
pub mod chart;
pub mod form;
pub mod layout;
pub mod pages;

use crate::error::ApiError;
use crate::AppState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;

/// The dashboard's Content-Security-Policy.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the dashboard's pages and assets beside the API (which keeps everything under `/api`).
pub fn with_pages(api: Router<AppState>) -> Router<AppState> {
    use pages::{account, audit, auth, findings, members, overview, repositories, tokens};
    let pages = Router::new()
        .route("/", get(overview::home))
        .route("/assets/{name}", get(assets::serve))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/signup", get(auth::signup_page).post(auth::signup))
        .route("/logout", post(auth::logout))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/account/delete", post(account::delete))
        .route(
            "/account/sessions/{id}/revoke",
            post(account::revoke_session),
        )
        .route(
            "/account/sessions/revoke-others",
            post(account::revoke_other_sessions),
        )
        .route("/teams", post(overview::create_team))
        .route(
            "/invitations/accept",
            get(members::accept_page).post(members::accept),
        )
        .route("/w/{ws}", get(overview::page))
        .route("/w/{ws}/findings", get(findings::list))
        .route("/w/{ws}/findings/{id}", get(findings::show))
        .route("/w/{ws}/findings/{id}/triage", post(findings::triage))
        .route(
            "/w/{ws}/repositories",
            get(repositories::page).post(repositories::create),
        )
        .route(
            "/w/{ws}/repositories/{id}/scan",
            post(repositories::scan_now),
        )
        .route("/w/{ws}/github/connect", post(repositories::connect_github))
        .route("/github/setup", get(repositories::github_setup))
        .route(
            "/w/{ws}/github/installations/{id}",
            get(repositories::installation_page),
        )
        .route(
            "/w/{ws}/github/installations/{id}/disconnect",
            post(repositories::disconnect_github),
        )
        .route(
            "/w/{ws}/github/repositories",
            post(repositories::add_github_repository),
        )
        .route("/w/{ws}/members", get(members::page))
        .route("/w/{ws}/members/invite", post(members::invite))
        .route("/w/{ws}/members/{user}/role", post(members::change_role))
        .route("/w/{ws}/members/{user}/remove", post(members::remove))
        .route(
            "/w/{ws}/invitations/{id}/revoke",
            post(members::revoke_invitation),
        )
        .route("/w/{ws}/tokens", get(tokens::page).post(tokens::create))
        .route("/w/{ws}/tokens/{id}/revoke", post(tokens::revoke))
        .route("/w/{ws}/audit", get(audit::page))
        .route("/w/{ws}/audit/verify", post(audit::verify))
        .route(
            "/w/{ws}/settings",
            get(overview::settings_page).post(overview::settings),
        );
    api.merge(pages)
}

/// A rendered page: HTML with the dashboard's security headers.
pub struct Page {
    pub status: StatusCode,
    pub markup: Markup,
}

impl Page {
    pub fn ok(markup: Markup) -> Page {
        Page {
            status: StatusCode::OK,
            markup,
        }
    }

    /// A page showing a secret once (a new token, an invitation link): never stored by the
    /// browser or a proxy.
    pub fn secret(markup: Markup) -> Response {
        let mut response = Page::ok(markup).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.markup).into_response();
        html_headers(&mut response);
        response
    }
}

/// Marks a response as a dashboard page: its own CSP (the middleware keeps it), HTML type.
pub fn html_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
}

/// Why a page could not be shown.
pub enum PageError {
    /// Not signed in: to the login page, then back to `next`.
    SignIn { next: String },
    /// Anything else the API refused, shown as a page with its status and message.
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError::Api(error)
    }
}

impl From<ferret_store::StoreError> for PageError {
    fn from(error: ferret_store::StoreError) -> Self {
        PageError::Api(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn { next } => {
                Redirect::to(&format!("/login?next={}", encode_query(&next))).into_response()
            }
            PageError::Api(error) => {
                if error.status.is_server_error() {
                    tracing::error!(code = error.code, "dashboard page failed");
                }
                let message = if error.status.is_server_error() {
                    "Something went wrong on the server. Try again; if it keeps happening, \
                     tell the server's operator."
                        .to_string()
                } else {
                    error.message.clone()
                };
                Page {
                    status: error.status,
                    markup: layout::error_page(error.status, &message),
                }
                .into_response()
            }
        }
    }
}

pub type PageResult<T = Response> = Result<T, PageError>;

/// A 303 to `path` after a form was handled (the browser then loads it with GET).
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Percent-encodes `text` for a query-string value.
pub fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Whether `next` is a path on this site (never another origin: `//host`, `/\host`, schemes).
pub fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert!(is_local_path("/w/ws_1/findings?severity=high"));
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "",
            "/ok\n",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
        assert_eq!(encode_query("/w/a b?x=1&y"), "/w/a%20b%3Fx%3D1%26y");
    }
}
