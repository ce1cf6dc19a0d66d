//! The redaction guarantee, as a property: lines with secrets in many positions, copies and
//! spellings are scanned, and no output format — human, JSON, SARIF — nor any byte the server
//! stores (database, WAL, log) holds six or more consecutive characters of any detected value.
//! A second run uploads the raw lines as snippets (a hostile or outdated client) and checks the
//! server's own re-redaction.

mod common;

use common::ferret;
use common::server::{all_bytes_under, call, onboard, start};
use ferret_core::redact::leaked_piece;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// A small deterministic generator (xorshift64*), so a failure names a reproducible seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn string(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len).map(|_| chars[self.below(chars.len())]).collect()
    }
}

const ALNUM: &str = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
const WORDS: &[&str] = &[
    "let", "config", "value", "the", "client", "for", "when", "return", "map", "user", "name", "=",
    ",", ";", "(", ")", "{", "}", "|", "#", "//", "->", "and", "or", "if",
];

/// A secret of some provider's documented shape, with the assignment that names it.
fn secret(rng: &mut Rng) -> (String, String) {
    // Each random part mixes upper case, lower case and digits, as real keys do.
    let mixed = |rng: &mut Rng, len: usize| {
        format!("{}{}", rng.string(ALNUM, len - 3), rng.string("Qx7", 3))
    };
    match rng.below(6) {
        0 => ("GITHUB_TOKEN".into(), format!("ghp_{}", mixed(rng, 36))),
        1 => (
            "aws_access_key_id".into(),
            format!("AKIA{}", rng.string("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        ),
        2 => ("stripe".into(), format!("sk_live_{}", mixed(rng, 28))),
        3 => (
            "slack".into(),
            format!(
                "xoxb-{}-{}-{}",
                rng.string("123456789", 12),
                rng.string("123456789", 13),
                mixed(rng, 24)
            ),
        ),
        4 => (
            "aws_secret_access_key".into(),
            format!("{}/{}+{}", mixed(rng, 14), mixed(rng, 12), mixed(rng, 12)),
        ),
        _ => (
            "db_password".into(),
            format!("{}#{}", mixed(rng, 9), mixed(rng, 8)),
        ),
    }
}

fn filler(rng: &mut Rng, max_words: usize) -> String {
    let n = rng.below(max_words + 1);
    (0..n)
        .map(|_| rng.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line with a secret somewhere, maybe a second secret of another kind before it, and maybe
/// another copy of the value: as is, JSON-escaped, URL-encoded, or a tail piece of it.
fn line(rng: &mut Rng) -> (String, Vec<String>) {
    let (name, value) = secret(rng);
    let mut planted = vec![value.clone()];
    let mut text = filler(rng, 60);
    if rng.chance(30) {
        let (other_name, other) = secret(rng);
        text.push_str(&format!(" {other_name}={other}, "));
        planted.push(other);
    }
    text.push_str(&format!(" {name} = \"{value}\" "));
    text.push_str(&filler(rng, 30));
    match rng.below(5) {
        0 => text.push_str(&format!(" again='{value}'")),
        1 => text.push_str(&format!(" json=\"{}\"", value.replace('/', "\\/"))),
        2 => text.push_str(&format!(
            " url={}",
            value
                .replace('/', "%2F")
                .replace('+', "%2B")
                .replace('#', "%23")
        )),
        3 => text.push_str(&format!(" tail={}", &value[value.len() - 12..])),
        _ => {}
    }
    text.push(' ');
    text.push_str(&filler(rng, 60));
    (text, planted)
}

fn run(args: &[&str], dir: &std::path::Path) -> String {
    let out = ferret()
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(1),
        "ferret {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_no_leak(what: &str, text: &str, values: &[&str]) {
    if let Some(piece) = leaked_piece(text, values) {
        let at = text.find(&piece).unwrap_or(0);
        let context: String = text[at..].chars().take(120).collect();
        panic!("{what} shows '{piece}' of a secret: {context}…");
    }
}

#[test]
fn no_output_and_no_stored_row_shows_a_piece_of_a_detected_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("app");
    std::fs::create_dir_all(&repo).unwrap();
    let mut rng = Rng(0x5EED_F00D_1234_5678);
    let mut planted = BTreeSet::new();
    let mut lines = Vec::new();
    for file in 0..60 {
        let mut body = String::new();
        for _ in 0..3 {
            let (text, values) = line(&mut rng);
            body.push_str(&text);
            body.push('\n');
            planted.extend(values);
            lines.push(text);
        }
        std::fs::write(repo.join(format!("f{file:02}.cfg")), body).unwrap();
    }

    // What the scanner detected (raw values, asked for explicitly).
    let shown: Value =
        serde_json::from_str(&run(&["scan", "--show-secrets", "--format", "json"], &repo)).unwrap();
    let detected: BTreeSet<String> = shown["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["secret"].as_str())
        // A credential pair shows both halves: `ID SECRET`.
        .flat_map(|s| s.split(' ').map(str::to_string))
        .collect();
    let missed: Vec<_> = planted.difference(&detected).collect();
    assert!(
        missed.is_empty(),
        "planted secrets not detected: {missed:?}"
    );
    let values: Vec<&str> = detected.iter().map(String::as_str).collect();

    for format in ["human", "json", "sarif"] {
        let out = run(&["scan", "--no-progress", "--format", format], &repo);
        assert!(out.len() > 1000, "{format}: {out}");
        assert_no_leak(format, &out, &values);
    }

    // Uploaded by the CLI, then stored: every byte the server wrote.
    let data = tmp.path().join("data");
    let log = tmp.path().join("server.log");
    let server = start(&data, &log);
    let (ws, token) = onboard(&server.url);
    let out = ferret()
        .args(["scan", "--no-progress", "--format", "json", "--upload"])
        .arg(&server.url)
        .args(["--upload-repository", "app", "--upload-branch", "main"])
        .arg(&repo)
        .env("FERRET_TOKEN", &token)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A hostile client sends each raw line as a snippet, secrets in paths and author names too.
    let hostile: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let value = planted.iter().find(|v| text.contains(v.as_str())).unwrap();
            json!({
                "rule_id": "hostile-client",
                "category": "secret",
                "severity": "high",
                "confidence": "high",
                "title": "t",
                "location": {"path": format!("leak/{i}/{value}.txt"),
                             "start_line": 1, "start_column": 1, "end_line": 1, "end_column": 2},
                "snippet": text,
                "fingerprint": format!("hostile{i:04}"),
                "provenance": {"commit": "abcdef12", "author": format!("Eve {value}"), "date": ""},
            })
        })
        .collect();
    let auth = format!("Bearer {token}");
    let (status, body, _) = call(
        &format!("{}/api/scans", server.url),
        "POST",
        &[("authorization", &auth)],
        Some(json!({"repository": "app", "branch": "hostile", "findings": hostile})),
    );
    assert_eq!(status, 201, "{body}");
    let (status, list, _) = call(
        &format!("{}/api/workspaces/{ws}/findings?per_page=500", server.url),
        "GET",
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(status, 200);
    assert!(list["total"].as_u64().unwrap() >= lines.len() as u64);
    assert_no_leak("the findings API", &list.to_string(), &values);

    drop(server);
    let mut files = Vec::new();
    all_bytes_under(&data, &mut files);
    files.push(("server.log".into(), std::fs::read(&log).unwrap()));
    for (path, bytes) in &files {
        let text = without_digests(&String::from_utf8_lossy(bytes), &values);
        assert_no_leak(path, &text, &values);
    }
}

/// `text` with the digests and clock readings the server stores blanked out: runs of 32 or more
/// hex digits (SHA-256 hashes of tokens and sessions, audit hashes and HMAC seals, also cut short
/// in WAL pages) are hash outputs, and the fractional seconds of a log line's time (`.892126Z`)
/// and the durations of its debug lines (`elapsed=219.497µs elapsed_secs=0.000219497`) are clock
/// readings; any of them can hold any 6-digit piece by chance. A run that contains a whole
/// planted value is kept (that would be a copy of the secret).
fn without_digests(text: &str, values: &[&str]) -> String {
    let text = without_durations(text);
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String, next: Option<char>| {
        let fraction =
            out.ends_with('.') && next == Some('Z') && run.chars().all(|c| c.is_ascii_digit());
        if (run.len() >= 32 || fraction) && !values.iter().any(|v| run.contains(v)) {
            out.push_str(&"#".repeat(run.len()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out, Some(c));
            out.push(c);
        }
    }
    flush(&mut run, &mut out, None);
    out
}

/// `text` with the values of `elapsed=` and `elapsed_secs=` (durations in debug log lines)
/// blanked out.
fn without_durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("elapsed") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let Some(eq) = from.find('=').filter(|eq| *eq <= "elapsed_secs".len()) else {
            out.push_str("elapsed");
            rest = &from["elapsed".len()..];
            continue;
        };
        out.push_str(&from[..=eq]);
        let value = &from[eq + 1..];
        let end = value
            .find(|c: char| !(c.is_ascii_alphanumeric() || ".-+µ".contains(c)))
            .unwrap_or(value.len());
        out.push_str(&"#".repeat(value[..end].chars().count()));
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn durations_in_log_lines_are_clock_readings() {
    assert_eq!(
        without_durations("x elapsed=219.497µs elapsed_secs=0.000219497 y elapsedness"),
        "x elapsed=######### elapsed_secs=########### y elapsedness"
    );
}
