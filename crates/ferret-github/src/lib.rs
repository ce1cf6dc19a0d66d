//! The GitHub App client: what Ferret asks of GitHub, and nothing else.
//!
//! - [`AppKey`] signs the App's JWT (RS256, `iat` 60 s in the past, `exp` 9 minutes ahead).
//! - [`GithubClient`] exchanges it for an installation token narrowed to one repository and
//!   the permissions a job needs, proves a user's access to an installation (OAuth code
//!   exchange, then `GET /user/installations`), and reports check runs.
//! - Tokens are [`Token`]s: held in memory only, wiped on drop, printed as `[redacted]`.
//!
//! The calls are shaped exactly like GitHub's REST API (`X-GitHub-Api-Version: 2022-11-28`);
//! tests run them against `ferret-github-fake` on loopback. A second provider (GitLab) gets a
//! client of its own beside this one.

mod app_key;
mod client;

pub use app_key::AppKey;
pub use client::{
    CheckRun, GithubClient, Installation, InstallationRepository, InstallationToken, Permission,
};

/// A credential: never printed, wiped from memory when dropped.
#[derive(Clone)]
pub struct Token(zeroize::Zeroizing<String>);

impl Token {
    pub fn new(value: String) -> Token {
        Token(zeroize::Zeroizing::new(value))
    }
    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Why a GitHub call failed. Messages never contain a token.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("the GitHub App private key is unusable: {0}")]
    Key(String),
    #[error("GitHub answered {status} to {call}: {message}")]
    Status {
        call: &'static str,
        status: u16,
        message: String,
    },
    #[error("GitHub could not be reached for {call}: {message}")]
    Transport { call: &'static str, message: String },
    #[error("GitHub's answer to {call} is not what its API documents: {message}")]
    Unexpected { call: &'static str, message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_print() {
        let token = Token::new("ghs_16C7e42F292c6912E7710c838347Ae178B4a".into());
        assert_eq!(format!("{token:?} {token}"), "[redacted] [redacted]");
    }
}
