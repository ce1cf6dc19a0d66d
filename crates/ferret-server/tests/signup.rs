//! Registration: invitation-only by default (the first owner comes from `ferret admin
//! create-user`), and one account per address — no look-alikes, no second spelling.

use axum::http::StatusCode;
use serde_json::json;

mod common;

use common::{Auth, TestServer};

const PASSWORD: &str = "correct horse battery staple";

async fn signup(s: &TestServer, email: &str) -> (StatusCode, serde_json::Value) {
    let (status, body, _) = s
        .call(
            "POST",
            "/api/auth/signup",
            &Auth::None,
            Some(json!({"email": email, "password": PASSWORD})),
        )
        .await;
    (status, body)
}

async fn invitation_only(s: TestServer) {
    let mut config = s.state.config.as_ref().clone();
    config.signup = ferret_server::config::Signup::Invite;
    let s = s.reconfigured(config);
    // Nobody can sign up uninvited.
    let (status, body) = signup(&s, "stranger@corp.test").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("invitation"));
    // The operator creates the first owner from the command line.
    let id = ferret_server::routes::account::create_account(&s.state, "Owner@Corp.test", PASSWORD)
        .await
        .unwrap();
    assert!(id.starts_with("usr_"));
    assert!(
        ferret_server::routes::account::create_account(&s.state, "owner@corp.test", PASSWORD)
            .await
            .unwrap_err()
            .contains("already has an account")
    );
    let owner = s.login("owner@corp.test", PASSWORD).await;
    let ws = s.team(&owner, "Corp").await;
    let (status, invite, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/invitations"),
            &owner.session,
            Some(json!({"email": "new.hire@corp.test", "role": "member"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invite}");
    // The invited address may sign up (in any spelling that normalises to it), then accept.
    let (status, body) = signup(&s, " New.Hire@CORP.test").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let hire = s.login("new.hire@corp.test", PASSWORD).await;
    let (status, body, _) = s
        .call(
            "POST",
            "/api/invitations/accept",
            &hire.session,
            Some(json!({"token": invite["token"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Still nobody else.
    assert_eq!(signup(&s, "other@corp.test").await.0, StatusCode::FORBIDDEN);
}

async fn no_look_alike_accounts(s: TestServer) {
    let mut config = s.state.config.as_ref().clone();
    config.signup = ferret_server::config::Signup::Open;
    let s = s.reconfigured(config);
    assert_eq!(signup(&s, "paypal@corp.test").await.0, StatusCode::CREATED);
    for look_alike in [
        "p\u{0430}ypal@corp.test",  // Cyrillic a
        "pay\u{200b}pal@corp.test", // zero-width space
        "paypal@corp\u{202e}.test", // right-to-left override
        "<paypal>@corp.test",       // markup
    ] {
        let (status, body) = signup(&s, look_alike).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{look_alike:?}: {body}"
        );
    }
    // A full-width spelling is the same address: no second account.
    signup(&s, "ｐａｙｐａｌ@corp.test").await;
    assert_eq!(
        s.count("SELECT COUNT(*) FROM users WHERE email LIKE '%paypal%'")
            .await,
        1
    );
    // And logging in with it reaches the one account.
    s.login("ｐａｙｐａｌ@corp.test", PASSWORD).await;
}

backends!(invitation_only, no_look_alike_accounts);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_is_invitation_only() {
    assert_eq!(
        ferret_server::ServerConfig::default().signup,
        ferret_server::config::Signup::Invite
    );
}
