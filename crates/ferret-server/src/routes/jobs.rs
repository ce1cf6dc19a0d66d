//! Hosted scan jobs: their status and history, and manual scans.

use super::WorkspaceParam;
use crate::auth::{Caller, Need};
use crate::error::{ApiError, ApiResult, ErrorReply};
use crate::time::rfc3339;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferret_store::github as github_store;
use ferret_store::queue::{self, JobState};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A job as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobOut {
    pub id: String,
    /// `queued`, `running`, `succeeded`, `failed` (every attempt failed) or `cancelled`.
    pub status: &'static str,
    /// `push`, `pull_request` or `manual`.
    pub trigger: Option<String>,
    pub repository_id: Option<String>,
    pub branch: Option<String>,
    pub commit: Option<String>,
    pub attempts: u32,
    /// Why the last attempt failed (one line, never a credential).
    pub error: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// Seconds from the last start to the end.
    pub duration_secs: Option<i64>,
    pub scan_id: Option<String>,
    pub findings: Option<i64>,
    pub new: Option<i64>,
    pub fixed: Option<i64>,
}

/// A page of jobs.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobPage {
    pub items: Vec<JobOut>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value[key].as_str().map(str::to_string)
}

/// Hosted scans of the workspace, newest first.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/jobs", tag = "scans",
    params(WorkspaceParam, JobQuery),
    responses((status = 200, description = "A page of jobs", body = JobPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Query(query): Query<JobQuery>,
) -> ApiResult<Json<JobPage>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let (page, per_page, offset) = super::page_bounds(query.page, query.per_page);
    let items = queue::list_for_workspace(&state.db, &ws, per_page, offset)
        .await?
        .into_iter()
        .map(|job| {
            let result = job.result.clone().unwrap_or(Value::Null);
            JobOut {
                status: match job.state {
                    JobState::Queued => "queued",
                    JobState::Running => "running",
                    JobState::Done => "succeeded",
                    JobState::Dead => "failed",
                    JobState::Cancelled => "cancelled",
                },
                trigger: text(&job.payload, "trigger"),
                repository_id: text(&job.payload, "repository_id"),
                branch: text(&job.payload, "branch"),
                commit: text(&job.payload, "commit"),
                attempts: job.attempts,
                error: job.last_error.clone(),
                created_at: rfc3339(job.created_at),
                started_at: job.started_at.map(rfc3339),
                finished_at: job.finished_at.map(rfc3339),
                duration_secs: job
                    .started_at
                    .zip(job.finished_at)
                    .map(|(start, end)| (end - start).max(0)),
                scan_id: text(&result, "scan_id"),
                findings: result["findings"].as_i64(),
                new: result["new"].as_i64(),
                fixed: result["fixed"].as_i64(),
                id: job.id,
            }
        })
        .collect();
    Ok(Json(JobPage {
        items,
        page,
        per_page,
    }))
}

/// A queued job.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Queued {
    job_id: String,
}

/// Scan a connected GitHub repository now (members too): its default branch's head.
#[utoipa::path(post, path = "/api/workspaces/{workspace}/repositories/{repository}/scan", tag = "scans",
    params(WorkspaceParam, ("repository" = String, Path, description = "Repository id")),
    responses(
        (status = 202, description = "Queued", body = Queued),
        (status = 409, description = "Not a connected GitHub repository, or its installation is suspended", body = ErrorReply),
    ))]
pub async fn scan_now(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.in_workspace(&state, &ws, Need::SCAN).await?;
    let repository = github_store::github_repository(&state.db, &ws, &id)
        .await?
        .ok_or_else(|| {
            ApiError::conflict(
                "only repositories of a connected GitHub installation are scanned here",
            )
        })?;
    let target = github_store::scan_targets(
        &state.db,
        repository.installation_id,
        repository.github_repo_id,
    )
    .await?
    .into_iter()
    .find(|t| t.workspace_id == ws && t.repository_id == id)
    .ok_or_else(|| ApiError::conflict("the repository's GitHub installation is not active"))?;
    let branch = repository
        .default_branch
        .clone()
        .unwrap_or_else(|| "main".into());
    let job_id = super::github::enqueue_scan(
        &state,
        &target,
        &repository,
        serde_json::json!({"trigger": "manual", "branch": branch,
                           "requested_by": caller.user_id}),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { job_id })).into_response())
}
