//! `GET /api/workspaces/{workspace}/overview`: the numbers behind a workspace's overview —
//! open findings over time by severity, new and fixed per week, the noisiest rules and
//! repositories.

use super::WorkspaceParam;
use crate::auth::{Caller, Need};
use crate::error::ApiResult;
use crate::time::rfc3339;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// How many weeks back, 1 to 52 (default 12).
    #[param(minimum = 1, maximum = 52)]
    pub weeks: Option<u32>,
}

/// The severity names by rank, most severe first.
pub const SEVERITY_NAMES: [(i64, &str); 5] = [
    (4, "critical"),
    (3, "high"),
    (2, "medium"),
    (1, "low"),
    (0, "info"),
];

fn severity_name(rank: i64) -> &'static str {
    SEVERITY_NAMES
        .iter()
        .find(|(r, _)| *r == rank)
        .map(|(_, name)| *name)
        .unwrap_or("info")
}

/// Weekly counts of one severity.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeveritySeries {
    pub severity: &'static str,
    /// Findings open at the end of each week (the current week: now).
    pub open: Vec<i64>,
}

/// A name and how many open findings it has.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub name: String,
    pub open: i64,
}

/// A workspace's overview.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverviewOut {
    /// The start of each week (RFC 3339), oldest first.
    pub weeks: Vec<String>,
    pub open_by_severity: Vec<SeveritySeries>,
    /// Findings first seen in each week.
    pub new_per_week: Vec<i64>,
    /// Findings last seen in each week and gone from their branch since.
    pub fixed_per_week: Vec<i64>,
    /// Open findings now, per severity (most severe first).
    pub open_now: Vec<Count>,
    /// The five rules with the most open findings.
    pub noisiest_rules: Vec<Count>,
    /// The five repositories with the most open findings.
    pub noisiest_repositories: Vec<Count>,
}

/// Open findings over time by severity, new and fixed per week, and the noisiest rules and
/// repositories.
#[utoipa::path(get, path = "/api/workspaces/{workspace}/overview", tag = "findings",
    params(WorkspaceParam, OverviewQuery),
    responses((status = 200, description = "The overview", body = OverviewOut)))]
pub async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    Query(query): Query<OverviewQuery>,
) -> ApiResult<Json<OverviewOut>> {
    caller.in_workspace(&state, &ws, Need::READ).await?;
    let weeks = query.weeks.unwrap_or(12).clamp(1, 52) as usize;
    let o = ferret_store::findings::overview(&state.db, &ws, weeks, crate::time::now()).await?;
    let counts = |list: Vec<(String, i64)>| {
        list.into_iter()
            .map(|(name, open)| Count { name, open })
            .collect()
    };
    Ok(Json(OverviewOut {
        weeks: o.weeks.into_iter().map(rfc3339).collect(),
        open_by_severity: o
            .open_by_severity
            .into_iter()
            .map(|(rank, open)| SeveritySeries {
                severity: severity_name(rank),
                open,
            })
            .collect(),
        new_per_week: o.new_per_week,
        fixed_per_week: o.fixed_per_week,
        open_now: o
            .open_now
            .into_iter()
            .map(|(rank, open)| Count {
                name: severity_name(rank).to_string(),
                open,
            })
            .collect(),
        noisiest_rules: counts(o.noisiest_rules),
        noisiest_repositories: counts(o.noisiest_repositories),
    }))
}
