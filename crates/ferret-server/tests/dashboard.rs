//! The dashboard's pages over HTTP, on both backends: sign-in redirects, every page of an owner
//! rendered with the strict CSP and hostile names shown as text, forms refused without the
//! session's CSRF token, members refused on admin pages (not just shown fewer buttons),
//! workspaces isolated, assets content-hashed and cached, the login form's own token and
//! `next` kept on this site.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use common::{finding, Auth, TestServer, User};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const XSS: [&str; 3] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "javascript:alert(3)",
];

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `name` field.
    fn field(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&needle).expect(name) + needle.len();
        self.body[start..].split('"').next().unwrap().to_string()
    }
}

/// A browser-like request: `cookie` as sent, `form` URL-encoded.
async fn browse(
    s: &TestServer,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Answer {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    let request = if method == "POST" {
        let body = serde_urlencoded::to_string(form).unwrap();
        builder
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    } else {
        builder.body(Body::empty()).unwrap()
    };
    let response = s.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn session(user: &User) -> (String, String) {
    match &user.session {
        Auth::Session { cookie, csrf } => (format!("ferret_session={cookie}"), csrf.clone()),
        _ => unreachable!("test users sign in"),
    }
}

/// An owner with a team named by a hostile string, a repository and findings with hostile
/// paths and branch; returns (owner, workspace, a finding id).
async fn team_with_findings(s: &TestServer) -> (User, String, String) {
    let owner = s.signup("owner@example.com").await;
    let ws = s.team(&owner, XSS[0]).await;
    s.repository(&owner, &ws, "app").await;
    let token = s.token(&owner, &ws, &["scans:write"]).await;
    let mut findings = Vec::new();
    for (i, hostile) in XSS.iter().enumerate() {
        let mut f = finding(
            "generic-secret-assignment",
            &format!("fingerprint-{i}"),
            &format!("src/{hostile}.py"),
            3,
            "high",
        );
        f["title"] = json!(format!("Title {hostile}"));
        findings.push(f);
    }
    let upload = json!({"repository": "app", "branch": "feature/x<b>y", "commit": "a1b2c3d4", "findings": findings});
    let (status, body, _) = s
        .call("POST", "/api/scans", &Auth::Token(token), Some(upload))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, list, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/findings"),
            &owner.session,
            None,
        )
        .await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    (owner, ws, id)
}

fn assert_safe_page(page: &Answer, what: &str) {
    assert_eq!(page.status, StatusCode::OK, "{what}: {}", page.body);
    let content_type = page.headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/html"),
        "{what}: {content_type}"
    );
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{what}: CSP {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    // Hostile names are text: no tag or attribute of theirs reaches the page.
    for needle in [
        "<script>alert",
        "<img src=x",
        "onerror=alert(2)>",
        "href=\"javascript:",
    ] {
        assert!(!page.body.contains(needle), "{what}: {needle} in the page");
    }
    // No inline script or style: every script comes from this server's assets.
    for (i, _) in page.body.match_indices("<script") {
        assert!(
            page.body[i..].starts_with("<script src=\"/assets/app."),
            "{what}: inline script"
        );
    }
    assert!(!page.body.contains(" style="), "{what}: inline style");
    assert!(!page.body.contains("<style"), "{what}: inline style");
    assert!(page.body.contains("<main id=\"main\">"), "{what}");
}

async fn signed_out_pages_go_to_the_login_page(s: TestServer) {
    let page = browse(&s, "GET", "/w/ws_x/findings?severity=high", None, &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location(),
        "/login?next=/w/ws_x/findings%3Fseverity%3Dhigh"
    );
    let login = browse(&s, "GET", "/login", None, &[]).await;
    assert_safe_page(&login, "login");
    assert!(login.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("SameSite=Strict"));
}

async fn every_page_renders_safely_for_an_owner(s: TestServer) {
    let (owner, ws, id) = team_with_findings(&s).await;
    let (cookie, _) = session(&owner);
    for path in [
        format!("/w/{ws}"),
        format!("/w/{ws}/findings"),
        format!("/w/{ws}/findings?severity=high&state=open&sort=path&path=src%2F"),
        format!("/w/{ws}/findings/{id}"),
        format!("/w/{ws}/repositories"),
        format!("/w/{ws}/members"),
        format!("/w/{ws}/tokens"),
        format!("/w/{ws}/audit"),
        format!("/w/{ws}/settings"),
        "/account".to_string(),
    ] {
        let page = browse(&s, "GET", &path, Some(&cookie), &[]).await;
        assert_safe_page(&page, &path);
    }
    // The hostile values are there, as text.
    let list = browse(&s, "GET", &format!("/w/{ws}/findings"), Some(&cookie), &[]).await;
    assert!(list
        .body
        .contains("src/&lt;script&gt;alert(1)&lt;/script&gt;.py"));
    assert!(list.body.contains("feature/x&lt;b&gt;y"));
    assert!(list.body.contains("3 findings"));
    // The overview draws its charts from the findings.
    let overview = browse(&s, "GET", &format!("/w/{ws}"), Some(&cookie), &[]).await;
    assert!(overview.body.contains("<svg"), "a chart");
    assert!(overview.body.contains("<polyline class=\"s-high\""));
    assert!(overview.body.contains("generic-secret-assignment"));
    // Settings: a retention period chosen in the form is the workspace's.
    let settings = browse(&s, "GET", &format!("/w/{ws}/settings"), Some(&cookie), &[]).await;
    let csrf = settings.field("csrf_token");
    let saved = browse(
        &s,
        "POST",
        &format!("/w/{ws}/settings"),
        Some(&cookie),
        &[
            ("csrf_token", &csrf),
            ("name", "Renamed"),
            ("check_policy", "any"),
            ("retention_days", "365"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (_, workspace, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}"),
            &owner.session,
            None,
        )
        .await;
    assert_eq!(
        (
            &workspace["name"],
            &workspace["check_policy"],
            &workspace["retention_days"]
        ),
        (&json!("Renamed"), &json!("any"), &json!(365))
    );
    // Filters narrow the list.
    let none = browse(
        &s,
        "GET",
        &format!("/w/{ws}/findings?severity=low"),
        Some(&cookie),
        &[],
    )
    .await;
    assert!(none.body.contains("No finding matches these filters."));
}

async fn forms_need_the_sessions_csrf_token(s: TestServer) {
    let (owner, ws, id) = team_with_findings(&s).await;
    let (cookie, csrf) = session(&owner);
    let path = format!("/w/{ws}/findings/{id}/triage");
    let state_of = || async {
        s.call(
            "GET",
            &format!("/api/workspaces/{ws}/findings/{id}"),
            &owner.session,
            None,
        )
        .await
        .1["state"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for token in ["", "forged", &csrf[..csrf.len() - 1]] {
        let refused = browse(
            &s,
            "POST",
            &path,
            Some(&cookie),
            &[("csrf_token", token), ("state", "false_positive")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{token:?}");
        assert!(refused.body.contains("CSRF") || refused.body.contains("csrf"));
    }
    assert_eq!(state_of().await, "open", "nothing changed");
    // With the token from the page itself, the triage is saved and shows in the history.
    let detail = browse(
        &s,
        "GET",
        &format!("/w/{ws}/findings/{id}"),
        Some(&cookie),
        &[],
    )
    .await;
    let token = detail.field("csrf_token");
    let saved = browse(
        &s,
        "POST",
        &path,
        Some(&cookie),
        &[
            ("csrf_token", &token),
            ("state", "false_positive"),
            ("comment", "test fixture"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(state_of().await, "false_positive");
    let detail = browse(&s, "GET", saved.location(), Some(&cookie), &[]).await;
    assert!(
        detail.body.contains("The finding&#39;s state was saved.")
            || detail.body.contains("The finding's state was saved.")
    );
    assert!(detail.body.contains("False positive by owner@example.com"));
    // Signed-out forms go nowhere.
    let anonymous = browse(&s, "POST", &path, None, &[("state", "open")]).await;
    assert_ne!(anonymous.status, StatusCode::OK);
    assert_eq!(state_of().await, "false_positive");
}

async fn members_are_refused_admin_pages_and_see_no_admin_controls(s: TestServer) {
    let (owner, ws, _) = team_with_findings(&s).await;
    let member = s.signup("member@example.com").await;
    s.join(&owner, &ws, &member, "member").await;
    let (cookie, csrf) = session(&member);
    for path in [format!("/w/{ws}/audit"), format!("/w/{ws}/settings")] {
        let page = browse(&s, "GET", &path, Some(&cookie), &[]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
    for (path, form) in [
        (
            format!("/w/{ws}/members/invite"),
            vec![("email", "x@example.com"), ("role", "member")],
        ),
        (
            format!("/w/{ws}/settings"),
            vec![("name", "Renamed"), ("check_policy", "never")],
        ),
        (format!("/w/{ws}/audit/verify"), vec![]),
        (
            format!("/w/{ws}/members/{}/role", owner.id),
            vec![("role", "member")],
        ),
    ] {
        let mut form = form;
        form.push(("csrf_token", &csrf));
        let refused = browse(&s, "POST", &path, Some(&cookie), &form).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            refused.body
        );
    }
    let members = browse(&s, "GET", &format!("/w/{ws}/members"), Some(&cookie), &[]).await;
    assert_safe_page(&members, "members as a member");
    for control in [
        "Invite someone",
        ">Remove<",
        "name=\"role\"",
        "Audit log",
        "Settings",
    ] {
        assert!(!members.body.contains(control), "a member sees {control}");
    }
    // Members may triage.
    let (_, list, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/findings"),
            &member.session,
            None,
        )
        .await;
    let id = list["items"][0]["id"].as_str().unwrap();
    let saved = browse(
        &s,
        "POST",
        &format!("/w/{ws}/findings/{id}/triage"),
        Some(&cookie),
        &[("csrf_token", &csrf), ("state", "open")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
}

async fn other_peoples_workspaces_do_not_exist(s: TestServer) {
    let (_, ws, id) = team_with_findings(&s).await;
    let stranger = s.signup("stranger@example.com").await;
    let (cookie, _) = session(&stranger);
    for path in [
        format!("/w/{ws}"),
        format!("/w/{ws}/findings"),
        format!("/w/{ws}/findings/{id}"),
        format!("/w/{ws}/members"),
    ] {
        let page = browse(&s, "GET", &path, Some(&cookie), &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("alert("), "{path}: nothing of it shows");
    }
    // Their own personal workspace is untouched by the team's findings.
    let own = browse(
        &s,
        "GET",
        &format!("/w/{}/findings", stranger.personal),
        Some(&cookie),
        &[],
    )
    .await;
    assert!(own.body.contains("0 findings"));
}

async fn the_login_form_has_its_own_token_and_stays_on_this_site(s: TestServer) {
    s.signup("user@example.com").await;
    let page = browse(&s, "GET", "/login", None, &[]).await;
    let form_cookie = page.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = page.field("form_token");
    let credentials = [
        ("email", "user@example.com"),
        ("password", "correct horse battery staple"),
    ];
    // Without the double-submitted token (a cross-site form): refused.
    let mut form = credentials.to_vec();
    form.push(("form_token", &token));
    let refused = browse(&s, "POST", "/login", None, &form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // With it, signed in and sent to `next` — only when it is a path on this site.
    for (next, to) in [
        ("/account", "/account"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ] {
        let mut form = form.clone();
        form.push(("next", next));
        let done = browse(&s, "POST", "/login", Some(&form_cookie), &form).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location(), to);
        assert!(common::session_cookie(&done.headers).is_some());
    }
    // A wrong password: the form again, with the reason, and no session.
    let mut wrong = vec![
        ("email", "user@example.com"),
        ("password", "not the password at all"),
    ];
    wrong.push(("form_token", &token));
    let again = browse(&s, "POST", "/login", Some(&form_cookie), &wrong).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert!(again.body.contains("invalid email or password"));
    assert!(common::session_cookie(&again.headers).is_none());
}

async fn assets_have_hashed_names_and_long_lifetimes(s: TestServer) {
    let page = browse(&s, "GET", "/login", None, &[]).await;
    let css = page.body.split("href=\"/assets/").nth(1).unwrap();
    let css = format!("/assets/{}", css.split('"').next().unwrap());
    assert!(css.ends_with(".css") && css.len() > "/assets/app..css".len() + 8);
    let asset = browse(&s, "GET", &css, None, &[]).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert!(asset.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    assert!(asset.body.contains("prefers-color-scheme: dark"));
    for stale in ["/assets/app.css", "/assets/app.0000000000000000.css"] {
        assert_eq!(
            browse(&s, "GET", stale, None, &[]).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

async fn sessions_are_listed_and_revoked(s: TestServer) {
    let laptop = s.signup("user@example.com").await;
    let phone = s
        .login("user@example.com", "correct horse battery staple")
        .await;
    let (laptop_cookie, _) = session(&laptop);
    let (phone_cookie, _) = session(&phone);
    let page = browse(&s, "GET", "/account", Some(&laptop_cookie), &[]).await;
    assert_safe_page(&page, "account");
    assert_eq!(
        page.body.matches("/revoke\"").count(),
        2,
        "two sessions listed"
    );
    assert!(page.body.contains("(this one)"));
    assert!(
        page.body.contains("ferret-tests/1.0"),
        "the browser that signed in"
    );
    // Sign out everywhere else, from the laptop: the phone's cookie opens nothing now.
    let csrf = page.field("csrf_token");
    let done = browse(
        &s,
        "POST",
        "/account/sessions/revoke-others",
        Some(&laptop_cookie),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let phone_page = browse(&s, "GET", "/account", Some(&phone_cookie), &[]).await;
    assert_eq!(phone_page.status, StatusCode::SEE_OTHER);
    assert!(phone_page.location().starts_with("/login"));
    let page = browse(&s, "GET", "/account", Some(&laptop_cookie), &[]).await;
    assert_eq!(page.body.matches("/revoke\"").count(), 1);
    // Another account's session id is not found, and the API lists only the caller's own.
    let other = s.signup("other@example.com").await;
    let (_, mine, _) = s
        .call("GET", "/api/account/sessions", &laptop.session, None)
        .await;
    let my_id = mine["items"][0]["id"].as_str().unwrap().to_string();
    let (status, _, _) = s
        .call(
            "DELETE",
            &format!("/api/account/sessions/{my_id}"),
            &other.session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Revoking the current session signs out.
    let done = browse(
        &s,
        "POST",
        &format!("/account/sessions/{my_id}/revoke"),
        Some(&laptop_cookie),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(done.location(), "/login");
    let after = browse(&s, "GET", "/account", Some(&laptop_cookie), &[]).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
}

async fn a_finding_links_to_its_file_at_the_scanned_commit(s: TestServer) {
    let owner = s.signup("owner@example.com").await;
    let ws = s.team(&owner, "Team").await;
    s.repository(&owner, &ws, "acme/payments").await;
    let token = s.token(&owner, &ws, &["scans:write"]).await;
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let upload = json!({"repository": "acme/payments", "branch": "main", "commit": commit,
        "findings": [finding("generic-secret-assignment", "fingerprint-link", "src/a b\"<x>.py", 7, "high")]});
    let (status, body, _) = s
        .call("POST", "/api/scans", &Auth::Token(token), Some(upload))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, list, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/findings?path_contains=b%22%3C"),
            &owner.session,
            None,
        )
        .await;
    assert_eq!(list["total"], 1, "found by a piece of its path: {list}");
    let id = list["items"][0]["id"].as_str().unwrap();
    let (cookie, _) = session(&owner);
    let detail = browse(
        &s,
        "GET",
        &format!("/w/{ws}/findings/{id}"),
        Some(&cookie),
        &[],
    )
    .await;
    assert_safe_page(&detail, "finding");
    let link = format!(
        "href=\"https://github.com/acme/payments/blob/{commit}/src/a%20b%22%3Cx%3E.py#L7\""
    );
    assert!(detail.body.contains(&link), "{}", detail.body);
    // The API names the scanned commit too.
    let (_, list, _) = s
        .call(
            "GET",
            &format!("/api/workspaces/{ws}/findings"),
            &owner.session,
            None,
        )
        .await;
    assert!(list["items"][0]["last_scan_commit"] == commit);
}

backends!(
    a_finding_links_to_its_file_at_the_scanned_commit,
    sessions_are_listed_and_revoked,
    signed_out_pages_go_to_the_login_page,
    every_page_renders_safely_for_an_owner,
    forms_need_the_sessions_csrf_token,
    members_are_refused_admin_pages_and_see_no_admin_controls,
    other_peoples_workspaces_do_not_exist,
    the_login_form_has_its_own_token_and_stays_on_this_site,
    assets_have_hashed_names_and_long_lifetimes,
);
