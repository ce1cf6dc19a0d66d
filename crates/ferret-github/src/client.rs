//! The REST calls Ferret makes, shaped like GitHub's documentation describes them.

use crate::{AppKey, GithubError, Token};
use serde_json::{json, Value};
use std::time::Duration;

/// One permission an installation token is narrowed to, e.g. `contents: read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    pub name: &'static str,
    pub access: &'static str,
}

impl Permission {
    /// Enough to clone.
    pub const CONTENTS_READ: Permission = Permission {
        name: "contents",
        access: "read",
    };
    /// Enough to report a check run.
    pub const CHECKS_WRITE: Permission = Permission {
        name: "checks",
        access: "write",
    };
    /// Enough to list an installation's repositories.
    pub const METADATA_READ: Permission = Permission {
        name: "metadata",
        access: "read",
    };
}

/// A repository an installation can access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationRepository {
    pub id: i64,
    /// `owner/name`.
    pub full_name: String,
    pub default_branch: Option<String>,
    pub private: bool,
}

/// A short-lived installation token (GitHub: one hour), narrowed to one repository.
#[derive(Debug)]
pub struct InstallationToken {
    pub token: Token,
    /// RFC 3339, as GitHub gives it.
    pub expires_at: String,
}

/// An installation a user can access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    pub id: i64,
    pub account_login: String,
    pub account_type: String,
}

/// A check run to report on a commit.
#[derive(Debug, Clone)]
pub struct CheckRun {
    pub name: String,
    pub head_sha: String,
    /// `success`, `failure`, `neutral`, …
    pub conclusion: String,
    pub title: String,
    pub summary: String,
    /// GitHub annotation objects (`path`, `start_line`, `end_line`, `annotation_level`,
    /// `message`, `title`); sent 50 per request, as GitHub allows.
    pub annotations: Vec<Value>,
}

/// Most annotations GitHub takes in one request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;

/// A client for one GitHub (github.com, an Enterprise server, or a test server).
pub struct GithubClient {
    api_url: String,
    web_url: String,
    agent: ureq::Agent,
}

impl GithubClient {
    /// `api_url`: `https://api.github.com` or `https://HOST/api/v3`; `web_url`:
    /// `https://github.com` or `https://HOST` (where OAuth codes are exchanged).
    pub fn new(api_url: &str, web_url: &str) -> GithubClient {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        GithubClient {
            api_url: api_url.trim_end_matches('/').to_string(),
            web_url: web_url.trim_end_matches('/').to_string(),
            agent,
        }
    }

    /// An installation token for `installation_id`, narrowed to repository `repository_id`
    /// and `permissions` (`POST /app/installations/{id}/access_tokens`).
    pub fn installation_token(
        &self,
        key: &AppKey,
        issuer: &str,
        installation_id: i64,
        repository_id: i64,
        permissions: &[Permission],
        now: i64,
    ) -> Result<InstallationToken, GithubError> {
        self.token(
            key,
            issuer,
            installation_id,
            Some(repository_id),
            permissions,
            now,
        )
    }

    /// An installation token with only `metadata: read`, for every repository of the
    /// installation: enough to list them, nothing more.
    pub fn listing_token(
        &self,
        key: &AppKey,
        issuer: &str,
        installation_id: i64,
        now: i64,
    ) -> Result<InstallationToken, GithubError> {
        self.token(
            key,
            issuer,
            installation_id,
            None,
            &[Permission::METADATA_READ],
            now,
        )
    }

    fn token(
        &self,
        key: &AppKey,
        issuer: &str,
        installation_id: i64,
        repository_id: Option<i64>,
        permissions: &[Permission],
        now: i64,
    ) -> Result<InstallationToken, GithubError> {
        const CALL: &str = "an installation token";
        let jwt = Token::new(key.jwt(issuer, now)?);
        let permissions: serde_json::Map<String, Value> = permissions
            .iter()
            .map(|p| (p.name.to_string(), Value::from(p.access)))
            .collect();
        let body = match repository_id {
            Some(id) => json!({"repository_ids": [id], "permissions": permissions}),
            None => json!({"permissions": permissions}),
        };
        let url = format!(
            "{}/app/installations/{installation_id}/access_tokens",
            self.api_url
        );
        let answer = self.send(CALL, self.api(self.agent.post(&url), &jwt), Some(&body))?;
        let token = answer["token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unexpected(CALL, "no token"))?;
        Ok(InstallationToken {
            token: Token::new(token.to_string()),
            expires_at: answer["expires_at"].as_str().unwrap_or("").to_string(),
        })
    }

    /// Exchanges the code GitHub gave the user's browser for a user token
    /// (`POST /login/oauth/access_token`). The caller uses it once and drops it.
    pub fn exchange_code(
        &self,
        client_id: &str,
        client_secret: &str,
        code: &str,
    ) -> Result<Token, GithubError> {
        const CALL: &str = "the OAuth code exchange";
        let url = format!("{}/login/oauth/access_token", self.web_url);
        let body = json!({"client_id": client_id, "client_secret": client_secret, "code": code});
        let request = self
            .agent
            .post(&url)
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT);
        let answer = self.send(CALL, request, Some(&body))?;
        if let Some(error) = answer["error"].as_str() {
            // GitHub answers 200 with an error field for a bad or used code.
            return Err(GithubError::Status {
                call: CALL,
                status: 401,
                message: error.chars().take(100).collect(),
            });
        }
        let token = answer["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unexpected(CALL, "no access_token"))?;
        Ok(Token::new(token.to_string()))
    }

    /// Every item of a paged GitHub listing (`{"total_count": n, KEY: [...]}`) at `path`,
    /// 100 per page, each read by `item` (an item without an `id` is an unexpected answer).
    fn every_page<T>(
        &self,
        call: &'static str,
        path: &str,
        key: &str,
        token: &Token,
        item: impl Fn(&Value, i64) -> T,
    ) -> Result<Vec<T>, GithubError> {
        let mut items = Vec::new();
        for page in 1..=100 {
            let url = format!("{}{path}?per_page=100&page={page}", self.api_url);
            let answer = self.send(call, self.api(self.agent.get(&url), token), None)?;
            let listed = answer[key]
                .as_array()
                .ok_or_else(|| unexpected(call, "no list"))?;
            for value in listed {
                let id = value["id"]
                    .as_i64()
                    .ok_or_else(|| unexpected(call, "no id"))?;
                items.push(item(value, id));
            }
            let total = answer["total_count"].as_u64().unwrap_or(0) as usize;
            if listed.is_empty() || items.len() >= total {
                break;
            }
        }
        Ok(items)
    }

    /// The installations of this App that the user behind `user_token` can access
    /// (`GET /user/installations`, every page).
    pub fn user_installations(&self, user_token: &Token) -> Result<Vec<Installation>, GithubError> {
        self.every_page(
            "the user's installations",
            "/user/installations",
            "installations",
            user_token,
            |item, id| Installation {
                id,
                account_login: item["account"]["login"].as_str().unwrap_or("").into(),
                account_type: item["account"]["type"].as_str().unwrap_or("").into(),
            },
        )
    }

    /// The repositories an installation token can access (`GET /installation/repositories`,
    /// every page).
    pub fn installation_repositories(
        &self,
        token: &Token,
    ) -> Result<Vec<InstallationRepository>, GithubError> {
        self.every_page(
            "the installation's repositories",
            "/installation/repositories",
            "repositories",
            token,
            |item, id| InstallationRepository {
                id,
                full_name: item["full_name"].as_str().unwrap_or("").into(),
                default_branch: item["default_branch"].as_str().map(str::to_string),
                private: item["private"].as_bool().unwrap_or(true),
            },
        )
    }

    /// Reports a completed check run on a commit of `full_name` (`owner/repo`); annotations
    /// beyond the first 50 follow in updates of the same run. Returns the run's id.
    pub fn create_check_run(
        &self,
        token: &Token,
        full_name: &str,
        run: &CheckRun,
    ) -> Result<i64, GithubError> {
        const CALL: &str = "a check run";
        let mut batches = run.annotations.chunks(ANNOTATIONS_PER_REQUEST);
        let output = |annotations: &[Value]| json!({"title": run.title, "summary": run.summary, "annotations": annotations});
        let body = json!({
            "name": run.name,
            "head_sha": run.head_sha,
            "status": "completed",
            "conclusion": run.conclusion,
            "output": output(batches.next().unwrap_or(&[])),
        });
        let url = format!("{}/repos/{full_name}/check-runs", self.api_url);
        let answer = self.send(CALL, self.api(self.agent.post(&url), token), Some(&body))?;
        let id = answer["id"]
            .as_i64()
            .ok_or_else(|| unexpected(CALL, "no id"))?;
        for batch in batches {
            let url = format!("{}/repos/{full_name}/check-runs/{id}", self.api_url);
            let body = json!({"output": output(batch)});
            self.send(CALL, self.api(self.agent.patch(&url), token), Some(&body))?;
        }
        Ok(id)
    }

    /// The headers of every REST call.
    fn api<B>(&self, request: ureq::RequestBuilder<B>, token: &Token) -> ureq::RequestBuilder<B> {
        request
            .header("Authorization", &format!("Bearer {}", token.expose()))
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("User-Agent", USER_AGENT)
    }

    fn send<B: SendBody>(
        &self,
        call: &'static str,
        request: ureq::RequestBuilder<B>,
        body: Option<&Value>,
    ) -> Result<Value, GithubError> {
        let result = B::send(request, body);
        let mut response = result.map_err(|e| GithubError::Transport {
            call,
            message: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(10 << 20)
            .read_to_string()
            .map_err(|e| GithubError::Transport {
                call,
                message: e.to_string(),
            })?;
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !(200..300).contains(&status) {
            let message = json["message"].as_str().unwrap_or("no details");
            return Err(GithubError::Status {
                call,
                status,
                message: message.chars().take(200).collect(),
            });
        }
        if json.is_null() {
            return Err(unexpected(call, "not JSON"));
        }
        Ok(json)
    }
}

const USER_AGENT: &str = concat!("ferret/", env!("CARGO_PKG_VERSION"));

fn unexpected(call: &'static str, message: &str) -> GithubError {
    GithubError::Unexpected {
        call,
        message: message.to_string(),
    }
}

/// Sends a request with or without a JSON body (ureq types the two differently).
trait SendBody: Sized {
    fn send(
        request: ureq::RequestBuilder<Self>,
        body: Option<&Value>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>;
}

impl SendBody for ureq::typestate::WithBody {
    fn send(
        request: ureq::RequestBuilder<Self>,
        body: Option<&Value>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let body = body.cloned().unwrap_or_else(|| json!({}));
        request
            .header("Content-Type", "application/json")
            .send(body.to_string().as_bytes())
    }
}

impl SendBody for ureq::typestate::WithoutBody {
    fn send(
        request: ureq::RequestBuilder<Self>,
        _: Option<&Value>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        request.call()
    }
}
