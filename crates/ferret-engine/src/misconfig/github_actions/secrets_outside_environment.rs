//! `gha-secrets-outside-environment` (pedantic): a job reads secrets without a deployment
//! environment.
//!
//! **What**: `${{ secrets.NAME }}` (any secret but `GITHUB_TOKEN`) in a job that has no
//! `environment:`. Reusable workflows (`on: workflow_call`) are left out: environments and
//! secrets passed by a caller do not combine. Opt-in: `--select pedantic` or the id.
//! **Why**: repository and organisation secrets are readable by every workflow on every branch;
//! an environment's secrets only by jobs that name it, behind its protection rules (required
//! reviewers, allowed branches, wait timers). A job that deploys with a repository secret can
//! be copied into a branch's workflow and run without review.
//! **Example**: `deploy: { runs-on: ubuntu-latest, steps: [ { run: ./deploy, env: { KEY:
//! ${{ secrets.DEPLOY_KEY }} } } ] }`.
//! **Fix**: move the secret into an environment (`Settings → Environments`) with protection
//! rules and set `environment: production` on the job.

use super::{expression, Check, Workflow};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};

pub struct SecretsOutsideEnvironment;

static META: CheckMeta = CheckMeta {
    id: "gha-secrets-outside-environment",
    doc: include_str!("secrets_outside_environment.rs"),
    title: "Secret used outside a deployment environment",
    format: "GitHub Actions",
    severity: Severity::Medium,
    confidence: Confidence::High,
};

impl Check<Workflow> for SecretsOutsideEnvironment {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn run(&self, path: &str, workflow: &Workflow, findings: &mut Vec<Finding>) {
        if workflow.triggers().iter().any(|t| t == "workflow_call") {
            return;
        }
        let mut jobs = workflow.jobs();
        jobs.sort_by_key(|(key, _)| key.pos.line);
        for (i, (key, job)) in jobs.iter().enumerate() {
            if job.get("environment").is_some() || job.get("uses").is_some() {
                continue;
            }
            let end = jobs.get(i + 1).map_or(u32::MAX, |(next, _)| next.pos.line);
            let lines = workflow
                .lines
                .iter()
                .filter(|l| l.number > key.pos.line && l.number < end)
                .filter(|l| !l.text.trim_start().starts_with('#'));
            for line in lines {
                for (start, _, inner) in expression::fenced(&line.text) {
                    let Some(expr) = expression::parse(inner) else {
                        continue;
                    };
                    let secret = expression::contexts(&expr).into_iter().find_map(|c| {
                        c.strip_prefix("secrets.")
                            .filter(|name| !name.eq_ignore_ascii_case("GITHUB_TOKEN"))
                    });
                    if let Some(name) = secret {
                        let column = line.text[..start].chars().count() as u32 + 1;
                        findings.push(META.finding(
                            path,
                            line.number,
                            column,
                            &line.text,
                            &format!("{}:{name}", key.as_str().unwrap_or("")),
                        ));
                    }
                }
            }
        }
    }
}
