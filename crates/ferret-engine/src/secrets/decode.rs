//! Decoded views of a file, for secrets that do not stand in it as plain text: base64 values of
//! a Kubernetes `Secret`'s `data:` (and, nested, the registry credentials of a
//! `.dockerconfigjson`), JSON-escaped strings (`a\/b`, `\u002f`), URL-encoded values (`%2F`)
//! string literals split over lines (`"AccountName=x;" +\n "AccountKey=…"`) and terminal
//! colour codes around a value in captured output (`\x1b[93msk-…\x1b[0m`).
//!
//! Each view maps every decoded byte back to the original bytes it came from, so a secret found
//! in a view is reported at its real place, and its encoded spelling is masked in snippets.

use crate::keywords::KeywordSet;
use base64::Engine;
use std::ops::Range;

/// Literal markers (ASCII case-insensitive) that make a file worth decoding; they join the
/// shared keyword pass, so files without any cost nothing.
pub const TRIGGERS: &[&str] = &[
    "kind: secret",
    "\\/",
    "\\u00",
    // Percent-encoded URL-reserved characters: `! # $ & ' ( ) * + , / : ; = ? @ [ ]`.
    "%21",
    "%23",
    "%24",
    "%26",
    "%27",
    "%28",
    "%29",
    "%2a",
    "%2b",
    "%2c",
    "%2f",
    "%3a",
    "%3b",
    "%3d",
    "%3f",
    "%40",
    "%5b",
    "%5d",
    "accountkey=",
    "sharedaccesskey=",
    // An ANSI escape sequence (colours in captured terminal output and CI logs).
    "\x1b[",
];

/// Decoded text and, for each of its bytes, the original range it came from.
pub struct View {
    pub text: Vec<u8>,
    origin: Vec<Range<usize>>,
    /// The encoded value this view stands for as a whole (a Kubernetes `Secret`'s base64
    /// value): what generic rules see there as written is the encoding, not the value.
    pub replaces: Option<Range<usize>>,
}

impl View {
    /// The original range of decoded bytes `span`.
    pub fn original(&self, span: &Range<usize>) -> Range<usize> {
        let start = self.origin[span.start].start;
        let end = self.origin[span.end.max(span.start + 1) - 1].end;
        start..end.max(start)
    }
}

/// The compiled [`TRIGGERS`].
fn trigger_set() -> &'static KeywordSet {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(TRIGGERS).expect("static keywords compile"))
}

/// How far (bytes) a decoded window reaches from a trigger on a very long line (minified JSON).
const REACH: usize = 4096;

/// The line around byte `at`, at most [`REACH`] bytes either side, as a range. Where the reach
/// cuts a line, the word or base64 run it cuts through is left out: a view that began inside
/// one would offer its tail as a value of its own (a run of `A`s in an inlined image read as
/// an X bearer token).
fn line_around(content: &[u8], at: usize) -> Range<usize> {
    let floor = at.saturating_sub(REACH);
    let ceiling = (at + REACH).min(content.len());
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"+/=_-".contains(b);
    let start = match memchr::memrchr(b'\n', &content[floor..at]) {
        Some(p) => floor + p + 1,
        None if floor == 0 => 0,
        None => floor + content[floor..at].iter().take_while(|b| token(b)).count(),
    };
    let end = match memchr::memchr(b'\n', &content[at..ceiling]) {
        Some(p) => at + p + 1,
        None if ceiling == content.len() => ceiling,
        None => {
            ceiling
                - content[at..ceiling]
                    .iter()
                    .rev()
                    .take_while(|b| token(b))
                    .count()
        }
    };
    start..end
}

/// Builds views for `content`, decoding only around the triggers found in it (so a large file
/// with one escaped slash costs one line); `depth` limits decoding inside decoded text.
pub fn views(content: &[u8], depth: u8) -> Vec<View> {
    let mut kubernetes = false;
    let mut escaped_lines: Vec<Range<usize>> = Vec::new();
    let mut encoded_lines: Vec<Range<usize>> = Vec::new();
    let mut split_strings: Vec<Range<usize>> = Vec::new();
    let mut coloured_lines: Vec<Range<usize>> = Vec::new();
    trigger_set().for_each_hit(content, |trigger, start, _| {
        let text = TRIGGERS[trigger];
        if text == "kind: secret" {
            kubernetes = true;
        } else if text.starts_with('\x1b') {
            coloured_lines.push(line_around(content, start));
        } else if text.starts_with('\\') {
            escaped_lines.push(line_around(content, start));
        } else if text.starts_with('%') {
            encoded_lines.push(line_around(content, start));
        } else {
            // A connection string split over lines: the few lines around its key.
            let line = line_around(content, start);
            let from = (0..3).fold(line.start, |at, _| {
                memchr::memrchr(b'\n', &content[..at.saturating_sub(1)]).map_or(0, |p| p + 1)
            });
            let to = (0..3).fold(line.end, |at, _| {
                memchr::memchr(b'\n', &content[at..]).map_or(content.len(), |p| at + p + 1)
            });
            split_strings.push(from..to);
        }
    });
    let mut out = Vec::new();
    if kubernetes {
        out.extend(kubernetes_secret_data(content));
    }
    for (lines, decode) in [
        (
            escaped_lines,
            json_unescape as fn(&[u8], usize) -> Option<View>,
        ),
        (encoded_lines, percent_decode),
        (split_strings, joined_string_literals),
        (coloured_lines, without_terminal_codes),
    ] {
        let mut lines = lines;
        // The keyword walk may report hits out of order.
        lines.sort_by_key(|r| r.start);
        let mut last_end = 0;
        for range in lines {
            // Hits on one line (or window) decode it once.
            if range.start < last_end {
                continue;
            }
            last_end = range.end;
            out.extend(decode(&content[range.clone()], range.start));
        }
    }
    if depth > 1 {
        // Decoded text may hold encoded values itself (a `.dockerconfigjson`'s auth entries).
        let nested: Vec<View> = out
            .iter()
            .flat_map(|view| {
                views(&view.text, depth - 1).into_iter().map(|inner| View {
                    origin: inner.origin.iter().map(|r| view.original(r)).collect(),
                    text: inner.text,
                    replaces: None,
                })
            })
            .collect();
        out.extend(nested);
    }
    out
}

/// `key: BASE64` lines under `data:` in a YAML document of kind `Secret`.
fn kubernetes_secret_data(content: &[u8]) -> Vec<View> {
    let mut out = Vec::new();
    let mut data_indent: Option<usize> = None;
    let mut offset = 0;
    for line in content.split_inclusive(|&b| b == b'\n') {
        let start = offset;
        offset += line.len();
        let text = String::from_utf8_lossy(line);
        let trimmed = text.trim_end();
        let indent = trimmed.len() - trimmed.trim_start().len();
        if trimmed.trim_start() == "data:" {
            data_indent = Some(indent);
            continue;
        }
        let Some(base) = data_indent else {
            continue;
        };
        if trimmed.trim().is_empty() {
            continue;
        }
        if indent <= base {
            data_indent = None;
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        let key = key.trim();
        let value = value.trim().trim_matches(['"', '\'']);
        if value.len() < 8 {
            continue;
        }
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(value) else {
            continue;
        };
        let Some(at) = memchr::memmem::find(line, value.as_bytes()) else {
            continue;
        };
        let span = start + at..start + at + value.len();
        // The decoded value under its key (`IRIS_SECRET_KEY: <decoded>`), so that rules reading
        // a name before a value judge the value itself.
        let key_at = start + memchr::memmem::find(line, key.as_bytes()).unwrap_or(0);
        let colon = key_at + key.len()..key_at + key.len() + 1;
        let mut text = Vec::with_capacity(key.len() + decoded.len() + 3);
        let mut origin = Vec::with_capacity(text.capacity());
        text.extend_from_slice(key.as_bytes());
        origin.extend((key_at..key_at + key.len()).map(|at| at..at + 1));
        text.extend_from_slice(b": ");
        origin.extend([colon.clone(), colon]);
        origin.extend(std::iter::repeat_n(span.clone(), decoded.len() + 1));
        text.extend_from_slice(&decoded);
        text.push(b'\n');
        out.push(View {
            origin,
            text,
            replaces: Some(span),
        });
    }
    out
}

/// Walks `bytes` (which start at `offset` in the file), letting `step` replace the sequence at
/// each position: `Some((replacement, consumed))` emits `replacement` for `consumed` input bytes.
/// Returns the view if anything was replaced.
fn rewrite(
    bytes: &[u8],
    offset: usize,
    step: impl Fn(&[u8]) -> Option<(Option<u8>, usize)>,
) -> Option<View> {
    let mut text = Vec::with_capacity(bytes.len());
    let mut origin = Vec::with_capacity(bytes.len());
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        let at = offset + i;
        if let Some((replacement, consumed)) = step(&bytes[i..]) {
            if let Some(byte) = replacement {
                text.push(byte);
                origin.push(at..at + consumed);
            }
            i += consumed;
            changed = true;
            continue;
        }
        text.push(bytes[i]);
        origin.push(at..at + 1);
        i += 1;
    }
    changed.then_some(View {
        text,
        origin,
        replaces: None,
    })
}

/// The byte that two hexadecimal digits name.
fn hex_byte(digits: &[u8]) -> Option<u8> {
    u8::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

/// JSON string escapes undone: `\/`, `\"`, `\\`, `\u00XX` (ASCII).
fn json_unescape(line: &[u8], offset: usize) -> Option<View> {
    rewrite(line, offset, |rest| match rest {
        [b'\\', c @ (b'/' | b'"' | b'\\'), ..] => Some((Some(*c), 2)),
        [b'\\', b'u', b'0', b'0', hi, lo, ..] => hex_byte(&[*hi, *lo])
            .filter(u8::is_ascii)
            .map(|c| (Some(c), 6)),
        _ => None,
    })
}

/// `%XX` sequences decoded.
fn percent_decode(line: &[u8], offset: usize) -> Option<View> {
    rewrite(line, offset, |rest| match rest {
        [b'%', hi, lo, ..] => hex_byte(&[*hi, *lo]).map(|b| (Some(b), 3)),
        _ => None,
    })
}

/// ANSI escape sequences (`ESC [ parameters final-byte`: colours, cursor moves) each replaced by
/// a space, so a token coloured in captured output (`\x1b[93msk-…\x1b[0m`) stands alone.
fn without_terminal_codes(line: &[u8], offset: usize) -> Option<View> {
    rewrite(line, offset, |rest| match rest {
        [0x1b, b'[', tail @ ..] => {
            let body = tail
                .iter()
                .position(|b| !(0x20..=0x3f).contains(b))
                .unwrap_or(tail.len());
            tail.get(body)
                .filter(|b| (0x40..=0x7e).contains(*b))
                .map(|_| (Some(b' '), 2 + body + 1))
        }
        _ => None,
    })
}

/// String literals continued on the next line (`"…" +` / `"…" \` / adjacent literals) joined,
/// with the quotes, operator and line break between them removed.
fn joined_string_literals(content: &[u8], offset: usize) -> Option<View> {
    rewrite(content, offset, |rest| {
        continuation_at(rest).map(|skip| (None, skip))
    })
}

/// Length of `"` [spaces] [`+` | `\` | `&` | `.`] [spaces] newline [spaces] [`+` | `&` | `.`]
/// [spaces] `"` at the start of `rest`, if that is what it holds.
fn continuation_at(rest: &[u8]) -> Option<usize> {
    if rest.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    let skip_spaces = |i: &mut usize| {
        while *i < rest.len() && (rest[*i] == b' ' || rest[*i] == b'\t' || rest[*i] == b'\r') {
            *i += 1;
        }
    };
    skip_spaces(&mut i);
    if i < rest.len() && b"+\\&.".contains(&rest[i]) {
        i += 1;
        skip_spaces(&mut i);
    }
    if rest.get(i) != Some(&b'\n') {
        return None;
    }
    i += 1;
    skip_spaces(&mut i);
    if i < rest.len() && b"+&.".contains(&rest[i]) {
        i += 1;
        skip_spaces(&mut i);
    }
    (rest.get(i) == Some(&b'"')).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(content: &str) -> Vec<String> {
        views(content.as_bytes(), 2)
            .into_iter()
            .map(|v| String::from_utf8_lossy(&v.text).into_owned())
            .collect()
    }

    #[test]
    fn kubernetes_secret_data_is_decoded_and_mapped_back() {
        let content = "apiVersion: v1\nkind: Secret\ndata:\n  token: aGVsbG8gd29ybGQ=\nother: x\n";
        let views = views(content.as_bytes(), 1);
        assert_eq!(views.len(), 1);
        assert_eq!(views[0].text, b"token: hello world\n");
        let span = views[0].original(&(7..12));
        assert_eq!(&content[span], "aGVsbG8gd29ybGQ=");
    }

    #[test]
    fn escapes_percent_codes_and_split_literals() {
        assert!(
            texts("{\"k\": \"ab\\/cd\\u002bef\"}\n").contains(&"{\"k\": \"ab/cd+ef\"}\n".into())
        );
        assert!(texts("u=a%2Fb%2Bc\n").contains(&"u=a/b+c\n".into()));
        let joined = texts("s = \"AccountName=x;\" +\n    \"AccountKey=abc;\"\n");
        assert!(
            joined.contains(&"s = \"AccountName=x;AccountKey=abc;\"\n".into()),
            "{joined:?}"
        );
    }

    #[test]
    fn terminal_colour_codes_become_spaces_and_map_back() {
        let line = ">>>\x1b[93msk-615ef152\x1b[0m<<<\n";
        let view = without_terminal_codes(line.as_bytes(), 0).unwrap();
        assert_eq!(view.text, b">>> sk-615ef152 <<<\n");
        assert_eq!(&line[view.original(&(4..15))], "sk-615ef152");
        assert!(texts(line).contains(&">>> sk-615ef152 <<<\n".into()));
        // An escape without its final byte is left as it is.
        assert!(without_terminal_codes(b"a\x1b[93", 0).is_none());
    }

    #[test]
    fn a_long_line_is_cut_between_words_not_inside_one() {
        // An inlined image far longer than the reach, with a trigger after it.
        let line = format!("url(data:image/gif;base64,{}) x\\/y", "wA".repeat(REACH));
        let at = line.find("\\/").unwrap();
        let range = line_around(line.as_bytes(), at);
        assert_eq!(&line[range.start..at], ") x");
        let short = "key: \\/ab\nnext";
        assert_eq!(line_around(short.as_bytes(), 5), 0..10);
    }

    #[test]
    fn escaped_text_maps_to_its_source() {
        let line = "x=ab\\/cd";
        let view = json_unescape(line.as_bytes(), 0).unwrap();
        assert_eq!(view.text, b"x=ab/cd");
        assert_eq!(&line[view.original(&(2..7))], "ab\\/cd");
    }
}
