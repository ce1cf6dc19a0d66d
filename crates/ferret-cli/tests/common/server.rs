//! A real `ferret serve` process for tests: start it, onboard a user, call its API, read every
//! byte it wrote.

use super::ferret;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn start(data_dir: &Path, log: &Path) -> Server {
    start_with(data_dir, log, &[])
}

/// [`start`] with extra environment variables (settings).
pub fn start_with(data_dir: &Path, log: &Path, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let child = ferret()
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env("RUST_LOG", "debug")
        .env("FERRET_SIGNUP", "open")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("{}/api/health", server.url))
        .call()
        .is_err()
    {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Sends JSON; returns status, body and the session cookie if one was set.
pub fn call(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value, Option<String>) {
    let agent = agent();
    let mut response = match body {
        Some(body) => {
            let mut req = match method {
                "POST" => agent.post(url),
                "PUT" => agent.put(url),
                _ => agent.patch(url),
            };
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.header("content-type", "application/json")
                .send(body.to_string().as_bytes())
                .unwrap()
        }
        None => {
            let mut req = agent.get(url);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.call().unwrap()
        }
    };
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (
        response.status().as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
        cookie,
    )
}

/// Signs up, logs in, registers repository `app` and returns (workspace, API token).
pub fn onboard(url: &str) -> (String, String) {
    let creds = json!({"email": "ci@example.com", "password": "correct horse battery staple"});
    assert_eq!(
        call(
            &format!("{url}/api/auth/signup"),
            "POST",
            &[],
            Some(creds.clone())
        )
        .0,
        201
    );
    let (status, login, cookie) = call(&format!("{url}/api/auth/login"), "POST", &[], Some(creds));
    assert_eq!(status, 200);
    let cookie = cookie.unwrap();
    let csrf = login["csrf_token"].as_str().unwrap().to_string();
    let headers = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let (_, list, _) = call(&format!("{url}/api/workspaces"), "GET", &headers, None);
    let ws = list["items"][0]["id"].as_str().unwrap().to_string();
    let (status, _, _) = call(
        &format!("{url}/api/workspaces/{ws}/repositories"),
        "POST",
        &headers,
        Some(json!({"name": "app"})),
    );
    assert_eq!(status, 201);
    let (status, token, _) = call(
        &format!("{url}/api/workspaces/{ws}/tokens"),
        "POST",
        &headers,
        Some(json!({"name": "ci", "scopes": ["scans:write", "findings:read"]})),
    );
    assert_eq!(status, 201);
    (ws, token["token"].as_str().unwrap().to_string())
}

pub fn all_bytes_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_bytes_under(&path, out);
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
