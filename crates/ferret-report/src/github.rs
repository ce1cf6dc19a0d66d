//! GitHub Actions annotations: one workflow command per finding (`::error file=…,line=…::…`),
//! so findings show up on the pull request's changed lines without uploading SARIF.
//!
//! Critical and high findings are `error`s, medium ones `warning`s, low and info ones
//! `notice`s. Values are escaped as the runner expects (`%`, CR and LF in messages; also `:` and
//! `,` in properties), which also keeps a hostile path or snippet from starting a command of its
//! own (a `::set-env` or `::add-mask` smuggled into a line).

use ferret_core::{Finding, ScanReport, Severity};
use std::fmt::Write as _;

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

fn annotation(finding: &Finding) -> String {
    let loc = &finding.location;
    let title = format!("{} ({})", finding.title, finding.rule_id);
    let message = format!(
        "{} severity: {} Fix: {}",
        finding.severity.as_str(),
        finding.snippet,
        finding.remediation
    );
    format!(
        "::{} file={},line={},endLine={},col={},title={}::{}",
        command(finding.severity),
        escape_property(&loc.path),
        loc.start_line,
        loc.end_line.max(loc.start_line),
        loc.start_column,
        escape_property(&title),
        escape_data(&message)
    )
}

/// One annotation per finding, then a `::notice` summary line.
pub fn render(report: &ScanReport) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let _ = writeln!(out, "{}", annotation(finding));
    }
    let _ = writeln!(
        out,
        "::notice title=ferret::{} finding(s) in {} file(s)",
        report.findings.len(),
        report.files_scanned
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferret_core::{Category, Confidence, Location};

    fn finding(path: &str, snippet: &str, severity: Severity) -> Finding {
        Finding {
            rule_id: "github-pat-classic".into(),
            category: Category::Secret,
            severity,
            confidence: Confidence::High,
            title: "GitHub personal access token".into(),
            location: Location {
                path: path.into(),
                start_line: 3,
                start_column: 7,
                end_line: 3,
                end_column: 47,
            },
            snippet: snippet.into(),
            remediation: "Revoke it.".into(),
            fingerprint: "f".into(),
            secret: None,
            provenance: None,
            occurrences: Vec::new(),
            flow: Vec::new(),
            value_fingerprint: String::new(),
            masked_values: Vec::new(),
        }
    }

    #[test]
    fn annotations_carry_place_and_severity_and_cannot_be_hijacked() {
        let report = ScanReport {
            findings: vec![
                finding("src/app.env", "TOKEN=ghp_*****", Severity::High),
                finding("a,b:c/%0A.env", "x\n::add-mask::oops", Severity::Medium),
            ],
            files_scanned: 2,
            ..ScanReport::default()
        };
        let text = render(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(
            lines[0],
            "::error file=src/app.env,line=3,endLine=3,col=7,title=GitHub personal access token \
             (github-pat-classic)::high severity: TOKEN=ghp_***** Fix: Revoke it."
        );
        assert!(
            lines[1].starts_with("::warning file=a%2Cb%3Ac/%250A.env,"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("x%0A::add-mask::oops"), "{}", lines[1]);
        assert_eq!(lines[2], "::notice title=ferret::2 finding(s) in 2 file(s)");
    }
}
