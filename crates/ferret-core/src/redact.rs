//! Redaction of secrets in evidence snippets: the one place every output and the server use.
//!
//! The guarantee: a snippet built here never contains [`LEAK_RUN`] or more consecutive
//! characters of any value it was told about — not the matched span only, but every copy of
//! every value on the line, in its JSON-escaped and URL-encoded spellings too, and any piece of
//! a value that a cut or a partial match left behind. At most a short fixed prefix of a value is
//! kept (`ghp_*****`), always followed by the mask, and lines are cut at token boundaries so a
//! cut never leaves a recognisable piece of a token.

use std::collections::HashSet;
use std::ops::Range;

/// The longest snippet kept, in characters (the `…` marks of a cut line come on top).
pub const SNIPPET_MAX_CHARS: usize = 160;

/// A snippet never holds this many consecutive characters of a detected value.
pub const LEAK_RUN: usize = 6;

/// What replaces a secret.
pub const MASK: &str = "*****";

/// Values shorter than this are masked where they occur whole, but their pieces are not hunted.
const MIN_MASKED_VALUE: usize = 4;

/// Redacts a secret: keeps a short prefix (at most 4 characters and at most a fifth of the
/// value) and replaces the rest with `*****`.
pub fn redact_secret(secret: &str) -> String {
    // PEM blocks keep their (public) header line: `-----BEGIN RSA PRIVATE KEY-----*****`.
    if let Some(header) = pem_header(secret) {
        return format!("{header}{MASK}");
    }
    let keep = kept_prefix_len(secret.chars().count());
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}{MASK}")
}

fn kept_prefix_len(chars: usize) -> usize {
    (chars / 5).min(4)
}

/// `-----BEGIN X-----` when `secret` is a PEM block.
fn pem_header(secret: &str) -> Option<&str> {
    let rest = secret.strip_prefix("-----BEGIN ")?;
    let end = rest.find("-----")?;
    Some(&secret[..11 + end + 5])
}

/// The spellings of `value` that may stand in a line: as is, JSON-escaped and URL-encoded.
/// A PEM block contributes its body, not its public header.
fn spellings(value: &str) -> Vec<Vec<char>> {
    let value = match pem_header(value) {
        Some(header) => &value[header.len()..],
        None => value,
    };
    let mut out: Vec<Vec<char>> = Vec::new();
    for line in value.split(['\n', '\r']) {
        let line = line.trim();
        if line.chars().count() < MIN_MASKED_VALUE {
            continue;
        }
        let mut json = String::with_capacity(line.len());
        let mut url = String::with_capacity(line.len());
        for c in line.chars() {
            match c {
                '"' | '\\' | '/' => {
                    json.push('\\');
                    json.push(c);
                }
                _ => json.push(c),
            }
            if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                url.push(c);
            } else {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    url.push_str(&format!("%{b:02X}"));
                }
            }
        }
        for spelling in [line.to_string(), json, url] {
            let chars: Vec<char> = spelling.chars().collect();
            if !out.contains(&chars) {
                out.push(chars);
            }
        }
    }
    out
}

/// A window of [`LEAK_RUN`] characters.
type Window = [char; LEAK_RUN];

fn window_at(chars: &[char], at: usize) -> Option<Window> {
    chars.get(at..at + LEAK_RUN)?.try_into().ok()
}

/// One spelling of a value, prepared for search.
struct Spelling {
    value: usize,
    /// The value as is (its occurrence keeps a short prefix), not an encoded form.
    plain: bool,
    chars: Vec<char>,
}

/// Secret values prepared for masking: built once per file, applied to each of its snippets.
pub struct ValueMask {
    values: Vec<String>,
    /// Every window of every spelling: any such run in a text is a piece of a value.
    windows: HashSet<Window>,
    /// Spellings of at least [`LEAK_RUN`] characters, by their first window.
    heads: std::collections::HashMap<Window, Vec<Spelling>>,
    /// Shorter spellings, searched for directly.
    short: Vec<Spelling>,
}

impl ValueMask {
    pub fn new<S: AsRef<str>>(values: &[S]) -> ValueMask {
        let mut mask = ValueMask {
            values: values.iter().map(|v| v.as_ref().to_string()).collect(),
            windows: HashSet::new(),
            heads: std::collections::HashMap::new(),
            short: Vec::new(),
        };
        for (value, text) in values.iter().enumerate() {
            for (n, chars) in spellings(text.as_ref()).into_iter().enumerate() {
                let spelling = Spelling {
                    value,
                    plain: n == 0,
                    chars,
                };
                match window_at(&spelling.chars, 0) {
                    Some(head) => {
                        for at in 0..=spelling.chars.len() - LEAK_RUN {
                            if let Some(w) = window_at(&spelling.chars, at) {
                                mask.windows.insert(w);
                            }
                        }
                        mask.heads.entry(head).or_default().push(spelling);
                    }
                    None => mask.short.push(spelling),
                }
            }
        }
        mask
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Marks, per character of `line`, whether it belongs to a value: every occurrence of every
    /// spelling, and every run of [`LEAK_RUN`] characters that also stands in one. Returns the
    /// marks and, per character, the value whose plain occurrence starts there (for the kept
    /// prefix).
    fn mark(&self, line: &[char]) -> (Vec<bool>, Vec<Option<&str>>) {
        let mut masked = vec![false; line.len()];
        let mut starts = vec![None; line.len()];
        let mut found = |at: usize, spelling: &Spelling| {
            if line[at..].starts_with(&spelling.chars) {
                masked[at..at + spelling.chars.len()].fill(true);
                if spelling.plain && starts[at].is_none() {
                    starts[at] = Some(self.values[spelling.value].as_str());
                }
            }
        };
        for at in 0..line.len() {
            for spelling in &self.short {
                found(at, spelling);
            }
            let Some(window) = window_at(line, at) else {
                continue;
            };
            if let Some(spellings) = self.heads.get(&window) {
                for spelling in spellings {
                    found(at, spelling);
                }
            }
        }
        for at in 0..line.len() {
            if window_at(line, at).is_some_and(|w| self.windows.contains(&w)) {
                masked[at..at + LEAK_RUN].fill(true);
            }
        }
        (masked, starts)
    }

    /// Masks every occurrence (in any spelling) and every [`LEAK_RUN`]-character piece of the
    /// values in `text`, keeping at most a short prefix of a value where a whole copy starts.
    pub fn apply(&self, text: &str) -> String {
        if self.is_empty() {
            return text.to_string();
        }
        let line: Vec<char> = text.chars().collect();
        let (masked, starts) = self.mark(&line);
        let (out, _) = render(&line, &masked, &starts, usize::MAX);
        out.into_iter().collect()
    }
}

/// Renders marked characters: each masked run becomes `*****`, after the short prefix of the
/// value whose occurrence opens it (if any). Control characters become spaces. Returns the text
/// and, for `focus` (a character index into `line`), where its rendering starts in the text.
fn render(
    line: &[char],
    masked: &[bool],
    starts: &[Option<&str>],
    focus: usize,
) -> (Vec<char>, usize) {
    let mut out = Vec::with_capacity(line.len());
    let mut focus_at = 0;
    let mut i = 0;
    while i < line.len() {
        if !masked[i] {
            if i == focus {
                focus_at = out.len();
            }
            let c = line[i];
            out.push(if c.is_control() { ' ' } else { c });
            i += 1;
            continue;
        }
        let mut end = i;
        while end < line.len() && masked[end] {
            end += 1;
        }
        if (i..end).contains(&focus) {
            focus_at = out.len();
        }
        if let Some(value) = starts[i] {
            let keep = match pem_header(value) {
                // A PEM block keeps its public header where the header itself stands.
                Some(header) => {
                    let header: Vec<char> = header.chars().collect();
                    if line[i..].starts_with(&header) {
                        header.len()
                    } else {
                        0
                    }
                }
                None => kept_prefix_len(value.chars().count()),
            };
            out.extend(line[i..end.min(i + keep)].iter());
        }
        out.extend(MASK.chars());
        i = end;
    }
    if focus >= line.len() {
        focus_at = out.len();
    }
    (out, focus_at)
}

/// Masks every occurrence (in any spelling) and every [`LEAK_RUN`]-character piece of each of
/// `values` in `text` (see [`ValueMask`] to mask many texts with the same values).
pub fn mask_values(text: &str, values: &[&str]) -> String {
    ValueMask::new(values).apply(text)
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || "+/=_-.~%\\*".contains(c)
}

/// Cuts `text` (characters) to at most `max` characters around `focus` (from the start when
/// `None`), moving each cut out of any token it would split (the token is dropped, not shown in
/// part) and marking a cut with `…`.
fn cut_around(text: &[char], focus: Option<usize>, max: usize) -> String {
    let (mut from, mut to) = (0, text.len());
    if text.len() > max {
        let (focus, focus_end) = match focus {
            Some(at) => (at.min(text.len()), at + MASK.len()),
            None => (0, 0),
        };
        let half = max / 2;
        from = focus.saturating_sub(half);
        to = (from + max).min(text.len());
        from = to.saturating_sub(max);
        // Never split a token: move the cut inwards past it.
        if from > 0 && is_token_char(text[from - 1]) {
            while from < to && is_token_char(text[from]) && from < focus {
                from += 1;
            }
        }
        if to < text.len() && is_token_char(text[to]) {
            while to > from && is_token_char(text[to - 1]) && to > focus_end {
                to -= 1;
            }
        }
    }
    let kept: String = text[from..to].iter().collect();
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(kept.trim());
    if to < text.len() {
        out.push('…');
    }
    out
}

/// Builds a one-line evidence snippet from `line` in which the byte range `secret` (relative to
/// the line) and every copy or piece of the `values` are masked, trimmed around the secret at token
/// boundaries. `secret` may extend past the end of the line (multi-line secrets).
pub fn redacted_snippet(line: &str, secret: Range<usize>, values: &ValueMask) -> String {
    let start = floor_char_boundary(line, secret.start.min(line.len()));
    let end = floor_char_boundary(line, secret.end.min(line.len())).max(start);
    let focus_value = &line[start..end];
    // Very long lines (minified code): look only at a generous window around the secret.
    let reach = SNIPPET_MAX_CHARS * 4;
    let before: Vec<char> = line[..start].chars().collect();
    let skip = before.len().saturating_sub(reach);
    let chars: Vec<char> = before[skip..]
        .iter()
        .copied()
        .chain(
            line[start..]
                .chars()
                .take(reach + focus_value.chars().count()),
        )
        .collect();
    let focus = before.len() - skip;
    let focus_len = focus_value.chars().count();

    let mask = ValueMask::new(&[focus_value]);
    let (mut masked, mut starts) = mask.mark(&chars);
    let (others, other_starts) = values.mark(&chars);
    for (m, other) in masked.iter_mut().zip(others) {
        *m |= other;
    }
    for (start, other) in starts.iter_mut().zip(other_starts) {
        *start = start.or(other);
    }
    if focus_len > 0 {
        masked[focus..focus + focus_len].fill(true);
        // A span that is the whole value keeps its prefix; a partial one (a multi-line value)
        // keeps what `redact_secret` keeps of it.
        starts[focus] = Some(focus_value);
    }
    let (rendered, focus_at) = render(&chars, &masked, &starts, focus);
    let mut out = cut_around(&rendered, Some(focus_at), SNIPPET_MAX_CHARS);
    if skip > 0 && !out.starts_with('…') {
        out.insert(0, '…');
    }
    out
}

/// Cuts `text` to its first line and at most `max` characters, never in the middle of a token
/// (a cut token is dropped and the cut marked `…`). Control characters become spaces.
pub fn cut_snippet(text: &str, max: usize) -> String {
    let line: Vec<char> = text
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cut_around(&line, None, max)
}

/// The first piece of [`LEAK_RUN`] or more characters of any of `values` that `text` still
/// shows, if any (what a test of the guarantee asserts to be `None`).
pub fn leaked_piece(text: &str, values: &[&str]) -> Option<String> {
    let mask = ValueMask::new(values);
    let text: Vec<char> = text.chars().collect();
    (0..text.len()).find_map(|at| {
        window_at(&text, at)
            .filter(|w| mask.windows.contains(w))
            .map(|w| w.iter().collect())
    })
}

/// The runs of token characters in `text` that look like a key, a hash or an encoded blob, for
/// text whose secret values are not known (snippets a client uploads): at least 20 characters
/// of letters, digits and `+/_-` (and trailing `=` padding) mixing letters and digits, or at
/// least 16 with high entropy, unless every `/`-separated part reads like a word with a number
/// (a path).
pub fn token_like_runs(text: &str) -> Vec<&str> {
    // `=` only as base64 padding at the end of a run, so `key=value` is two runs.
    let is_run_char = |c: char| c.is_ascii_alphanumeric() || "+/_-".contains(c);
    let mut runs = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(is_run_char) {
        let tail = &rest[start..];
        let mut end = tail.find(|c: char| !is_run_char(c)).unwrap_or(tail.len());
        end += tail[end..].len() - tail[end..].trim_start_matches('=').len();
        if looks_token_like(&tail[..end]) {
            runs.push(&tail[..end]);
        }
        rest = &tail[end..];
    }
    runs
}

/// Masks every [`token_like_runs`] run of `text`.
pub fn mask_token_like(text: &str) -> String {
    ValueMask::new(&token_like_runs(text)).apply(text)
}

fn looks_token_like(run: &str) -> bool {
    let len = run.chars().count();
    let digits = run.chars().any(|c| c.is_ascii_digit());
    let letters = run.chars().any(|c| c.is_ascii_alphabetic());
    if len < 16 || !letters || !digits {
        return false;
    }
    let path_like = run.contains('/')
        && run
            .split('/')
            .all(|part| part.is_empty() || class_changes(part) <= 2);
    if path_like {
        return false;
    }
    len >= 20 || entropy(run) >= 3.5
}

/// How often the character class (letter, digit, other) changes along `part`.
fn class_changes(part: &str) -> usize {
    let class = |c: char| {
        if c.is_ascii_digit() {
            0
        } else if c.is_ascii_alphabetic() {
            1
        } else {
            2
        }
    };
    part.chars()
        .map(class)
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0] != w[1])
        .count()
}

fn entropy(text: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in text.chars() {
        *counts.entry(c).or_insert(0u32) += 1;
    }
    let len = text.chars().count() as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / len;
            -p * p.log2()
        })
        .sum()
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    while index > 0 && !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> ValueMask {
        ValueMask::new::<&str>(&[])
    }

    #[test]
    fn redacts_all_but_a_short_prefix() {
        assert_eq!(
            redact_secret("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "ghp_*****"
        );
        assert_eq!(redact_secret("hunter2"), "h*****");
        assert_eq!(redact_secret("abc"), "*****");
        assert_eq!(
            redact_secret("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----"),
            "-----BEGIN EC PRIVATE KEY-----*****"
        );
    }

    #[test]
    fn snippet_hides_the_secret_and_keeps_context() {
        let line = "token = \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\" # prod";
        let snippet = redacted_snippet(line, 9..49, &none());
        assert_eq!(snippet, "token = \"ghp_*****\" # prod");
    }

    #[test]
    fn every_copy_of_the_value_is_masked() {
        let value = "0y0tceatuuwnIqFvzpfvb8Td6-07esplajvPznSvizma";
        let line = format!("token = '{value}' | '{value}'");
        let snippet = redacted_snippet(&line, 9..9 + value.len(), &none());
        assert_eq!(snippet, "token = '0y0t*****' | '0y0t*****'");
    }

    #[test]
    fn other_values_on_the_line_are_masked_too() {
        let line = "AKIAQ7LMB5TKP2WRDZ3X,Xk9mQ2vL8pR4t/Wn6Yb3Hs7Jd5F/c1Ge0Ua8Zi2K";
        let secret = "Xk9mQ2vL8pR4t/Wn6Yb3Hs7Jd5F/c1Ge0Ua8Zi2K";
        let snippet = redacted_snippet(line, 0..20, &ValueMask::new(&[secret]));
        assert_eq!(snippet, "AKIA*****,Xk9m*****");
        assert_eq!(leaked_piece(&snippet, &[secret, &line[..20]]), None);
    }

    #[test]
    fn pieces_and_encoded_copies_are_masked() {
        let value = "sk_live_4eC39HqLyjWDarjtT1zdp7dcA/b+c";
        // A tail left after a partial match, a JSON-escaped copy and a URL-encoded one.
        let line = format!(
            "a={value} b=xx{} c=\"{}\" d={}",
            &value[10..],
            value.replace('/', "\\/"),
            "sk_live_4eC39HqLyjWDarjtT1zdp7dcA%2Fb%2Bc"
        );
        let snippet = redacted_snippet(&line, 2..2 + value.len(), &none());
        assert_eq!(leaked_piece(&snippet, &[value]), None, "{snippet}");
        assert!(snippet.starts_with("a=sk_l*****"), "{snippet}");
    }

    #[test]
    fn long_lines_are_cut_outside_tokens() {
        let line = format!(
            "{} KEY=supersecretvalue123 {}",
            "word ".repeat(100),
            "ghp_R8x2Lq9vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8U ".repeat(20)
        );
        let start = line.find("supersecret").unwrap();
        let snippet = redacted_snippet(&line, start..start + 19, &none());
        assert!(snippet.chars().count() <= SNIPPET_MAX_CHARS + 2);
        assert!(snippet.starts_with('…') && snippet.ends_with('…'));
        assert!(snippet.contains("KEY=sup*****"), "{snippet}");
        // Every token shown is whole: no piece of a cut ghp_ token.
        for token in snippet.trim_matches('…').split_whitespace() {
            assert!(
                token.len() < 5
                    || token == "ghp_R8x2Lq9vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8U"
                    || token.contains(MASK)
                    || token == "word",
                "{token}"
            );
        }
    }

    #[test]
    fn handles_multibyte_and_out_of_range_spans() {
        let line = "pässwörd = 'Zürich-Geheimnis-42'";
        let start = line.find('Z').unwrap();
        let snippet = redacted_snippet(line, start..start + 200, &none());
        assert!(snippet.starts_with("pässwörd = 'Z"), "{snippet}");
        assert!(snippet.ends_with(MASK), "{snippet}");
        assert!(!snippet.contains("Geheimnis"));
    }

    #[test]
    fn pem_headers_stay_readable() {
        let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2\n-----END RSA PRIVATE KEY-----";
        let line = "-----BEGIN RSA PRIVATE KEY-----";
        let snippet = redacted_snippet(line, 0..key.len(), &ValueMask::new(&[key]));
        assert_eq!(snippet, "-----BEGIN RSA PRIVATE KEY-----*****");
        let body = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2";
        assert_eq!(mask_values(body, &[key]), MASK);
    }

    #[test]
    fn cut_snippet_drops_a_token_it_would_split() {
        let text = format!("x = {}", "ghp_R8x2Lq9vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8U");
        let cut = cut_snippet(&text, 20);
        assert_eq!(cut, "x =…");
    }

    #[test]
    fn token_like_runs() {
        assert_eq!(
            mask_token_like("k=Xk9mQ2vL8pR4t/Wn6Yb3Hs7Jd5F/c1Ge0Ua8Zi2K end"),
            "k=Xk9m***** end"
        );
        assert_eq!(
            mask_token_like("src/module1/file2.rs:12"),
            "src/module1/file2.rs:12"
        );
        assert_eq!(mask_token_like("a8f3k2m9x7q1w5e4"), "a8f*****");
        assert_eq!(
            mask_token_like("hello_world_foo_bar"),
            "hello_world_foo_bar"
        );
    }
}
