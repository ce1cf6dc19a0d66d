//! Risky-configuration analyzers: each check is one module with one job, behind the
//! check trait of its format (zizmor/ruff style): Dockerfiles, GitHub Actions, docker-compose,
//! Kubernetes manifests, Terraform, and application settings / frontend bundles.

pub mod app;
pub mod compose;
pub mod dockerfile;
pub mod github_actions;
pub mod kubernetes;
pub mod settings;
pub mod terraform;
pub mod yaml_lines;
/// The YAML tree with positions lives in its own crate (lockfile readers use it too).
pub use ferret_yaml as yaml_tree;

use crate::analyzer::{Analyzer, Project, RuleInfo, SourceFile};
use crate::keywords::Keyword;
use ferret_core::{fingerprint, Category, Confidence, Finding, Location, Severity};

/// One configuration check over one parsed format `F` (zizmor's audit trait): every format's
/// checks implement it — `Check<Dockerfile>`, `Check<Workflow>`, `Check<TerraformFile>`,
/// `Check<Manifest>` (Kubernetes and compose), `Check<AppFile>` — and each format keeps a
/// `CHECKS` list of them. A check's module doc (What / Why / Example / Fix) is its documentation.
/// Checks that run only when selected by id or with `--select pedantic` (see
/// [`crate::selection`]): hygiene audits most users do not want by default.
pub const PEDANTIC: &[&str] = &[
    "gha-anonymous-definition",
    "gha-concurrency-limits",
    "gha-secrets-outside-environment",
    "gha-undocumented-permissions",
];

pub trait Check<F: ?Sized>: Sync {
    /// Id, title, severity and the texts `ferret rules show` prints.
    fn meta(&self) -> &'static CheckMeta;
    /// Literal strings of which one must occur in a file for the check to run, for formats that
    /// prefilter by keyword (application files); none by default.
    fn keywords(&self) -> &'static [&'static str] {
        &[]
    }
    /// Appends the check's findings on one parsed file.
    fn run(&self, path: &str, input: &F, findings: &mut Vec<Finding>);
}

/// Static metadata of a configuration check. Its documentation is written once, in the check
/// module's doc comment (`**What**`, `**Why**`, `**Example**`, `**Fix**`): the description,
/// remediation and help text that reports and `ferret rules show` print are read from it.
#[derive(Debug, Clone, Copy)]
pub struct CheckMeta {
    pub id: &'static str,
    /// The check's source file (`include_str!` of itself), whose `//!` lines are its doc.
    pub doc: &'static str,
    /// What the check inspects (`Dockerfile`, `GitHub Actions`, ...).
    pub format: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
}

impl CheckMeta {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.to_string(),
            name: self.title.to_string(),
            category: Category::Config,
            provider: self.format.to_string(),
            severity: self.severity,
            confidence: self.confidence,
            description: self.description(),
            remediation: self.remediation(),
            help: Some(self.help()),
        }
    }

    /// The module doc (Markdown), without its first line (the id and a summary).
    pub fn help(&self) -> String {
        let lines: Vec<&str> = self
            .doc
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| l.trim_start_matches("//!").strip_prefix(' ').unwrap_or(""))
            .collect();
        let body = lines.iter().skip(1).skip_while(|l| l.is_empty());
        body.copied().collect::<Vec<_>>().join("\n")
    }

    /// One `**Name**:` section of the doc, joined onto one line.
    pub fn section(&self, name: &str) -> String {
        let marker = format!("**{name}**:");
        let mut text = Vec::new();
        let mut inside = false;
        for line in self.doc.lines().take_while(|l| l.starts_with("//!")) {
            let line = line.trim_start_matches("//!").trim();
            if let Some(rest) = line.strip_prefix(&marker) {
                inside = true;
                text.push(rest.trim());
            } else if line.starts_with("**") || line.is_empty() {
                inside = false;
            } else if inside {
                text.push(line);
            }
        }
        text.join(" ")
    }

    /// What the check finds and why that is dangerous.
    pub fn description(&self) -> String {
        format!("{} {}", self.section("What"), self.section("Why"))
    }

    /// How to fix it.
    pub fn remediation(&self) -> String {
        self.section("Fix")
    }

    /// A finding of a check that reports a hard-coded credential: `value`, the credential, is
    /// hidden in this snippet and in every other snippet of the file.
    pub fn credential_finding(
        &self,
        path: &str,
        line: u32,
        column: u32,
        text: &str,
        evidence: &str,
        value: &str,
    ) -> Finding {
        let mut finding = self.finding(path, line, column, text, evidence);
        if value.chars().count() >= 4 {
            finding.masked_values.push(value.to_string());
        }
        finding
    }

    /// A finding of this check on one line of `path`; `evidence` identifies it for the
    /// fingerprint (the offending instruction, not its line number).
    pub fn finding(
        &self,
        path: &str,
        line: u32,
        column: u32,
        text: &str,
        evidence: &str,
    ) -> Finding {
        let snippet: String = text.trim().chars().take(160).collect();
        Finding {
            rule_id: self.id.to_string(),
            category: Category::Config,
            severity: self.severity,
            confidence: self.confidence,
            title: self.title.to_string(),
            location: Location {
                path: path.to_string(),
                start_line: line,
                start_column: column,
                end_line: line,
                end_column: column + text.trim_end().chars().count().max(1) as u32,
            },
            snippet: crate::misconfig::redact_values(&snippet),
            remediation: self.remediation(),
            fingerprint: fingerprint(self.id, path, evidence.as_bytes()),
            secret: None,
            provenance: None,
            occurrences: Vec::new(),
            flow: Vec::new(),
            value_fingerprint: fingerprint(self.id, "", evidence.as_bytes()),
            masked_values: Vec::new(),
        }
    }
}

/// Secret-looking variable names (`DB_PASSWORD`, `API_TOKEN`), excluding names of files, paths,
/// URLs and ids (`API_TOKEN_FILE`).
pub fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|s| upper.contains(s))
        && ![
            "_FILE",
            "_FILENAME",
            "_PATH",
            "_DIR",
            "_URL",
            "_NAME",
            "_ID",
        ]
        .iter()
        .any(|s| upper.ends_with(s))
}

/// A literal value (not a reference such as `${VAR}` or `$(VAR)`, not empty) of some length.
pub fn literal(value: &str) -> bool {
    value.len() >= 4 && !value.contains('$') && !value.contains("{{") && value != "null"
}

/// Hides the value of a `NAME=value` (or `name: value`) pair whose name looks secret when that
/// value is a literal that can be a credential, so configuration snippets never carry one. What
/// the reader must see stays: references (`${{ secrets.DEPLOY_KEY }}`, `$DB_PASSWORD`,
/// `${TOKEN}`), empty values and keywords (`secrets: inherit`, `token: true`, `null`) are not
/// credentials. Values a check or the secret rules detected are masked in every snippet of the
/// file besides (see `Finding::masked_values`).
pub fn redact_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let secretish = [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "access_key",
        "private_key",
    ];
    if !secretish.iter().any(|w| lower.contains(w)) {
        return text.to_string();
    }
    match text.find('=').or_else(|| text.find(' ')) {
        Some(at) if at + 1 < text.len() => {
            let (head, tail) = text.split_at(at + 1);
            if !could_be_a_credential(tail) {
                return text.to_string();
            }
            let kept: String = tail.chars().take(2).collect();
            format!("{head}{kept}*****")
        }
        _ => text.to_string(),
    }
}

/// Whether the value part of a secret-named pair can hold a credential.
fn could_be_a_credential(value: &str) -> bool {
    const KEYWORDS: [&str; 12] = [
        "inherit", "true", "false", "null", "none", "nil", "yes", "no", "on", "off", "required",
        "optional",
    ];
    let value = value
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == ',');
    let lower = value.to_ascii_lowercase();
    !(value.is_empty()
        || value == "~"
        || value.starts_with('$')
        || value.contains("${")
        || value.contains("{{")
        || KEYWORDS.contains(&lower.as_str()))
}

fn is_yaml(path: &str) -> bool {
    path.ends_with(".yml") || path.ends_with(".yaml")
}

/// `docker-compose.yml`, `compose.yaml`, `docker-compose.prod.yml`, ...
fn is_compose_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    is_yaml(name) && (name.starts_with("docker-compose") || name.starts_with("compose."))
}

/// A YAML document declaring a workload or RBAC kind with an `apiVersion`.
fn is_kubernetes_manifest(content: &[u8]) -> bool {
    const KINDS: &[&str] = &[
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "ReplicaSet",
        "ReplicationController",
        "DeploymentConfig",
        "Role",
        "ClusterRole",
        "NetworkPolicy",
    ];
    let text = String::from_utf8_lossy(content);
    text.lines().any(|l| l.starts_with("apiVersion:"))
        && text.lines().any(|l| {
            yaml_lines::key_value(l, "kind")
                .is_some_and(|k| KINDS.contains(&k.trim_matches(|c| c == '"' || c == '\'')))
        })
}

/// Runs every configuration check on the files it understands.
pub struct ConfigAnalyzer;

impl Analyzer for ConfigAnalyzer {
    fn keywords(&self) -> Vec<Keyword> {
        app::keywords()
    }

    /// Dockerfiles, workflows, Terraform, Compose and other YAML, and the source and settings
    /// files the application checks read.
    fn reads(&self, path: &str) -> bool {
        dockerfile::is_dockerfile(path)
            || github_actions::is_workflow(path)
            || terraform::is_terraform(path)
            || is_yaml(path)
            || app::lang_of(path).is_some()
    }

    fn analyze(&self, file: &SourceFile<'_>, findings: &mut Vec<Finding>) {
        if dockerfile::is_dockerfile(file.path) {
            let text = String::from_utf8_lossy(file.content);
            let parsed = dockerfile::Dockerfile::parse(&text);
            for check in dockerfile::CHECKS {
                check.run(file.path, &parsed, findings);
            }
        } else if github_actions::is_workflow(file.path) {
            let text = String::from_utf8_lossy(file.content);
            let parsed = github_actions::Workflow::parse(&text);
            for check in github_actions::CHECKS {
                check.run(file.path, &parsed, findings);
            }
        } else if terraform::is_terraform(file.path) {
            if let Some(parsed) =
                terraform::TerraformFile::parse(&String::from_utf8_lossy(file.content))
            {
                for check in terraform::CHECKS {
                    check.run(file.path, &parsed, findings);
                }
            }
        } else if is_compose_file(file.path) {
            let parsed = compose::Manifest::parse(&String::from_utf8_lossy(file.content));
            for check in compose::CHECKS {
                check.run(file.path, &parsed, findings);
            }
        } else if is_yaml(file.path) && is_kubernetes_manifest(file.content) {
            let parsed = kubernetes::Manifest::parse(&String::from_utf8_lossy(file.content));
            for check in kubernetes::CHECKS {
                check.run(file.path, &parsed, findings);
            }
        }
        // Application settings apply to any source or config file, including YAML already
        // read above (a Spring `application.yml` is not a manifest, but a CI file may hold
        // `insecure_skip_verify: true`).
        app::run_all(file.path, file.content, file.keyword_hits, findings);
    }

    /// Checks that need several files: Kubernetes pods against the NetworkPolicies of every
    /// scanned manifest.
    fn analyze_project(&self, project: &Project<'_>, findings: &mut Vec<Finding>) {
        /// Manifests larger than this are not read again for the project phase.
        const MAX_MANIFEST: u64 = 8 << 20;
        let mut manifests = Vec::new();
        for path in project.files.iter().filter(|p| is_yaml(p)) {
            let full = project.root.join(path);
            let small = std::fs::symlink_metadata(&full)
                .is_ok_and(|m| m.is_file() && m.len() <= MAX_MANIFEST);
            let Some(content) = small.then(|| std::fs::read(&full).ok()).flatten() else {
                continue;
            };
            if is_kubernetes_manifest(&content) {
                let parsed = kubernetes::Manifest::parse(&String::from_utf8_lossy(&content));
                manifests.push((path.clone(), parsed));
            }
        }
        kubernetes::network_policy_missing::run(&manifests, findings);
    }

    fn unreadable(&self, file: &SourceFile<'_>) -> Option<String> {
        if is_yaml(file.path) && is_kubernetes_manifest(file.content) {
            // Line checks ran on the whole file and tree checks on the documents that parse.
            let text = String::from_utf8_lossy(file.content);
            let (documents, error) = yaml_tree::parse_lenient(&text);
            return error.map(|error| match documents.len() {
                0 => format!("not valid YAML: {error}; only line checks were run"),
                n => {
                    format!("not valid YAML: {error}; the documents that parse were checked ({n})")
                }
            });
        }
        if !terraform::is_terraform(file.path) {
            return None;
        }
        // The blocks that parse are still checked (see `TerraformFile::parse`): the file is
        // listed with the parser's reason either way, so nothing is left out silently.
        let text = String::from_utf8_lossy(file.content);
        let error = terraform::parse_error(&text)?;
        Some(match terraform::TerraformFile::parse(&text) {
            Some(_) => {
                format!("not valid Terraform (HCL): {error}; the blocks that parse were checked")
            }
            None => format!("not valid Terraform (HCL): {error}"),
        })
    }

    fn rules(&self) -> Vec<RuleInfo> {
        let docker = dockerfile::CHECKS.iter().map(|c| c.meta().info());
        let actions = github_actions::CHECKS.iter().map(|c| c.meta().info());
        let compose = compose::CHECKS.iter().map(|c| c.meta().info());
        let kubernetes = kubernetes::CHECKS.iter().map(|c| c.meta().info());
        let terraform = terraform::CHECKS.iter().map(|c| c.meta().info());
        let app = app::CHECKS.iter().map(|c| c.meta().info());
        let project = std::iter::once(kubernetes::network_policy_missing::META.info());
        docker
            .chain(actions)
            .chain(compose)
            .chain(kubernetes)
            .chain(terraform)
            .chain(app)
            .chain(project)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::redact_values;

    #[test]
    fn literal_values_under_secret_names_are_hidden_references_and_keywords_are_not() {
        for hidden in [
            "PASSWORD=hunter2hunter2",
            "db_password: 'Sup3r-Secret'",
            "API_TOKEN abcdef0123456789",
        ] {
            assert!(redact_values(hidden).ends_with("*****"), "{hidden}");
        }
        for shown in [
            "secrets: inherit",
            "github_token: ${{ secrets.GITHUB_TOKEN }}",
            "PASSWORD=$DB_PASSWORD",
            "token: ${TOKEN}",
            "enable_token: true",
            "password: ~",
            "secret: \"\"",
            "runs-on: ubuntu-latest",
        ] {
            assert_eq!(redact_values(shown), shown);
        }
    }
}
