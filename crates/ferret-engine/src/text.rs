//! Byte offsets to lines and columns, and file-content decoding shared by all analyzers.

use std::ops::Range;

/// Maps byte offsets of one file to 1-based line and column numbers.
pub struct LineIndex<'a> {
    content: &'a [u8],
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(content: &'a [u8]) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', content).map(|nl| nl + 1));
        LineIndex { content, starts }
    }

    /// 0-based line number containing `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of the 0-based line `line`, without its line terminator.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.starts[line];
        let mut end = self
            .starts
            .get(line + 1)
            .map_or(self.content.len(), |next| next - 1);
        if end > start && self.content[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// 1-based (line, column) of `offset`; the column counts characters from the line start.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let column = String::from_utf8_lossy(&self.content[start..offset])
            .chars()
            .count()
            + 1;
        (line as u32 + 1, column as u32)
    }

    /// The 1-based line number and the text of the line holding `offset`, plus the range of
    /// `span` relative to that text (clipped to the line).
    pub fn line_with_span(&self, span: Range<usize>) -> (String, Range<usize>) {
        let range = self.line_range(self.line_of(span.start));
        let before = String::from_utf8_lossy(&self.content[range.start..span.start]);
        let end = span.end.min(range.end).max(span.start);
        let inside = String::from_utf8_lossy(&self.content[span.start..end]);
        let after = String::from_utf8_lossy(&self.content[end..range.end.max(end)]);
        let text = format!("{before}{inside}{after}");
        (text, before.len()..before.len() + inside.len())
    }
}

/// Decodes UTF-16 text (with a byte-order mark) to UTF-8; `None` for other content (use it as is).
pub fn decode_utf16_if_marked(content: &[u8]) -> Option<Vec<u8>> {
    let little = content.starts_with(&[0xFF, 0xFE]);
    let big = content.starts_with(&[0xFE, 0xFF]);
    if !little && !big {
        return None;
    }
    let units = content[2..].chunks_exact(2).map(|pair| {
        if little {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
            .into_bytes(),
    )
}

/// True for content that looks binary: a NUL byte in the first 8 KiB (git's heuristic).
pub fn looks_binary(content: &[u8]) -> bool {
    memchr::memchr(0, &content[..content.len().min(8192)]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\r\nçd secret\nlast".as_bytes();
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), (1, 1));
        let offset = text.windows(6).position(|w| w == b"secret").unwrap();
        assert_eq!(index.position(offset), (2, 4));
        let (line, span) = index.line_with_span(offset..offset + 6);
        assert_eq!(line, "çd secret");
        assert_eq!(&line[span], "secret");
        assert_eq!(index.line_range(0), 0..2);
    }

    #[test]
    fn utf16_is_decoded_and_binary_detected() {
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "key=1".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        assert_eq!(decode_utf16_if_marked(&utf16).unwrap(), b"key=1");
        assert_eq!(decode_utf16_if_marked(b"plain"), None);
        assert!(looks_binary(b"\x7fELF\0\0"));
        assert!(!looks_binary(b"plain text"));
    }
}
