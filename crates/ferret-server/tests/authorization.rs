//! The authorization matrix: every workspace endpoint × owner / admin / member / outsider, with
//! sessions and with tokens of another workspace. Members of other workspaces get 404 — never
//! 403, never data — and their requests change nothing.

mod common;

use axum::http::StatusCode;
use common::{finding, Auth, TestServer, User};
use serde_json::{json, Value};

backends!(
    authorization_matrix,
    scope_matrix,
    resources_of_other_workspaces_are_invisible
);

/// Fresh resources in the target workspace, so destructive calls always have something to hit.
struct Fixture {
    invitation: String,
    integration: String,
    token: String,
    repository: String,
    finding: String,
}

async fn fixture(s: &TestServer, owner: &User, ws: &str) -> Fixture {
    let n = ferret_server::crypto::random_alnum(8).to_lowercase();
    let (_, inv, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/invitations"),
            &owner.session,
            Some(json!({"email": format!("{n}@example.com"), "role": "member"})),
        )
        .await;
    let (_, int, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/integrations"),
            &owner.session,
            Some(json!({"kind": "webhook", "name": n, "url": "https://hooks.example/x"})),
        )
        .await;
    let (_, tok, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/tokens"),
            &owner.session,
            Some(json!({"name": n, "scopes": ["findings:read"]})),
        )
        .await;
    let repository = s.repository(owner, ws, &format!("repo-{n}")).await;
    let upload = json!({"repository": format!("repo-{n}"), "branch": "main", "findings": [finding("r", &format!("fp-{n}"), "a.txt", 1, "high")]});
    let (status, _, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/scans"),
            &owner.session,
            Some(upload),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, list, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/findings?repository=repo-{n}"),
            &owner.session,
            None,
        )
        .await;
    Fixture {
        invitation: inv["id"].as_str().unwrap().into(),
        integration: int["id"].as_str().unwrap().into(),
        token: tok["id"].as_str().unwrap().into(),
        repository,
        finding: list["items"][0]["id"].as_str().unwrap().into(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Min {
    Member,
    Admin,
    Owner,
}

type Endpoint = (
    &'static str,
    &'static str,
    fn(&Fixture, &str) -> Option<Value>,
    Min,
);

fn endpoints() -> Vec<Endpoint> {
    vec![
        ("GET", "", |_, _| None, Min::Member),
        (
            "PATCH",
            "",
            |_, _| Some(json!({"name": "Renamed"})),
            Min::Admin,
        ),
        ("GET", "/members", |_, _| None, Min::Member),
        (
            "PATCH",
            "/members/{member}",
            |_, _| Some(json!({"role": "member"})),
            Min::Admin,
        ),
        ("GET", "/invitations", |_, _| None, Min::Admin),
        (
            "POST",
            "/invitations",
            |_, _| Some(json!({"email": "new@example.com", "role": "member"})),
            Min::Admin,
        ),
        (
            "DELETE",
            "/invitations/{invitation}",
            |_, _| None,
            Min::Admin,
        ),
        ("GET", "/integrations", |_, _| None, Min::Member),
        (
            "POST",
            "/integrations",
            |_, _| Some(json!({"kind": "slack", "name": "n", "url": "https://hooks.example/y"})),
            Min::Admin,
        ),
        (
            "PUT",
            "/integrations/{integration}",
            |_, _| Some(json!({"url": "https://hooks.example/replaced"})),
            Min::Admin,
        ),
        (
            "DELETE",
            "/integrations/{integration}",
            |_, _| None,
            Min::Admin,
        ),
        ("GET", "/tokens", |_, _| None, Min::Member),
        (
            "POST",
            "/tokens",
            |_, _| Some(json!({"name": "t", "scopes": ["findings:read"]})),
            Min::Member,
        ),
        ("DELETE", "/tokens/{token}", |_, _| None, Min::Admin),
        ("GET", "/repositories", |_, _| None, Min::Member),
        (
            "POST",
            "/repositories",
            |_, n| Some(json!({"name": format!("new-{n}")})),
            Min::Admin,
        ),
        (
            "DELETE",
            "/repositories/{repository}",
            |_, _| None,
            Min::Admin,
        ),
        ("GET", "/scans", |_, _| None, Min::Member),
        (
            "POST",
            "/scans",
            |f, _| Some(json!({"repository": f.repository, "branch": "main", "findings": []})),
            Min::Member,
        ),
        ("GET", "/findings", |_, _| None, Min::Member),
        ("GET", "/findings/{finding}", |_, _| None, Min::Member),
        (
            "PATCH",
            "/findings/{finding}",
            |_, _| Some(json!({"state": "false_positive"})),
            Min::Member,
        ),
        ("GET", "/audit", |_, _| None, Min::Admin),
        (
            "POST",
            "/transfer",
            |_, _| Some(json!({"user_id": "{admin}"})),
            Min::Owner,
        ),
        ("DELETE", "", |_, _| None, Min::Owner),
    ]
}

/// Everything an owner can see of a workspace, to prove a request changed nothing.
async fn snapshot(s: &TestServer, owner: &User, ws: &str) -> Value {
    let mut all = Vec::new();
    for part in [
        "",
        "/members",
        "/invitations",
        "/integrations",
        "/tokens",
        "/repositories",
        "/scans",
        "/findings?per_page=500",
    ] {
        let (_, body, _) = s
            .call(
                "GET",
                &format!("/api/workspaces/{ws}{part}"),
                &owner.session,
                None,
            )
            .await;
        all.push(body);
    }
    Value::Array(all)
}

async fn authorization_matrix(s: TestServer) {
    let owner = s.signup("owner@example.com").await;
    let admin = s.signup("admin@example.com").await;
    let member = s.signup("member@example.com").await;
    let outsider = s.signup("outsider@example.com").await;
    let outsider_token = s.token(&outsider, &outsider.personal, &["admin"]).await;
    let users: [(&str, &User, Option<Min>); 4] = [
        ("owner", &owner, Some(Min::Owner)),
        ("admin", &admin, Some(Min::Admin)),
        ("member", &member, Some(Min::Member)),
        ("outsider", &outsider, None),
    ];
    let mut checked = 0;
    for (method, template, body, min) in endpoints() {
        for (who, user, role) in &users {
            // A fresh workspace per destructive owner-only call keeps the others meaningful.
            let ws = s.team(&owner, "Matrix").await;
            s.join(&owner, &ws, &admin, "admin").await;
            s.join(&owner, &ws, &member, "member").await;
            let f = fixture(&s, &owner, &ws).await;
            let path = format!("/api/workspaces/{ws}{template}")
                .replace("{member}", &member.id)
                .replace("{invitation}", &f.invitation)
                .replace("{integration}", &f.integration)
                .replace("{token}", &f.token)
                .replace("{repository}", &f.repository)
                .replace("{finding}", &f.finding);
            let n = ferret_server::crypto::random_alnum(6).to_lowercase();
            let payload = body(&f, &n).map(|b| {
                serde_json::from_str::<Value>(&b.to_string().replace("{admin}", &admin.id)).unwrap()
            });
            let before = snapshot(&s, &owner, &ws).await;
            let (status, response, _) = s.call(method, &path, &user.session, payload.clone()).await;
            match role {
                Some(role) if *role >= min => assert!(
                    status.is_success(),
                    "{who} {method} {template}: expected success, got {status} {response}"
                ),
                Some(_) => assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{who} {method} {template}: {response}"
                ),
                None => {
                    assert_eq!(
                        status,
                        StatusCode::NOT_FOUND,
                        "{who} {method} {template}: {response}"
                    );
                    let (status, _, _) = s
                        .call(method, &path, &Auth::Token(outsider_token.clone()), payload)
                        .await;
                    assert_eq!(
                        status,
                        StatusCode::NOT_FOUND,
                        "outsider token {method} {template}"
                    );
                    assert_eq!(
                        snapshot(&s, &owner, &ws).await,
                        before,
                        "{method} {template} by an outsider changed data"
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, endpoints().len() * 4);

    // A member's token may not exceed the member's role, whatever its scopes say.
    let ws = s.team(&owner, "Scoped").await;
    s.join(&owner, &ws, &member, "member").await;
    let read_only = Auth::Token(s.token(&member, &ws, &["findings:read"]).await);
    let f = fixture(&s, &owner, &ws).await;
    let (status, _, _) = s
        .call(
            "PATCH",
            &format!("/api/workspaces/{ws}/findings/{}", f.finding),
            &read_only,
            Some(json!({"state": "fixed"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "findings:read cannot triage");
    let (status, _, _) = s
        .call(
            "POST",
            &format!("/api/workspaces/{ws}/integrations"),
            &read_only,
            Some(json!({"kind": "slack", "name": "n", "url": "https://x.example"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "members cannot change integrations"
    );
}

/// A snapshot without tokens' `last_used_at` (a refused call still authenticated its token).
fn without_last_use(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            map.remove("last_used_at");
            for v in map.values_mut() {
                *v = without_last_use(v.take());
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_last_use(v.take());
            }
        }
        _ => {}
    }
    value
}

/// The token scope each workspace endpoint needs; `None`: sessions only (tokens never).
fn scope_needed(method: &str, template: &str) -> Option<&'static str> {
    let read = Some("findings:read");
    let admin = Some("admin");
    match (method, template) {
        ("POST", "/tokens") => None,
        ("POST", "/scans") => Some("scans:write"),
        ("PATCH", "/findings/{finding}") => Some("findings:write"),
        (
            "GET",
            ""
            | "/members"
            | "/integrations"
            | "/tokens"
            | "/repositories"
            | "/scans"
            | "/findings"
            | "/findings/{finding}",
        ) => read,
        _ => admin,
    }
}

/// Every workspace endpoint with a token of every scope, held by the owner (so the role never
/// decides): each call succeeds exactly when the token has the scope the endpoint declares (or
/// `admin`), and is refused with 403 otherwise — a `findings:read` token cannot revoke its
/// owner's other tokens, take its owner out of the workspace, or change anything.
async fn scope_matrix(s: TestServer) {
    let owner = s.signup("owner@example.com").await;
    let admin = s.signup("admin@example.com").await;
    let member = s.signup("member@example.com").await;
    let mut endpoints = endpoints();
    endpoints.push(("DELETE", "/members/{member}", |_, _| None, Min::Admin));
    endpoints.push(("DELETE", "/members/{self}", |_, _| None, Min::Member));
    let scopes = ["findings:read", "findings:write", "scans:write", "admin"];
    let mut checked = 0;
    for (method, template, body, _) in &endpoints {
        for scope in scopes {
            let ws = s.team(&owner, "Scopes").await;
            s.join(&owner, &ws, &admin, "admin").await;
            s.join(&owner, &ws, &member, "member").await;
            let f = fixture(&s, &owner, &ws).await;
            // Leaving: the owner of a team with another owner-capable member may leave only
            // after transferring, so `{self}` is a member leaving with the member's token.
            let (caller, template_path) = if *template == "/members/{self}" {
                (&member, template.replace("{self}", &member.id))
            } else {
                (&owner, template.to_string())
            };
            if *template == "/members/{self}" && scope == "admin" {
                // A member cannot hold an admin-scoped token.
                continue;
            }
            let token = s.token(caller, &ws, &[scope]).await;
            let path = format!("/api/workspaces/{ws}{template_path}")
                .replace("{member}", &member.id)
                .replace("{invitation}", &f.invitation)
                .replace("{integration}", &f.integration)
                .replace("{token}", &f.token)
                .replace("{repository}", &f.repository)
                .replace("{finding}", &f.finding);
            let n = ferret_server::crypto::random_alnum(6).to_lowercase();
            let payload = body(&f, &n).map(|b| {
                serde_json::from_str::<Value>(&b.to_string().replace("{admin}", &admin.id)).unwrap()
            });
            let before = without_last_use(snapshot(&s, &owner, &ws).await);
            let (status, response, _) = s.call(method, &path, &Auth::Token(token), payload).await;
            let needed = scope_needed(method, template);
            let allowed = needed.is_some_and(|needed| scope == needed || scope == "admin");
            if allowed {
                assert!(
                    status.is_success(),
                    "{scope} token {method} {template}: expected success, got {status} {response}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{scope} token {method} {template} (needs {needed:?}): {response}"
                );
                assert_eq!(
                    without_last_use(snapshot(&s, &owner, &ws).await),
                    before,
                    "{scope} token {method} {template} was refused but changed data"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, endpoints.len() * scopes.len() - 1);
}

async fn resources_of_other_workspaces_are_invisible(s: TestServer) {
    let alice = s.signup("alice@example.com").await;
    let bob = s.signup("bob@example.com").await;
    let ws = &s.team(&alice, "Alice's team").await;
    let bob_ws = s.team(&bob, "Bob's team").await;
    fixture(&s, &alice, ws).await;
    let b = fixture(&s, &bob, &bob_ws).await;
    // Alice uses Bob's resource ids inside her own workspace's paths.
    for (method, path, body) in [
        (
            "GET",
            format!("/api/workspaces/{ws}/findings/{}", b.finding),
            None,
        ),
        (
            "PATCH",
            format!("/api/workspaces/{ws}/findings/{}", b.finding),
            Some(json!({"state": "fixed"})),
        ),
        (
            "DELETE",
            format!("/api/workspaces/{ws}/repositories/{}", b.repository),
            None,
        ),
        (
            "DELETE",
            format!("/api/workspaces/{ws}/integrations/{}", b.integration),
            None,
        ),
        (
            "DELETE",
            format!("/api/workspaces/{ws}/tokens/{}", b.token),
            None,
        ),
        (
            "DELETE",
            format!("/api/workspaces/{ws}/invitations/{}", b.invitation),
            None,
        ),
        (
            "GET",
            format!("/api/workspaces/{ws}/findings?repository={}", b.repository),
            None,
        ),
    ] {
        let before = snapshot(&s, &bob, &bob_ws).await;
        let (status, body, _) = s.call(method, &path, &alice.session, body).await;
        if method == "GET" && path.contains("?repository=") {
            assert_eq!(body["total"], 0);
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
        }
        assert_eq!(snapshot(&s, &bob, &bob_ws).await, before);
    }
    // Uploading into Bob's repository by id from Alice's workspace fails too.
    let upload = json!({"repository": b.repository, "branch": "main", "findings": []});
    assert_eq!(
        s.call(
            "POST",
            &format!("/api/workspaces/{ws}/scans"),
            &alice.session,
            Some(upload)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}
