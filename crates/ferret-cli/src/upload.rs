//! `ferret scan --upload URL`: sends a scan's findings (metadata only) to a Ferret server.
//!
//! The token comes from `FERRET_TOKEN` and goes only into the `Authorization` header. Raw
//! secrets are never sent, even with `--show-secrets`.

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use ferret_core::upload::{ScanUpload, UploadSummary, UploadedFinding};
use ferret_core::ScanReport;
use std::path::Path;
use std::time::Duration;

/// The environment variable holding the upload token.
pub const TOKEN_ENV: &str = "FERRET_TOKEN";

#[derive(Args, Default)]
pub struct UploadArgs {
    /// Upload the findings to this Ferret server (token from FERRET_TOKEN).
    #[arg(long, value_name = "URL")]
    pub upload: Option<String>,
    /// With --upload: the repository's registered name [default: the scanned directory's name].
    #[arg(long, value_name = "NAME", requires = "upload")]
    pub upload_repository: Option<String>,
    /// With --upload: the branch [default: CI variables, then the checkout's current branch].
    #[arg(long, value_name = "BRANCH", requires = "upload")]
    pub upload_branch: Option<String>,
    /// With --upload: the commit scanned [default: CI variables, then the checkout's HEAD].
    #[arg(long, value_name = "SHA", requires = "upload")]
    pub upload_commit: Option<String>,
}

/// Sends the report; returns the server's one-line summary.
pub fn upload(args: &UploadArgs, root: &Path, report: &ScanReport) -> Result<String> {
    let Some(server) = &args.upload else {
        bail!("no upload URL");
    };
    let token = std::env::var(TOKEN_ENV)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            anyhow!("--upload needs an API token in the {TOKEN_ENV} environment variable")
        })?;
    let repository = match &args.upload_repository {
        Some(name) => name.clone(),
        None => std::fs::canonicalize(root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .ok_or_else(|| anyhow!("cannot tell the repository name; pass --upload-repository"))?,
    };
    let (head_branch, head_commit) = read_head(root);
    let branch = args
        .upload_branch
        .clone()
        .or_else(|| {
            env_first(&[
                "GITHUB_HEAD_REF",
                "GITHUB_REF_NAME",
                "CI_COMMIT_REF_NAME",
                "BRANCH_NAME",
            ])
        })
        .or(head_branch)
        .unwrap_or_else(|| "HEAD".to_string());
    let commit = args
        .upload_commit
        .clone()
        .or_else(|| env_first(&["GITHUB_SHA", "CI_COMMIT_SHA"]))
        .or(head_commit);
    let body = ScanUpload {
        repository: repository.clone(),
        branch: branch.clone(),
        commit,
        findings: report.findings.iter().map(UploadedFinding::from).collect(),
    };
    let body = serde_json::to_string(&body).context("cannot encode the upload")?;
    let url = format!("{}/api/scans", server.trim_end_matches('/'));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let mut response = agent
        .post(&url)
        .header("Authorization", &format!("Bearer {}", token.trim()))
        .header("Content-Type", "application/json")
        .header(
            "User-Agent",
            &format!("ferret/{}", env!("CARGO_PKG_VERSION")),
        )
        .send(body.as_bytes())
        .map_err(|e| anyhow!("upload to {server} failed: {e}"))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .context("cannot read the server's answer")?;
    if !(200..300).contains(&status) {
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let message = json["error"]["message"].as_str().unwrap_or("no details");
        bail!("upload rejected by the server (HTTP {status}): {message}");
    }
    let summary: UploadSummary = serde_json::from_str(&text)
        .map_err(|e| anyhow!("the server's answer is not an upload summary: {e}"))?;
    Ok(format!(
        "uploaded {} finding(s) to {repository}@{branch}: {} new, {} still open, {} fixed",
        summary.findings, summary.new, summary.still_open, summary.fixed
    ))
}

fn env_first(names: &[&str]) -> Option<String> {
    names
        .iter()
        .filter_map(|n| std::env::var(n).ok())
        .find(|v| !v.trim().is_empty())
}

/// The checked-out branch and commit (through gix, without running git).
fn read_head(root: &Path) -> (Option<String>, Option<String>) {
    ferret_engine::source::history::head(root).unwrap_or((None, None))
}
