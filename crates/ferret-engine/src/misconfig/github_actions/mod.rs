//! GitHub Actions workflows (`.github/workflows/*.yml`) and composite actions (`action.yml`):
//! a line-oriented model that finds `run:`/`script:` bodies and `uses:` references with exact
//! lines and columns, the positioned YAML tree for structure (jobs, steps, `with:` inputs,
//! settings that are missing), and the checks, one module each.

mod adhoc_packages;
mod anonymous_definition;
mod archived_action;
mod artipacked;
mod bot_condition;
mod cache_poisoning;
mod concurrency_limits;
mod container_credentials;
mod dangerous_trigger;
mod default_permissions;
mod dependabot_cooldown;
mod expression;
mod github_app_token;
mod github_env;
mod insecure_commands;
mod obfuscation;
mod read_all_permissions;
mod secrets_exposure;
mod secrets_inherit;
mod secrets_outside_environment;
mod self_hosted_pr;
mod self_repository;
mod superfluous_action;
mod template_injection;
mod trusted_publishing;
mod typosquatted_action;
mod undocumented_permissions;
mod unpinned_tool;
mod unpinned_uses;
mod unsound_condition;
mod unsound_contains;
mod workflow_write_permission;
mod write_all_permissions;

pub use super::yaml_lines::{column_of, key_value, Line};
pub use super::yaml_tree::{Node, Pos};

pub use super::Check;

/// Every GitHub Actions check.
pub static CHECKS: &[&dyn Check<Workflow>] = &[
    &template_injection::TemplateInjection,
    &unpinned_uses::UnpinnedUses,
    &dangerous_trigger::DangerousTrigger,
    &write_all_permissions::WriteAllPermissions,
    &read_all_permissions::ReadAllPermissions,
    &secrets_inherit::SecretsInherit,
    &insecure_commands::InsecureCommands,
    &self_hosted_pr::SelfHostedPr,
    &container_credentials::ContainerCredentials,
    &bot_condition::BotCondition,
    &artipacked::Artipacked,
    &cache_poisoning::CachePoisoning,
    &github_env::GithubEnv,
    &obfuscation::Obfuscation,
    &default_permissions::DefaultPermissions,
    &unsound_condition::UnsoundCondition,
    &unsound_contains::UnsoundContains,
    &trusted_publishing::TrustedPublishing,
    &adhoc_packages::AdhocPackages,
    &self_repository::SelfRepository,
    &archived_action::ArchivedAction,
    &github_app_token::GithubAppToken,
    &unpinned_tool::UnpinnedTool,
    &secrets_exposure::SecretsExposure,
    &dependabot_cooldown::DependabotCooldown,
    &workflow_write_permission::WorkflowWritePermission,
    &typosquatted_action::TyposquattedAction,
    &superfluous_action::SuperfluousAction,
    &concurrency_limits::ConcurrencyLimits,
    &anonymous_definition::AnonymousDefinition,
    &undocumented_permissions::UndocumentedPermissions,
    &secrets_outside_environment::SecretsOutsideEnvironment,
];

/// Events whose workflows run with a write token and secrets on data an outsider controls.
pub const PRIVILEGED_TRIGGERS: &[&str] = &[
    "pull_request_target",
    "workflow_run",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
    "pull_request_review",
    "pull_request_review_comment",
];

/// Whether `path` is a workflow, an action definition or Dependabot's configuration.
pub fn is_workflow(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    (yaml && path.contains(".github/workflows/"))
        || name == "action.yml"
        || name == "action.yaml"
        || dependabot_cooldown::is_dependabot(path)
}

/// Code that runs: a `run:`, `script:`, `inlineScript:` or `cmd:` value, line by line.
#[derive(Debug, Clone)]
pub struct CodeLine {
    pub line: Line,
    /// The key that introduced it (`run`, `script`, `inlineScript`, `cmd`).
    pub key: &'static str,
}

#[derive(Debug, Default)]
pub struct Workflow {
    pub lines: Vec<Line>,
    pub code: Vec<CodeLine>,
    /// The parsed document (None when the YAML is invalid).
    pub root: Option<Node>,
}

/// A step, the job it belongs to, and where its `uses:` is.
pub struct Step<'a> {
    pub job: &'a str,
    pub node: &'a Node,
}

impl<'a> Step<'a> {
    /// The `uses:` reference, if any.
    pub fn uses(&self) -> Option<&'a str> {
        self.node.get("uses").and_then(Node::as_str)
    }
    /// An input under `with:`.
    pub fn input(&self, key: &str) -> Option<&'a Node> {
        self.node.path(&["with", key])
    }
    /// An input's value with constant expressions folded: `${{ false }}` reads as `false`,
    /// `${{ format('{0}', 'x') }}` as `x`. `None` when absent or not a scalar.
    pub fn input_text(&self, key: &str) -> Option<String> {
        let raw = self.input(key)?.as_str()?;
        let whole = raw
            .trim()
            .strip_prefix("${{")
            .and_then(|rest| rest.strip_suffix("}}"))
            .filter(|inner| !inner.contains("${{"));
        match whole
            .and_then(expression::parse)
            .as_ref()
            .map(expression::fold)
        {
            Some(Some(constant)) => Some(constant.text()),
            _ => Some(raw.to_string()),
        }
    }
    /// An input read as a boolean (`true`/`false` in any YAML spelling, or folded).
    pub fn input_bool(&self, key: &str) -> Option<bool> {
        match self.input_text(key)?.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }
    /// Where to report the step: its `uses:` key, else the step.
    pub fn pos(&self) -> Pos {
        self.node
            .entry("uses")
            .map(|(k, _)| k.pos)
            .unwrap_or(self.node.pos)
    }
    /// `actions/checkout@v4` is `uses_action("actions/checkout")`.
    pub fn uses_action(&self, action: &str) -> bool {
        self.uses()
            .and_then(|u| u.split_once('@'))
            .is_some_and(|(name, _)| name.eq_ignore_ascii_case(action))
    }
}

impl Workflow {
    /// The source line `number` (1-based), for snippets; empty when out of range.
    pub fn line_text(&self, number: u32) -> &str {
        self.lines
            .get((number as usize).wrapping_sub(1))
            .map(|l| l.text.as_str())
            .unwrap_or("")
    }

    /// Jobs by id with their key's position (empty for composite actions).
    pub fn jobs(&self) -> Vec<(&Node, &Node)> {
        match self.root.as_ref().and_then(|r| r.get("jobs")) {
            Some(Node {
                value: super::yaml_tree::Value::Map(entries),
                ..
            }) => entries.iter().map(|(k, v)| (k, v)).collect(),
            _ => Vec::new(),
        }
    }

    /// Every job and every step: the places a `uses:` or an `if:` can stand.
    pub fn jobs_and_steps(&self) -> Vec<&Node> {
        let jobs = self.jobs().into_iter().map(|(_, job)| job);
        let steps = self.steps().into_iter().map(|s| s.node);
        jobs.chain(steps).collect()
    }

    /// Every `uses:` of a job or step: the key's position and the trimmed reference.
    pub fn uses_references(&self) -> Vec<(Pos, &str)> {
        self.jobs_and_steps()
            .into_iter()
            .filter_map(|owner| owner.entry("uses"))
            .filter_map(|(key, value)| Some((key.pos, value.as_str()?.trim())))
            .collect()
    }

    /// Every step of every job, and of a composite action's `runs.steps`.
    pub fn steps(&self) -> Vec<Step<'_>> {
        let mut steps = Vec::new();
        for (key, job) in self.jobs() {
            let id = key.as_str().unwrap_or("");
            for node in job.get("steps").map(Node::items).unwrap_or(&[]) {
                steps.push(Step { job: id, node });
            }
        }
        if let Some(runs) = self.root.as_ref().and_then(|r| r.path(&["runs", "steps"])) {
            for node in runs.items() {
                steps.push(Step { job: "", node });
            }
        }
        steps
    }

    /// Does any trigger of the workflow run with privileges on outsiders' data?
    pub fn privileged(&self) -> bool {
        self.triggers()
            .iter()
            .any(|t| PRIVILEGED_TRIGGERS.contains(&t.as_str()))
    }

    /// Event names under the top-level `on:` key (`on: push`, `on: [a, b]` or a mapping).
    pub fn triggers(&self) -> Vec<String> {
        let mut triggers = Vec::new();
        let mut inside = false;
        for line in &self.lines {
            let text = line.text.trim_end();
            if text.trim().is_empty() || text.trim_start().starts_with('#') {
                continue;
            }
            if line.indent == 0 {
                inside = false;
                let value = key_value(text, "on")
                    .or_else(|| key_value(text, "\"on\""))
                    .or_else(|| key_value(text, "'on'"));
                if let Some(value) = value {
                    inside = value.is_empty();
                    let list = value.trim_matches(|c| c == '[' || c == ']');
                    triggers.extend(
                        list.split(',')
                            .map(|t| t.trim().to_string())
                            .filter(|t| !t.is_empty()),
                    );
                }
                continue;
            }
            if inside && line.indent <= 2 {
                let word = text
                    .trim()
                    .trim_start_matches("- ")
                    .split(':')
                    .next()
                    .unwrap_or("")
                    .trim();
                if !word.is_empty() {
                    triggers.push(word.to_string());
                }
            }
        }
        triggers
    }

    /// Whether a `permissions:` at `line` is the workflow-level block and every job sets its
    /// own, so it applies to no job.
    pub fn permissions_overridden(&self, line: &Line) -> bool {
        let jobs = self.jobs();
        line.indent == 0
            && !jobs.is_empty()
            && jobs.iter().all(|(_, job)| job.get("permissions").is_some())
    }

    /// Lines that set `permissions: <shorthand>` (`read-all`, `write-all`) where it applies to
    /// some job.
    pub fn permissions_shorthand<'a>(
        &'a self,
        shorthand: &'a str,
    ) -> impl Iterator<Item = &'a Line> + 'a {
        self.values("permissions")
            .filter(move |(_, value)| value.trim_matches(|c| c == '"' || c == '\'') == shorthand)
            .map(|(line, _)| line)
            .filter(|line| !self.permissions_overridden(line))
    }

    /// Non-comment lines with their values for `key`.
    pub fn values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = (&'a Line, &'a str)> + 'a {
        super::yaml_lines::values(&self.lines, key)
    }

    pub fn parse(text: &str) -> Workflow {
        let lines = super::yaml_lines::lines(text);
        let mut code = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let line = &lines[i];
            // `run:` (steps, and inputs of docker-run actions), `script:` (github-script and
            // SSH actions), and action inputs that are executed as code: `inlineScript:`
            // (azure/cli, azure/powershell) and `cmd:` (mikefarah/yq).
            let key = ["run", "script", "inlineScript", "cmd"]
                .into_iter()
                .find(|k| key_value(&line.text, k).is_some());
            let Some(key) = key else {
                i += 1;
                continue;
            };
            let value = key_value(&line.text, key).unwrap_or("");
            code.push(CodeLine {
                line: line.clone(),
                key,
            });
            i += 1;
            if value.starts_with('|') || value.starts_with('>') {
                // A block scalar: every following line indented deeper (or blank) belongs to it.
                let key_indent =
                    line.text.len() - line.text.trim_start().trim_start_matches("- ").len();
                while i < lines.len()
                    && (lines[i].text.trim().is_empty() || lines[i].indent > key_indent)
                {
                    code.push(CodeLine {
                        line: lines[i].clone(),
                        key,
                    });
                    i += 1;
                }
            }
        }
        Workflow {
            lines,
            code,
            root: super::yaml_tree::parse(text)
                .ok()
                .and_then(|docs| docs.into_iter().next()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_run_blocks() {
        let text = "jobs:\n  a:\n    steps:\n      - run: echo one\n      - name: two\n        run: |\n          echo two\n          echo three\n      - uses: x/y@v1\n";
        let w = Workflow::parse(text);
        let numbers: Vec<u32> = w.code.iter().map(|c| c.line.number).collect();
        assert_eq!(numbers, vec![4, 6, 7, 8]);
        assert!(is_workflow(".github/workflows/ci.yml"));
        assert!(is_workflow("tools/action.yml"));
        assert!(!is_workflow("config/ci.yml"));
    }
}
