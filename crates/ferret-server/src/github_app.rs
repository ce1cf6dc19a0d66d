//! The server's GitHub App, built once from the settings: the API client, the App key, and
//! the OAuth credentials of the connect flow. GitHub calls block (ureq), so they run on the
//! blocking pool; tokens they return live only inside those calls.

use crate::config::{GithubSettings, Secret};
use ferret_github::{AppKey, GithubClient, GithubError, Installation, Permission};
use std::sync::Arc;

pub struct GithubApp {
    client: GithubClient,
    key: Option<AppKey>,
    /// The JWT issuer: the client id, else the app id.
    issuer: String,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    app_slug: Option<String>,
    web_url: String,
}

impl GithubApp {
    /// `None` when no App is configured (no app id and no client id); an error when the
    /// private key file is set but unreadable or not an RSA key.
    pub fn from_settings(
        settings: &GithubSettings,
    ) -> Result<Option<GithubApp>, crate::error::ServerError> {
        use crate::error::ServerError;
        let issuer = match (&settings.client_id, settings.app_id) {
            (Some(client_id), _) => client_id.clone(),
            (None, Some(app_id)) => app_id.to_string(),
            (None, None) => return Ok(None),
        };
        let key = match (&settings.private_key_pem, &settings.private_key_file) {
            (Some(pem), _) => Some(
                AppKey::from_pem(pem.expose())
                    .map_err(|e| ServerError::Config(format!("the stored GitHub App key: {e}")))?,
            ),
            (None, Some(path)) => {
                let pem = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                    ServerError::Config(format!("github private_key_file {}: {e}", path.display()))
                })?);
                Some(AppKey::from_pem(&pem).map_err(|e| {
                    ServerError::Config(format!("github private_key_file {}: {e}", path.display()))
                })?)
            }
            (None, None) => None,
        };
        Ok(Some(GithubApp {
            client: GithubClient::new(&settings.api_url, &settings.web_url),
            key,
            issuer,
            client_id: settings.client_id.clone(),
            client_secret: settings.client_secret.clone(),
            app_slug: settings.app_slug.clone(),
            web_url: settings.web_url.clone(),
        }))
    }

    /// The App's installation page, carrying `state`; `None` without an app slug.
    pub fn install_url(&self, state: &str) -> Option<String> {
        let slug = self.app_slug.as_deref()?;
        Some(format!(
            "{}/apps/{slug}/installations/new?state={state}",
            self.web_url
        ))
    }

    /// Whether the connect flow can run: it needs the OAuth client id and secret.
    pub fn can_prove_access(&self) -> bool {
        self.client_id.is_some() && self.client_secret.is_some()
    }

    /// Proves that the user who brought `code` can access `installation_id`: exchanges the
    /// code for a user token, lists the user's installations of this App, and drops the token.
    /// `Ok(None)`: the user cannot access it.
    pub async fn prove_access(
        self: &Arc<Self>,
        code: String,
        installation_id: i64,
    ) -> Result<Option<Installation>, GithubError> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let (Some(client_id), Some(secret)) = (&app.client_id, &app.client_secret) else {
                return Ok(None);
            };
            let user = app
                .client
                .exchange_code(client_id, secret.expose(), &code)?;
            let installations = app.client.user_installations(&user)?;
            drop(user);
            Ok(installations.into_iter().find(|i| i.id == installation_id))
        })
        .await
        .unwrap_or_else(|_| {
            Err(GithubError::Transport {
                call: "the access check",
                message: "the check stopped".into(),
            })
        })
    }

    /// A scan job's token (blocking): narrowed to `repository_id`, with `contents: read` to
    /// clone and `checks: write` to report.
    pub fn job_token(
        &self,
        installation_id: i64,
        repository_id: i64,
    ) -> Result<ferret_github::Token, GithubError> {
        let key = self
            .key
            .as_ref()
            .ok_or_else(|| GithubError::Key("no private_key_file is configured".into()))?;
        let token = self.client.installation_token(
            key,
            &self.issuer,
            installation_id,
            repository_id,
            &[Permission::CONTENTS_READ, Permission::CHECKS_WRITE],
            crate::time::now(),
        )?;
        Ok(token.token)
    }

    /// Where git clones `owner/name` from.
    pub fn clone_url(&self, full_name: &str) -> String {
        format!("{}/{full_name}.git", self.web_url)
    }

    /// Reports a check run with a job's token (blocking).
    pub fn report_check_run(
        &self,
        token: &ferret_github::Token,
        full_name: &str,
        run: &ferret_github::CheckRun,
    ) -> Result<i64, GithubError> {
        self.client.create_check_run(token, full_name, run)
    }

    /// Whether repository `repository_id` belongs to `installation_id`: GitHub mints a token
    /// narrowed to it only then. The token is dropped at once.
    pub async fn repository_in_installation(
        self: &Arc<Self>,
        installation_id: i64,
        repository_id: i64,
    ) -> Result<bool, GithubError> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let Some(key) = &app.key else {
                return Err(GithubError::Key("no private_key_file is configured".into()));
            };
            let now = crate::time::now();
            match app.client.installation_token(
                key,
                &app.issuer,
                installation_id,
                repository_id,
                &[Permission::CONTENTS_READ],
                now,
            ) {
                Ok(_token) => Ok(true),
                Err(GithubError::Status {
                    status: 404 | 422, ..
                }) => Ok(false),
                Err(other) => Err(other),
            }
        })
        .await
        .unwrap_or_else(|_| {
            Err(GithubError::Transport {
                call: "the repository check",
                message: "the check stopped".into(),
            })
        })
    }

    /// The repositories an installation can access, listed with a token that may only read
    /// metadata and is dropped at once.
    pub async fn installation_repositories(
        self: &Arc<Self>,
        installation_id: i64,
    ) -> Result<Vec<ferret_github::InstallationRepository>, GithubError> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let Some(key) = &app.key else {
                return Err(GithubError::Key("no private_key_file is configured".into()));
            };
            let token =
                app.client
                    .listing_token(key, &app.issuer, installation_id, crate::time::now())?;
            app.client.installation_repositories(&token.token)
        })
        .await
        .unwrap_or_else(|_| {
            Err(GithubError::Transport {
                call: "the installation's repositories",
                message: "the listing stopped".into(),
            })
        })
    }
}
