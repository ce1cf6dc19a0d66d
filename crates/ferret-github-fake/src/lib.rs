//! A fake GitHub for tests, on loopback: the REST calls Ferret makes, with the requests and
//! answers GitHub documents, and GitHub's rules enforced where they protect users — App JWTs
//! must be RS256-signed by the App's key with `iat`/`exp` no more than 10 minutes apart and
//! the right issuer; installation tokens are narrowed to the repositories and permissions
//! asked for, expire, and die with their installation; OAuth codes work once. Every call is
//! recorded (method, path, which credential) for tests to inspect.
//!
//! It runs on its own thread and runtime, so blocking clients and async tests can both use it.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// How long installation tokens live (GitHub: one hour).
pub const TOKEN_LIFETIME_SECS: i64 = 3600;

/// Permissions the fake App was granted.
const GRANTED: [(&str, &str); 4] = [
    ("contents", "read"),
    ("metadata", "read"),
    ("checks", "write"),
    ("pull_requests", "read"),
];

/// An installation of the App.
#[derive(Debug, Clone)]
pub struct FakeInstallation {
    pub id: i64,
    pub account_login: String,
    pub account_type: String,
    /// `(id, "owner/name")`.
    pub repositories: Vec<(i64, String)>,
    pub suspended: bool,
}

/// An installation token the fake issued.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub installation_id: i64,
    pub repository_ids: Vec<i64>,
    pub permissions: HashMap<String, String>,
    pub expires_at: i64,
}

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: String,
    pub path: String,
    /// `jwt`, `installation-token`, `user-token`, `none` or `invalid`.
    pub credential: String,
}

#[derive(Default)]
struct World {
    app_id: i64,
    client_id: String,
    client_secret: String,
    public_key: Vec<u8>,
    installations: HashMap<i64, FakeInstallation>,
    /// OAuth code → user login, single use.
    codes: HashMap<String, String>,
    /// User token → login.
    user_tokens: HashMap<String, String>,
    /// Login → installation ids the user can access.
    access: HashMap<String, Vec<i64>>,
    tokens: HashMap<String, IssuedToken>,
    check_runs: Vec<Value>,
    calls: Vec<Call>,
    /// Where bare repositories live, as `OWNER/NAME.git` (served over smart HTTP).
    git_root: Option<std::path::PathBuf>,
    now_offset: i64,
    counter: u64,
}

/// A running fake GitHub.
#[derive(Clone)]
pub struct FakeGithub {
    /// Base URL of both the REST API and the web (OAuth) endpoints.
    pub url: String,
    world: Arc<Mutex<World>>,
}

fn now(world: &World) -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
        + world.now_offset
}

impl FakeGithub {
    /// Starts a fake GitHub whose App has `app_id`, `client_id`, `client_secret` and the RSA
    /// public key `public_key_der` (DER `RSAPublicKey`).
    pub fn start(
        app_id: i64,
        client_id: &str,
        client_secret: &str,
        public_key_der: Vec<u8>,
    ) -> FakeGithub {
        let world = Arc::new(Mutex::new(World {
            app_id,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            public_key: public_key_der,
            ..World::default()
        }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let app = Router::new()
            .route("/app/installations/{id}/access_tokens", post(access_token))
            .route("/login/oauth/access_token", post(oauth_token))
            .route("/user/installations", get(user_installations))
            .route("/installation/repositories", get(installation_repositories))
            .route("/repos/{owner}/{repo}/check-runs", post(create_check_run))
            .route(
                "/repos/{owner}/{repo}/check-runs/{id}",
                patch(update_check_run),
            )
            .route("/{owner}/{repo}/{*rest}", get(git_http).post(git_http))
            .with_state(world.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let _ = axum::serve(listener, app).await;
            });
        });
        FakeGithub { url, world }
    }

    fn with<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        f(&mut self.world.lock().expect("fake world"))
    }

    pub fn add_installation(&self, installation: FakeInstallation) {
        self.with(|w| {
            w.installations.insert(installation.id, installation);
        })
    }

    /// Uninstalls: the installation and every token issued for it stop working at once.
    pub fn uninstall(&self, id: i64) {
        self.with(|w| {
            w.installations.remove(&id);
            w.tokens.retain(|_, t| t.installation_id != id);
        })
    }

    /// A user who can access `installations`; returns a single-use OAuth code for them.
    pub fn user_with_access(&self, login: &str, installations: &[i64]) -> String {
        self.with(|w| {
            w.counter += 1;
            let code = format!("code{:08x}{}", w.counter, login.len());
            w.codes.insert(code.clone(), login.into());
            w.access.insert(login.into(), installations.to_vec());
            code
        })
    }

    /// Moves the fake's clock (to expire tokens).
    pub fn advance(&self, seconds: i64) {
        self.with(|w| w.now_offset += seconds)
    }

    pub fn calls(&self) -> Vec<Call> {
        self.with(|w| w.calls.clone())
    }

    pub fn issued_tokens(&self) -> Vec<(String, IssuedToken)> {
        self.with(|w| {
            w.tokens
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    /// Whether `token` is a live installation token for repository `repository_id`.
    pub fn token_allows(&self, token: &str, repository_id: i64) -> bool {
        self.with(|w| {
            let now = now(w);
            w.tokens
                .get(token)
                .is_some_and(|t| t.expires_at > now && t.repository_ids.contains(&repository_id))
        })
    }

    /// Serves the bare repositories under `root` (`root/OWNER/NAME.git`) over git's smart
    /// HTTP, to holders of a live installation token for the repository only.
    pub fn serve_git_from(&self, root: &std::path::Path) {
        self.with(|w| w.git_root = Some(root.to_path_buf()))
    }

    pub fn check_runs(&self) -> Vec<Value> {
        self.with(|w| w.check_runs.clone())
    }
}

type Shared = State<Arc<Mutex<World>>>;

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"message": message, "documentation_url": "https://docs.github.com/rest"})),
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_string)
}

fn record(world: &mut World, method: &str, path: String, credential: &str) {
    world.calls.push(Call {
        method: method.into(),
        path,
        credential: credential.into(),
    });
}

/// Checks an App JWT as GitHub does: RS256 by the App's key, `iat`/`exp` around now, at most
/// ten minutes apart, issued by the App (client id or app id).
fn verify_jwt(world: &World, jwt: &str) -> Result<(), &'static str> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("A JSON web token could not be decoded");
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or("A JSON web token could not be decoded")?;
    if header["alg"] != "RS256" {
        return Err("'alg' must be RS256");
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "A JSON web token could not be decoded")?;
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        &world.public_key,
    );
    let signed = &jwt[..jwt.rfind('.').unwrap_or(0)];
    key.verify(signed.as_bytes(), &signature)
        .map_err(|_| "'Issuer' claim ('iss') must match the App, and the signature its key")?;
    let claims: Value = URL_SAFE_NO_PAD
        .decode(claims)
        .ok()
        .and_then(|c| serde_json::from_slice(&c).ok())
        .ok_or("A JSON web token could not be decoded")?;
    let (Some(iat), Some(exp)) = (claims["iat"].as_i64(), claims["exp"].as_i64()) else {
        return Err("Missing 'issued at' or 'expiration time' claim");
    };
    let now = now(world);
    if iat > now + 60 {
        return Err("'Issued at' claim ('iat') must be an Integer representing a time in the past");
    }
    if exp <= now {
        return Err("'Expiration time' claim ('exp') is too far in the past");
    }
    if exp - iat > 600 {
        return Err("'Expiration time' claim ('exp') is too far in the future");
    }
    let issuer = match &claims["iss"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    if issuer != world.client_id && issuer != world.app_id.to_string() {
        return Err("'Issuer' claim ('iss') must match the App");
    }
    Ok(())
}

async fn access_token(
    State(world): Shared,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut w = world.lock().expect("fake world");
    let path = format!("/app/installations/{id}/access_tokens");
    let Some(jwt) = bearer(&headers) else {
        record(&mut w, "POST", path, "none");
        return error(StatusCode::UNAUTHORIZED, "Requires authentication");
    };
    if let Err(message) = verify_jwt(&w, &jwt) {
        record(&mut w, "POST", path, "invalid");
        return error(StatusCode::UNAUTHORIZED, message);
    }
    record(&mut w, "POST", path, "jwt");
    let Some(installation) = w.installations.get(&id).cloned() else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    if installation.suspended {
        return error(
            StatusCode::FORBIDDEN,
            "This installation has been suspended",
        );
    }
    let repository_ids: Vec<i64> = body["repository_ids"]
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_else(|| {
            installation
                .repositories
                .iter()
                .map(|(id, _)| *id)
                .collect()
        });
    if repository_ids
        .iter()
        .any(|r| !installation.repositories.iter().any(|(id, _)| id == r))
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "There is at least one repository that does not exist or is not accessible to the parent installation.",
        );
    }
    let mut permissions = HashMap::new();
    for (name, access) in body["permissions"].as_object().into_iter().flatten() {
        let access = access.as_str().unwrap_or("");
        let granted = GRANTED
            .iter()
            .any(|(n, a)| n == name && (a == &access || (*a == "write" && access == "read")));
        if !granted {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The permissions requested are not granted to this installation.",
            );
        }
        permissions.insert(name.clone(), access.to_string());
    }
    let token = format!("ghs_{}", random_hex());
    let expires_at = now(&w) + TOKEN_LIFETIME_SECS;
    w.tokens.insert(
        token.clone(),
        IssuedToken {
            installation_id: id,
            repository_ids: repository_ids.clone(),
            permissions: permissions.clone(),
            expires_at,
        },
    );
    let repositories: Vec<Value> = installation
        .repositories
        .iter()
        .filter(|(id, _)| repository_ids.contains(id))
        .map(|(id, name)| json!({"id": id, "full_name": name}))
        .collect();
    (
        StatusCode::CREATED,
        Json(json!({
            "token": token,
            "expires_at": ferret_core::time::rfc3339(expires_at),
            "permissions": permissions,
            "repository_selection": "selected",
            "repositories": repositories,
        })),
    )
        .into_response()
}

async fn oauth_token(State(world): Shared, Json(body): Json<Value>) -> Response {
    let mut w = world.lock().expect("fake world");
    record(&mut w, "POST", "/login/oauth/access_token".into(), "none");
    if body["client_id"] != w.client_id.as_str()
        || body["client_secret"] != w.client_secret.as_str()
    {
        return Json(json!({"error": "incorrect_client_credentials",
            "error_description": "The client_id and/or client_secret passed are incorrect."}))
        .into_response();
    }
    let code = body["code"].as_str().unwrap_or("");
    let Some(login) = w.codes.remove(code) else {
        return Json(json!({"error": "bad_verification_code",
            "error_description": "The code passed is incorrect or expired."}))
        .into_response();
    };
    let token = format!("ghu_{}", random_hex());
    w.user_tokens.insert(token.clone(), login);
    Json(json!({"access_token": token, "token_type": "bearer", "scope": ""})).into_response()
}

#[derive(serde::Deserialize)]
struct PageQuery {
    per_page: Option<usize>,
    page: Option<usize>,
}

impl PageQuery {
    /// The items of the requested page (GitHub's defaults: 30 per page, at most 100).
    fn page_of<'a, T>(&self, items: &'a [T]) -> impl Iterator<Item = &'a T> {
        let per_page = self.per_page.unwrap_or(30).clamp(1, 100);
        let page = self.page.unwrap_or(1).max(1);
        items.iter().skip((page - 1) * per_page).take(per_page)
    }
}

async fn user_installations(
    State(world): Shared,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Response {
    let mut w = world.lock().expect("fake world");
    let login = bearer(&headers).and_then(|t| w.user_tokens.get(&t).cloned());
    let Some(login) = login else {
        record(&mut w, "GET", "/user/installations".into(), "invalid");
        return error(StatusCode::UNAUTHORIZED, "Bad credentials");
    };
    record(&mut w, "GET", "/user/installations".into(), "user-token");
    let mut ids = w.access.get(&login).cloned().unwrap_or_default();
    ids.retain(|id| w.installations.contains_key(id));
    ids.sort();
    let listed: Vec<Value> = query
        .page_of(&ids)
        .filter_map(|id| w.installations.get(id))
        .map(|i| {
            json!({"id": i.id, "account": {"login": i.account_login, "type": i.account_type},
                        "app_id": w.app_id, "target_type": i.account_type})
        })
        .collect();
    Json(json!({"total_count": ids.len(), "installations": listed})).into_response()
}

/// `GET /installation/repositories`: the repositories an installation token covers, paged as
/// GitHub does (`total_count`, `repositories` with `id`, `name`, `full_name`, `private`,
/// `default_branch`, `owner`).
async fn installation_repositories(
    State(world): Shared,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Response {
    let mut w = world.lock().expect("fake world");
    let path = "/installation/repositories".to_string();
    let now = now(&w);
    let token = bearer(&headers)
        .and_then(|t| w.tokens.get(&t).cloned())
        .filter(|t| t.expires_at > now);
    let Some(token) = token else {
        record(&mut w, "GET", path, "invalid");
        return error(StatusCode::UNAUTHORIZED, "Bad credentials");
    };
    record(&mut w, "GET", path, "installation-token");
    let Some(installation) = w.installations.get(&token.installation_id) else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    let covered: Vec<&(i64, String)> = installation
        .repositories
        .iter()
        .filter(|(id, _)| token.repository_ids.contains(id))
        .collect();
    let listed: Vec<Value> = query
        .page_of(&covered)
        .map(|(id, full_name)| {
            let (owner, name) = full_name.split_once('/').unwrap_or(("", full_name));
            json!({"id": id, "name": name, "full_name": full_name, "private": true,
                   "default_branch": "main", "owner": {"login": owner}})
        })
        .collect();
    Json(
        json!({"total_count": covered.len(), "repository_selection": "selected",
                "repositories": listed}),
    )
    .into_response()
}

/// The installation token in `headers`, if it is live, covers `owner/repo` and may write
/// checks.
fn check_token(
    w: &World,
    headers: &HeaderMap,
    full_name: &str,
) -> Result<(), (StatusCode, &'static str)> {
    let token = bearer(headers).and_then(|t| w.tokens.get(&t).cloned());
    let Some(token) = token.filter(|t| t.expires_at > now(w)) else {
        return Err((StatusCode::UNAUTHORIZED, "Bad credentials"));
    };
    let covered = w
        .installations
        .get(&token.installation_id)
        .is_some_and(|i| {
            i.repositories
                .iter()
                .any(|(id, name)| name == full_name && token.repository_ids.contains(id))
        });
    if !covered {
        return Err((StatusCode::NOT_FOUND, "Not Found"));
    }
    if token.permissions.get("checks").map(String::as_str) != Some("write") {
        return Err((
            StatusCode::FORBIDDEN,
            "Resource not accessible by integration",
        ));
    }
    Ok(())
}

async fn create_check_run(
    State(world): Shared,
    Path((owner, repo)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut w = world.lock().expect("fake world");
    let path = format!("/repos/{owner}/{repo}/check-runs");
    if let Err((status, message)) = check_token(&w, &headers, &format!("{owner}/{repo}")) {
        record(&mut w, "POST", path, "invalid");
        return error(status, message);
    }
    record(&mut w, "POST", path, "installation-token");
    if body["output"]["annotations"]
        .as_array()
        .is_some_and(|a| a.len() > 50)
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Only 50 annotations are allowed per request",
        );
    }
    let id = w.check_runs.len() as i64 + 1;
    let mut run = body.clone();
    run["id"] = id.into();
    w.check_runs.push(run.clone());
    (StatusCode::CREATED, Json(run)).into_response()
}

async fn update_check_run(
    State(world): Shared,
    Path((owner, repo, id)): Path<(String, String, i64)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut w = world.lock().expect("fake world");
    let path = format!("/repos/{owner}/{repo}/check-runs/{id}");
    if let Err((status, message)) = check_token(&w, &headers, &format!("{owner}/{repo}")) {
        record(&mut w, "PATCH", path, "invalid");
        return error(status, message);
    }
    record(&mut w, "PATCH", path, "installation-token");
    let annotations = body["output"]["annotations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if annotations.len() > 50 {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Only 50 annotations are allowed per request",
        );
    }
    let Some(run) = usize::try_from(id - 1)
        .ok()
        .and_then(|i| w.check_runs.get_mut(i))
    else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    if let Some(existing) = run["output"]["annotations"].as_array_mut() {
        existing.extend(annotations);
    }
    Json(run.clone()).into_response()
}

/// The installation token in HTTP Basic credentials (`x-access-token:TOKEN`), as git sends it.
fn basic_token(headers: &HeaderMap) -> Option<String> {
    use base64::engine::general_purpose::STANDARD;
    let encoded = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    decoded.split_once(':').map(|(_, token)| token.to_string())
}

/// git's smart HTTP (`git http-backend`), for `OWNER/NAME.git`, to a live installation token
/// that covers the repository and may read contents.
async fn git_http(
    State(world): Shared,
    Path((owner, repo, rest)): Path<(String, String, String)>,
    method: axum::http::Method,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let Some(name) = repo.strip_suffix(".git") else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    let full_name = format!("{owner}/{name}");
    let path = format!("/{owner}/{repo}/{rest}");
    let root = {
        let mut w = world.lock().expect("fake world");
        let now = now(&w);
        let token = basic_token(&headers).and_then(|t| w.tokens.get(&t).cloned());
        let allowed = token.is_some_and(|t| {
            t.expires_at > now
                && t.permissions.contains_key("contents")
                && w.installations.get(&t.installation_id).is_some_and(|i| {
                    i.repositories
                        .iter()
                        .any(|(id, n)| n == &full_name && t.repository_ids.contains(id))
                })
        });
        if !allowed {
            record(&mut w, method.as_str(), path, "invalid");
            return (
                StatusCode::UNAUTHORIZED,
                [("www-authenticate", "Basic realm=\"GitHub\"")],
                "Invalid username or token.",
            )
                .into_response();
        }
        record(&mut w, method.as_str(), path.clone(), "installation-token");
        match &w.git_root {
            Some(root) => root.clone(),
            None => return error(StatusCode::NOT_FOUND, "Not Found"),
        }
    };
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let method = method.to_string();
    let output = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = std::process::Command::new("git")
            .arg("http-backend")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_PROJECT_ROOT", &root)
            .env("GIT_HTTP_EXPORT_ALL", "1")
            .env("PATH_INFO", &path)
            .env("QUERY_STRING", query.unwrap_or_default())
            .env("REQUEST_METHOD", method)
            .env("CONTENT_TYPE", content_type)
            .env("CONTENT_LENGTH", body.len().to_string())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(&body)?;
        }
        child.wait_with_output()
    })
    .await;
    let Ok(Ok(output)) = output else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "git http-backend failed");
    };
    cgi_response(&output.stdout)
}

/// Turns a CGI answer (headers, a blank line, the body) into an HTTP response.
fn cgi_response(cgi: &[u8]) -> Response {
    let split = cgi
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| (at, at + 4))
        .or_else(|| {
            cgi.windows(2)
                .position(|w| w == b"\n\n")
                .map(|at| (at, at + 2))
        });
    let Some((head_end, body_start)) = split else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "malformed CGI answer");
    };
    let head = String::from_utf8_lossy(&cgi[..head_end]);
    let mut builder = axum::http::Response::builder().status(StatusCode::OK);
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code = value
                .split(' ')
                .next()
                .and_then(|c| c.parse().ok())
                .unwrap_or(500);
            builder = builder.status(code);
        } else {
            builder = builder.header(name.trim(), value);
        }
    }
    builder
        .body(axum::body::Body::from(cgi[body_start..].to_vec()))
        .unwrap_or_else(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "bad CGI header"))
}

/// 36 random hex digits, for token values.
fn random_hex() -> String {
    let mut bytes = [0u8; 18];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .expect("system randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh 2048-bit RSA private key in PKCS#1 PEM, as GitHub hands App keys out (made with the
/// `openssl` command, so that no key is ever committed).
pub fn generate_app_key_pem() -> String {
    let output = std::process::Command::new("openssl")
        .args(["genrsa", "-traditional", "2048"])
        .stderr(std::process::Stdio::null())
        .output()
        .expect("openssl is needed to make a test App key");
    assert!(output.status.success(), "openssl genrsa failed");
    String::from_utf8(output.stdout).expect("PEM is ASCII")
}
