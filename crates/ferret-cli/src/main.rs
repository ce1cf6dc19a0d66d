//! The `ferret` binary: argument parsing and wiring only. Scanning lives in `ferret-engine`,
//! rendering in `ferret-report`.
//!
//! Exit codes: 0 = no findings at or above `--fail-on`, 1 = findings, 2 = usage or runtime error.

mod deps_cmd;
mod progress;
mod server_cmd;
mod upload;

/// mimalloc: the scanner's worker threads and the server's request handlers allocate many small,
/// short-lived buffers, where glibc's arena locks showed up as the top cost in profiles.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{anyhow, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use ferret_core::terminal::escape;
use ferret_core::{Confidence, Severity};
use ferret_engine::selection::RuleFilter;
use ferret_engine::source::history::{ChangeSet, CommitSelection};
use ferret_engine::source::tree::{Progress, SkipReason};
use ferret_engine::{Baseline, Config, ScanReport, ScanSettings, Scanner};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ferret",
    version,
    about = "Find leaked secrets and risky code before an audit does."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan a directory, a file, standard input (-) or a remote repository for leaked secrets,
    /// risky configuration (CI workflows, Dockerfiles, Kubernetes, Terraform, app settings),
    /// insecure code and known-vulnerable dependencies.
    Scan(ScanArgs),
    /// Manage baselines of accepted findings.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// List and describe the detection rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Known-vulnerable dependencies: the lockfile inventory of a tree.
    #[command(subcommand)]
    Deps(deps_cmd::DepsCommand),
    /// The offline OSV advisory database: update, import, status.
    #[command(subcommand)]
    Db(deps_cmd::DbCommand),
    /// Run the Ferret server (API for accounts, workspaces, tokens and uploaded findings).
    Serve(server_cmd::ServeArgs),
    /// Run a hosted-scan worker: take scan jobs from the server's database (PostgreSQL, shared
    /// by any number of workers) and scan them in the sandbox.
    Worker(server_cmd::WorkerArgs),
    /// Server administration (audit log verification and export).
    #[command(subcommand)]
    Admin(server_cmd::AdminCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Internal: the sandboxed worker of a remote scan (see the ferret-runner crate).
    #[command(name = "__sandbox-scan", hide = true)]
    SandboxScan,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Sarif,
    /// GitHub Actions annotations (`::error file=…,line=…::…`).
    Github,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct CommonScanArgs {
    /// Directory or file to scan, `-` for standard input, or a remote repository URL
    /// (https://host/org/repo).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Configuration file (default: PATH/.ferret.toml if present).
    #[arg(short, long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore PATH/.ferret.toml: built-in rules and defaults only.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
    /// Skip files larger than this many bytes (default 10485760, or the config's max_file_size).
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// Worker threads (default: all cores; at most 64).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Scan every blob in the git history of PATH (all refs, or --branch) instead of the files.
    #[arg(long)]
    history: bool,
    /// With --history: only commits reachable from REF, or in the range A..B.
    #[arg(long, value_name = "REF", requires = "history")]
    branch: Option<String>,
    /// With --history: list every commit that contains each finding, not only the one that
    /// introduced it.
    #[arg(long, requires = "history")]
    all_provenance: bool,
    /// Scan only what is staged for the next commit and not already there (pre-commit).
    #[arg(long, conflicts_with_all = ["history", "diff"])]
    staged: bool,
    /// Scan only what HEAD introduces since BASE (pull requests); see the README for what
    /// counts as introduced.
    #[arg(long, value_name = "BASE", conflicts_with = "history")]
    diff: Option<String>,
    /// Remote repositories: the branch or tag to scan (default: the default branch).
    #[arg(long = "ref", value_name = "REF")]
    reference: Option<String>,
    /// Remote repositories: environment variable holding an access token.
    #[arg(long, value_name = "NAME", default_value = ferret_runner::DEFAULT_TOKEN_ENV)]
    token_env: String,
    /// Remote repositories: give up (and delete the clone) after this many seconds in total.
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<u64>,
    /// Remote repositories: give up if cloning takes longer than this many seconds.
    #[arg(long, value_name = "SECONDS")]
    clone_timeout: Option<u64>,
    /// Run only these analyzers (secrets, config), rule ids or rule-id prefixes ending in *
    /// (comma-separated or repeated), e.g. `--select secrets` in pre-commit.
    #[arg(long, value_name = "SELECTORS", value_delimiter = ',')]
    select: Vec<String>,
    /// Never run these analyzers, rule ids or prefixes (wins over --select).
    #[arg(long, value_name = "SELECTORS", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Report only findings of at least this confidence (low, medium, high).
    #[arg(long, value_name = "LEVEL", value_parser = parse_confidence)]
    min_confidence: Option<Confidence>,
    /// Report only findings of at least this severity (info, low, medium, high, critical).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    min_severity: Option<Severity>,
    /// The OSV database folder dependencies are matched against (default: see `ferret db
    /// status`).
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
}

impl CommonScanArgs {
    fn filter(&self) -> RuleFilter {
        RuleFilter {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            min_confidence: self.min_confidence,
            min_severity: self.min_severity,
        }
    }
}

#[derive(Args)]
struct ScanArgs {
    #[command(flatten)]
    common: CommonScanArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Report only findings whose fingerprint is not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Always exit 0 when the scan ran, whatever it found (report without failing).
    #[arg(long)]
    exit_zero: bool,
    /// Exit 1 only for findings of at least this severity.
    #[arg(long, value_name = "SEVERITY", default_value = "info", value_parser = parse_severity)]
    fail_on: Severity,
    /// Include raw secret values in the report (redacted by default).
    #[arg(long)]
    show_secrets: bool,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// List every skipped file (binary, too large, unreadable) on standard error.
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
    /// Print findings only: no summary line, no warnings (errors still go to standard error).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    upload: upload::UploadArgs,
}

#[derive(Subcommand)]
enum BaselineCommand {
    /// Scan and record every current finding as accepted.
    Create {
        #[command(flatten)]
        common: CommonScanArgs,
        /// Where to write the baseline.
        #[arg(
            short,
            long,
            value_name = "FILE",
            default_value = ".ferret-baseline.json"
        )]
        output: PathBuf,
        /// Replace an existing baseline file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List every rule.
    List {
        /// Output format (human or json).
        #[arg(short, long, value_enum, default_value = "human")]
        format: Format,
        /// Configuration file whose custom/disabled rules to apply (default: ./.ferret.toml).
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Show one rule in full.
    Show {
        /// Rule id, as listed by `ferret rules list`.
        id: String,
        /// Configuration file whose custom rules to include (default: ./.ferret.toml).
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse::<Severity>().map_err(|e| e.to_string())
}

fn parse_confidence(text: &str) -> Result<Confidence, String> {
    text.parse::<Confidence>().map_err(|e| e.to_string())
}

/// Scans allocate and free many file-sized buffers; with transparent huge pages the allocator's
/// freed memory stays resident in 2 MiB pieces (a history scan peaked at 291 MiB with them,
/// 249 MiB without, at the same speed). Best effort: an older kernel keeps its default.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Scan(_) | Command::Baseline(_)) {
        without_huge_pages();
    }
    let outcome = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Baseline(BaselineCommand::Create {
            common,
            output,
            force,
        }) => run_baseline_create(common, &output, force),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "ferret", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules(RulesCommand::List { format, config }) => {
            run_rules_list(format, config.as_deref())
        }
        Command::Rules(RulesCommand::Show { id, config }) => run_rules_show(&id, config.as_deref()),
        Command::Deps(command) => deps_cmd::run_deps(command),
        Command::Db(command) => deps_cmd::run_db(command),
        Command::Serve(args) => server_cmd::run_serve(args),
        Command::Worker(args) => server_cmd::run_worker(args),
        Command::Admin(command) => server_cmd::run_admin(command),
        Command::SandboxScan => run_sandbox_worker(),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            let message = format!("{err:#}").replace('\n', " ");
            eprintln!("ferret: error: {}", escape(&message));
            ExitCode::from(2)
        }
    }
}

/// `ferret __sandbox-scan`: the worker half of a remote scan; prints the report as JSON.
fn run_sandbox_worker() -> Result<ExitCode> {
    let (report, partial_landlock) = ferret_runner::worker()?;
    if partial_landlock {
        eprintln!("ferret: warning: the kernel enforces Landlock only partially");
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}

/// `--threads` above this is taken as this: more walker threads than this only add contention
/// (and tens of thousands would exhaust the process).
const MAX_THREADS: usize = 64;

/// Scans `common.path` with the config and settings it names.
fn scan(common: &CommonScanArgs, show_secrets: bool) -> Result<(ScanReport, Scanner)> {
    let root = &common.path;
    if ferret_runner::is_remote(root) {
        let request = ferret_runner::RemoteScan {
            url: root.to_string_lossy().into_owned(),
            reference: common.reference.clone(),
            history: common.history,
            introduced_only: false,
            branch: common.branch.clone(),
            all_provenance: common.all_provenance,
            token_env: common.token_env.clone(),
            // Read by the worker from `token_env` in the environment it inherits.
            token: None,
            cancel: None,
            clone_timeout: common.clone_timeout,
            timeout: common.timeout,
            max_file_size: common.max_file_size,
            show_secrets,
        };
        let exe = std::env::current_exe().context("cannot find the ferret executable")?;
        let (mut report, notes) = ferret_runner::scan(&request, &exe)?;
        if notes.weak_isolation {
            eprintln!(
                "ferret: warning: Linux namespaces are unavailable; the clone lives in a private temporary directory (weaker: a killed scan can leave it until the next run)"
            );
        }
        // Rule metadata for reports, and the selection, come from the local configuration.
        let config = Config::discover(Path::new("."), common.config.as_deref())?;
        let filter = common.filter();
        let scanner = Scanner::new(
            Path::new("."),
            &config,
            &ScanSettings {
                filter: filter.clone(),
                ..ScanSettings::default()
            },
        )?;
        // The sandbox has no advisory database: its inventory is matched here.
        if filter.runs_dependencies() && !notes.lockfiles.is_empty() {
            let dependencies = ferret_engine::deps::DependencyAnalyzer::new(
                notes.dependencies.clone(),
                common.db.clone(),
            );
            report
                .findings
                .extend(dependencies.findings_for_inventory(&notes.lockfiles));
            for note in dependencies.scan_notes() {
                eprintln!("ferret: {}", escape(&note));
            }
        }
        report.findings.retain(|f| filter.reports(f));
        return Ok((report, scanner));
    }
    if root.as_os_str() == "-" {
        return scan_stdin(common, show_secrets);
    }
    if std::fs::symlink_metadata(root).is_err() {
        return Err(anyhow!("{}: no such file or directory", root.display()));
    }
    let config = if common.no_config {
        Config::default()
    } else {
        Config::discover(root, common.config.as_deref())?
    };
    let mut settings = ScanSettings {
        max_file_size: common.max_file_size,
        show_secrets,
        all_provenance: common.all_provenance,
        filter: common.filter(),
        osv_db: common.db.clone(),
        ..ScanSettings::default()
    };
    if let Some(threads) = common.threads {
        settings.threads = threads.clamp(1, MAX_THREADS);
    }
    let scanner = Scanner::new(root, &config, &settings)?;
    let counters = Progress::default();
    let show_progress = !common.no_progress && std::io::stderr().is_terminal();
    let bar = show_progress.then(|| progress::start(&counters));
    let report = std::thread::scope(|scope| {
        let ticker = bar
            .as_ref()
            .map(|bar| scope.spawn(|| progress::tick(bar, &counters)));
        let report = if common.staged {
            scanner.scan_changes(root, &ChangeSet::Staged, Some(&counters))
        } else if let Some(base) = &common.diff {
            scanner.scan_changes(root, &ChangeSet::Since(base.clone()), Some(&counters))
        } else if common.history {
            let selection = common
                .branch
                .as_deref()
                .map_or(CommitSelection::AllRefs, CommitSelection::parse);
            scanner.scan_history(root, &selection, Some(&counters))
        } else {
            scanner.scan_tree(root, Some(&counters))
        };
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        if let Some(ticker) = ticker {
            let _ = ticker.join();
        }
        report
    })?;
    Ok((report, scanner))
}

/// `ferret scan -`: standard input as one file named `stdin` (pipes, editor integrations).
fn scan_stdin(common: &CommonScanArgs, show_secrets: bool) -> Result<(ScanReport, Scanner)> {
    if common.history || common.staged || common.diff.is_some() {
        return Err(anyhow!(
            "standard input has no git history: --history, --staged and --diff need a path"
        ));
    }
    let config = match (&common.config, common.no_config) {
        (Some(path), _) => Config::load(path, ferret_engine::control_file::Links::Follow)?,
        (None, true) => Config::default(),
        (None, false) => Config::discover(Path::new("."), None)?,
    };
    let settings = ScanSettings {
        max_file_size: common.max_file_size,
        show_secrets,
        filter: common.filter(),
        ..ScanSettings::default()
    };
    let scanner = Scanner::new(Path::new("."), &config, &settings)?;
    let limit = settings
        .max_file_size
        .or(config.max_file_size)
        .unwrap_or(ferret_engine::DEFAULT_MAX_FILE_SIZE);
    let mut content = Vec::new();
    use std::io::Read;
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut content)
        .context("cannot read standard input")?;
    if content.len() as u64 > limit {
        return Err(anyhow!(
            "standard input is larger than --max-file-size ({limit} bytes)"
        ));
    }
    let started = std::time::Instant::now();
    let (findings, suppressed) = scanner.scan_file("stdin", &content);
    let report = ScanReport {
        findings,
        files_scanned: 1,
        bytes_scanned: content.len() as u64,
        suppressed_inline: suppressed,
        duration: started.elapsed(),
        ..ScanReport::default()
    };
    Ok((report, scanner))
}

fn warn_skipped(report: &ScanReport, verbose: bool) {
    for skipped in &report.skipped {
        let unreadable = skipped.reason == SkipReason::Unreadable;
        if unreadable || verbose {
            let detail = skipped
                .detail
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            let kind = if unreadable { "warning" } else { "skipped" };
            eprintln!(
                "ferret: {kind}: {} ({}){}",
                escape(&skipped.path),
                skipped.reason.as_str(),
                escape(&detail)
            );
        }
    }
}

fn run_scan(args: ScanArgs) -> Result<ExitCode> {
    let baseline = args
        .baseline
        .as_deref()
        .map(Baseline::load)
        .transpose()
        .map_err(|e| anyhow!(e))?;
    let (mut report, scanner) = scan(&args.common, args.show_secrets)?;
    if let Some(baseline) = &baseline {
        report.baselined = baseline.filter(&mut report.findings) as u64;
    }
    if !args.quiet {
        warn_skipped(&report, args.verbose);
        for note in scanner.notes() {
            eprintln!("ferret: {}", escape(&note));
        }
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let rendered = match args.format {
        Format::Human if args.quiet => ferret_report::human::render_findings(&report, color),
        Format::Human => ferret_report::human::render(&report, color),
        Format::Json => ferret_report::json::render(&report),
        Format::Sarif => ferret_report::sarif::render(&report, &scanner.rules()),
        Format::Github => ferret_report::github::render(&report),
    };
    write_output(args.output.as_deref(), &rendered)?;
    if args.upload.upload.is_some() {
        let summary = upload::upload(&args.upload, &args.common.path, &report)?;
        if !args.quiet {
            eprintln!("ferret: {}", escape(&summary));
        }
    }
    let failing = !args.exit_zero && report.findings.iter().any(|f| f.severity >= args.fail_on);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("{}: cannot write report", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A closed pipe (`ferret scan | head`) is not an error worth reporting.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write to standard output"),
            }
        }
    }
}

fn run_baseline_create(common: CommonScanArgs, output: &Path, force: bool) -> Result<ExitCode> {
    if !force && std::fs::symlink_metadata(output).is_ok() {
        return Err(anyhow!(
            "{}: already exists; pass --force to replace it",
            output.display()
        ));
    }
    let (mut report, _) = scan(&common, false)?;
    // The previous baseline (fingerprints only) is not part of what it describes.
    if let (Ok(out), Ok(root)) = (
        std::fs::canonicalize(output),
        std::fs::canonicalize(&common.path),
    ) {
        report
            .findings
            .retain(|f| root.join(&f.location.path) != out);
    }
    warn_skipped(&report, false);
    let baseline = Baseline::from_findings(&report.findings);
    std::fs::write(output, baseline.to_json())
        .with_context(|| format!("{}: cannot write baseline", output.display()))?;
    eprintln!(
        "ferret: wrote {} fingerprint{} to {}",
        baseline.findings.len(),
        if baseline.findings.len() == 1 {
            ""
        } else {
            "s"
        },
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The rule catalog as the project's config (or `--config`) shapes it.
fn catalog(config: Option<&Path>) -> Result<ferret_engine::Catalog> {
    let config = Config::discover(Path::new("."), config)?;
    Ok(ferret_engine::Catalog::configured(&config)?)
}

fn run_rules_list(format: Format, config: Option<&Path>) -> Result<ExitCode> {
    if matches!(format, Format::Sarif | Format::Github) {
        return Err(anyhow!(
            "`ferret rules list` prints human or json, not this format"
        ));
    }
    let rules = catalog(config)?.rules();
    let text = match format {
        Format::Json => {
            let rules: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "name": r.name, "provider": r.provider, "category": r.category,
                        "severity": r.severity, "confidence": r.confidence,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rules)? + "\n"
        }
        _ => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(2);
            let mut out = format!(
                "{:<width$}  {:<8}  {:<8}  {:<10}  {:<16}  NAME\n",
                "ID", "CATEGORY", "SEVERITY", "CONFIDENCE", "PROVIDER"
            );
            for r in &rules {
                let category = match r.category {
                    ferret_core::Category::Secret => "secret",
                    ferret_core::Category::Config => "config",
                    ferret_core::Category::Code => "code",
                    ferret_core::Category::Dependency => "dependency",
                };
                out.push_str(&format!(
                    "{:<width$}  {:<8}  {:<8}  {:<10}  {:<16}  {}\n",
                    r.id,
                    category,
                    r.severity.as_str(),
                    r.confidence.as_str(),
                    r.provider,
                    r.name
                ));
            }
            out.push_str(&format!("{} rules\n", rules.len()));
            out
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::SUCCESS)
}

fn run_rules_show(id: &str, config: Option<&Path>) -> Result<ExitCode> {
    let catalog = catalog(config)?;
    let entry = catalog
        .find(id)
        .ok_or_else(|| anyhow!("unknown rule id '{id}' (see `ferret rules list`)"))?;
    let out = match entry {
        ferret_engine::registry::RuleEntry::Check(check) => format!(
            "{}\n  {}\n\ncategory:    {} ({})\nseverity:    {}\nconfidence:  {}\n\n{}\n",
            check.id,
            check.name,
            match check.category {
                ferret_core::Category::Code => "code",
                _ => "config",
            },
            check.provider,
            check.severity,
            check.confidence,
            check.help.as_deref().unwrap_or(&check.description)
        ),
        ferret_engine::registry::RuleEntry::Secret(spec) => {
            let mut out = String::new();
            out.push_str(&format!("{}\n  {}\n\n", spec.id, spec.name));
            out.push_str(&format!("provider:    {}\n", spec.provider));
            out.push_str(&format!(
                "category:    secret\nseverity:    {}\n",
                spec.severity
            ));
            out.push_str(&format!("confidence:  {}\n", spec.confidence));
            out.push_str(&format!("keywords:    {}\n", spec.keywords.join(", ")));
            match &spec.value {
                Some(value) => out.push_str(&format!(
                    "value:       {value} (assigned to a key-like name)\n"
                )),
                None => out.push_str(&format!("pattern:     {}\n", spec.pattern)),
            }
            if let Some(entropy) = spec.min_entropy {
                out.push_str(&format!("min entropy: {entropy}\n"));
            }
            if let Some(context) = &spec.context {
                out.push_str(&format!("context:     {context}\n"));
            }
            out.push_str(&format!(
                "\n{}\n\nRemediation: {}\n",
                spec.description, spec.remediation
            ));
            for (label, examples) in [
                ("Reported", &spec.examples.positive),
                ("Not reported", &spec.examples.negative),
            ] {
                if let Some(example) = examples.first() {
                    let example = example.replace('\n', "\n    ");
                    out.push_str(&format!("\n{label} (fake values):\n    {example}\n"));
                }
            }
            out
        }
    };
    write_output(None, &out)?;
    Ok(ExitCode::SUCCESS)
}
