//! Terraform (`.tf`, HCL): a positioned model of a file's blocks and attributes, parsed once
//! with `hcl-edit`, and the checks, one module each. AWS first, then GCP and Azure essentials.
//!
//! The model keeps literal values (strings, booleans, numbers, lists, objects, `jsonencode(…)`
//! of an object, heredocs) and the source text of everything else (references, functions,
//! conditionals), so checks can tell a literal `"0.0.0.0/0"` from `var.cidr`. Checks that look
//! for a missing companion resource (a public-access block for a bucket, say) only look in the
//! same file, and give the benefit of the doubt to references they cannot resolve.

mod azure_public_network_access;
mod azure_storage_public;
mod cloudtrail;
mod ebs_unencrypted;
mod gcs_public;
mod hardcoded_credentials;
mod iam_wildcard;
mod imdsv1;
mod kms_rotation_disabled;
mod module_source_unpinned;
mod open_security_group;
mod rds_public;
mod rds_unencrypted;
mod s3_access_logging_missing;
mod s3_lifecycle_missing;
mod s3_public_access_block;
mod s3_public_acl;
mod s3_replication_missing;
mod s3_unencrypted;
mod s3_versioning_missing;
mod search_domain_logging_missing;
mod search_domain_unencrypted;
mod security_group_description_missing;

use super::CheckMeta;
use ferret_core::Finding;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Structure;
use hcl_edit::template::Element;
use hcl_edit::Span;

pub use super::Check;

/// Every Terraform check.
pub static CHECKS: &[&dyn Check<TerraformFile>] = &[
    &s3_public_acl::S3PublicAcl,
    &s3_public_access_block::S3PublicAccessBlock,
    &s3_unencrypted::S3Unencrypted,
    &ebs_unencrypted::EbsUnencrypted,
    &rds_unencrypted::RdsUnencrypted,
    &rds_public::RdsPublic,
    &open_security_group::OpenSecurityGroup,
    &iam_wildcard::IamWildcard,
    &cloudtrail::CloudTrailLoggingDisabled,
    &cloudtrail::CloudTrailNotEncrypted,
    &imdsv1::Imdsv1,
    &hardcoded_credentials::HardcodedCredentials,
    &gcs_public::GcsPublic,
    &azure_storage_public::AzureStoragePublic,
    &s3_versioning_missing::S3VersioningMissing,
    &s3_access_logging_missing::S3AccessLoggingMissing,
    &kms_rotation_disabled::KmsRotationDisabled,
    &security_group_description_missing::SecurityGroupDescriptionMissing,
    &module_source_unpinned::ModuleSourceUnpinned,
    &azure_public_network_access::AzurePublicNetworkAccess,
    &s3_lifecycle_missing::S3LifecycleMissing,
    &s3_replication_missing::S3ReplicationMissing,
    &search_domain_unencrypted::SearchDomainUnencrypted,
    &search_domain_logging_missing::SearchDomainLoggingMissing,
];

/// Terraform source files.
pub fn is_terraform(path: &str) -> bool {
    path.ends_with(".tf")
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A value as far as it is known without evaluating Terraform.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Bool(bool),
    Num(f64),
    List(Vec<Value>),
    Object(Vec<(String, Value)>),
    /// A string with `${…}` interpolations (kept in the text) or a heredoc.
    Template(String),
    /// Anything else, as its source text: `var.cidr`, `aws_s3_bucket.logs.id`, `lookup(…)`.
    Expr(String),
}

impl Value {
    /// A literal string (not a template or an expression).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The text of a string, template or expression.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Template(s) | Value::Expr(s) => Some(s),
            _ => None,
        }
    }
    /// A literal boolean (`true`, or the string `"true"`, which Terraform converts).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s == "true" => Some(true),
            Value::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
    /// The elements of a list, or the value itself as a one-element list.
    pub fn items(&self) -> Vec<&Value> {
        match self {
            Value::List(items) => items.iter().collect(),
            other => vec![other],
        }
    }
    /// A field of an object (case-insensitive: IAM JSON mixes `Action` and `action`).
    pub fn field(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// `key = value` in a block.
#[derive(Debug, Clone)]
pub struct Attr {
    pub key: String,
    pub value: Value,
    pub pos: Pos,
}

/// A block: `resource "aws_s3_bucket" "logs" { … }`, or a nested `ingress { … }`.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub pos: Pos,
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Block {
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.attr(key).map(|a| &a.value)
    }
    pub fn nested<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
    /// `aws_s3_bucket.logs` for a resource, `data.aws_iam_policy_document.x` for data.
    pub fn address(&self) -> String {
        match self.kind.as_str() {
            "resource" => self.labels.join("."),
            _ => format!("{}.{}", self.kind, self.labels.join(".")),
        }
    }
}

/// Whether `target` (a companion's `bucket` or a logging `target_bucket`) names `bucket`: by
/// address (`aws_s3_bucket.logs.id`, `aws_s3_bucket.logs[0].id`) or by literal bucket name.
pub fn names_bucket(target: &Value, bucket: &Block) -> bool {
    let address = bucket.address();
    match target {
        Value::Expr(e) => {
            e == &address
                || e.starts_with(&format!("{address}."))
                || e.starts_with(&format!("{address}["))
        }
        Value::Str(s) => Some(s.as_str()) == bucket.value("bucket").and_then(Value::as_str),
        _ => false,
    }
}

/// One parsed `.tf` file.
pub struct TerraformFile {
    pub blocks: Vec<Block>,
    lines: Vec<String>,
}

/// The top-level statements of HCL `text` as byte ranges: a block up to its matching `}`, an
/// attribute up to the end of its line — skipping strings, comments and heredocs.
fn top_level_statements(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut statements = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, None::<usize>, 0usize);
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| i + 2 + end + 2);
                continue;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                // A heredoc: `<<EOF` or `<<-EOF` up to a line holding only the marker.
                let rest = &text[i + 2..];
                let rest = rest.strip_prefix('-').unwrap_or(rest);
                let marker: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !marker.is_empty() {
                    let body = text[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                    let mut at = body;
                    let mut end = bytes.len();
                    for line in text[body..].split_inclusive('\n') {
                        at += line.len();
                        if line.trim() == marker {
                            end = at;
                            break;
                        }
                    }
                    if start.is_none() {
                        start = Some(i);
                    }
                    i = end;
                    continue;
                }
            }
            b'{' => {
                if start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some(s) = start.take() {
                        statements.push(s..i + 1);
                    }
                }
            }
            b'\n' if depth == 0 => {
                if let Some(s) = start.take() {
                    statements.push(s..i);
                }
            }
            c if !c.is_ascii_whitespace() && start.is_none() => start = Some(i),
            _ => {}
        }
        i += 1;
    }
    if let Some(s) = start {
        statements.push(s..bytes.len());
    }
    statements
}

/// `text` with every top-level statement that does not parse on its own blanked out (newlines
/// kept, so every other statement keeps its line and column); `None` when none parses.
fn without_broken_blocks(text: &str) -> Option<String> {
    let mut out: Vec<u8> = text.as_bytes().to_vec();
    let mut kept = 0;
    for range in top_level_statements(text) {
        if hcl_edit::parser::parse_body(&text[range.clone()]).is_ok() {
            kept += 1;
        } else {
            for byte in &mut out[range] {
                if *byte != b'\n' {
                    *byte = b' ';
                }
            }
        }
    }
    (kept > 0).then(|| String::from_utf8_lossy(&out).into_owned())
}

/// Why `text` is not valid HCL (first line of the parser's message), if it is not.
pub fn parse_error(text: &str) -> Option<String> {
    hcl_edit::parser::parse_body(text).err().map(|e| {
        e.to_string()
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("parse error")
            .chars()
            .take(200)
            .collect()
    })
}

impl TerraformFile {
    /// Parses HCL. A top-level block that is not valid HCL is left out and the rest of the file
    /// is still read (Terraform would refuse the file; a reviewer still wants the other
    /// blocks checked). `None` when nothing parses.
    pub fn parse(text: &str) -> Option<TerraformFile> {
        let body = match hcl_edit::parser::parse_body(text) {
            Ok(body) => body,
            Err(_) => hcl_edit::parser::parse_body(&without_broken_blocks(text)?).ok()?,
        };
        let index = LineIndex::new(text);
        let blocks = body
            .iter()
            .filter_map(|s| match s {
                Structure::Block(b) => Some(convert_block(b, text, &index)),
                Structure::Attribute(_) => None,
            })
            .collect();
        Some(TerraformFile {
            blocks,
            lines: text.lines().map(str::to_string).collect(),
        })
    }

    /// Resources of one type: `resources("aws_s3_bucket")`.
    pub fn resources<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks
            .iter()
            .filter(move |b| b.kind == "resource" && b.labels.first().is_some_and(|l| l == kind))
    }

    /// Data sources of one type.
    pub fn data<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks
            .iter()
            .filter(move |b| b.kind == "data" && b.labels.first().is_some_and(|l| l == kind))
    }

    /// Which `aws_s3_bucket`s of this file have a companion resource of `kind` (a public-access
    /// block, an encryption configuration) whose `bucket` names them — by address
    /// (`aws_s3_bucket.logs.id`) or by literal bucket name. `None` when some companion's `bucket`
    /// is an expression this file cannot resolve: it may cover any bucket. A companion created
    /// only under a condition (`count = var.versioning ? 1 : 0`, `for_each = var.rules`) covers
    /// nothing for sure — the module's default may leave it out — and does not count.
    pub fn buckets_covered_by(&self, kind: &str) -> Option<Vec<bool>> {
        let conditional = |b: &Block| {
            ["count", "for_each"]
                .iter()
                .any(|k| matches!(b.value(k), Some(Value::Expr(_))))
        };
        let targets: Vec<&Value> = self
            .resources(kind)
            .filter(|b| !conditional(b))
            .filter_map(|b| b.value("bucket"))
            .collect();
        let unresolved = targets.iter().any(|t| match t {
            Value::Expr(e) => !e.starts_with("aws_s3_bucket."),
            Value::Str(_) => false,
            _ => true,
        });
        if unresolved {
            return None;
        }
        Some(
            self.resources("aws_s3_bucket")
                .map(|bucket| targets.iter().any(|t| names_bucket(t, bucket)))
                .collect(),
        )
    }

    /// The position of the first `needle` at or after `from` (within 200 lines), for values
    /// nested in a multi-line attribute; `from` itself when not found.
    pub fn find_after(&self, from: Pos, needle: &str) -> Pos {
        let start = from.line as usize - 1;
        for (i, line) in self.lines.iter().enumerate().skip(start).take(200) {
            let skip = if i == start {
                from.column as usize - 1
            } else {
                0
            };
            let found = line
                .char_indices()
                .skip(skip)
                .find(|(at, _)| line[*at..].starts_with(needle));
            if let Some((at, _)) = found {
                return Pos {
                    line: i as u32 + 1,
                    column: line[..at].chars().count() as u32 + 1,
                };
            }
        }
        from
    }

    /// The source line at `pos`.
    pub fn line(&self, pos: Pos) -> &str {
        self.lines
            .get(pos.line as usize - 1)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// A finding of `meta` at `pos`; `evidence` (resource address and key, never a line number)
    /// keeps the fingerprint stable when lines move.
    pub fn finding(&self, meta: &CheckMeta, path: &str, pos: Pos, evidence: &str) -> Finding {
        meta.finding(path, pos.line, pos.column, self.line(pos), evidence)
    }
}

/// Byte offset → line and column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    fn pos(&self, text: &str, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Pos {
            line: line as u32,
            column: column as u32 + 1,
        }
    }
}

fn pos_of(span: Option<std::ops::Range<usize>>, text: &str, index: &LineIndex) -> Pos {
    index.pos(text, span.map(|r| r.start).unwrap_or(0))
}

fn convert_block(block: &hcl_edit::structure::Block, text: &str, index: &LineIndex) -> Block {
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(a) => attrs.push(Attr {
                key: a.key.as_str().to_string(),
                value: convert_expr(&a.value, text),
                pos: pos_of(a.span(), text, index),
            }),
            Structure::Block(b) => blocks.push(convert_block(b, text, index)),
        }
    }
    Block {
        kind: block.ident.as_str().to_string(),
        labels: block
            .labels
            .iter()
            .map(|l| l.as_str().to_string())
            .collect(),
        pos: pos_of(block.span(), text, index),
        attrs,
        blocks,
    }
}

fn source(span: Option<std::ops::Range<usize>>, text: &str) -> String {
    span.and_then(|r| text.get(r))
        .unwrap_or("")
        .trim()
        .to_string()
}

fn template_text(elements: &hcl_edit::template::Template, text: &str) -> String {
    elements
        .iter()
        .map(|e| match e {
            Element::Literal(s) => s.value().to_string(),
            other => format!("${{{}}}", source(other.span(), text)),
        })
        .collect()
}

fn convert_expr(expr: &Expression, text: &str) -> Value {
    match expr {
        Expression::String(s) => Value::Str(s.value().to_string()),
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => n
            .as_f64()
            .map(Value::Num)
            .unwrap_or_else(|| Value::Expr(source(expr.span(), text))),
        Expression::Array(items) => {
            Value::List(items.iter().map(|e| convert_expr(e, text)).collect())
        }
        Expression::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        ObjectKey::Expression(e) => source(e.span(), text),
                    };
                    (key, convert_expr(v.expr(), text))
                })
                .collect(),
        ),
        Expression::StringTemplate(t) => Value::Template(template_text(t, text)),
        Expression::HeredocTemplate(h) => Value::Template(template_text(&h.template, text)),
        Expression::Parenthesis(p) => convert_expr(p.inner(), text),
        Expression::FuncCall(call)
            if call.name.namespace.is_empty() && call.name.name.as_str() == "jsonencode" =>
        {
            match call.args.iter().next() {
                Some(arg) => convert_expr(arg, text),
                None => Value::Expr(source(expr.span(), text)),
            }
        }
        _ => Value::Expr(source(expr.span(), text)),
    }
}

/// A JSON document (an IAM policy in a heredoc, say) as a `Value`.
pub fn json_value(text: &str) -> Option<Value> {
    fn convert(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Num(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::Array(items) => Value::List(items.iter().map(convert).collect()),
            serde_json::Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
            }
            serde_json::Value::Null => Value::Expr("null".into()),
        }
    }
    serde_json::from_str::<serde_json::Value>(text.trim())
        .ok()
        .map(|v| convert(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_keeps_literals_positions_and_references() {
        let file = TerraformFile::parse(
            "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n  acl    = var.acl\n  tags = { Name = \"x\" }\n  versioning {\n    enabled = true\n  }\n}\n",
        )
        .unwrap();
        let bucket = file.resources("aws_s3_bucket").next().unwrap();
        assert_eq!(bucket.address(), "aws_s3_bucket.logs");
        assert_eq!(bucket.pos, Pos { line: 1, column: 1 });
        assert_eq!(bucket.value("bucket"), Some(&Value::Str("logs".into())));
        assert_eq!(bucket.value("acl"), Some(&Value::Expr("var.acl".into())));
        assert_eq!(bucket.attr("acl").unwrap().pos, Pos { line: 3, column: 3 });
        let versioning = bucket.nested("versioning").next().unwrap();
        assert_eq!(
            versioning.value("enabled").and_then(Value::as_bool),
            Some(true)
        );
        assert!(TerraformFile::parse("resource {").is_none());
        // One broken block loses only itself: the others keep their positions.
        let file = TerraformFile::parse(
            "resource \"aws_s3_bucket\" \"a\" {\n  acl = \"public-read\"\n}\n\nresource \"aws_s3_bucket_versioning\" \"v\" {\n  versioning_configuration {\n    status = \"Enabled\"}\n}\n\n# a \"}\" in a comment\nresource \"aws_db_instance\" \"db\" {\n  publicly_accessible = true\n  tags = { note = \"}{\" }\n  user_data = <<-EOT\n    {unbalanced\n  EOT\n}\n",
        )
        .unwrap();
        let kinds: Vec<&str> = file.blocks.iter().map(|b| b.labels[0].as_str()).collect();
        assert_eq!(kinds, ["aws_s3_bucket", "aws_db_instance"]);
        assert_eq!(
            file.blocks[1].pos,
            Pos {
                line: 11,
                column: 1
            }
        );
    }

    #[test]
    fn jsonencode_and_heredoc_json_become_values() {
        let file = TerraformFile::parse(
            "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"*\" }] })\n  doc = <<EOF\n{\"a\": [1]}\nEOF\n}\n",
        )
        .unwrap();
        let policy = file.resources("aws_iam_policy").next().unwrap();
        let statement = policy.value("policy").unwrap().field("statement").unwrap();
        assert_eq!(
            statement.items()[0].field("action"),
            Some(&Value::Str("*".into()))
        );
        let doc = policy.value("doc").unwrap().text().unwrap();
        assert_eq!(
            json_value(doc).unwrap().field("a"),
            Some(&Value::List(vec![Value::Num(1.0)]))
        );
    }
}
