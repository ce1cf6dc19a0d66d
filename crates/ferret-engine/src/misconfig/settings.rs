//! The configuration checks' section of `.ferret.toml`, `[iac]` (infrastructure and
//! application configuration: workflows, Dockerfiles, Compose, Kubernetes, Terraform, app
//! settings):
//!
//! ```toml
//! [iac]
//! exclude = ["examples/", "deploy/dev/"]   # paths whose configuration findings are not reported
//! ```

use serde::Deserialize;

/// `[iac]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IacSettings {
    /// Gitignore-syntax paths whose configuration-check findings are dropped.
    #[serde(default)]
    pub exclude: Vec<String>,
}
