//! Dockerfile parsing (continuations, heredocs, multi-stage builds) and the Dockerfile checks,
//! one module each.

mod add_instead_of_copy;
mod add_url;
mod apt_recommends;
mod apt_without_yes;
mod chpasswd;
mod consecutive_run;
mod curl_pipe_shell;
mod missing_healthcheck;
mod missing_pipefail;
mod pip_cache;
mod root_user;
mod secret_in_env;
mod signature_bypass;
mod ssh_port;
mod sudo;
mod tls_disabled;
mod unpinned_base;
mod unpinned_packages;
mod user_not_numeric;
mod wget_progress;

pub use super::Check;
use std::collections::HashMap;

/// Every Dockerfile check.
pub static CHECKS: &[&dyn Check<Dockerfile>] = &[
    &root_user::RootUser,
    &unpinned_base::UnpinnedBase,
    &add_url::AddUrl,
    &curl_pipe_shell::CurlPipeShell,
    &secret_in_env::SecretInEnv,
    &tls_disabled::TlsDisabled,
    &signature_bypass::SignatureBypass,
    &sudo::Sudo,
    &ssh_port::SshPort,
    &chpasswd::Chpasswd,
    &missing_pipefail::MissingPipefail,
    &unpinned_packages::UnpinnedPackages,
    &apt_recommends::AptRecommends,
    &apt_without_yes::AptWithoutYes,
    &pip_cache::PipCache,
    &consecutive_run::ConsecutiveRun,
    &missing_healthcheck::MissingHealthcheck,
    &wget_progress::WgetProgress,
    &user_not_numeric::UserNotNumeric,
    &add_instead_of_copy::AddInsteadOfCopy,
];

/// Whether `path` names a Dockerfile (`Dockerfile`, `Dockerfile.prod`, `app.dockerfile`,
/// `Containerfile`).
pub fn is_dockerfile(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name == "dockerfile"
        || name == "containerfile"
        || name.starts_with("dockerfile.")
        || name.ends_with(".dockerfile")
}

/// One instruction with its arguments (continuation lines joined, heredoc bodies appended).
#[derive(Debug, Clone)]
pub struct Instruction {
    pub keyword: String,
    pub args: String,
    /// 1-based line of the keyword.
    pub line: u32,
    /// 1-based column of the keyword.
    pub column: u32,
    /// The instruction's first source line, for snippets.
    pub text: String,
    /// Index of the build stage this instruction belongs to.
    pub stage: usize,
}

/// A build stage (`FROM image [AS name]`).
#[derive(Debug, Clone)]
pub struct Stage {
    pub image: String,
    pub alias: Option<String>,
    /// Index of its FROM instruction.
    pub from: usize,
}

#[derive(Debug, Default)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    pub fn parse(text: &str) -> Dockerfile {
        let lines: Vec<&str> = text.lines().collect();
        let mut file = Dockerfile::default();
        let mut i = 0;
        while i < lines.len() {
            let raw = lines[i];
            let trimmed = raw.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                i += 1;
                continue;
            }
            let start = i;
            let column = (raw.len() - trimmed.len()) as u32 + 1;
            let mut args = String::new();
            let mut current = trimmed.to_string();
            // Join continuation lines (comments inside continuations are dropped, as Docker does).
            while current.trim_end().ends_with('\\') && i + 1 < lines.len() {
                let cut = current.trim_end().trim_end_matches('\\').to_string();
                args.push_str(&cut);
                args.push(' ');
                i += 1;
                current = lines[i].to_string();
                if current.trim_start().starts_with('#') {
                    current = "\\".to_string();
                }
            }
            args.push_str(current.trim_end().trim_end_matches('\\'));
            i += 1;
            let (keyword, rest) = match args.trim_start().split_once(char::is_whitespace) {
                Some((k, r)) => (k.to_ascii_uppercase(), r.trim().to_string()),
                None => (args.trim().to_ascii_uppercase(), String::new()),
            };
            let mut rest = rest;
            // Heredocs: `RUN <<EOF` ... `EOF` (also `<<-EOF`, quoted delimiters).
            for delimiter in heredoc_delimiters(&rest) {
                while i < lines.len() {
                    let body = lines[i];
                    i += 1;
                    if body.trim() == delimiter {
                        break;
                    }
                    rest.push('\n');
                    rest.push_str(body);
                }
            }
            if keyword == "FROM" {
                let mut words = rest.split_whitespace().filter(|w| !w.starts_with("--"));
                let image = words.next().unwrap_or_default().to_string();
                let alias = match (words.next(), words.next()) {
                    (Some(as_kw), Some(name)) if as_kw.eq_ignore_ascii_case("as") => {
                        Some(name.to_string())
                    }
                    _ => None,
                };
                file.stages.push(Stage {
                    image,
                    alias,
                    from: file.instructions.len(),
                });
            }
            file.instructions.push(Instruction {
                keyword,
                args: rest,
                line: start as u32 + 1,
                column,
                text: raw.to_string(),
                stage: file.stages.len().saturating_sub(1),
            });
        }
        file
    }

    /// Instructions of the final stage.
    pub fn final_stage(&self) -> impl Iterator<Item = &Instruction> {
        let last = self.stages.len().saturating_sub(1);
        self.instructions
            .iter()
            .filter(move |i| i.stage == last && !self.stages.is_empty())
    }
}

fn heredoc_delimiters(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(at) = rest.find("<<") {
        let after = rest[at + 2..].trim_start_matches('-');
        let word: String = after
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '|' && *c != ';')
            .collect();
        let word = word.trim_matches(|c| c == '"' || c == '\'').to_string();
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(word);
        }
        rest = &rest[at + 2..];
    }
    out
}

/// Splits shell text into simple commands at `&&`, `||`, `;`, newlines and pipes outside
/// quotes, keeping the pipe information: returns (command, piped into the next one).
pub fn shell_commands(script: &str) -> Vec<(String, bool)> {
    let mut commands = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = script.chars().collect();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match (quote, c, next) {
            // A backslash keeps the next character (outside single quotes).
            (q, '\\', Some(n)) if q != Some('\'') => {
                current.push(c);
                current.push(n);
                i += 2;
                continue;
            }
            (None, '"' | '\'', _) => {
                quote = Some(c);
                current.push(c);
            }
            (Some(q), c, _) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), c, _) => current.push(c),
            (None, '&', Some('&')) | (None, '|', Some('|')) => {
                commands.push((std::mem::take(&mut current), false));
                i += 2;
                continue;
            }
            (None, '|', _) => commands.push((std::mem::take(&mut current), true)),
            (None, ';' | '\n', _) => commands.push((std::mem::take(&mut current), false)),
            (None, c, _) => current.push(c),
        }
        i += 1;
    }
    commands.push((current, false));
    commands
        .into_iter()
        .map(|(c, piped)| (c.trim().to_string(), piped))
        .filter(|(c, _)| !c.is_empty())
        .collect()
}

/// `text` with `$NAME` / `${NAME}` replaced by their defaults; `None` when one has none.
pub fn substitute(text: &str, defaults: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = match after.strip_prefix('{') {
            Some(braced) => {
                let end = braced.find('}')?;
                (&braced[..end], &braced[end + 1..])
            }
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        out.push_str(defaults.get(name)?);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// The `NAME=value` pairs of an `ENV` or `ARG` instruction, values unquoted: `A=1 B="x y"`,
/// the legacy `ENV NAME value with spaces`, and `ARG NAME` (an empty value).
pub fn assignments(args: &str) -> Vec<(String, String)> {
    let words = quoted_words(args);
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if !first.contains('=') {
        // `ENV NAME value…` (legacy form) or `ARG NAME`.
        let value = words[1..].join(" ");
        return vec![(first.clone(), value)];
    }
    words
        .iter()
        .filter_map(|w| w.split_once('='))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Splits on whitespace outside quotes and drops the quotes: `A="x y" B='z'` → `A=x y`, `B=z`.
fn quoted_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            (_, c) => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(current);
    }
    words
}

/// The program of a simple command and its arguments (quotes dropped), skipping `VAR=value`
/// prefixes, `env` and `sudo`: `sudo apt-get install -y git` → (`apt-get`, [`install`, `-y`,
/// `git`]).
pub fn command_words(command: &str) -> (String, Vec<String>) {
    let words = quoted_words(command);
    let mut rest = words
        .into_iter()
        .skip_while(|w| w.contains('=') || w == "env" || w == "sudo");
    let program = rest
        .next()
        .map(|w| w.rsplit('/').next().unwrap_or(&w).to_string())
        .unwrap_or_default();
    (program, rest.collect())
}

/// The `RUN` commands of a Dockerfile that run `program` with `subcommand` (e.g. `apt-get
/// install`, `pip install`), with their instruction and arguments after the subcommand.
pub fn runs_of<'a>(
    file: &'a Dockerfile,
    programs: &'a [&'a str],
    subcommand: &'a str,
) -> impl Iterator<Item = (&'a Instruction, String, Vec<String>)> + 'a {
    file.instructions
        .iter()
        .filter(|i| i.keyword == "RUN")
        .flat_map(move |instruction| {
            shell_commands(&instruction.args)
                .into_iter()
                .filter_map(move |(command, _)| {
                    let (program, args) = command_words(&command);
                    if !programs.contains(&program.as_str()) {
                        return None;
                    }
                    // `python -m pip install`: the module is the program.
                    let args = match args.as_slice() {
                        [m, module, rest @ ..] if m == "-m" => {
                            if !programs.contains(&module.as_str()) {
                                return None;
                            }
                            rest.to_vec()
                        }
                        _ => args,
                    };
                    let at = args.iter().position(|a| a == subcommand)?;
                    // Options before the subcommand belong to the program (`apt-get -y install`).
                    let mut all = args[..at].to_vec();
                    all.extend_from_slice(&args[at + 1..]);
                    Some((instruction, program, all))
                })
        })
}

/// The program name of a simple command, skipping `VAR=value` prefixes and `sudo`/`env`.
pub fn program(command: &str) -> &str {
    command
        .split_whitespace()
        .find(|w| !w.contains('=') && *w != "env")
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_and_arg_forms() {
        let pairs = |args: &str| -> Vec<(String, String)> { assignments(args) };
        let owned = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(
            pairs("A=1 B=\"x y\" C='z'"),
            owned(&[("A", "1"), ("B", "x y"), ("C", "z")])
        );
        assert_eq!(pairs("NAME some value"), owned(&[("NAME", "some value")]));
        assert_eq!(pairs("VERSION"), owned(&[("VERSION", "")]));
        assert_eq!(pairs("PATH=/a\\ b:/c"), owned(&[("PATH", "/a b:/c")]));
    }

    #[test]
    fn parses_stages_continuations_and_heredocs() {
        let text = "# syntax=docker/dockerfile:1\nFROM golang:1.22 AS build\nRUN go build \\\n  # a comment\n  -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\nRUN <<EOF\napk add curl\ncurl -k https://x | sh\nEOF\nUSER app\n";
        let file = Dockerfile::parse(text);
        assert_eq!(file.stages.len(), 2);
        assert_eq!(file.stages[0].alias.as_deref(), Some("build"));
        assert_eq!(file.stages[1].image, "alpine:3.20");
        let run = &file.instructions[1];
        assert_eq!(run.keyword, "RUN");
        assert_eq!(run.line, 3);
        assert!(run.args.contains("-o /app ."), "{}", run.args);
        let heredoc = &file.instructions[4];
        assert!(heredoc.args.contains("curl -k https://x | sh"));
        assert_eq!(file.instructions[5].keyword, "USER");
        assert_eq!(file.instructions[5].line, 12);
        assert_eq!(file.final_stage().count(), 4);
    }

    #[test]
    fn shell_splitting() {
        let cmds = shell_commands("apt-get update && curl -fsSL x | bash; echo ok");
        assert_eq!(cmds[1], ("curl -fsSL x".to_string(), true));
        assert_eq!(cmds[2], ("bash".to_string(), false));
        assert_eq!(
            program("DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install x"),
            "apt-get"
        );
    }
}
