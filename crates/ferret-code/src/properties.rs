//! Java `.properties` values as the code reads them: `props.getProperty("cipher", "AES/GCM/NoPadding")`
//! is, for the rules, the value the project's properties file gives `cipher`, not the default
//! written in the code.
//!
//! Programs often take an algorithm, a URL or a flag from a resource file
//! (`props.load(getClass().getClassLoader().getResourceAsStream("app.properties"))`); a rule that
//! reads only the default would report a weak default the file overrides and miss a weak value
//! the file sets. This module parses the file format ([`parse`]), names the resources a source
//! file loads ([`resources_loaded`]) and rewrites each read of a known key with a literal
//! default into a read whose default is the file's value ([`resolve_reads`]). Finding the files
//! on disk is the engine's job: this crate does no I/O.

use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Keys and values of one or more properties files.
pub type Properties = HashMap<String, String>;

/// The longest value taken from a file: algorithm names, URLs and flags are short; anything
/// longer is not what a rule could be about.
const MAX_VALUE_CHARS: usize = 200;

/// The key/value pairs of a `.properties` file (`key=value`, `key: value` or `key value`;
/// `#` and `!` start comments; a trailing `\` continues the line). Values with escapes, quotes
/// or control characters are left out: they could not stand as a Java string literal as they
/// are, and a rule gains nothing from them.
pub fn parse(text: &str) -> Properties {
    let mut properties = Properties::new();
    let mut logical = String::new();
    for line in text.lines() {
        let line = line.trim_start();
        if logical.is_empty() && (line.starts_with('#') || line.starts_with('!')) {
            continue;
        }
        // A line ending in an odd number of backslashes continues on the next.
        let trailing = line.len() - line.trim_end_matches('\\').len();
        if trailing % 2 == 1 {
            logical.push_str(&line[..line.len() - 1]);
            continue;
        }
        logical.push_str(line);
        if let Some((key, value)) = split_entry(&logical) {
            properties.insert(key, value);
        }
        logical.clear();
    }
    properties
}

/// `key=value`, `key:value` or `key value` (the separator may be surrounded by spaces).
fn split_entry(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let end = line.find(|c: char| c == '=' || c == ':' || c.is_whitespace())?;
    let key = &line[..end];
    let mut rest = line[end..].trim_start();
    if rest.starts_with('=') || rest.starts_with(':') {
        rest = rest[1..].trim_start();
    }
    let usable = !key.is_empty()
        && !key.contains('\\')
        && rest.chars().count() <= MAX_VALUE_CHARS
        && !rest
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control());
    usable.then(|| (key.to_string(), rest.to_string()))
}

/// The resource names a Java file loads properties from: string literals ending in
/// `.properties` (`getResourceAsStream("app.properties")`, `new FileInputStream("conf/app.properties")`),
/// without a leading `/`. Empty when the file reads no property.
pub fn resources_loaded(source: &str) -> Vec<String> {
    static LITERAL: OnceLock<Regex> = OnceLock::new();
    if !source.contains("getProperty(") {
        return Vec::new();
    }
    let literal = LITERAL.get_or_init(|| {
        Regex::new(r#""/?([A-Za-z0-9_./-]{1,200}\.properties)""#).expect("valid regex")
    });
    let mut names: Vec<String> = literal
        .captures_iter(source)
        .map(|c| c[1].to_string())
        .filter(|name| !name.split('/').any(|part| part == ".."))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// One read rewritten: where it was in the original text and how much longer it became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rewrite {
    /// Line (0-based) of the read.
    pub line: usize,
    /// Column (0-based, in characters) just after the read in the original line.
    pub end_column: usize,
    /// New length minus old length, in characters.
    pub growth: isize,
}

/// `source` with every `getProperty("key")` or `getProperty("key", "default")` whose key is in
/// `properties` rewritten to `getProperty("key", "<the file's value>")`, and where each rewrite
/// happened (the line count never changes). `None` when nothing was rewritten.
pub fn resolve_reads(source: &str, properties: &Properties) -> Option<(String, Vec<Rewrite>)> {
    static READ: OnceLock<Regex> = OnceLock::new();
    if properties.is_empty() {
        return None;
    }
    let read = READ.get_or_init(|| {
        Regex::new(r#"\bgetProperty\(\s*"([^"\\\n]+)"\s*(?:,\s*"(?:[^"\\\n]|\\.)*"\s*)?\)"#)
            .expect("valid regex")
    });
    let mut rewritten = String::with_capacity(source.len());
    let mut rewrites = Vec::new();
    let mut copied = 0;
    for call in read.captures_iter(source) {
        let whole = call.get(0).expect("a match has group 0");
        let key = &call[1];
        let Some(value) = properties.get(key) else {
            continue;
        };
        // A read spread over lines keeps its line count: only one-line reads are rewritten.
        if whole.as_str().contains('\n') {
            continue;
        }
        let replacement = format!("getProperty(\"{key}\", \"{value}\")");
        rewritten.push_str(&source[copied..whole.start()]);
        rewritten.push_str(&replacement);
        copied = whole.end();
        let line_start = source[..whole.start()].rfind('\n').map_or(0, |i| i + 1);
        rewrites.push(Rewrite {
            line: source[..whole.start()].matches('\n').count(),
            end_column: source[line_start..whole.end()].chars().count(),
            growth: replacement.chars().count() as isize - whole.as_str().chars().count() as isize,
        });
    }
    if rewrites.is_empty() {
        return None;
    }
    rewritten.push_str(&source[copied..]);
    Some((rewritten, rewrites))
}

/// The column (0-based, in characters) in the original text of column `column` of line `line`
/// in the rewritten text (a column inside a rewritten read stays where it is).
pub fn original_column(line: usize, column: usize, rewrites: &[Rewrite]) -> usize {
    let mut growth = 0isize;
    for rewrite in rewrites.iter().filter(|r| r.line == line) {
        if (column as isize) < rewrite.end_column as isize + growth + rewrite.growth {
            break;
        }
        growth += rewrite.growth;
    }
    (column as isize - growth).max(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_format_is_read_with_its_separators_comments_and_continuations() {
        let text = "# a comment\n! another\ncryptoAlg1=DES/ECB/PKCS5Padding\n  hashAlg1 : MD5\n\
                    url http://x\nlong=AES/\\\n    GCM/NoPadding\nquoted=\"x\"\nescaped=a\\tb\n\nempty=\n";
        let properties = parse(text);
        assert_eq!(properties["cryptoAlg1"], "DES/ECB/PKCS5Padding");
        assert_eq!(properties["hashAlg1"], "MD5");
        assert_eq!(properties["url"], "http://x");
        assert_eq!(properties["long"], "AES/GCM/NoPadding");
        assert_eq!(properties["empty"], "");
        assert!(!properties.contains_key("quoted"));
        assert!(!properties.contains_key("escaped"));
        assert!(!properties.contains_key("#"));
        assert_eq!(properties.len(), 5);
    }

    #[test]
    fn resources_are_named_only_when_the_file_reads_a_property() {
        let loads = r#"p.load(getClass().getResourceAsStream("/conf/app.properties")); p.getProperty("k");"#;
        assert_eq!(resources_loaded(loads), vec!["conf/app.properties"]);
        assert!(resources_loaded(r#"String f = "app.properties";"#).is_empty());
        let escape =
            r#"p.load(new FileInputStream("../../etc/x.properties")); p.getProperty("k");"#;
        assert!(resources_loaded(escape).is_empty());
    }

    #[test]
    fn reads_of_known_keys_take_the_file_value_and_others_keep_their_default() {
        let properties = parse("hashAlg1=MD5\ncipher=AES/GCM/NoPadding\n");
        let source = "class A {\n  String a = p.getProperty(\"hashAlg1\", \"SHA512\"); int x;\n  \
                      String b = p.getProperty(\"cipher\");\n  String c = p.getProperty(\"other\", \"DES\");\n  \
                      String d = p.getProperty(\"hashAlg1\", fallback);\n}\n";
        let (rewritten, rewrites) = resolve_reads(source, &properties).expect("two reads known");
        assert!(rewritten.contains(r#"p.getProperty("hashAlg1", "MD5"); int x;"#));
        assert!(rewritten.contains(r#"p.getProperty("cipher", "AES/GCM/NoPadding")"#));
        assert!(rewritten.contains(r#"p.getProperty("other", "DES")"#));
        assert!(rewritten.contains(r#"p.getProperty("hashAlg1", fallback)"#));
        assert_eq!(rewritten.lines().count(), source.lines().count());
        assert_eq!(rewrites.len(), 2);
        assert_eq!(rewrites[0].line, 1);
        assert_eq!(rewrites[0].growth, -3);
        assert_eq!(
            &source.lines().nth(1).unwrap()[..rewrites[0].end_column],
            r#"  String a = p.getProperty("hashAlg1", "SHA512")"#
        );
        // After the read on its line, columns move back by what the read grew; before it and on
        // other lines they stay.
        let after = rewritten.lines().nth(1).unwrap().find("int x").unwrap();
        let before = source.lines().nth(1).unwrap().find("int x").unwrap();
        assert_eq!(original_column(1, after, &rewrites), before);
        assert_eq!(original_column(1, 2, &rewrites), 2);
        assert_eq!(original_column(3, after, &rewrites), after);
        assert!(resolve_reads(source, &Properties::new()).is_none());
        assert!(resolve_reads("p.getProperty(\"none\")", &properties).is_none());
    }
}
