//! The human-readable report: findings grouped by file, then a summary line. Every string
//! that comes from the scanned repository (paths, titles, snippets, authors, dates) goes
//! through [`ferret_core::terminal::escape`]: a hostile repository cannot drive the terminal.

use crate::severity_counts;
use ferret_core::terminal::escape;
use ferret_core::ScanReport;
use ferret_core::{Finding, Severity};
use std::fmt::Write as _;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, severity: Severity) -> String {
        let code = match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, &format!("{:<8}", severity.as_str()))
    }
}

/// First sentence of a remediation text, for a one-line hint.
fn hint(remediation: &str) -> &str {
    match remediation.find(". ") {
        Some(end) => &remediation[..=end],
        None => remediation,
    }
}

/// Renders `report`; `color` adds ANSI colours (use it on terminals only).
pub fn render(report: &ScanReport, color: bool) -> String {
    let style = Style { color };
    let mut out = render_findings(report, color);
    let _ = writeln!(out, "{}", summary(report, &style));
    out
}

/// The findings alone, without the summary line (`--quiet`).
pub fn render_findings(report: &ScanReport, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for finding in &report.findings {
        if current != Some(finding.location.path.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "{}",
                style.paint("1;4", &escape(&finding.location.path))
            );
            current = Some(&finding.location.path);
        }
        render_finding(&mut out, &style, finding);
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    out
}

fn render_finding(out: &mut String, style: &Style, finding: &Finding) {
    let location = format!(
        "{}:{}",
        finding.location.start_line, finding.location.start_column
    );
    // Confidence is shown when it is not high: it tells how likely a finding is real.
    let confidence = match finding.confidence {
        ferret_core::Confidence::High => String::new(),
        other => format!(" ({} confidence)", other.as_str()),
    };
    let _ = writeln!(
        out,
        "  {:>8}  {}  {}  {}{confidence}",
        location,
        style.severity(finding.severity),
        style.paint("1", &escape(&finding.rule_id)),
        escape(&finding.title)
    );
    let _ = writeln!(
        out,
        "            {}",
        style.paint("2", &escape(&finding.snippet))
    );
    if let Some(secret) = &finding.secret {
        let _ = writeln!(out, "            secret: {}", escape(secret));
    }
    if let Some(provenance) = &finding.provenance {
        let _ = writeln!(
            out,
            "            commit {} by {} on {}",
            escape(&provenance.commit),
            escape(&provenance.author),
            escape(&provenance.date)
        );
    }
    if !finding.occurrences.is_empty() {
        let _ = writeln!(
            out,
            "            in {} commit(s):",
            finding.occurrences.len()
        );
        for occurrence in &finding.occurrences {
            let _ = writeln!(
                out,
                "              {} {} {}",
                escape(ferret_core::short_commit(&occurrence.commit)),
                escape(&occurrence.date),
                escape(&occurrence.path)
            );
        }
    }
    for step in &finding.flow {
        let _ = writeln!(
            out,
            "            {} line {}: {}",
            style.paint("2", "flow:"),
            step.location.start_line,
            escape(&step.message)
        );
    }
    let _ = writeln!(
        out,
        "            {} {}",
        style.paint("32", "fix:"),
        escape(hint(&finding.remediation))
    );
}

fn summary(report: &ScanReport, style: &Style) -> String {
    let count = report.findings.len();
    let mut line = if count == 0 {
        style.paint("1;32", "No findings")
    } else {
        let parts: Vec<String> = severity_counts(&report.findings)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        style.paint(
            "1",
            &format!(
                "{count} finding{} ({})",
                if count == 1 { "" } else { "s" },
                parts.join(", ")
            ),
        )
    };
    let unit = if report.commits_scanned > 0 {
        "blob"
    } else {
        "file"
    };
    let _ = write!(
        line,
        " in {} {unit}{}",
        report.files_scanned,
        if report.files_scanned == 1 { "" } else { "s" },
    );
    if report.commits_scanned > 0 {
        let _ = write!(line, " from {} commits", report.commits_scanned);
    }
    let _ = write!(
        line,
        " ({}) in {:.2}s",
        human_bytes(report.bytes_scanned),
        report.duration.as_secs_f64()
    );
    if !report.skipped.is_empty() {
        let mut reasons: Vec<(&str, usize)> = Vec::new();
        for skipped in &report.skipped {
            match reasons
                .iter_mut()
                .find(|(r, _)| *r == skipped.reason.as_str())
            {
                Some((_, n)) => *n += 1,
                None => reasons.push((skipped.reason.as_str(), 1)),
            }
        }
        let detail: Vec<String> = reasons.iter().map(|(r, n)| format!("{r}: {n}")).collect();
        let _ = write!(
            line,
            "; {} skipped ({})",
            report.skipped.len(),
            detail.join(", ")
        );
    }
    if report.suppressed_inline > 0 {
        let _ = write!(line, "; {} suppressed inline", report.suppressed_inline);
    }
    if report.baselined > 0 {
        let _ = write!(line, "; {} in baseline", report.baselined);
    }
    line
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_and_sizes() {
        assert_eq!(hint("Revoke it. Then rotate."), "Revoke it.");
        assert_eq!(hint("Revoke it"), "Revoke it");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
    }
}
