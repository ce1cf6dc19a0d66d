//! Test harness: the whole application in-process, on SQLite or on PostgreSQL.
//!
//! Every scenario runs on both backends through [`backends!`]. PostgreSQL tests use a fresh
//! schema on 127.0.0.1:5432 (database `test`, or `FERRET_TEST_DATABASE_URL`); when no server
//! is reachable they are skipped unless `FERRET_REQUIRE_POSTGRES=1` (set by CI).

#![allow(dead_code)]

pub mod openapi_check;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use ferret_server::crypto::ServerKey;
use ferret_server::db::Db;
use ferret_server::{AppState, ServerConfig};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

pub struct TestServer {
    pub app: Router,
    pub state: AppState,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
}

/// How a request authenticates.
#[derive(Clone, Debug)]
pub enum Auth {
    None,
    Session {
        cookie: String,
        csrf: String,
    },
    /// A session cookie without the CSRF header.
    SessionNoCsrf {
        cookie: String,
    },
    Token(String),
}

/// A signed-in test user.
#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub email: String,
    pub session: Auth,
    pub personal: String,
}

pub fn test_config() -> ServerConfig {
    let mut config = ServerConfig::default();
    config.login_rate_per_ip.burst = 1000;
    config.login_rate_per_ip.per_minute = 1000;
    // General limits are tested on their own; scenarios make many requests from one "IP".
    config.rate_per_ip.per_minute = 0;
    config.rate_per_token.per_minute = 0;
    // Scenarios sign up freely; the invitation-only default has its own test.
    config.signup = ferret_server::config::Signup::Open;
    // GitHub's documented webhook test secret.
    config.github.webhook_secret = Some(ferret_server::config::Secret::new(
        WEBHOOK_SECRET.to_string(),
    ));
    config
}

/// The webhook secret of [`test_config`].
pub const WEBHOOK_SECRET: &str = "It's a Secret to Everybody";

impl TestServer {
    pub async fn sqlite_with(config: ServerConfig) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/ferret.db?mode=rwc", dir.path().display());
        let db = Db::connect(&url, 8).await.expect("sqlite");
        let mut config = config;
        config.data_dir = dir.path().to_path_buf();
        TestServer::with(db, config, "sqlite", Some(dir))
    }

    pub async fn postgres_with(config: ServerConfig) -> Option<TestServer> {
        let base = std::env::var("FERRET_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        sqlx::any::install_default_drivers();
        let admin = match sqlx::AnyPool::connect(&base).await {
            Ok(pool) => pool,
            Err(e) => {
                if std::env::var("FERRET_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("PostgreSQL required but unreachable at {base}: {e}");
                }
                eprintln!("skipping PostgreSQL test: {e}");
                return None;
            }
        };
        // One schema per test; schemas of runs older than an hour are swept.
        let now = ferret_server::time::now();
        let stale: Vec<(String,)> = sqlx::query_as(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'ferret_t_%'",
        )
        .fetch_all(&admin)
        .await
        .unwrap_or_default();
        for (name,) in stale {
            let born: i64 = name
                .split('_')
                .nth(2)
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            if born < now - 3600 {
                let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                    .execute(&admin)
                    .await;
            }
        }
        let schema = format!(
            "ferret_t_{now}_{}",
            ferret_server::crypto::random_alnum(10).to_lowercase()
        );
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let db = Db::connect(&url, 8).await.expect("postgres");
        Some(TestServer::with(db, config, "postgres", None))
    }

    fn with(
        db: Db,
        config: ServerConfig,
        backend: &'static str,
        dir: Option<tempfile::TempDir>,
    ) -> TestServer {
        let state = AppState::with(db, ServerKey::ephemeral(), config);
        TestServer {
            app: ferret_server::app(state.clone()),
            state,
            backend,
            _dir: dir,
        }
    }

    /// The same server (database, key, limits) with other settings.
    pub fn reconfigured(&self, config: ServerConfig) -> TestServer {
        let mut state = self.state.clone();
        state.config = std::sync::Arc::new(config);
        TestServer {
            app: ferret_server::app(state.clone()),
            state,
            backend: self.backend,
            _dir: None,
        }
    }

    /// The same database and key with other settings and fresh rate limiters built from them
    /// (a restart with a new configuration).
    pub fn restarted(&self, config: ServerConfig) -> TestServer {
        let state = AppState::with(self.state.db.clone(), self.state.key.clone(), config);
        TestServer {
            app: ferret_server::app(state.clone()),
            state,
            backend: self.backend,
            _dir: None,
        }
    }

    /// Sends a request; returns status, JSON body (Null if none) and headers.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        auth: &Auth,
        body: Option<Value>,
    ) -> (StatusCode, Value, HeaderMap) {
        self.call_with(method, path, auth, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        auth: &Auth,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value, HeaderMap) {
        self.call_from(None, method, path, auth, body, headers)
            .await
    }

    /// [`Self::call_with`] from the TCP peer `peer` (as `axum::serve` would report it).
    pub async fn call_from(
        &self,
        peer: Option<std::net::SocketAddr>,
        method: &str,
        path: &str,
        auth: &Auth,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value, HeaderMap) {
        let mut builder = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(path)
            .header("user-agent", "ferret-tests/1.0");
        match auth {
            Auth::None => {}
            Auth::Session { cookie, csrf } => {
                builder = builder
                    .header("cookie", format!("ferret_session={cookie}"))
                    .header("x-csrf-token", csrf);
            }
            Auth::SessionNoCsrf { cookie } => {
                builder = builder.header("cookie", format!("ferret_session={cookie}"));
            }
            Auth::Token(token) => {
                builder = builder.header("authorization", format!("Bearer {token}"));
            }
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let request = match body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        };
        let mut request = request;
        if let Some(peer) = peer {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        self.send(method, path, request).await
    }

    /// POSTs `body` as it is (a webhook delivery), with `headers`.
    pub async fn post_raw(
        &self,
        path: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value, HeaderMap) {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("user-agent", "GitHub-Hookshot/ferret-tests")
            .header("content-type", "application/json");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let request = builder.body(Body::from(body.to_vec())).unwrap();
        self.send("POST", path, request).await
    }

    /// Sends a request to the app and checks the answer against the API description.
    async fn send(
        &self,
        method: &str,
        path: &str,
        request: Request<Body>,
    ) -> (StatusCode, Value, HeaderMap) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        openapi_check::check(method, path, status.as_u16(), &value);
        (status, value, headers)
    }

    pub async fn signup(&self, email: &str) -> User {
        let password = "correct horse battery staple";
        let (status, _, _) = self
            .call(
                "POST",
                "/api/auth/signup",
                &Auth::None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        self.login(email, password).await
    }

    pub async fn login(&self, email: &str, password: &str) -> User {
        let (status, body, headers) = self
            .call(
                "POST",
                "/api/auth/login",
                &Auth::None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let cookie = session_cookie(&headers).expect("session cookie");
        let session = Auth::Session {
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
        };
        let (_, list, _) = self.call("GET", "/api/workspaces", &session, None).await;
        let personal = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["personal"] == json!(true))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        User {
            id: body["user"]["id"].as_str().unwrap().to_string(),
            email: email.to_string(),
            session,
            personal,
        }
    }

    /// Creates a team workspace owned by `owner`.
    pub async fn team(&self, owner: &User, name: &str) -> String {
        let (status, body, _) = self
            .call(
                "POST",
                "/api/workspaces",
                &owner.session,
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    /// Invites `user` into `ws` with `role` (by `admin`) and accepts.
    pub async fn join(&self, admin: &User, ws: &str, user: &User, role: &str) {
        let (status, invite, _) = self
            .call(
                "POST",
                &format!("/api/workspaces/{ws}/invitations"),
                &admin.session,
                Some(json!({"email": user.email, "role": role})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{invite}");
        let (status, body, _) = self
            .call(
                "POST",
                "/api/invitations/accept",
                &user.session,
                Some(json!({"token": invite["token"]})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    pub async fn token(&self, user: &User, ws: &str, scopes: &[&str]) -> String {
        let (status, body, _) = self
            .call(
                "POST",
                &format!("/api/workspaces/{ws}/tokens"),
                &user.session,
                Some(json!({"name": "test", "scopes": scopes})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    pub async fn repository(&self, admin: &User, ws: &str, name: &str) -> String {
        let (status, body, _) = self
            .call(
                "POST",
                &format!("/api/workspaces/{ws}/repositories"),
                &admin.session,
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    /// Runs a SQL statement directly against the database (for tampering and inspection).
    pub async fn sql(&self, statement: &str) {
        sqlx::query(statement)
            .execute(self.state.db.pool())
            .await
            .unwrap();
    }

    pub async fn count(&self, statement: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(statement)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
            .get(0)
    }
}

pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("ferret_session="))
        .map(|v| v.split(';').next().unwrap().to_string())
        .filter(|v| !v.is_empty())
}

/// One finding in the upload format.
pub fn finding(rule: &str, fingerprint: &str, path: &str, line: u32, severity: &str) -> Value {
    json!({
        "rule_id": rule, "category": "secret", "severity": severity, "confidence": "high",
        "title": "Test finding",
        "location": {"path": path, "start_line": line, "start_column": 1, "end_line": line, "end_column": 10},
        "snippet": "key = abcd*****", "fingerprint": fingerprint,
    })
}

/// Generates `mod NAME { sqlite; postgres }` tests running the async scenario `NAME`.
#[macro_export]
macro_rules! backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::TestServer::sqlite_with($crate::common::test_config()).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(server) = $crate::common::TestServer::postgres_with($crate::common::test_config()).await {
                    super::$name(server).await;
                }
            }
        }
    )*};
}
