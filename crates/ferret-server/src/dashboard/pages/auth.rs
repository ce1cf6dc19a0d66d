//! Sign in, sign up, sign out: forms over the API's own login, sign-up and logout.

use crate::auth::ClientInfo;
use crate::dashboard::form::{form_token, with_cookie, FormPost, PublicForm};
use crate::dashboard::layout::bare_page;
use crate::dashboard::{is_local_path, see_other, Page, PageResult};
use crate::routes::account::{self, Credentials};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use maud::{html, Markup};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Next {
    next: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct CredentialsForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

fn next_or_home(next: &str) -> &str {
    if is_local_path(next) {
        next
    } else {
        "/"
    }
}

fn login_form(
    token: &str,
    email: &str,
    next: &str,
    error: Option<&str>,
    done: Option<&str>,
) -> Markup {
    html! {
        @if let Some(error) = error { p.error role="alert" { (error) } }
        @if done == Some("signed-up") {
            p.notice role="status" { "If that email was not registered yet, your account is ready: sign in." }
        }
        form.stack.panel method="post" action="/login" {
            input type="hidden" name="form_token" value=(token);
            input type="hidden" name="next" value=(next);
            label { "Email" input type="email" name="email" value=(email) required autocomplete="username" maxlength="320"; }
            label { "Password" input type="password" name="password" required autocomplete="current-password" maxlength="1024"; }
            button type="submit" { "Sign in" }
        }
        p { "No account yet? " a href="/signup" { "Sign up" } }
    }
}

/// `GET /login`.
pub async fn login_page(headers: HeaderMap, Query(query): Query<Next>) -> Response {
    let next = query.next.unwrap_or_default();
    let (token, cookie) = form_token(&headers);
    let page = Page::ok(bare_page(
        "Sign in",
        login_form(&token, "", &next, None, query.done.as_deref()),
    ));
    with_cookie(page.into_response(), cookie)
}

/// `POST /login`: the API's login (same throttling, audit and session rotation), then on to
/// the page the user came for.
pub async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    PublicForm { form, parts }: PublicForm<CredentialsForm>,
) -> Response {
    let credentials = Credentials {
        email: form.email.clone(),
        password: form.password,
    };
    match account::login(
        State(state),
        client,
        parts.headers.clone(),
        Json(credentials),
    )
    .await
    {
        Ok(api) => {
            let mut response = see_other(next_or_home(&form.next));
            for cookie in api.headers().get_all(header::SET_COOKIE) {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, cookie.clone());
            }
            response
        }
        Err(error) => {
            let (token, _) = form_token(&parts.headers);
            Page {
                status: error.status,
                markup: bare_page(
                    "Sign in",
                    login_form(&token, &form.email, &form.next, Some(&error.message), None),
                ),
            }
            .into_response()
        }
    }
}

fn signup_form(token: &str, email: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(error) = error { p.error role="alert" { (error) } }
        form.stack.panel method="post" action="/signup" {
            input type="hidden" name="form_token" value=(token);
            label { "Email" input type="email" name="email" value=(email) required autocomplete="email" maxlength="320"; }
            label {
                "Password"
                input type="password" name="password" required autocomplete="new-password" minlength="12" maxlength="1024" aria-describedby="password-rule";
            }
            p #password-rule .muted { "At least 12 characters, and not a commonly used password." }
            button type="submit" { "Create account" }
        }
        p { "Already have an account? " a href="/login" { "Sign in" } }
    }
}

/// `GET /signup`.
pub async fn signup_page(headers: HeaderMap) -> Response {
    let (token, cookie) = form_token(&headers);
    with_cookie(
        Page::ok(bare_page(
            "Create your account",
            signup_form(&token, "", None),
        ))
        .into_response(),
        cookie,
    )
}

/// `POST /signup`: the API's sign-up, which answers the same whether or not the address was
/// taken; then to the sign-in page.
pub async fn signup(
    State(state): State<AppState>,
    client: ClientInfo,
    PublicForm { form, parts }: PublicForm<CredentialsForm>,
) -> Response {
    let credentials = Credentials {
        email: form.email.clone(),
        password: form.password,
    };
    match account::signup(State(state), client, Json(credentials)).await {
        Ok(_) => see_other("/login?done=signed-up"),
        Err(error) => {
            let (token, _) = form_token(&parts.headers);
            Page {
                status: error.status,
                markup: bare_page(
                    "Create your account",
                    signup_form(&token, &form.email, Some(&error.message)),
                ),
            }
            .into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct Nothing {}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    FormPost { viewer, .. }: FormPost<Nothing>,
) -> PageResult {
    let api = account::logout(State(state), viewer.caller).await?;
    let mut response = see_other("/login");
    for cookie in api.headers().get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    Ok(response)
}
