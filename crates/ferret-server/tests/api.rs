//! End-to-end API behaviour, on SQLite and PostgreSQL alike.

mod common;

use axum::http::StatusCode;
use common::{finding, Auth, TestServer};
use serde_json::json;

backends!(
    accounts_and_sessions,
    login_is_throttled_per_account,
    password_change_ends_other_sessions,
    api_tokens,
    narrow_tokens_cannot_revoke_tokens_or_leave,
    forwarded_addresses_are_taken_from_trusted_hops_only,
    nul_bytes_are_bad_input_on_every_backend,
    uploads_match_findings_by_fingerprint,
    uploads_are_validated_and_redacted,
    roles_and_ownership,
    invitations_are_single_use_and_bound_to_an_email,
    account_deletion_removes_personal_data,
    audit_log_records_and_detects_tampering,
    errors_and_headers,
);

async fn accounts_and_sessions(s: TestServer) {
    let creds = json!({"email": "Alice@Example.com", "password": "correct horse battery"});
    let (status, first, _) = s
        .call("POST", "/api/auth/signup", &Auth::None, Some(creds.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, again, _) = s
        .call("POST", "/api/auth/signup", &Auth::None, Some(creds.clone()))
        .await;
    assert_eq!(
        (status, &again),
        (StatusCode::CREATED, &first),
        "sign-up does not reveal registered emails"
    );
    let (status, body, _) = s
        .call(
            "POST",
            "/api/auth/signup",
            &Auth::None,
            Some(json!({"email": "b@example.com", "password": "short"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _, _) = s
        .call(
            "POST",
            "/api/auth/signup",
            &Auth::None,
            Some(json!({"email": "not-an-email", "password": "long enough password"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Wrong password and unknown account answer identically.
    let (s1, wrong, _) = s
        .call(
            "POST",
            "/api/auth/login",
            &Auth::None,
            Some(json!({"email": "alice@example.com", "password": "wrong password!!"})),
        )
        .await;
    let (s2, unknown, _) = s
        .call(
            "POST",
            "/api/auth/login",
            &Auth::None,
            Some(json!({"email": "nobody@example.com", "password": "wrong password!!"})),
        )
        .await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong["error"]["message"], unknown["error"]["message"]);

    let (status, body, headers) = s
        .call(
            "POST",
            "/api/auth/login",
            &Auth::None,
            Some(json!({"email": "alice@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let set_cookie = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.contains("Secure"),
        "no Secure flag over plain HTTP"
    );
    let cookie = common::session_cookie(&headers).unwrap();
    assert!(cookie.len() >= 43, "256-bit session ids");
    assert_eq!(s.count("SELECT COUNT(*) FROM sessions").await, 1);
    assert_eq!(
        s.count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE id_hash = '{cookie}'"
        ))
        .await,
        0,
        "session ids are stored hashed"
    );
    let csrf = body["csrf_token"].as_str().unwrap().to_string();
    let session = Auth::Session {
        cookie: cookie.clone(),
        csrf: csrf.clone(),
    };
    let (status, me, _) = s.call("GET", "/api/auth/session", &session, None).await;
    assert_eq!(
        (status, me["user"]["email"].as_str()),
        (StatusCode::OK, Some("alice@example.com"))
    );

    // State changes with a cookie need the CSRF header.
    let no_csrf = Auth::SessionNoCsrf {
        cookie: cookie.clone(),
    };
    let (status, body, _) = s
        .call(
            "POST",
            "/api/workspaces",
            &no_csrf,
            Some(json!({"name": "Team"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf"))
    );
    let forged = Auth::Session {
        cookie: cookie.clone(),
        csrf: "0".repeat(64),
    };
    assert_eq!(
        s.call(
            "POST",
            "/api/workspaces",
            &forged,
            Some(json!({"name": "Team"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(
            "POST",
            "/api/workspaces",
            &session,
            Some(json!({"name": "Team"}))
        )
        .await
        .0,
        StatusCode::CREATED
    );

    // Logging in again rotates: the presented session is discarded.
    let (status, _, headers) = s
        .call_with(
            "POST",
            "/api/auth/login",
            &Auth::None,
            Some(json!({"email": "alice@example.com", "password": "correct horse battery"})),
            &[("cookie", &format!("ferret_session={cookie}"))],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let rotated = common::session_cookie(&headers).unwrap();
    assert_ne!(rotated, cookie);
    assert_eq!(
        s.call("GET", "/api/auth/session", &session, None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Logout ends the session.
    let new_session = Auth::Session {
        cookie: rotated.clone(),
        csrf: "x".into(),
    };
    let (_, body, _) = s.call("GET", "/api/auth/session", &new_session, None).await;
    let new_session = Auth::Session {
        cookie: rotated,
        csrf: body["csrf_token"].as_str().unwrap().into(),
    };
    assert_eq!(
        s.call("POST", "/api/auth/logout", &new_session, None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call("GET", "/api/auth/session", &new_session, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    // Idle expiry: a session unused for longer than the idle limit is gone.
    let user = s.signup("idle@example.com").await;
    s.sql("UPDATE sessions SET last_seen_at = last_seen_at - 86400000")
        .await;
    assert_eq!(
        s.call("GET", "/api/auth/session", &user.session, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    // Absolute expiry.
    let user = s
        .login("idle@example.com", "correct horse battery staple")
        .await;
    s.sql("UPDATE sessions SET expires_at = 1").await;
    assert_eq!(
        s.call("GET", "/api/auth/session", &user.session, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    let stored: i64 = s.count("SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'").await;
    assert_eq!(stored, 2, "argon2id with OWASP parameters");
}

async fn login_is_throttled_per_account(s: TestServer) {
    s.signup("victim@example.com").await;
    let bad = json!({"email": "victim@example.com", "password": "guess guess guess"});
    for _ in 0..5 {
        assert_eq!(
            s.call("POST", "/api/auth/login", &Auth::None, Some(bad.clone()))
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, body, headers) = s
        .call("POST", "/api/auth/login", &Auth::None, Some(bad))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        headers
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let good = json!({"email": "victim@example.com", "password": "correct horse battery staple"});
    assert_eq!(
        s.call("POST", "/api/auth/login", &Auth::None, Some(good))
            .await
            .0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Other accounts are unaffected.
    s.signup("other@example.com").await;
}

async fn password_change_ends_other_sessions(s: TestServer) {
    let a = s.signup("pw@example.com").await;
    let other = s
        .login("pw@example.com", "correct horse battery staple")
        .await;
    let (status, body, headers) = s
        .call(
            "PUT",
            "/api/account/password",
            &a.session,
            Some(json!({"current_password": "correct horse battery staple", "new_password": "an even better passphrase"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        common::session_cookie(&headers).is_some(),
        "a fresh session is issued"
    );
    assert_eq!(
        s.call("GET", "/api/auth/session", &other.session, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call("GET", "/api/auth/session", &a.session, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    s.login("pw@example.com", "an even better passphrase").await;
    let (status, _, _) = s
        .call(
            "POST",
            "/api/auth/login",
            &Auth::None,
            Some(json!({"email": "pw@example.com", "password": "correct horse battery staple"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn nul_bytes_are_bad_input_on_every_backend(s: TestServer) {
    let owner = s.signup("nul@example.com").await;
    let ws = s.team(&owner, "Nul").await;
    s.repository(&owner, &ws, "app").await;
    let token = s
        .token(&owner, &ws, &["findings:read", "scans:write"])
        .await;
    let cases: Vec<(&str, String, Auth, Option<serde_json::Value>)> = vec![
        (
            "POST",
            "/api/auth/login".into(),
            Auth::None,
            Some(json!({"email": "a\0@example.com", "password": "whatever password"})),
        ),
        (
            "POST",
            "/api/auth/signup".into(),
            Auth::None,
            Some(json!({"email": "b\0@example.com", "password": "correct horse battery"})),
        ),
        (
            "GET",
            format!("/api/workspaces/{ws}/findings?path=src%00x"),
            Auth::Token(token.clone()),
            None,
        ),
        (
            "GET",
            format!("/api/workspaces/{ws}%00/findings"),
            Auth::Token(token.clone()),
            None,
        ),
        (
            "POST",
            "/api/scans".into(),
            Auth::Token(token.clone()),
            Some(json!({"repository": "app", "branch": "main", "findings": [{
                "rule_id": "rule-x", "category": "secret", "severity": "low", "confidence": "low",
                "title": "t\0", "snippet": "a\0b", "fingerprint": "fp-nul-00001",
                "location": {"path": "src/a.py", "start_line": 1, "start_column": 1,
                             "end_line": 1, "end_column": 2},
                "provenance": {"commit": "abcdef12", "author": "Eve\0", "date": ""},
            }]})),
        ),
        (
            "POST",
            format!("/api/workspaces/{ws}/repositories"),
            owner.session.clone(),
            Some(json!({"name": "x", "url": "https://git.acme.io/\0"})),
        ),
    ];
    for (method, path, auth, body) in cases {
        let (status, answer, _) = s.call(method, &path, &auth, body).await;
        assert!(
            status.is_client_error() || status.is_success(),
            "{} {method} {path}: {status} {answer}",
            s.backend
        );
    }
}

async fn forwarded_addresses_are_taken_from_trusted_hops_only(s: TestServer) {
    use ferret_server::audit;
    // The test servers do not trust proxies; this one does, behind a loopback proxy.
    let mut config = s.state.config.as_ref().clone();
    config.trust_proxy = true;
    let s = s.reconfigured(config);
    let proxy: std::net::SocketAddr = "127.0.0.1:40000".parse().unwrap();
    // Each failed login from 203.0.113.N, with a spoofed first entry, through the proxy.
    for n in 1..=3 {
        let forwarded = format!("198.51.100.{n}, 203.0.113.{n}");
        s.call_from(
            Some(proxy),
            "POST",
            "/api/auth/login",
            &Auth::None,
            Some(json!({"email": "nobody@example.com", "password": "wrong password here"})),
            &[("x-forwarded-for", forwarded.as_str())],
        )
        .await;
    }
    // A direct client that is not a proxy cannot choose its address.
    s.call_from(
        Some("198.51.100.200:5555".parse().unwrap()),
        "POST",
        "/api/auth/login",
        &Auth::None,
        Some(json!({"email": "nobody@example.com", "password": "wrong password here"})),
        &[("x-forwarded-for", "10.9.8.7")],
    )
    .await;
    let ips: Vec<String> = audit::all(&s.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "login.failure")
        .filter_map(|e| e.ip)
        .collect();
    assert_eq!(
        ips,
        [
            "203.0.113.1",
            "203.0.113.2",
            "203.0.113.3",
            "198.51.100.200"
        ]
    );
}

async fn narrow_tokens_cannot_revoke_tokens_or_leave(s: TestServer) {
    let owner = s.signup("owner@example.com").await;
    let ws = s.team(&owner, "Acme").await;
    let member = s.signup("member@example.com").await;
    s.join(&owner, &ws, &member, "member").await;
    let reader = s.token(&member, &ws, &["findings:read"]).await;
    let uploader = s
        .token(&member, &ws, &["scans:write", "findings:write"])
        .await;
    let (_, listed, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/tokens"),
            &member.session,
            None,
        )
        .await;
    let ids: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{listed}");
    for token in [&reader, &uploader] {
        for id in &ids {
            let (status, body, _) = s
                .call(
                    "DELETE",
                    &format!("/api/workspaces/{ws}/tokens/{id}"),
                    &Auth::Token(token.clone()),
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        }
        let (status, _, _) = s
            .call(
                "DELETE",
                &format!("/api/workspaces/{ws}/members/{}", member.id),
                &Auth::Token(token.clone()),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // Nothing changed: both tokens are live and the member is still in.
    let live = "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL";
    assert_eq!(s.count(live).await, 2);
    let (status, _, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/members"),
            &Auth::Token(reader.clone()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // With a session the member revokes their own token and leaves.
    let (status, _, _) = s
        .call(
            "DELETE",
            &format!("/api/workspaces/{ws}/tokens/{}", ids[0]),
            &member.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = s
        .call(
            "DELETE",
            &format!("/api/workspaces/{ws}/members/{}", member.id),
            &member.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // An admin-scoped token of an admin may revoke tokens.
    let admin_token = s.token(&owner, &ws, &["admin"]).await;
    let spare = s.token(&owner, &ws, &["findings:read"]).await;
    let (_, listed, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/tokens"),
            &owner.session,
            None,
        )
        .await;
    let spare_id = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["scopes"] == json!(["findings:read"]))
        .map(|t| t["id"].as_str().unwrap().to_string())
        .unwrap();
    let (status, _, _) = s
        .call(
            "DELETE",
            &format!("/api/workspaces/{ws}/tokens/{spare_id}"),
            &Auth::Token(admin_token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/members"),
            &Auth::Token(spare),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn api_tokens(s: TestServer) {
    let owner = s.signup("owner@example.com").await;
    let ws = s.team(&owner, "Acme").await;
    let member = s.signup("member@example.com").await;
    s.join(&owner, &ws, &member, "member").await;
    s.repository(&owner, &ws, "app").await;

    let (status, created, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/tokens"),
            &member.session,
            Some(json!({"name": "ci", "scopes": ["findings:read"], "expires_in_days": 30})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("ferret_pat_"));
    // Ferret's own secret rules recognise a leaked token.
    let matcher = ferret_engine::secrets::SecretMatcher::builtin().unwrap();
    let hits = matcher.find(format!("FERRET_TOKEN={token}").as_bytes());
    assert!(hits
        .iter()
        .any(|m| matcher.rules()[m.rule].id() == "ferret-api-token"));
    // Stored only as a hash; never listed again.
    assert_eq!(
        s.count(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
    let (_, list, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/tokens"),
            &member.session,
            None,
        )
        .await;
    assert!(!list.to_string().contains(&token));
    assert_eq!(list["items"][0]["last_used_at"], json!(null));

    let bearer = Auth::Token(token.clone());
    let (status, me, _) = s.call("GET", "/api/me", &bearer, None).await;
    assert_eq!(
        (status, me["auth"]["workspace_id"].as_str()),
        (StatusCode::OK, Some(ws.as_str()))
    );
    assert_eq!(
        s.call(
            "GET",
            &format!("/api/workspaces/{ws}/findings"),
            &bearer,
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    let (_, list, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/tokens"),
            &member.session,
            None,
        )
        .await;
    assert_ne!(
        list["items"][0]["last_used_at"],
        json!(null),
        "last use is recorded"
    );
    // Scopes are enforced; the token is bound to its workspace.
    let upload = json!({"repository": "app", "branch": "main", "findings": []});
    assert_eq!(
        s.call("POST", "/api/scans", &bearer, Some(upload.clone()))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(
            "GET",
            &format!("/api/workspaces/{}/findings", member.personal),
            &bearer,
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // Tokens cannot mint tokens or change passwords.
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/workspaces/{ws}/tokens"),
            &bearer,
            Some(json!({"name": "x", "scopes": ["findings:read"]}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    // Members cannot hold the admin scope; expiry is bounded.
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/workspaces/{ws}/tokens"),
            &member.session,
            Some(json!({"name": "x", "scopes": ["admin"]}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/workspaces/{ws}/tokens"),
            &member.session,
            Some(json!({"name": "x", "scopes": ["findings:read"], "expires_in_days": 10000}))
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Expired and revoked tokens stop working.
    let expiring = s.token(&member, &ws, &["findings:read"]).await;
    s.sql("UPDATE api_tokens SET expires_at = 1 WHERE name = 'test'")
        .await;
    assert_eq!(
        s.call("GET", "/api/me", &Auth::Token(expiring), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        s.call(
            "DELETE",
            &format!("/api/workspaces/{ws}/tokens/{id}"),
            &member.session,
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call("GET", "/api/me", &bearer, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call(
            "GET",
            "/api/me",
            &Auth::Token("ferret_pat_nope".into()),
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    // A removed member's tokens go with them.
    let scan_token = s.token(&member, &ws, &["scans:write"]).await;
    assert_eq!(
        s.call(
            "POST",
            "/api/scans",
            &Auth::Token(scan_token.clone()),
            Some(upload.clone())
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(
        s.call(
            "DELETE",
            &format!("/api/workspaces/{ws}/members/{}", member.id),
            &owner.session,
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call("POST", "/api/scans", &Auth::Token(scan_token), Some(upload))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

async fn uploads_match_findings_by_fingerprint(s: TestServer) {
    let owner = s.signup("dev@example.com").await;
    let ws = owner.personal.clone();
    s.repository(&owner, &ws, "app").await;
    let token = Auth::Token(
        s.token(
            &owner,
            &ws,
            &["scans:write", "findings:read", "findings:write"],
        )
        .await,
    );
    let first = json!({"repository": "app", "branch": "main", "commit": "a1b2c3d4", "findings": [
        finding("aws-access-key-id", "fp-aaaaaaaa", "src/a.py", 3, "critical"),
        finding("github-pat", "fp-bbbbbbbb", "src/b.py", 7, "high"),
        finding("generic-secret", "fp-cccccccc", "docs/c.md", 1, "medium"),
    ]});
    let (status, scan, _) = s.call("POST", "/api/scans", &token, Some(first)).await;
    assert_eq!(status, StatusCode::CREATED, "{scan}");
    assert_eq!(
        (
            scan["new"].as_i64(),
            scan["still_open"].as_i64(),
            scan["fixed"].as_i64()
        ),
        (Some(3), Some(0), Some(0))
    );

    let list = |query: &str| format!("/api/workspaces/{ws}/findings{query}");
    let (_, all, _) = s.call("GET", &list(""), &token, None).await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["items"][0]["severity"], "critical", "most severe first");
    let b = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fingerprint"] == "fp-bbbbbbbb")
        .unwrap()
        .clone();
    let b_id = b["id"].as_str().unwrap();
    // Triage b as a false positive.
    let (status, triaged, _) = s
        .call(
            "PATCH",
            &list(&format!("/{b_id}")),
            &token,
            Some(json!({"state": "false_positive", "comment": "test fixture"})),
        )
        .await;
    assert_eq!(
        (status, triaged["state"].as_str()),
        (StatusCode::OK, Some("false_positive"))
    );
    // Accepted risk needs a future expiry.
    let c_id = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fingerprint"] == "fp-cccccccc")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.call(
            "PATCH",
            &list(&format!("/{c_id}")),
            &token,
            Some(json!({"state": "accepted_risk"}))
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        s.call(
            "PATCH",
            &list(&format!("/{c_id}")),
            &token,
            Some(json!({"state": "accepted_risk", "expires_at": "2001-01-01"}))
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, accepted, _) = s
        .call(
            "PATCH",
            &list(&format!("/{c_id}")),
            &token,
            Some(json!({"state": "accepted_risk", "expires_at": "2999-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(
        (status, accepted["state"].as_str()),
        (StatusCode::OK, Some("accepted_risk"))
    );

    // Rescan: a moved (same fingerprint, new line), b unchanged, c gone.
    let second = json!({"repository": "app", "branch": "main", "findings": [
        finding("aws-access-key-id", "fp-aaaaaaaa", "src/a.py", 40, "critical"),
        finding("github-pat", "fp-bbbbbbbb", "src/b.py", 7, "high"),
    ]});
    let (_, scan, _) = s.call("POST", "/api/scans", &token, Some(second)).await;
    assert_eq!(
        (
            scan["new"].as_i64(),
            scan["still_open"].as_i64(),
            scan["fixed"].as_i64()
        ),
        (Some(0), Some(2), Some(1))
    );
    let (_, all, _) = s.call("GET", &list(""), &token, None).await;
    let by_fp = |fp: &str| {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fingerprint"] == fp)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_fp("fp-aaaaaaaa")["location"]["start_line"],
        40,
        "location follows the code"
    );
    assert_eq!(
        by_fp("fp-bbbbbbbb")["state"],
        "false_positive",
        "triage sticks across rescans"
    );
    assert_eq!(by_fp("fp-bbbbbbbb")["id"], b["id"], "same finding, same id");
    assert_eq!(by_fp("fp-bbbbbbbb")["triage"]["comment"], "test fixture");
    assert_eq!(by_fp("fp-cccccccc")["state"], "fixed");

    // Filters and paging.
    let (_, fixed, _) = s.call("GET", &list("?state=fixed"), &token, None).await;
    assert_eq!(fixed["total"], 1);
    let (_, open, _) = s
        .call(
            "GET",
            &list("?state=open,false_positive&severity=critical,high"),
            &token,
            None,
        )
        .await;
    assert_eq!(open["total"], 2);
    let (_, by_path, _) = s.call("GET", &list("?path=src/"), &token, None).await;
    assert_eq!(by_path["total"], 2);
    let (_, by_rule, _) = s
        .call(
            "GET",
            &list("?rule=github-pat&repository=app&branch=main"),
            &token,
            None,
        )
        .await;
    assert_eq!(by_rule["total"], 1);
    let (_, paged, _) = s
        .call("GET", &list("?per_page=1&page=2"), &token, None)
        .await;
    assert_eq!(
        (
            paged["items"].as_array().unwrap().len(),
            paged["total"].as_i64()
        ),
        (1, Some(3))
    );
    assert_eq!(
        s.call("GET", &list("?severity=severe"), &token, None)
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, other_branch, _) = s.call("GET", &list("?branch=dev"), &token, None).await;
    assert_eq!(other_branch["total"], 0);

    // c comes back: open again (its acceptance was for the old occurrence and still holds,
    // so it stays accepted); a fixed-by-hand finding that reappears is reopened.
    let a_id = by_fp("fp-aaaaaaaa")["id"].as_str().unwrap().to_string();
    s.call(
        "PATCH",
        &list(&format!("/{a_id}")),
        &token,
        Some(json!({"state": "fixed"})),
    )
    .await;
    let third = json!({"repository": "app", "branch": "main", "findings": [
        finding("aws-access-key-id", "fp-aaaaaaaa", "src/a.py", 40, "critical"),
        finding("generic-secret", "fp-cccccccc", "docs/c.md", 1, "medium"),
    ]});
    let (_, scan, _) = s.call("POST", "/api/scans", &token, Some(third)).await;
    assert_eq!(
        (scan["new"].as_i64(), scan["fixed"].as_i64()),
        (Some(1), Some(1))
    );
    let (_, one, _) = s
        .call("GET", &list(&format!("/{a_id}")), &token, None)
        .await;
    assert_eq!(one["state"], "open");
    let (_, one, _) = s
        .call("GET", &list(&format!("/{c_id}")), &token, None)
        .await;
    assert_eq!(one["state"], "accepted_risk");
    // Expired acceptance reads as open.
    s.sql("UPDATE findings SET triage_expires_at = 5 WHERE fingerprint = 'fp-cccccccc'")
        .await;
    let (_, one, _) = s
        .call("GET", &list(&format!("/{c_id}")), &token, None)
        .await;
    assert_eq!(one["state"], "open");
    let (_, scans, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/scans?repository=app"),
            &token,
            None,
        )
        .await;
    assert_eq!(scans["items"].as_array().unwrap().len(), 3);
}

async fn uploads_are_validated_and_redacted(s: TestServer) {
    let owner = s.signup("val@example.com").await;
    let ws = owner.personal.clone();
    s.repository(&owner, &ws, "app").await;
    let token = Auth::Token(
        s.token(&owner, &ws, &["scans:write", "findings:read"])
            .await,
    );
    let upload =
        |f: serde_json::Value| json!({"repository": "app", "branch": "main", "findings": [f]});
    for path in [
        "/etc/passwd",
        "../outside.txt",
        "a/../../b",
        "C:/windows/x",
        "a\u{0}b",
        "a\nb",
    ] {
        let (status, body, _) = s
            .call(
                "POST",
                "/api/scans",
                &token,
                Some(upload(finding("r", "fp-12345678", path, 1, "high"))),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path:?}: {body}");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("findings[0]"));
    }
    let mut long = finding("r", "fp-12345678", "a.txt", 1, "high");
    long["snippet"] = json!("x".repeat(5000));
    assert_eq!(
        s.call("POST", "/api/scans", &token, Some(upload(long)))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut bad_rule = finding("r; DROP TABLE findings", "fp-12345678", "a.txt", 1, "high");
    bad_rule["rule_id"] = json!("r; DROP TABLE findings");
    assert_eq!(
        s.call("POST", "/api/scans", &token, Some(upload(bad_rule)))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, body, _) = s
        .call(
            "POST",
            "/api/scans",
            &token,
            Some(json!({"repository": "unknown", "branch": "main", "findings": []})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(
        s.call(
            "POST",
            "/api/scans",
            &token,
            Some(json!({"repository": "app"}))
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Only metadata is kept: the raw secret field is dropped, snippets are re-redacted, and a
    // known rule's title comes from the server's catalog.
    let secret = "ghp_R8fKq2LmN5pX7wZ3vB9cT1yH6jD4sA0eU2iO";
    let mut sneaky = finding("github-pat", "fp-87654321", "src/config.py", 2, "high");
    sneaky["snippet"] = json!(format!(
        "TOKEN = \"{secret}\"  # plus a blob QWxhZGRpbjpvcGVuIHNlc2FtZQ0123456789"
    ));
    sneaky["secret"] = json!(secret);
    sneaky["title"] = json!(format!("leaked {secret}"));
    sneaky["remediation"] = json!("the whole file content would go here");
    let (status, body, _) = s
        .call("POST", "/api/scans", &token, Some(upload(sneaky)))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, list, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/findings"),
            &token,
            None,
        )
        .await;
    let text = list.to_string();
    assert!(!text.contains(&secret[8..]), "{text}");
    assert!(!text.contains("QWxhZGRpbjpvcGVu"), "{text}");
    assert!(!text.contains("whole file content"));
    assert!(
        list["items"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("ghp_*****"),
        "{text}"
    );
    let dumped: i64 = s
        .count(&format!(
            "SELECT COUNT(*) FROM findings WHERE snippet LIKE '%{}%' OR title LIKE '%{}%'",
            &secret[8..],
            &secret[8..]
        ))
        .await;
    assert_eq!(dumped, 0);

    // Too many findings, and too large a body.
    let many: Vec<_> = (0..50_001)
        .map(|i| finding("r", &format!("fp-{i:08}"), "a.txt", 1, "low"))
        .collect();
    let (status, _, _) = s
        .call(
            "POST",
            "/api/scans",
            &token,
            Some(json!({"repository": "app", "branch": "main", "findings": many})),
        )
        .await;
    assert!(
        status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::PAYLOAD_TOO_LARGE,
        "{status}"
    );
    let big = json!({"name": "x".repeat(100_000)});
    assert_eq!(
        s.call("POST", "/api/workspaces", &owner.session, Some(big))
            .await
            .0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

async fn roles_and_ownership(s: TestServer) {
    let owner = s.signup("o@example.com").await;
    let admin = s.signup("a@example.com").await;
    let member = s.signup("m@example.com").await;
    let ws = s.team(&owner, "Team").await;
    s.join(&owner, &ws, &admin, "admin").await;
    s.join(&owner, &ws, &member, "member").await;
    let path = |p: &str| format!("/api/workspaces/{ws}{p}");

    // Admins cannot create or touch owners; the last owner cannot leave or be demoted.
    assert_eq!(
        s.call(
            "PATCH",
            &path(&format!("/members/{}", member.id)),
            &admin.session,
            Some(json!({"role": "owner"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(
            "PATCH",
            &path(&format!("/members/{}", owner.id)),
            &admin.session,
            Some(json!({"role": "member"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(
            "DELETE",
            &path(&format!("/members/{}", owner.id)),
            &owner.session,
            None
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        s.call(
            "PATCH",
            &path(&format!("/members/{}", owner.id)),
            &owner.session,
            Some(json!({"role": "admin"}))
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    // Members may leave; admins may remove members.
    assert_eq!(
        s.call(
            "PATCH",
            &path(&format!("/members/{}", member.id)),
            &admin.session,
            Some(json!({"role": "admin"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        s.call(
            "PATCH",
            &path(&format!("/members/{}", member.id)),
            &admin.session,
            Some(json!({"role": "member"}))
        )
        .await
        .0,
        StatusCode::OK
    );
    // Only owners delete a workspace or transfer it.
    assert_eq!(
        s.call("DELETE", &path(""), &admin.session, None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(
            "POST",
            &path("/transfer"),
            &admin.session,
            Some(json!({"user_id": admin.id}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.call(
            "POST",
            &path("/transfer"),
            &owner.session,
            Some(json!({"user_id": admin.id}))
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let (_, members, _) = s
        .call("GET", &path("/members"), &member.session, None)
        .await;
    let role_of = |id: &str| {
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"] == id)
            .unwrap()["role"]
            .clone()
    };
    assert_eq!(
        (role_of(&admin.id), role_of(&owner.id)),
        (json!("owner"), json!("admin"))
    );
    // Now the former owner can leave; the new owner deletes.
    assert_eq!(
        s.call(
            "DELETE",
            &path(&format!("/members/{}", owner.id)),
            &owner.session,
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call("GET", &path(""), &owner.session, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call("DELETE", &path(""), &admin.session, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.call("GET", &path(""), &member.session, None).await.0,
        StatusCode::NOT_FOUND
    );
    // Personal workspaces: no deletion, no invitations.
    assert_eq!(
        s.call(
            "DELETE",
            &format!("/api/workspaces/{}", owner.personal),
            &owner.session,
            None
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/workspaces/{}/invitations", owner.personal),
            &owner.session,
            Some(json!({"email": "x@example.com", "role": "member"}))
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
}

async fn invitations_are_single_use_and_bound_to_an_email(s: TestServer) {
    let owner = s.signup("own@example.com").await;
    let invited = s.signup("inv@example.com").await;
    let stranger = s.signup("str@example.com").await;
    let ws = s.team(&owner, "T").await;
    let (_, invite, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/invitations"),
            &owner.session,
            Some(json!({"email": "INV@example.com", "role": "member"})),
        )
        .await;
    let token = invite["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("ferret_inv_"));
    assert_eq!(
        s.count(&format!(
            "SELECT COUNT(*) FROM invitations WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
    let accept = json!({"token": token});
    assert_eq!(
        s.call(
            "POST",
            "/api/invitations/accept",
            &stranger.session,
            Some(accept.clone())
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call(
            "POST",
            "/api/invitations/accept",
            &invited.session,
            Some(accept.clone())
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        s.call(
            "POST",
            "/api/invitations/accept",
            &invited.session,
            Some(accept)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // Expired invitations do not work.
    let (_, invite, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/invitations"),
            &owner.session,
            Some(json!({"email": "str@example.com", "role": "admin"})),
        )
        .await;
    s.sql("UPDATE invitations SET expires_at = 1 WHERE accepted_at IS NULL")
        .await;
    assert_eq!(
        s.call(
            "POST",
            "/api/invitations/accept",
            &stranger.session,
            Some(json!({"token": invite["token"]}))
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}

async fn account_deletion_removes_personal_data(s: TestServer) {
    let user = s.signup("gone@example.com").await;
    let friend = s.signup("friend@example.com").await;
    s.repository(&user, &user.personal, "app").await;
    let token = Auth::Token(s.token(&user, &user.personal, &["scans:write"]).await);
    let upload = json!({"repository": "app", "branch": "main", "findings": [finding("r", "fp-11111111", "a.txt", 1, "high")]});
    assert_eq!(
        s.call("POST", "/api/scans", &token, Some(upload)).await.0,
        StatusCode::CREATED
    );
    let shared = s.team(&user, "Shared").await;
    s.join(&user, &shared, &friend, "member").await;
    let confirm = json!({"password": "correct horse battery staple"});
    let (status, body, _) = s
        .call(
            "DELETE",
            "/api/account",
            &user.session,
            Some(confirm.clone()),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "last owner of a team with members: {body}"
    );
    assert_eq!(
        s.call(
            "DELETE",
            "/api/account",
            &user.session,
            Some(json!({"password": "wrong password here"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    s.call(
        "POST",
        &format!("/api/workspaces/{shared}/transfer"),
        &user.session,
        Some(json!({"user_id": friend.id})),
    )
    .await;
    assert_eq!(
        s.call("DELETE", "/api/account", &user.session, Some(confirm))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let ws = &user.personal;
    for table in [
        "findings",
        "scans",
        "repositories",
        "api_tokens",
        "memberships",
    ] {
        assert_eq!(
            s.count(&format!(
                "SELECT COUNT(*) FROM {table} WHERE workspace_id = '{ws}'"
            ))
            .await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        s.count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{}'",
            user.id
        ))
        .await,
        0
    );
    assert_eq!(
        s.count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE user_id = '{}'",
            user.id
        ))
        .await,
        0
    );
    assert_eq!(
        s.call("GET", "/api/auth/session", &user.session, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call(
            "GET",
            &format!("/api/workspaces/{shared}"),
            &friend.session,
            None
        )
        .await
        .0,
        StatusCode::OK
    );
}

async fn audit_log_records_and_detects_tampering(s: TestServer) {
    use ferret_server::audit;
    let owner = s.signup("aud@example.com").await;
    let ws = s.team(&owner, "Audited").await;
    s.call(
        "POST",
        "/api/auth/login",
        &Auth::None,
        Some(json!({"email": "aud@example.com", "password": "nope nope nope"})),
    )
    .await;
    // A password typed into the email field is never stored.
    s.call(
        "POST",
        "/api/auth/login",
        &Auth::None,
        Some(json!({"email": "Typed-Passw0rd-Canary!", "password": "x"})),
    )
    .await;
    s.repository(&owner, &ws, "app").await;
    let (_, entries, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/audit"),
            &owner.session,
            None,
        )
        .await;
    let actions: Vec<_> = entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["repository.create", "workspace.create"]);
    assert_eq!(entries["items"][0]["user_agent"], "ferret-tests/1.0");
    assert_eq!(entries["items"][0]["actor_user_id"], owner.id.as_str());
    let all = audit::all(&s.state.db).await.unwrap();
    let kinds: Vec<_> = all.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "account.create",
        "login.success",
        "session.create",
        "login.failure",
        "workspace.create",
        "repository.create",
    ] {
        assert!(kinds.contains(&expected), "{expected} in {kinds:?}");
    }
    let failures: Vec<&audit::Entry> = all.iter().filter(|e| e.action == "login.failure").collect();
    assert_eq!(failures.len(), 2);
    assert!(
        failures[0].details.contains(&owner.id),
        "{}",
        failures[0].details
    );
    assert!(failures[1].details.contains("typed_hmac"));
    for entry in &all {
        assert!(!entry.details.contains("Canary") && !entry.details.contains("aud@example.com"));
    }
    let key = s.state.db.audit_key().unwrap();
    let verify = |entries: &[audit::Entry], head: &(i64, String)| {
        audit::verify(entries, Some((head.0, &head.1)), Some(key), &[])
    };
    let head = audit::head(&s.state.db).await.unwrap();
    let report = verify(&all, &head).unwrap();
    assert_eq!((report.entries, report.legacy), (all.len(), 0));

    // A database writer re-seals an edited entry and everything after it with plain SHA-256
    // and moves the head: without the server key the result does not verify.
    let mut forged = all.clone();
    forged[2].action = "nothing.happened".into();
    let mut prev = forged[1].hash.clone();
    for entry in &mut forged[2..] {
        entry.prev_hash = prev;
        entry.hash = entry.compute_hash(None);
        prev = entry.hash.clone();
    }
    assert!(verify(&forged, &(head.0, prev)).is_err());

    // Edit one entry by hand.
    s.sql("UPDATE audit_log SET ip = '10.9.9.9' WHERE seq = 3")
        .await;
    let edited = audit::all(&s.state.db).await.unwrap();
    assert!(verify(&edited, &head)
        .unwrap_err()
        .contains("entry 3 was modified"));
    s.sql(&format!(
        "UPDATE audit_log SET ip = {} WHERE seq = 3",
        match &all[2].ip {
            Some(ip) => format!("'{ip}'"),
            None => "NULL".into(),
        }
    ))
    .await;
    assert!(verify(&audit::all(&s.state.db).await.unwrap(), &head).is_ok());
    // Remove one.
    s.sql("DELETE FROM audit_log WHERE seq = 2").await;
    assert!(verify(&audit::all(&s.state.db).await.unwrap(), &head).is_err());
}

async fn errors_and_headers(s: TestServer) {
    let (status, body, headers) = s.call("GET", "/api/health", &Auth::None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(headers.get(name).unwrap(), value);
    }
    let csp = headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert!(headers.get("permissions-policy").is_some());
    assert!(
        headers.get("strict-transport-security").is_none(),
        "HSTS only behind TLS"
    );
    assert!(headers.get("x-request-id").is_some());
    // CORS is closed by default.
    let (_, _, headers) = s
        .call_with(
            "GET",
            "/api/health",
            &Auth::None,
            None,
            &[("origin", "https://evil.example")],
        )
        .await;
    assert!(headers.get("access-control-allow-origin").is_none());

    // Errors are JSON with a request id and nothing internal.
    for (method, path, body, expected) in [
        ("GET", "/api/nope", None, StatusCode::NOT_FOUND),
        ("GET", "/api/workspaces", None, StatusCode::UNAUTHORIZED),
        (
            "POST",
            "/api/auth/login",
            Some(json!({"email": 5})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "DELETE",
            "/api/health",
            None,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ] {
        let (status, body, headers) = s.call(method, path, &Auth::None, body).await;
        assert_eq!(status, expected, "{method} {path}: {body}");
        let request_id = headers.get("x-request-id").unwrap().to_str().unwrap();
        assert_eq!(body["error"]["request_id"], request_id);
        let text = body.to_string().to_lowercase();
        for internal in ["sqlx", "select ", "/work/", "panicked", "src/"] {
            assert!(!text.contains(internal), "{text}");
        }
    }
    let (status, _, _) = s
        .call_with(
            "POST",
            "/api/auth/login",
            &Auth::None,
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert!(status.is_client_error());
    let (status, body, _) = s
        .call(
            "GET",
            "/api/workspaces/ws_doesnotexist/findings",
            &Auth::Token("ferret_pat_x".into()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

/// Rate limits answer 429 with Retry-After, per IP and per token.
#[tokio::test]
async fn rate_limits_per_ip_and_token() {
    let mut config = common::test_config();
    config.rate_per_ip = ferret_server::ratelimit::Rate {
        per_minute: 60,
        burst: 5,
    };
    let s = TestServer::sqlite_with(config).await;
    for _ in 0..5 {
        assert_eq!(
            s.call("GET", "/api/health", &Auth::None, None).await.0,
            StatusCode::OK
        );
    }
    let (status, body, headers) = s.call("GET", "/api/health", &Auth::None, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(headers.get("retry-after").is_some());

    let mut config = common::test_config();
    config.rate_per_token = ferret_server::ratelimit::Rate {
        per_minute: 60,
        burst: 3,
    };
    let s = TestServer::sqlite_with(config).await;
    let bearer = Auth::Token("ferret_pat_whatever".into());
    for _ in 0..3 {
        assert_eq!(
            s.call("GET", "/api/me", &bearer, None).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        s.call("GET", "/api/me", &bearer, None).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        s.call("GET", "/api/health", &Auth::None, None).await.0,
        StatusCode::OK,
        "the IP itself is not limited"
    );
}

/// CORS opens only for configured origins.
#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let mut config = common::test_config();
    config.cors_origins = vec!["https://app.example".into()];
    let s = TestServer::sqlite_with(config).await;
    let (_, _, headers) = s
        .call_with(
            "GET",
            "/api/health",
            &Auth::None,
            None,
            &[("origin", "https://app.example")],
        )
        .await;
    assert_eq!(
        headers.get("access-control-allow-origin").unwrap(),
        "https://app.example"
    );
    let (_, _, headers) = s
        .call_with(
            "GET",
            "/api/health",
            &Auth::None,
            None,
            &[("origin", "https://evil.example")],
        )
        .await;
    assert!(headers.get("access-control-allow-origin").is_none());
}
