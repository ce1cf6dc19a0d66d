//! Login abuse: failures back off per (account, address), a per-account ceiling stops
//! distributed guessing, and neither lets an attacker lock the owner out — a browser that
//! logged in to the account before is not held by the ceiling.

use axum::http::StatusCode;
use ferret_server::ratelimit::Rate;
use serde_json::json;
use std::net::SocketAddr;

mod common;

use common::{Auth, TestServer};

const PASSWORD: &str = "correct horse battery staple";

fn from(n: u8) -> Option<SocketAddr> {
    Some(SocketAddr::from(([10, 0, 0, n], 40000)))
}

async fn login(
    s: &TestServer,
    peer: Option<SocketAddr>,
    password: &str,
    cookie: Option<&str>,
) -> (StatusCode, Option<String>) {
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    let (status, _, headers) = s
        .call_from(
            peer,
            "POST",
            "/api/auth/login",
            &Auth::None,
            Some(json!({"email": "victim@corp.test", "password": password})),
            &headers,
        )
        .await;
    let known = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ferret_known="))
        .map(|v| v.split(';').next().unwrap().to_string());
    (status, known)
}

async fn failures_cannot_lock_the_owner_out(s: TestServer) {
    let mut config = s.state.config.as_ref().clone();
    config.login_rate_per_account = Rate {
        per_minute: 1,
        burst: 3,
    };
    config.login_ceiling_per_account = Rate {
        per_minute: 1,
        burst: 8,
    };
    config.login_rate_per_ip = Rate {
        per_minute: 1000,
        burst: 1000,
    };
    let s = s.restarted(config);
    s.signup("victim@corp.test").await;
    // The owner's browser logs in once and is remembered.
    let (status, known) = login(&s, from(2), PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK);
    let known = known.expect("a known-device cookie");

    // One attacker address: three failures, then that address is slowed down…
    for _ in 0..3 {
        assert_eq!(
            login(&s, from(66), "wrong password 1", None).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login(&s, from(66), PASSWORD, None).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing address is held even with the right password"
    );
    // …but not the owner at another address, even without the cookie.
    assert_eq!(login(&s, from(3), PASSWORD, None).await.0, StatusCode::OK);

    // Many attacker addresses together reach the account's ceiling.
    for n in 100..106 {
        login(&s, from(n), "wrong password 2", None).await;
    }
    assert_eq!(
        login(&s, from(4), PASSWORD, None).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "an unknown browser waits once the ceiling is reached"
    );
    // The owner's known browser is not held by the ceiling; a forged cookie is.
    assert_eq!(
        login(&s, from(5), PASSWORD, Some(&known)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        login(&s, from(6), PASSWORD, Some("ferret_known=forged"))
            .await
            .0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

backends!(failures_cannot_lock_the_owner_out);
