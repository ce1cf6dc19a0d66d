//! `POST /webhooks/github`: deliveries from the GitHub App.
//!
//! The signature (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body under the webhook
//! secret) is checked in constant time before anything else reads the body; a delivery
//! without a valid one is answered 401 and recorded in the audit log. A delivery id
//! (`X-GitHub-Delivery`) is handled once: a replay is answered 200 and changes nothing.
//!
//! Events: `installation` (created, deleted, suspend, unsuspend, new_permissions_accepted),
//! `installation_repositories` (removed), `repository` (renamed, edited, deleted,
//! transferred), `push` to a repository's default branch and `pull_request` (opened,
//! synchronize, reopened), which queue scans of the connected repositories. Losing access —
//! an uninstall, a suspension, a repository removed — cancels the installation's or
//! repository's queued and running jobs at once and schedules the repository's data for
//! deletion after the configured grace period.

use crate::auth::ClientInfo;
use crate::error::{ApiError, ApiResult, ErrorReply};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferret_store::audit::Actor;
use ferret_store::github::{self as store, Installation};
use ferret_store::queue::{JobQueue, NewJob, SqlJobQueue};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// Largest delivery accepted (GitHub caps payloads at 25 MB).
pub const MAX_DELIVERY_BYTES: usize = 25 * 1024 * 1024;

/// The job kind hosted scans are queued as.
pub const SCAN_JOB: &str = "github-scan";

/// What was done with a delivery.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookReply {
    /// `accepted`, `duplicate` (a replayed delivery) or `ignored` (an event Ferret does not act
    /// on).
    status: &'static str,
    /// Scans queued by this delivery.
    jobs: usize,
}

/// Receive a GitHub App webhook delivery.
///
/// Signed with the App's webhook secret; unsigned or mis-signed deliveries are refused and
/// recorded. Off (404) unless the server has a GitHub webhook secret.
#[utoipa::path(post, path = "/webhooks/github", tag = "github", security(()),
    params(
        ("X-Hub-Signature-256" = String, Header, description = "`sha256=` and the hex HMAC-SHA256 of the body"),
        ("X-GitHub-Event" = String, Header, description = "The event name"),
        ("X-GitHub-Delivery" = String, Header, description = "The delivery's unique id"),
    ),
    request_body(content = Object, description = "The event, as GitHub sends it"),
    responses(
        (status = 200, description = "A replayed delivery, or an event Ferret does not act on", body = WebhookReply),
        (status = 202, description = "Accepted; scans may have been queued", body = WebhookReply),
        (status = 401, description = "Missing or wrong signature", body = ErrorReply),
        (status = 404, description = "No GitHub App is configured", body = ErrorReply),
    ))]
pub async fn receive(
    State(state): State<AppState>,
    client: ClientInfo,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let Some(secret) = state.config.github.webhook_secret.as_ref() else {
        return Err(ApiError::not_found());
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let event = header("x-github-event").map(clean_label);
    let delivery = header("x-github-delivery").map(clean_label);
    if let Err(reason) = verify_signature(
        secret.expose().as_bytes(),
        &body,
        header("x-hub-signature-256"),
    ) {
        reject(
            &state,
            &client,
            event.as_deref(),
            delivery.as_deref(),
            reason,
        )
        .await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "the delivery is not signed with this server's webhook secret",
        ));
    }
    let (Some(event), Some(delivery)) = (event, delivery) else {
        return Err(ApiError::bad_request(
            "X-GitHub-Event and X-GitHub-Delivery are required",
        ));
    };
    let now = crate::time::now();
    if !store::remember_delivery(&state.db, &delivery, &event, now).await? {
        return Ok(reply(StatusCode::OK, "duplicate", 0));
    }
    let payload: Value = serde_json::from_slice(&body)
        .map_err(|_| ApiError::bad_request("the delivery is not a JSON object"))?;
    if !payload.is_object() {
        return Err(ApiError::bad_request("the delivery is not a JSON object"));
    }
    let actor = Actor {
        user_id: None,
        token_id: None,
        ip: client.ip.clone(),
        user_agent: Some(format!("github-webhook {delivery}")),
    };
    let handled = Delivery {
        state: &state,
        payload: &payload,
        actor: &actor,
        now,
    };
    let outcome = match event.as_str() {
        "installation" => handled.installation().await?,
        "installation_repositories" => handled.installation_repositories().await?,
        "repository" => handled.repository().await?,
        "push" => handled.push().await?,
        "pull_request" => handled.pull_request().await?,
        _ => None,
    };
    Ok(match outcome {
        Some(jobs) => reply(StatusCode::ACCEPTED, "accepted", jobs),
        None => reply(StatusCode::OK, "ignored", 0),
    })
}

fn reply(status: StatusCode, word: &'static str, jobs: usize) -> Response {
    (status, Json(WebhookReply { status: word, jobs })).into_response()
}

/// Header text kept for the record: at most 64 characters of `[A-Za-z0-9._-]`.
fn clean_label(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(64)
        .collect()
}

/// Checks `sha256=<hex>` against the HMAC-SHA256 of `body` under `secret`, in constant time.
pub fn verify_signature(
    secret: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), &'static str> {
    let header = header.ok_or("unsigned")?;
    let hex_digest = header
        .strip_prefix("sha256=")
        .ok_or("not a sha256 signature")?;
    let digest = hex::decode(hex_digest.trim()).map_err(|_| "malformed signature")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| "unusable secret")?;
    mac.update(body);
    mac.verify_slice(&digest).map_err(|_| "wrong signature")
}

/// Records a refused delivery, at most a few per minute per address so that refusals cannot
/// flood the audit log.
async fn reject(
    state: &AppState,
    client: &ClientInfo,
    event: Option<&str>,
    delivery: Option<&str>,
    reason: &str,
) -> ApiResult<()> {
    tracing::warn!(ip = %client.ip, reason, "github webhook refused");
    if state
        .limits
        .webhook_rejections
        .check(&format!("webhook:{}", client.ip))
        .is_err()
    {
        return Ok(());
    }
    let actor = Actor {
        user_id: None,
        token_id: None,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
    };
    crate::audit::record_now(
        &state.db,
        &actor,
        None,
        "github.webhook.rejected",
        delivery,
        json!({"reason": reason, "event": event}),
    )
    .await?;
    Ok(())
}

/// One verified delivery being acted on.
struct Delivery<'a> {
    state: &'a AppState,
    payload: &'a Value,
    actor: &'a Actor,
    now: i64,
}

impl Delivery<'_> {
    fn installation_id(&self) -> ApiResult<i64> {
        self.payload["installation"]["id"]
            .as_i64()
            .ok_or_else(|| ApiError::bad_request("the delivery names no installation"))
    }

    fn action(&self) -> &str {
        self.payload["action"].as_str().unwrap_or("")
    }

    /// When data of repositories losing access is deleted.
    fn delete_after(&self) -> i64 {
        self.now + self.state.config.github.deletion_grace_days * 86_400
    }

    fn queue(&self) -> SqlJobQueue {
        SqlJobQueue::new(self.state.db.clone())
    }

    async fn installation(&self) -> ApiResult<Option<usize>> {
        let id = self.installation_id()?;
        match self.action() {
            "created" | "new_permissions_accepted" => {
                let account = &self.payload["installation"]["account"];
                let installation = Installation {
                    installation_id: id,
                    account_login: text(&account["login"], 100),
                    account_type: text(&account["type"], 20),
                };
                store::installation_created(&self.state.db, &installation, self.now, self.actor)
                    .await?;
            }
            "deleted" => {
                self.queue().cancel_subject(&store::subject(id)).await?;
                store::installation_deleted(&self.state.db, id, self.delete_after(), self.actor)
                    .await?;
            }
            "suspend" => {
                self.queue().cancel_subject(&store::subject(id)).await?;
                suspend(self, id, true).await?;
            }
            "unsuspend" => suspend(self, id, false).await?,
            _ => return Ok(None),
        }
        Ok(Some(0))
    }

    async fn installation_repositories(&self) -> ApiResult<Option<usize>> {
        if self.action() != "removed" {
            return Ok(None);
        }
        let id = self.installation_id()?;
        let removed: Vec<i64> = self.payload["repositories_removed"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["id"].as_i64())
            .collect();
        self.cut_off(id, &removed).await?;
        Ok(Some(0))
    }

    async fn repository(&self) -> ApiResult<Option<usize>> {
        let id = self.installation_id()?;
        let repository = &self.payload["repository"];
        let Some(repo_id) = repository["id"].as_i64() else {
            return Err(ApiError::bad_request("the delivery names no repository"));
        };
        match self.action() {
            "deleted" | "transferred" | "archived" => self.cut_off(id, &[repo_id]).await?,
            "renamed" | "edited" => {
                store::repository_changed(
                    &self.state.db,
                    id,
                    repo_id,
                    &text(&repository["full_name"], 200),
                    &text(&repository["default_branch"], 255),
                )
                .await?
            }
            _ => return Ok(None),
        }
        Ok(Some(0))
    }

    /// Repositories that lost access: their jobs stop, their data goes after the grace period.
    async fn cut_off(&self, installation_id: i64, repo_ids: &[i64]) -> ApiResult<()> {
        let targets = {
            let mut all = Vec::new();
            for repo_id in repo_ids {
                all.extend(store::scan_targets(&self.state.db, installation_id, *repo_id).await?);
            }
            all
        };
        let queue = self.queue();
        for target in &targets {
            queue
                .cancel_subject(&store::repository_subject(
                    installation_id,
                    &target.repository_id,
                ))
                .await?;
        }
        store::repositories_removed(
            &self.state.db,
            installation_id,
            repo_ids,
            self.delete_after(),
            self.actor,
        )
        .await?;
        Ok(())
    }

    /// A push to a repository's default branch queues a scan of its new head in every
    /// workspace tracking it.
    async fn push(&self) -> ApiResult<Option<usize>> {
        // A push reported outside an App installation (a repository webhook): nothing to scan.
        let Some(id) = self.payload["installation"]["id"].as_i64() else {
            return Ok(None);
        };
        let repository = &self.payload["repository"];
        let (Some(repo_id), Some(git_ref), Some(after)) = (
            repository["id"].as_i64(),
            self.payload["ref"].as_str(),
            self.payload["after"].as_str(),
        ) else {
            return Err(ApiError::bad_request(
                "a push names a repository, ref and commit",
            ));
        };
        let Some(branch) = git_ref.strip_prefix("refs/heads/") else {
            return Ok(None); // tags
        };
        if self.payload["deleted"].as_bool() == Some(true) || !is_commit(after) {
            return Ok(None);
        }
        let default_branch = repository["default_branch"].as_str();
        let mut jobs = 0;
        for target in store::scan_targets(&self.state.db, id, repo_id).await? {
            let tracked = target.default_branch.as_deref().or(default_branch);
            if tracked != Some(branch) {
                continue;
            }
            self.enqueue(
                id,
                &target,
                json!({"trigger": "push", "branch": branch, "commit": after}),
            )
            .await?;
            jobs += 1;
        }
        Ok(Some(jobs))
    }

    /// A pull request opened or updated queues a scan of what it introduces (head against base).
    async fn pull_request(&self) -> ApiResult<Option<usize>> {
        if !matches!(self.action(), "opened" | "synchronize" | "reopened") {
            return Ok(None);
        }
        let id = self.installation_id()?;
        let pull = &self.payload["pull_request"];
        let (Some(repo_id), Some(number), Some(head), Some(base)) = (
            self.payload["repository"]["id"].as_i64(),
            self.payload["number"].as_i64(),
            pull["head"]["sha"].as_str().filter(|s| is_commit(s)),
            pull["base"]["sha"].as_str().filter(|s| is_commit(s)),
        ) else {
            return Err(ApiError::bad_request(
                "a pull request names a repository, number, head and base",
            ));
        };
        let branch = text(&pull["head"]["ref"], 255);
        let mut jobs = 0;
        for target in store::scan_targets(&self.state.db, id, repo_id).await? {
            self.enqueue(
                id,
                &target,
                json!({"trigger": "pull_request", "pull_request": number, "branch": branch,
                       "commit": head, "base": base}),
            )
            .await?;
            jobs += 1;
        }
        Ok(Some(jobs))
    }

    async fn enqueue(
        &self,
        installation_id: i64,
        target: &store::ScanTarget,
        work: Value,
    ) -> ApiResult<()> {
        let repository = store::GithubRepository {
            installation_id,
            github_repo_id: self.payload["repository"]["id"].as_i64().unwrap_or(0),
            full_name: text(&self.payload["repository"]["full_name"], 200),
            default_branch: target.default_branch.clone(),
        };
        enqueue_scan(self.state, target, &repository, work).await?;
        Ok(())
    }
}

/// Queues one hosted scan of `target`; returns the job id. The payload names the work, never
/// a credential: the worker mints an installation token for it when it runs.
pub async fn enqueue_scan(
    state: &AppState,
    target: &store::ScanTarget,
    repository: &store::GithubRepository,
    work: Value,
) -> ApiResult<String> {
    {
        let installation_id = repository.installation_id;
        let mut payload = json!({
            "workspace_id": target.workspace_id,
            "repository_id": target.repository_id,
            "installation_id": installation_id,
            "github_repo_id": repository.github_repo_id,
            "full_name": repository.full_name,
        });
        if let (Some(payload), Some(work)) = (payload.as_object_mut(), work.as_object()) {
            payload.extend(work.clone());
        }
        let job = NewJob {
            kind: SCAN_JOB.into(),
            payload,
            max_attempts: 3,
            subject: Some(store::repository_subject(
                installation_id,
                &target.repository_id,
            )),
            workspace: Some(target.workspace_id.clone()),
        };
        Ok(SqlJobQueue::new(state.db.clone()).enqueue(job).await?)
    }
}

async fn suspend(delivery: &Delivery<'_>, id: i64, suspended: bool) -> ApiResult<()> {
    match store::set_suspended(
        &delivery.state.db,
        id,
        suspended,
        delivery.now,
        delivery.actor,
    )
    .await
    {
        // An installation this server never heard of: nothing to suspend.
        Err(ferret_store::StoreError::NotFound(_)) => Ok(()),
        other => Ok(other?),
    }
}

/// A 40- or 64-hex-digit commit id (SHA-1 or SHA-256 repositories).
fn is_commit(text: &str) -> bool {
    matches!(text.len(), 40 | 64)
        && text.bytes().all(|b| b.is_ascii_hexdigit())
        && !text.bytes().all(|b| b == b'0')
}

/// A JSON string field, cut to `max` characters (empty when absent).
fn text(value: &Value, max: usize) -> String {
    value.as_str().unwrap_or("").chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example in GitHub's documentation on validating webhook deliveries.
    #[test]
    fn githubs_documented_signature_vector() {
        let secret = b"It's a Secret to Everybody";
        let good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(
            verify_signature(secret, b"Hello, World!", Some(good)),
            Ok(())
        );
        assert_eq!(
            verify_signature(secret, b"Hello, World?", Some(good)),
            Err("wrong signature")
        );
        assert_eq!(
            verify_signature(b"another", b"Hello, World!", Some(good)),
            Err("wrong signature")
        );
        assert_eq!(verify_signature(secret, b"x", None), Err("unsigned"));
        assert_eq!(
            verify_signature(secret, b"x", Some("sha1=00")),
            Err("not a sha256 signature")
        );
        assert_eq!(
            verify_signature(secret, b"x", Some("sha256=zz")),
            Err("malformed signature")
        );
        // A truncated digest is not a prefix match.
        assert_eq!(
            verify_signature(secret, b"Hello, World!", Some(&good[..21])),
            Err("wrong signature")
        );
    }

    #[test]
    fn commits_and_labels() {
        assert!(is_commit("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"));
        assert!(!is_commit("0000000000000000000000000000000000000000"));
        assert!(!is_commit("main"));
        assert_eq!(clean_label("push\n<script>"), "pushscript");
        assert_eq!(clean_label(&"a".repeat(100)).len(), 64);
    }
}
