//! The hosted-scan worker: a thin loop over queue → GitHub token → sandboxed runner → store.
//!
//! One job: claim it with a lease; refuse to start when the installation is gone or suspended
//! or the repository was cut off; mint an installation token narrowed to the job's repository
//! (contents: read to clone, checks: write to report); run the sandboxed scan with the token
//! handed to git in the sandbox's environment only, heartbeating meanwhile; store the findings
//! through the same validation and redaction as CLI uploads; report a check run; complete.
//! The token lives in memory for the job and is wiped when it ends. A worker that dies loses
//! nothing: its lease runs out and another worker retries the job.

use crate::error::ApiError;
use crate::github_app::GithubApp;
use crate::routes::github::SCAN_JOB;
use crate::AppState;
use ferret_core::upload::{ScanUpload, UploadedFinding};
use ferret_core::Severity;
use ferret_store::audit::Actor;
use ferret_store::github as github_store;
use ferret_store::queue::{Job, JobQueue, SqlJobQueue};
use ferret_store::scans::NewScan;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Names this worker in leases.
    pub id: String,
    /// The executable whose sandbox subcommand scans (the `ferret` binary).
    pub worker_exe: PathBuf,
    pub lease: Duration,
    /// Pause between polls of an empty queue.
    pub poll: Duration,
    /// Seconds one scan may take.
    pub scan_timeout: u64,
    /// Jobs of one workspace running at once, over all workers.
    pub per_workspace: u32,
    /// The OSV database the repositories' lockfiles are matched against.
    pub osv_dir: PathBuf,
}

impl WorkerSettings {
    pub fn new(worker_exe: PathBuf, config: &crate::ServerConfig) -> WorkerSettings {
        WorkerSettings {
            id: format!(
                "worker-{}-{}",
                std::process::id(),
                crate::crypto::random_alnum(6)
            ),
            worker_exe,
            lease: Duration::from_secs(config.worker_lease_secs),
            poll: Duration::from_secs(2).min(Duration::from_secs(config.worker_lease_secs) / 3),
            scan_timeout: 1800,
            per_workspace: config.jobs_per_workspace,
            osv_dir: config.osv_dir(),
        }
    }
}

/// What became of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Scanned and stored: the scan id and how many findings were new.
    Done { job: String, scan: String, new: i64 },
    /// Not run, or its result dropped: access was withdrawn.
    Cancelled { job: String },
    /// Failed; retried later while attempts remain.
    Failed { job: String, error: String },
}

/// A hosted scan's payload (see `routes::github`).
#[derive(Debug, Deserialize)]
struct ScanJob {
    workspace_id: String,
    repository_id: String,
    installation_id: i64,
    github_repo_id: i64,
    full_name: String,
    branch: String,
    /// Unknown for manual scans (the branch's head at clone time is scanned).
    commit: Option<String>,
    /// Pull requests: the base commit; the scan covers the commits between it and `commit`.
    base: Option<String>,
    trigger: String,
}

/// Runs jobs until the process ends.
pub async fn run(state: AppState, settings: WorkerSettings) {
    tracing::info!(worker = %settings.id, "scan worker started");
    if state.config.osv_update_hours > 0 {
        tokio::spawn(update_advisories(
            settings.osv_dir.clone(),
            state.config.osv_url.clone(),
            Duration::from_secs(state.config.osv_update_hours * 3600),
        ));
    }
    loop {
        match work_once(&state, &settings).await {
            Ok(Some(outcome)) => tracing::info!(?outcome, "job finished"),
            Ok(None) => tokio::time::sleep(settings.poll).await,
            Err(e) => {
                tracing::error!(error = %e.message, "the job queue failed");
                tokio::time::sleep(settings.poll).await;
            }
        }
    }
}

/// The scheduled job that keeps the OSV database fresh: every `every`, each ecosystem's dump
/// is downloaded, checked and swapped in (a failure keeps the previous one and is logged).
async fn update_advisories(dir: PathBuf, url: String, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let (dir, url) = (dir.clone(), url.clone());
        let outcomes = tokio::task::spawn_blocking(move || {
            let db = ferret_engine::ferret_deps::db::Database::at(dir);
            db.update(&url, &ferret_engine::ferret_deps::Ecosystem::ALL)
        })
        .await
        .unwrap_or_default();
        for (ecosystem, outcome) in outcomes {
            match outcome {
                Ok(meta) => {
                    tracing::info!(%ecosystem, advisories = meta.advisories, "OSV database updated")
                }
                Err(e) => {
                    tracing::warn!(%ecosystem, error = %e, "OSV database update failed; the previous one is kept")
                }
            }
        }
    }
}

/// Claims and runs one job; `None` when the queue has none ready.
pub async fn work_once(
    state: &AppState,
    settings: &WorkerSettings,
) -> Result<Option<Outcome>, ApiError> {
    let queue = SqlJobQueue::new(state.db.clone()).with_workspace_limit(settings.per_workspace);
    let Some(job) = queue
        .claim(&settings.id, &[SCAN_JOB], settings.lease)
        .await?
    else {
        return Ok(None);
    };
    let outcome = match run_job(state, settings, &queue, &job).await {
        Ok(outcome) => outcome,
        Err(error) => {
            let retry = Duration::from_secs(30 * u64::from(job.attempts));
            let _ = queue.fail(&job.id, &settings.id, &error, retry).await;
            Outcome::Failed {
                job: job.id.clone(),
                error,
            }
        }
    };
    Ok(Some(outcome))
}

async fn run_job(
    state: &AppState,
    settings: &WorkerSettings,
    queue: &SqlJobQueue,
    job: &Job,
) -> Result<Outcome, String> {
    let work: ScanJob = serde_json::from_value(job.payload.clone())
        .map_err(|e| format!("malformed scan job: {e}"))?;
    let cancelled = || Outcome::Cancelled {
        job: job.id.clone(),
    };
    let subject = github_store::repository_subject(work.installation_id, &work.repository_id);
    // Access withdrawn since the job was queued: it never starts.
    let targets = github_store::scan_targets(&state.db, work.installation_id, work.github_repo_id)
        .await
        .map_err(|e| e.to_string())?;
    if !targets
        .iter()
        .any(|t| t.repository_id == work.repository_id)
    {
        let _ = queue.cancel_subject(&subject).await;
        return Ok(cancelled());
    }
    let app = state
        .github
        .clone()
        .ok_or("no GitHub App is configured on this server")?;
    let started = std::time::Instant::now();
    let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let scan = {
        let app = app.clone();
        let settings = settings.clone();
        let target = ScanWork {
            installation: work.installation_id,
            repository: work.github_repo_id,
            full_name: work.full_name.clone(),
            branch: work.branch.clone(),
            // A pull request: only what its commits introduce.
            range: work
                .base
                .as_ref()
                .zip(work.commit.as_ref())
                .map(|(base, head)| format!("{base}..{head}")),
            cancel: cancel.clone(),
        };
        tokio::task::spawn_blocking(move || scan_repository(&app, &settings, &target))
    };
    let report = heartbeat_while(queue, job, settings, scan, &cancel).await?;
    let Some((report, token, token_time)) = report else {
        return Ok(cancelled());
    };
    let sandbox_time = started.elapsed().saturating_sub(token_time);
    let ingest_started = std::time::Instant::now();
    // Still ours? (An uninstall may have cancelled the job while it ran.)
    if queue
        .heartbeat(&job.id, &settings.id, settings.lease)
        .await
        .is_err()
    {
        return Ok(cancelled());
    }
    let upload = ScanUpload {
        repository: work.repository_id.clone(),
        branch: work.branch.clone(),
        commit: work.commit.clone(),
        findings: report.findings.iter().map(UploadedFinding::from).collect(),
    };
    let findings = state
        .redactor
        .clean(&upload, state.config.max_upload_findings)
        .map_err(|e| e.message)?;
    let actor = Actor {
        user_id: None,
        token_id: None,
        ip: "worker".into(),
        user_agent: Some(format!("ferret worker {} ({})", settings.id, work.trigger)),
    };
    let summary = ferret_store::scans::ingest(
        &state.db,
        &work.workspace_id,
        NewScan {
            repository: work.repository_id.clone(),
            branch: work.branch.clone(),
            commit: work.commit.clone(),
            findings,
        },
        &actor,
    )
    .await
    .map_err(|e| e.to_string())?;
    // A push reports what it newly brought to the branch; a pull request everything its
    // commits introduce (on every update, until they are gone).
    let which = if work.base.is_some() {
        ferret_store::findings::OfScan::All
    } else {
        ferret_store::findings::OfScan::FirstSeen
    };
    let new = ferret_store::findings::of_scan(
        &state.db,
        &work.workspace_id,
        &summary.scan_id,
        which,
        crate::time::now(),
    )
    .await
    .map_err(|e| e.to_string())?;
    let ingest_time = ingest_started.elapsed();
    let report_started = std::time::Instant::now();
    // A check run needs the commit; manual scans of a branch head have none to attach it to.
    if let Some(commit) = &work.commit {
        let policy = ferret_store::workspaces::check_policy(&state.db, &work.workspace_id)
            .await
            .map_err(|e| e.to_string())?;
        let check = check_run(&work, commit, &new, &policy, started.elapsed());
        let app = app.clone();
        let full_name = work.full_name.clone();
        tokio::task::spawn_blocking(move || {
            let result = app.report_check_run(&token, &full_name, &check);
            drop(token);
            result
        })
        .await
        .map_err(|_| "the check-run report stopped".to_string())?
        .map_err(|e| e.to_string())?;
    }
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    ferret_store::queue::set_result(
        &state.db,
        &job.id,
        &settings.id,
        &serde_json::json!({
            "scan_id": summary.scan_id,
            "findings": summary.findings,
            "new": summary.new,
            "still_open": summary.still_open,
            "fixed": summary.fixed,
            // Where the job's time went: minting the token, the sandboxed clone and scan,
            // redaction and storage, the check run.
            "timings_ms": {
                "token": ms(token_time),
                "sandbox": ms(sandbox_time),
                "ingest": ms(ingest_time),
                "report": ms(report_started.elapsed()),
            },
        }),
    )
    .await
    .map_err(|e| e.to_string())?;
    queue
        .complete(&job.id, &settings.id)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Outcome::Done {
        job: job.id.clone(),
        scan: summary.scan_id,
        new: summary.new,
    })
}

/// The report, the job's token (for the check run) and how long minting it took.
type ScanResult = Result<(ferret_core::ScanReport, ferret_github::Token, Duration), String>;

/// What one job scans.
struct ScanWork {
    installation: i64,
    repository: i64,
    full_name: String,
    branch: String,
    /// `base..head` for a pull request: its commits only.
    range: Option<String>,
    /// Set when the job is cancelled: the sandbox is killed at once.
    cancel: Arc<std::sync::atomic::AtomicBool>,
}

/// Mints the job's token and runs the sandboxed scan (blocking).
fn scan_repository(
    app: &Arc<GithubApp>,
    settings: &WorkerSettings,
    target: &ScanWork,
) -> ScanResult {
    let minting = std::time::Instant::now();
    let token = app
        .job_token(target.installation, target.repository)
        .map_err(|e| e.to_string())?;
    let token_time = minting.elapsed();
    let request = ferret_runner::RemoteScan {
        url: app.clone_url(&target.full_name),
        history: target.range.is_some(),
        introduced_only: target.range.is_some(),
        reference: Some(
            target
                .range
                .clone()
                .unwrap_or_else(|| target.branch.clone()),
        ),
        token: Some(ferret_runner::GitToken::new(token.expose())),
        timeout: Some(settings.scan_timeout),
        cancel: Some(target.cancel.clone()),
        ..ferret_runner::RemoteScan::default()
    };
    let (mut report, notes) =
        ferret_runner::scan(&request, &settings.worker_exe).map_err(|e| e.to_string())?;
    // The sandbox hands back the packages its lockfiles pin; they are matched here, against
    // this server's database, with the repository's own `[dependencies]` ignores.
    if !notes.lockfiles.is_empty() {
        let dependencies = ferret_engine::deps::DependencyAnalyzer::new(
            notes.dependencies,
            Some(settings.osv_dir.clone()),
        );
        report
            .findings
            .extend(dependencies.findings_for_inventory(&notes.lockfiles));
    }
    Ok((report, token, token_time))
}

/// Waits for `scan`, renewing the job's lease meanwhile. `None` when the lease was lost
/// (the job was cancelled): the sandbox is then killed through `cancel` and nothing is kept.
async fn heartbeat_while(
    queue: &SqlJobQueue,
    job: &Job,
    settings: &WorkerSettings,
    scan: tokio::task::JoinHandle<ScanResult>,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Option<(ferret_core::ScanReport, ferret_github::Token, Duration)>, String> {
    let mut scan = scan;
    // Often enough that a cancelled job's sandbox is stopped within seconds.
    let mut ticker = tokio::time::interval((settings.lease / 3).min(Duration::from_secs(5)));
    ticker.tick().await;
    let mut lost = false;
    loop {
        tokio::select! {
            finished = &mut scan => {
                let result = finished.map_err(|_| "the scan stopped".to_string())?;
                return if lost { Ok(None) } else { result.map(Some) };
            }
            _ = ticker.tick(), if !lost => {
                lost = queue.heartbeat(&job.id, &settings.id, settings.lease).await.is_err();
                if lost {
                    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }
    }
}

/// A check run's conclusion under the workspace's policy: `high` fails on a new high or
/// critical finding, `any` on any new finding, `never` only reports (neutral).
fn conclusion(policy: &str, new: usize, serious: usize) -> &'static str {
    match policy {
        "any" if new > 0 => "failure",
        "never" if new > 0 => "neutral",
        "high" if serious > 0 => "failure",
        _ => "success",
    }
}

/// The check run for a scan, under the workspace's policy.
fn check_run(
    work: &ScanJob,
    commit: &str,
    new: &[ferret_store::findings::FindingRecord],
    policy: &str,
    took: Duration,
) -> ferret_github::CheckRun {
    let serious = new
        .iter()
        .filter(|f| {
            matches!(
                f.severity.parse::<Severity>(),
                Ok(Severity::High | Severity::Critical)
            )
        })
        .count();
    let annotations = new
        .iter()
        .map(|f| {
            serde_json::json!({
                "path": f.path,
                "start_line": f.start_line,
                "end_line": f.end_line.max(f.start_line),
                "annotation_level": match f.severity.as_str() {
                    "critical" | "high" => "failure",
                    "medium" => "warning",
                    _ => "notice",
                },
                "title": f.rule_id,
                "message": format!("{}: {}", f.title, f.snippet),
            })
        })
        .collect();
    ferret_github::CheckRun {
        name: "Ferret".into(),
        head_sha: commit.to_string(),
        conclusion: conclusion(policy, new.len(), serious).into(),
        title: match new.len() {
            0 => "No new findings".into(),
            n => format!("{n} new finding(s), {serious} high or critical"),
        },
        summary: format!(
            "Ferret scanned `{}` at `{}` in {:.1} s.",
            work.branch,
            &commit[..commit.len().min(12)],
            took.as_secs_f64()
        ),
        annotations,
    }
}

#[cfg(test)]
mod tests {
    use super::conclusion;

    #[test]
    fn conclusions_follow_the_policy() {
        assert_eq!(conclusion("high", 3, 0), "success");
        assert_eq!(conclusion("high", 3, 1), "failure");
        assert_eq!(conclusion("any", 1, 0), "failure");
        assert_eq!(conclusion("any", 0, 0), "success");
        assert_eq!(conclusion("never", 5, 5), "neutral");
        assert_eq!(conclusion("never", 0, 0), "success");
    }
}
