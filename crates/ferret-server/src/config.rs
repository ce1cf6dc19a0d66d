//! Server settings: defaults, then a TOML file (`--config`), then `FERRET_*` environment
//! variables, then command-line flags (applied by the CLI).

use crate::error::{ensure_config, ServerError};
use crate::ratelimit::Rate;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where SQLite and the server key live (default `./ferret-data`).
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; unset means SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Server key file; default `data_dir/server.key`. Several servers sharing a PostgreSQL
    /// database must share this key.
    pub key_file: Option<PathBuf>,
    pub bind: SocketAddr,
    /// Set when clients reach the server over HTTPS (directly or through a proxy): cookies get
    /// `Secure` and responses carry HSTS.
    pub tls: bool,
    /// Behind a reverse proxy: take the client address from `X-Forwarded-For` — the right-most
    /// address that is not one of `trusted_proxies`, and only when the TCP peer is one of them.
    pub trust_proxy: bool,
    /// Addresses or CIDR ranges of the proxies in front of the server (default: loopback).
    pub trusted_proxies: Vec<String>,
    /// Browser origins allowed by CORS; empty means CORS is closed.
    pub cors_origins: Vec<String>,
    pub session_idle_secs: i64,
    pub session_absolute_secs: i64,
    pub token_default_days: i64,
    pub token_max_days: i64,
    pub invitation_days: i64,
    pub max_upload_bytes: usize,
    pub max_upload_findings: usize,
    pub request_timeout_secs: u64,
    pub max_db_connections: u32,
    pub rate_per_ip: Rate,
    pub rate_per_token: Rate,
    /// Failed logins per (account, client address): the backoff one client gets.
    pub login_rate_per_account: Rate,
    pub login_rate_per_ip: Rate,
    /// Failed logins per account from all addresses together (distributed guessing). A browser
    /// that logged in to the account before (a known-device cookie) is not held by it, so
    /// failures from elsewhere cannot lock the owner out.
    pub login_ceiling_per_account: Rate,
    /// Who may create an account over the API.
    pub signup: Signup,
    /// The GitHub App this server acts as (hosted scans).
    pub github: GithubSettings,
    /// The master key (64 hex digits or base64 of 32 bytes) that encrypts the secrets the
    /// server keeps in its database (`ferret admin github store-secrets`).
    pub master_key: Option<Secret>,
    /// Hosted scans of one workspace running at once, over all workers.
    pub jobs_per_workspace: u32,
    /// How long a worker's claim on a job lasts without a heartbeat: after a worker dies, its
    /// job is retried this long after its last heartbeat.
    pub worker_lease_secs: u64,
    /// The OSV advisory database hosted scans' dependencies are matched against (default
    /// `data_dir/osv`; fill it with `ferret db update --db DIR` or let the updater do it).
    pub osv_dir: Option<PathBuf>,
    /// Where the updater downloads OSV's per-ecosystem dumps from.
    pub osv_url: String,
    /// Hours between updates of the OSV database by every process that runs scan workers;
    /// 0 (the default) leaves updates to `ferret db update` (machines without internet access).
    pub osv_update_hours: u64,
}

impl ServerConfig {
    /// The OSV database folder.
    pub fn osv_dir(&self) -> PathBuf {
        self.osv_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("osv"))
    }
}

/// A secret setting: never printed (`Debug` shows `[redacted]`), wiped from memory on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// The GitHub App settings (`[github]` in the config file, `FERRET_GITHUB_*` in the
/// environment). Secrets come from files or the environment, never from the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubSettings {
    /// The REST API base: `https://api.github.com`, a GitHub Enterprise `https://HOST/api/v3`,
    /// or a test server.
    pub api_url: String,
    /// Where users sign in and install Apps: `https://github.com`, or `https://HOST`.
    pub web_url: String,
    pub app_id: Option<u64>,
    pub client_id: Option<String>,
    /// The App's URL name, for its installation page.
    pub app_slug: Option<String>,
    /// Signs webhook deliveries (`X-Hub-Signature-256`); without it `/webhooks/github` is off.
    pub webhook_secret: Option<Secret>,
    pub client_secret: Option<Secret>,
    pub private_key_file: Option<PathBuf>,
    /// The App's private key (PEM) when it comes from the database rather than a file.
    pub private_key_pem: Option<Secret>,
    /// Days a repository's data is kept after GitHub access to it ends (0-30; 0 = at once).
    pub deletion_grace_days: i64,
}

/// Longest grace period before the data of a disconnected repository is deleted.
pub const MAX_DELETION_GRACE_DAYS: i64 = 30;

impl Default for GithubSettings {
    fn default() -> GithubSettings {
        GithubSettings {
            api_url: "https://api.github.com".into(),
            web_url: "https://github.com".into(),
            app_id: None,
            client_id: None,
            app_slug: None,
            webhook_secret: None,
            client_secret: None,
            private_key_file: None,
            private_key_pem: None,
            deletion_grace_days: MAX_DELETION_GRACE_DAYS,
        }
    }
}

/// `[github]` in the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GithubFile {
    api_url: Option<String>,
    web_url: Option<String>,
    app_id: Option<u64>,
    client_id: Option<String>,
    app_slug: Option<String>,
    webhook_secret_file: Option<PathBuf>,
    client_secret_file: Option<PathBuf>,
    private_key_file: Option<PathBuf>,
    deletion_grace_days: Option<i64>,
}

/// A secret read from a file (trailing newline dropped).
fn read_secret(setting: &str, path: &std::path::Path) -> Result<Secret, ServerError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ServerError::Config(format!("{setting}: cannot read {}: {e}", path.display()))
    })?;
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    ensure_config!(!text.is_empty(), "{setting}: {} is empty", path.display());
    Ok(Secret(text))
}

/// Who may sign up over the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Signup {
    /// Anyone (a public or personal instance).
    Open,
    /// Only an email with a pending invitation (the default: a team install). The first owner
    /// is created with `ferret admin create-user`.
    Invite,
}

impl std::str::FromStr for Signup {
    type Err = String;
    fn from_str(text: &str) -> Result<Signup, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(Signup::Open),
            "invite" | "invitation" | "closed" => Ok(Signup::Invite),
            other => Err(format!("signup must be open or invite, not {other:?}")),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            data_dir: PathBuf::from("ferret-data"),
            database_url: None,
            key_file: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tls: false,
            trust_proxy: false,
            trusted_proxies: vec!["127.0.0.0/8".into(), "::1".into()],
            cors_origins: Vec::new(),
            session_idle_secs: 12 * 3600,
            session_absolute_secs: 7 * 24 * 3600,
            token_default_days: 90,
            token_max_days: 365,
            invitation_days: 7,
            max_upload_bytes: 64 * 1024 * 1024,
            max_upload_findings: 50_000,
            request_timeout_secs: 60,
            max_db_connections: 16,
            rate_per_ip: Rate {
                per_minute: 6000,
                burst: 600,
            },
            rate_per_token: Rate {
                per_minute: 6000,
                burst: 600,
            },
            login_rate_per_account: Rate {
                per_minute: 1,
                burst: 5,
            },
            login_rate_per_ip: Rate {
                per_minute: 10,
                burst: 20,
            },
            login_ceiling_per_account: Rate {
                per_minute: 2,
                burst: 50,
            },
            signup: Signup::Invite,
            github: GithubSettings::default(),
            master_key: None,
            jobs_per_workspace: 2,
            worker_lease_secs: 120,
            osv_dir: None,
            osv_url: ferret_engine::ferret_deps::db::DEFAULT_OSV_URL.to_string(),
            osv_update_hours: 0,
        }
    }
}

/// Every setting's environment name (after `FERRET_`), and names other parts of Ferret read.
const ENV_NAMES: &[&str] = &[
    "DATA_DIR",
    "DATABASE_URL",
    "KEY_FILE",
    "BIND",
    "TLS",
    "TRUST_PROXY",
    "TRUSTED_PROXIES",
    "CORS_ORIGINS",
    "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS",
    "TOKEN_DEFAULT_DAYS",
    "TOKEN_MAX_DAYS",
    "INVITATION_DAYS",
    "MAX_UPLOAD_MIB",
    "MAX_UPLOAD_FINDINGS",
    "REQUEST_TIMEOUT_SECS",
    "MAX_DB_CONNECTIONS",
    "RATE_LIMIT_PER_IP_PER_MINUTE",
    "RATE_LIMIT_PER_TOKEN_PER_MINUTE",
    "SIGNUP",
    "GITHUB_API_URL",
    "GITHUB_WEB_URL",
    "GITHUB_APP_ID",
    "GITHUB_CLIENT_ID",
    "GITHUB_APP_SLUG",
    "GITHUB_WEBHOOK_SECRET",
    "GITHUB_WEBHOOK_SECRET_FILE",
    "GITHUB_CLIENT_SECRET",
    "GITHUB_CLIENT_SECRET_FILE",
    "GITHUB_PRIVATE_KEY_FILE",
    "GITHUB_DELETION_GRACE_DAYS",
    "MASTER_KEY",
    "MASTER_KEY_FILE",
    "JOBS_PER_WORKSPACE",
    "WORKER_LEASE_SECS",
    "OSV_DIR",
    "OSV_URL",
    "OSV_UPDATE_HOURS",
    // Read by the CLI and tests, not by the server.
    "DB_DIR",
    "TOKEN",
    "GIT_TOKEN",
    "URL_CREDENTIALS",
    "TEST_DATABASE_URL",
    "REQUIRE_POSTGRES",
    "SARIF_VALIDATOR",
    "CI_CACHE",
    "BENCH_DIR",
    "UPDATE_SNAPSHOTS",
    "TEST_HOLD_AFTER_CLONE_MS",
];

/// The config file's shape: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    key_file: Option<PathBuf>,
    bind: Option<SocketAddr>,
    tls: Option<bool>,
    trust_proxy: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    cors_origins: Option<Vec<String>>,
    session_idle_minutes: Option<i64>,
    session_absolute_hours: Option<i64>,
    token_default_days: Option<i64>,
    token_max_days: Option<i64>,
    invitation_days: Option<i64>,
    max_upload_mib: Option<usize>,
    max_upload_findings: Option<usize>,
    request_timeout_secs: Option<u64>,
    max_db_connections: Option<u32>,
    rate_limit_per_ip_per_minute: Option<u32>,
    rate_limit_per_token_per_minute: Option<u32>,
    signup: Option<Signup>,
    master_key_file: Option<PathBuf>,
    jobs_per_workspace: Option<u32>,
    worker_lease_secs: Option<u64>,
    osv_dir: Option<PathBuf>,
    osv_url: Option<String>,
    osv_update_hours: Option<u64>,
    github: Option<GithubFile>,
}

impl ServerConfig {
    /// Reads a TOML config file over the defaults.
    pub fn from_file(path: &std::path::Path) -> Result<ServerConfig, ServerError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ServerError::Config(format!("cannot read {}: {e}", path.display())))?;
        let file: FileConfig = toml::from_str(&text)
            .map_err(|e| ServerError::Config(format!("{}: {}", path.display(), e.message())))?;
        let mut config = ServerConfig::default();
        config.apply(file)?;
        Ok(config)
    }

    /// Applies `FERRET_*` environment variables (same names as the file keys, upper-cased).
    /// Every file key has one; booleans take `1/0/true/false/yes/no/on/off`. Returns warnings
    /// for `FERRET_*` variables that name no setting (usually typos).
    pub fn apply_env(&mut self) -> Result<Vec<String>, ServerError> {
        self.apply_vars(std::env::vars())
    }

    /// [`Self::apply_env`] over explicit variables.
    pub fn apply_vars(
        &mut self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Vec<String>, ServerError> {
        let vars: std::collections::HashMap<String, String> = vars
            .into_iter()
            .filter(|(k, _)| k.starts_with("FERRET_"))
            .collect();
        let var = |name: &str| vars.get(&format!("FERRET_{name}")).cloned();
        fn parse<T: std::str::FromStr>(
            name: &str,
            value: Option<String>,
        ) -> Result<Option<T>, ServerError> {
            value
                .map(|v| {
                    v.trim().parse::<T>().map_err(|_| {
                        ServerError::Config(format!("FERRET_{name} has an invalid value: {v:?}"))
                    })
                })
                .transpose()
        }
        fn boolean(name: &str, value: Option<String>) -> Result<Option<bool>, ServerError> {
            value
                .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => Ok(true),
                    "0" | "false" | "no" | "off" => Ok(false),
                    _ => Err(ServerError::Config(format!(
                        "FERRET_{name} must be 1/0, true/false, yes/no or on/off, not {v:?}"
                    ))),
                })
                .transpose()
        }
        let list = |name: &str| {
            var(name).map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            })
        };
        let file = FileConfig {
            data_dir: var("DATA_DIR").map(PathBuf::from),
            database_url: var("DATABASE_URL"),
            key_file: var("KEY_FILE").map(PathBuf::from),
            bind: parse("BIND", var("BIND"))?,
            tls: boolean("TLS", var("TLS"))?,
            trust_proxy: boolean("TRUST_PROXY", var("TRUST_PROXY"))?,
            trusted_proxies: list("TRUSTED_PROXIES"),
            cors_origins: list("CORS_ORIGINS"),
            session_idle_minutes: parse("SESSION_IDLE_MINUTES", var("SESSION_IDLE_MINUTES"))?,
            session_absolute_hours: parse("SESSION_ABSOLUTE_HOURS", var("SESSION_ABSOLUTE_HOURS"))?,
            token_default_days: parse("TOKEN_DEFAULT_DAYS", var("TOKEN_DEFAULT_DAYS"))?,
            token_max_days: parse("TOKEN_MAX_DAYS", var("TOKEN_MAX_DAYS"))?,
            invitation_days: parse("INVITATION_DAYS", var("INVITATION_DAYS"))?,
            max_upload_mib: parse("MAX_UPLOAD_MIB", var("MAX_UPLOAD_MIB"))?,
            max_upload_findings: parse("MAX_UPLOAD_FINDINGS", var("MAX_UPLOAD_FINDINGS"))?,
            request_timeout_secs: parse("REQUEST_TIMEOUT_SECS", var("REQUEST_TIMEOUT_SECS"))?,
            max_db_connections: parse("MAX_DB_CONNECTIONS", var("MAX_DB_CONNECTIONS"))?,
            rate_limit_per_ip_per_minute: parse(
                "RATE_LIMIT_PER_IP_PER_MINUTE",
                var("RATE_LIMIT_PER_IP_PER_MINUTE"),
            )?,
            rate_limit_per_token_per_minute: parse(
                "RATE_LIMIT_PER_TOKEN_PER_MINUTE",
                var("RATE_LIMIT_PER_TOKEN_PER_MINUTE"),
            )?,
            signup: parse("SIGNUP", var("SIGNUP"))?,
            master_key_file: var("MASTER_KEY_FILE").map(PathBuf::from),
            jobs_per_workspace: parse("JOBS_PER_WORKSPACE", var("JOBS_PER_WORKSPACE"))?,
            worker_lease_secs: parse("WORKER_LEASE_SECS", var("WORKER_LEASE_SECS"))?,
            osv_dir: var("OSV_DIR").map(PathBuf::from),
            osv_url: var("OSV_URL"),
            osv_update_hours: parse("OSV_UPDATE_HOURS", var("OSV_UPDATE_HOURS"))?,
            github: Some(GithubFile {
                api_url: var("GITHUB_API_URL"),
                web_url: var("GITHUB_WEB_URL"),
                app_id: parse("GITHUB_APP_ID", var("GITHUB_APP_ID"))?,
                client_id: var("GITHUB_CLIENT_ID"),
                app_slug: var("GITHUB_APP_SLUG"),
                webhook_secret_file: var("GITHUB_WEBHOOK_SECRET_FILE").map(PathBuf::from),
                client_secret_file: var("GITHUB_CLIENT_SECRET_FILE").map(PathBuf::from),
                private_key_file: var("GITHUB_PRIVATE_KEY_FILE").map(PathBuf::from),
                deletion_grace_days: parse(
                    "GITHUB_DELETION_GRACE_DAYS",
                    var("GITHUB_DELETION_GRACE_DAYS"),
                )?,
            }),
        };
        self.apply(file)?;
        // Secrets may also be given directly in the environment.
        if let Some(value) = var("GITHUB_WEBHOOK_SECRET").filter(|v| !v.is_empty()) {
            self.github.webhook_secret = Some(Secret(value));
        }
        if let Some(value) = var("GITHUB_CLIENT_SECRET").filter(|v| !v.is_empty()) {
            self.github.client_secret = Some(Secret(value));
        }
        if let Some(value) = var("MASTER_KEY").filter(|v| !v.is_empty()) {
            self.master_key = Some(Secret(value));
        }
        let mut unknown: Vec<String> = vars
            .keys()
            .filter(|k| !ENV_NAMES.contains(&k.trim_start_matches("FERRET_")))
            .map(|k| format!("{k} is not a server setting (ignored)"))
            .collect();
        unknown.sort();
        Ok(unknown)
    }

    fn apply(&mut self, file: FileConfig) -> Result<(), ServerError> {
        macro_rules! set {
            ($field:ident) => {
                if let Some(v) = file.$field {
                    self.$field = v;
                }
            };
        }
        set!(data_dir);
        set!(bind);
        set!(tls);
        set!(trust_proxy);
        set!(trusted_proxies);
        set!(cors_origins);
        set!(token_default_days);
        set!(token_max_days);
        set!(invitation_days);
        set!(max_upload_findings);
        set!(request_timeout_secs);
        set!(max_db_connections);
        set!(signup);
        set!(jobs_per_workspace);
        set!(worker_lease_secs);
        set!(osv_url);
        set!(osv_update_hours);
        if file.osv_dir.is_some() {
            self.osv_dir = file.osv_dir;
        }
        self.jobs_per_workspace = self.jobs_per_workspace.max(1);
        self.worker_lease_secs = self.worker_lease_secs.clamp(3, 3600);
        if file.database_url.is_some() {
            self.database_url = file.database_url;
        }
        if file.key_file.is_some() {
            self.key_file = file.key_file;
        }
        if let Some(m) = file.session_idle_minutes {
            self.session_idle_secs = m * 60;
        }
        if let Some(h) = file.session_absolute_hours {
            self.session_absolute_secs = h * 3600;
        }
        if let Some(mib) = file.max_upload_mib {
            self.max_upload_bytes = mib * 1024 * 1024;
        }
        // A default above the maximum would mint tokens the server then refuses.
        self.token_default_days = self.token_default_days.min(self.token_max_days);
        if let Some(n) = file.rate_limit_per_ip_per_minute {
            self.rate_per_ip = Rate {
                per_minute: n,
                burst: (n / 10).max(10),
            };
        }
        if let Some(n) = file.rate_limit_per_token_per_minute {
            self.rate_per_token = Rate {
                per_minute: n,
                burst: (n / 10).max(10),
            };
        }
        if let Some(path) = file.master_key_file {
            self.master_key = Some(read_secret("master_key_file", &path)?);
        }
        if let Some(github) = file.github {
            self.apply_github(github)?;
        }
        Ok(())
    }

    fn apply_github(&mut self, file: GithubFile) -> Result<(), ServerError> {
        let github = &mut self.github;
        for (name, value, field) in [
            ("api_url", file.api_url, &mut github.api_url),
            ("web_url", file.web_url, &mut github.web_url),
        ] {
            if let Some(url) = value {
                let url = url.trim().trim_end_matches('/').to_string();
                ensure_config!(
                    url.starts_with("https://") || url.starts_with("http://"),
                    "github {name} must be an http(s) URL, not {url:?}"
                );
                *field = url;
            }
        }
        if file.app_id.is_some() {
            github.app_id = file.app_id;
        }
        if file.client_id.is_some() {
            github.client_id = file.client_id;
        }
        if file.app_slug.is_some() {
            github.app_slug = file.app_slug;
        }
        if let Some(path) = file.webhook_secret_file {
            github.webhook_secret = Some(read_secret("github webhook_secret_file", &path)?);
        }
        if let Some(path) = file.client_secret_file {
            github.client_secret = Some(read_secret("github client_secret_file", &path)?);
        }
        if file.private_key_file.is_some() {
            github.private_key_file = file.private_key_file;
        }
        if let Some(days) = file.deletion_grace_days {
            ensure_config!(
                (0..=MAX_DELETION_GRACE_DAYS).contains(&days),
                "github deletion_grace_days must be 0 to {MAX_DELETION_GRACE_DAYS}, not {days}"
            );
            github.deletion_grace_days = days;
        }
        Ok(())
    }

    /// The database URL in use: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> Result<String, ServerError> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => {
                let path = self.data_dir.join("ferret.db");
                let path = path.to_str().ok_or_else(|| {
                    ServerError::Config("the data directory path is not valid UTF-8".into())
                })?;
                Ok(format!("sqlite://{path}?mode=rwc"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_env(vars: &[(&str, &str)]) -> Result<(ServerConfig, Vec<String>), ServerError> {
        let mut config = ServerConfig::default();
        let warnings = config.apply_vars(
            vars.iter()
                .map(|(k, v)| (format!("FERRET_{k}"), v.to_string())),
        )?;
        Ok((config, warnings))
    }

    #[test]
    fn every_documented_variable_takes_effect() {
        let (c, warnings) = with_env(&[
            ("DATA_DIR", "/srv/ferret"),
            ("DATABASE_URL", "postgres://db/ferret"),
            ("KEY_FILE", "/etc/ferret.key"),
            ("BIND", "0.0.0.0:9000"),
            ("TLS", "yes"),
            ("TRUST_PROXY", "1"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1"),
            ("CORS_ORIGINS", "https://a.example"),
            ("SESSION_IDLE_MINUTES", "30"),
            ("SESSION_ABSOLUTE_HOURS", "12"),
            ("TOKEN_DEFAULT_DAYS", "10"),
            ("TOKEN_MAX_DAYS", "20"),
            ("INVITATION_DAYS", "3"),
            ("MAX_UPLOAD_MIB", "5"),
            ("MAX_UPLOAD_FINDINGS", "777"),
            ("REQUEST_TIMEOUT_SECS", "9"),
            ("MAX_DB_CONNECTIONS", "4"),
            ("RATE_LIMIT_PER_IP_PER_MINUTE", "100"),
            ("RATE_LIMIT_PER_TOKEN_PER_MINUTE", "200"),
            ("GITHUB_API_URL", "https://ghe.example/api/v3/"),
            ("GITHUB_APP_ID", "12345"),
            ("GITHUB_CLIENT_ID", "Iv1.abc"),
            ("GITHUB_APP_SLUG", "ferret-scan"),
            ("GITHUB_WEBHOOK_SECRET", "whsec-test"),
            ("GITHUB_CLIENT_SECRET", "client-secret-test"),
            ("GITHUB_PRIVATE_KEY_FILE", "/etc/ferret/app.pem"),
            ("GITHUB_DELETION_GRACE_DAYS", "7"),
            ("JOBS_PER_WORKSPACE", "4"),
            ("WORKER_LEASE_SECS", "30"),
        ])
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(c.data_dir, PathBuf::from("/srv/ferret"));
        assert_eq!(c.database_url.as_deref(), Some("postgres://db/ferret"));
        assert_eq!(c.key_file, Some(PathBuf::from("/etc/ferret.key")));
        assert_eq!(c.bind.port(), 9000);
        assert!(c.tls && c.trust_proxy);
        assert_eq!(c.trusted_proxies, ["10.0.0.0/8", "192.168.1.1"]);
        assert_eq!(c.cors_origins, ["https://a.example"]);
        assert_eq!(c.session_idle_secs, 30 * 60);
        assert_eq!(c.session_absolute_secs, 12 * 3600);
        assert_eq!((c.token_default_days, c.token_max_days), (10, 20));
        assert_eq!(c.invitation_days, 3);
        assert_eq!(c.max_upload_bytes, 5 << 20);
        assert_eq!(c.max_upload_findings, 777);
        assert_eq!(c.request_timeout_secs, 9);
        assert_eq!(c.max_db_connections, 4);
        assert_eq!(c.rate_per_ip.per_minute, 100);
        assert_eq!(c.rate_per_token.per_minute, 200);
        let g = &c.github;
        assert_eq!(g.api_url, "https://ghe.example/api/v3");
        assert_eq!(
            (g.app_id, g.client_id.as_deref()),
            (Some(12345), Some("Iv1.abc"))
        );
        assert_eq!(g.app_slug.as_deref(), Some("ferret-scan"));
        assert_eq!(
            g.webhook_secret.as_ref().map(Secret::expose),
            Some("whsec-test")
        );
        assert_eq!(
            g.client_secret.as_ref().map(Secret::expose),
            Some("client-secret-test")
        );
        assert_eq!(
            g.private_key_file,
            Some(PathBuf::from("/etc/ferret/app.pem"))
        );
        assert_eq!(g.deletion_grace_days, 7);
        assert_eq!((c.jobs_per_workspace, c.worker_lease_secs), (4, 30));
    }

    #[test]
    fn github_secrets_come_from_files_and_never_print() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("webhook-secret");
        std::fs::write(&secret, "It's a Secret to Everybody\n").unwrap();
        let path = secret.display().to_string();
        let (c, _) = with_env(&[("GITHUB_WEBHOOK_SECRET_FILE", &path)]).unwrap();
        let stored = c.github.webhook_secret.as_ref().unwrap();
        assert_eq!(stored.expose(), "It's a Secret to Everybody");
        let printed = format!("{c:?}");
        assert!(printed.contains("[redacted]") && !printed.contains("Everybody"));
        // A secret file that cannot be read, or an out-of-range grace period, is an error.
        let missing = dir.path().join("missing").display().to_string();
        assert!(with_env(&[("GITHUB_WEBHOOK_SECRET_FILE", &missing)]).is_err());
        assert!(with_env(&[("GITHUB_DELETION_GRACE_DAYS", "31")]).is_err());
        assert!(with_env(&[("GITHUB_API_URL", "ftp://x")]).is_err());
        // The config file takes file paths for secrets, not the secrets themselves.
        let toml = dir.path().join("ferret.toml");
        std::fs::write(&toml, "[github]\nwebhook_secret = \"inline\"\n").unwrap();
        assert!(ServerConfig::from_file(&toml).is_err());
        std::fs::write(
            &toml,
            format!("[github]\napp_id = 7\nwebhook_secret_file = {path:?}\n"),
        )
        .unwrap();
        let c = ServerConfig::from_file(&toml).unwrap();
        assert_eq!(c.github.app_id, Some(7));
        assert!(c.github.webhook_secret.is_some());
    }

    #[test]
    fn booleans_defaults_and_typos() {
        for (text, value) in [("0", false), ("no", false), ("TRUE", true), ("off", false)] {
            assert_eq!(with_env(&[("TLS", text)]).unwrap().0.tls, value, "{text}");
        }
        assert!(with_env(&[("TLS", "maybe")]).is_err());
        // A default above the maximum is clamped.
        let (c, _) = with_env(&[("TOKEN_DEFAULT_DAYS", "400"), ("TOKEN_MAX_DAYS", "30")]).unwrap();
        assert_eq!(c.token_default_days, 30);
        let (_, warnings) = with_env(&[("MAX_UPLOAD_MB", "5")]).unwrap();
        assert_eq!(
            warnings,
            ["FERRET_MAX_UPLOAD_MB is not a server setting (ignored)"]
        );
    }
}
