//! SARIF 2.1.0 output, shaped for GitHub code scanning's ingestion rules: relative `%SRCROOT%`
//! URIs, full regions, rule metadata with help text and `security-severity`, and
//! `partialFingerprints` so alerts follow a finding across commits.

use crate::{TOOL_NAME, TOOL_URI, TOOL_VERSION};
use ferret_core::{Finding, Severity};
use ferret_core::{RuleInfo, ScanReport};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// SARIF `level` for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score (0.0 to 10.0) for a severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// Percent-encodes a repository-relative path for a URI reference (keeps `/`).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `UpperCamelCase` form of a rule id, used as the SARIF rule name. A one-word id (`jwt`)
/// would give a name differing from the id only in case, which validators flag, so it gets a
/// `Leak` suffix (`JwtLeak`).
fn rule_name(id: &str) -> String {
    let name: String = id
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    if name.eq_ignore_ascii_case(id) {
        format!("{name}Leak")
    } else {
        name
    }
}

/// Where a rule is documented: the secret rule files, or the configuration check's module.
fn help_uri(rule: &RuleInfo) -> String {
    match rule.category {
        ferret_core::Category::Secret => format!("{TOOL_URI}/tree/main/rules/secrets"),
        // A dependency finding's rule is an advisory: its public page.
        ferret_core::Category::Dependency => format!("https://osv.dev/vulnerability/{}", rule.id),
        _ => format!("{TOOL_URI}/tree/main/crates/ferret-engine/src/misconfig"),
    }
}

fn sentence(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.ends_with('.') {
        trimmed.to_string()
    } else {
        format!("{trimmed}.")
    }
}

fn rule_descriptor(rule: &RuleInfo) -> Value {
    let help_text = format!(
        "{}\n\nRemediation: {}",
        sentence(&rule.description),
        sentence(&rule.remediation)
    );
    let help_markdown = match &rule.help {
        // The rule's own documentation (what, why, an example, the fix).
        Some(help) => format!("**{}** ({})\n\n{help}", rule.name, rule.provider),
        None => format!(
            "**{}** ({})\n\n{}\n\n**Remediation:** {}",
            rule.name,
            rule.provider,
            sentence(&rule.description),
            sentence(&rule.remediation)
        ),
    };
    json!({
        "id": rule.id,
        "name": rule_name(&rule.id),
        "shortDescription": {"text": sentence(&rule.name)},
        "fullDescription": {"text": sentence(&rule.description)},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {
            "tags": ["security", format!("{:?}", rule.category).to_lowercase()],
            "precision": match rule.confidence {
                ferret_core::Confidence::High => "high",
                ferret_core::Confidence::Medium => "medium",
                ferret_core::Confidence::Low => "low",
            },
            "security-severity": security_severity(rule.severity),
            "provider": rule.provider,
        }
    })
}

/// The rule descriptor of an advisory, from the first finding that carries it.
fn advisory_rule(finding: &Finding) -> RuleInfo {
    RuleInfo {
        id: finding.rule_id.clone(),
        name: finding.title.clone(),
        category: finding.category,
        provider: "OSV".to_string(),
        severity: finding.severity,
        confidence: finding.confidence,
        description: finding.title.clone(),
        remediation: finding.remediation.clone(),
        help: None,
    }
}

fn result(finding: &Finding, rule_index: usize) -> Value {
    let message = format!(
        "{} found. {}",
        finding.title,
        sentence(&finding.remediation)
    );
    let mut region = json!({
        "startLine": finding.location.start_line,
        "startColumn": finding.location.start_column,
        "endLine": finding.location.end_line,
        "endColumn": finding.location.end_column.max(1),
        "snippet": {"text": finding.snippet},
    });
    if finding.location.end_line == finding.location.start_line
        && finding.location.end_column <= finding.location.start_column
    {
        region["endColumn"] = json!(finding.location.start_column + 1);
    }
    let mut properties = json!({
        "severity": finding.severity.as_str(),
        "confidence": finding.confidence.as_str(),
        "category": format!("{:?}", finding.category).to_lowercase(),
    });
    if let Some(provenance) = &finding.provenance {
        properties["commit"] = json!(provenance.commit);
        properties["author"] = json!(provenance.author);
        properties["date"] = json!(provenance.date);
    }
    if !finding.occurrences.is_empty() {
        properties["occurrences"] = json!(finding.occurrences);
    }
    let mut result = json!({
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri_path(&finding.location.path), "uriBaseId": "%SRCROOT%"},
                "region": region,
            }
        }],
        "partialFingerprints": {"ferretFingerprint/v1": finding.fingerprint},
        "properties": properties,
    });
    if !finding.flow.is_empty() {
        // A tainted data flow: one thread from the source to the sink.
        let locations: Vec<Value> = finding
            .flow
            .iter()
            .map(|step| {
                json!({
                    "location": {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri_path(&step.location.path), "uriBaseId": "%SRCROOT%"},
                            "region": {
                                "startLine": step.location.start_line,
                                "startColumn": step.location.start_column,
                            },
                        },
                        "message": {"text": step.message},
                    }
                })
            })
            .collect();
        result["codeFlows"] = json!([{"threadFlows": [{"locations": locations}]}]);
    }
    result
}

/// Renders the report as SARIF 2.1.0. `rules` is the metadata of every rule that ran; only
/// those with results are listed in the driver.
pub fn render(report: &ScanReport, rules: &[RuleInfo]) -> String {
    let mut by_id: BTreeMap<&str, RuleInfo> =
        rules.iter().map(|r| (r.id.as_str(), r.clone())).collect();
    // Dependency findings are named by their advisory, which no catalog lists: the finding
    // describes its own rule.
    for finding in &report.findings {
        if finding.category == ferret_core::Category::Dependency {
            by_id
                .entry(finding.rule_id.as_str())
                .or_insert_with(|| advisory_rule(finding));
        }
    }
    let mut used: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    used.sort_unstable();
    used.dedup();
    let used: Vec<&RuleInfo> = used.iter().filter_map(|id| by_id.get(id)).collect();
    let index: BTreeMap<&str, usize> = used
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .filter_map(|f| index.get(f.rule_id.as_str()).map(|&i| result(f, i)))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "semanticVersion": TOOL_VERSION,
                "informationUri": TOOL_URI,
                "rules": used.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }},
            "automationDetails": {"id": "ferret/scan/"},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&doc).expect("SARIF serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri_path("src/a b/ü.env"), "src/a%20b/%C3%BC.env");
        assert_eq!(rule_name("github-pat-classic"), "GithubPatClassic");
    }
}
