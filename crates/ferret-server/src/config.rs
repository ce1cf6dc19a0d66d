//! Server settings: defaults, then a TOML file (`--config`), then `FERRET_*` environment
//! variables, then command-line flags (applied by the CLI).

use crate::ratelimit::Rate;
use anyhow::Context;
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
    pub login_rate_per_account: Rate,
    pub login_rate_per_ip: Rate,
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
        }
    }
}

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
}

impl ServerConfig {
    /// Reads a TOML config file over the defaults.
    pub fn from_file(path: &std::path::Path) -> anyhow::Result<ServerConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let file: FileConfig = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))?;
        let mut config = ServerConfig::default();
        config.apply(file);
        Ok(config)
    }

    /// Applies `FERRET_*` environment variables (same names as the file keys, upper-cased).
    pub fn apply_env(&mut self) -> anyhow::Result<()> {
        let mut file = FileConfig::default();
        let var = |name: &str| std::env::var(format!("FERRET_{name}")).ok();
        fn parse<T: std::str::FromStr>(
            name: &str,
            value: Option<String>,
        ) -> anyhow::Result<Option<T>> {
            value
                .map(|v| {
                    v.parse::<T>()
                        .map_err(|_| anyhow::anyhow!("FERRET_{name} has an invalid value: {v:?}"))
                })
                .transpose()
        }
        file.data_dir = var("DATA_DIR").map(PathBuf::from);
        file.database_url = var("DATABASE_URL");
        file.key_file = var("KEY_FILE").map(PathBuf::from);
        file.bind = parse("BIND", var("BIND"))?;
        file.tls = parse("TLS", var("TLS"))?;
        file.trust_proxy = parse("TRUST_PROXY", var("TRUST_PROXY"))?;
        file.trusted_proxies = var("TRUSTED_PROXIES").map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        });
        file.cors_origins = var("CORS_ORIGINS").map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        });
        file.token_max_days = parse("TOKEN_MAX_DAYS", var("TOKEN_MAX_DAYS"))?;
        file.rate_limit_per_ip_per_minute = parse(
            "RATE_LIMIT_PER_IP_PER_MINUTE",
            var("RATE_LIMIT_PER_IP_PER_MINUTE"),
        )?;
        file.rate_limit_per_token_per_minute = parse(
            "RATE_LIMIT_PER_TOKEN_PER_MINUTE",
            var("RATE_LIMIT_PER_TOKEN_PER_MINUTE"),
        )?;
        self.apply(file);
        Ok(())
    }

    fn apply(&mut self, file: FileConfig) {
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
    }

    /// The database URL in use: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => {
                let path = self.data_dir.join("ferret.db");
                let path = path
                    .to_str()
                    .context("the data directory path is not valid UTF-8")?;
                Ok(format!("sqlite://{path}?mode=rwc"))
            }
        }
    }
}
