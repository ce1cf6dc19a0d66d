//! Making repository-controlled text safe to print on a terminal.
//!
//! Paths, commit authors, branch names, snippets and error details come from the scanned
//! repository, and a hostile one can put escape sequences in them: `ESC ] 52` to write the
//! clipboard, cursor movement to hide a finding, bidirectional overrides to make a line read
//! differently from what it is ("Trojan Source"). Before such text reaches a terminal — the
//! human report, warnings, errors — every control character is shown as a visible escape
//! (`\x1b`, `\u{202e}`). JSON and SARIF keep exact values: their consumers are programs.

use std::borrow::Cow;

/// Whether `c` would change what the terminal shows beyond printing itself: C0 controls
/// (tab excepted), DEL, C1 controls, and Unicode bidirectional and invisible formatting marks.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// `text` with every unsafe character replaced by a visible escape; borrowed when clean.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn control_and_bidi_characters_become_visible() {
        assert_eq!(escape("src/app.py"), "src/app.py");
        assert!(matches!(
            escape("plain\ttext"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(escape("a\x1b]52;c;aGk=\x07b"), "a\\x1b]52;c;aGk=\\x07b");
        assert_eq!(escape("x\x1b[2K\ry"), "x\\x1b[2K\\x0dy");
        assert_eq!(escape("line\nnext"), "line\\x0anext");
        assert_eq!(escape("\u{9b}31m"), "\\x9b31m");
        assert_eq!(escape("admin\u{202e}txt.exe"), "admin\\u{202e}txt.exe");
        assert_eq!(escape("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(escape("café ✓"), "café ✓");
    }
}
