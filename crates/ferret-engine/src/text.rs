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
fn decode_utf16_if_marked(content: &[u8]) -> Option<Vec<u8>> {
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
fn looks_binary(content: &[u8]) -> bool {
    memchr::memchr(0, &content[..content.len().min(8192)]).is_some()
}

/// True when `bytes` are exactly one DER element: its length field (short or long form) counts
/// the bytes after its header, no more and no fewer.
pub fn is_whole_der(bytes: &[u8]) -> bool {
    let Some(&first) = bytes.get(1) else {
        return false;
    };
    let (header, length) = if first < 0x80 {
        (2, first as usize)
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 3 || bytes.len() < 2 + count {
            return false;
        }
        let length = bytes[2..2 + count]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (2 + count, length)
    };
    bytes.len() == header + length
}

/// The bytes the analyzers read for a file's `content`: UTF-16 decoded, a keystore as its base64
/// ([`binary_as_text`]), the rest as it is; `None` for a binary file, which is skipped.
pub fn scannable(content: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    use std::borrow::Cow;
    let text = match decode_utf16_if_marked(content) {
        Some(decoded) => Cow::Owned(decoded),
        None => Cow::Borrowed(content),
    };
    if !looks_binary(&text) {
        return Some(text);
    }
    binary_as_text(&text).map(Cow::Owned)
}

/// A binary file that secret rules can read, as the text they read it in: a keystore — PKCS#12
/// (`.p12`, `.pfx`: one whole DER structure of version 3) or a Java KeyStore whose first entry is
/// a private key — becomes one line of base64, the form in which such files also travel inside
/// text (Kubernetes secrets, CI variables). Any other binary file: `None`.
fn binary_as_text(content: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine;
    let pkcs12 = is_whole_der(content)
        && content.get(1) == Some(&0x82)
        && content.get(4..7) == Some(&[0x02, 0x01, 0x03][..]);
    // Magic, version 1 or 2, entry count, then the first entry's tag: 1 is a private key (2, a
    // trusted certificate, is what a truststore holds).
    let java_keystore = content.starts_with(&[0xfe, 0xed, 0xfe, 0xed])
        && matches!(content.get(4..8), Some([0, 0, 0, 1 | 2]))
        && content.get(12..16) == Some(&[0, 0, 0, 1][..]);
    let pkcs12 = pkcs12 && pkcs12_may_hold_a_key(content);
    (pkcs12 || java_keystore).then(|| {
        let mut text = base64::engine::general_purpose::STANDARD
            .encode(content)
            .into_bytes();
        text.push(b'\n');
        text
    })
}

/// One DER element at the start of `bytes`: its tag, its content and the bytes after it
/// (definite lengths only, as DER has them); `None` when the bytes are cut short or malformed.
fn der_element(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let length = rest[..count]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (length, &rest[count..])
    };
    (rest.len() >= length).then(|| (tag, &rest[..length], &rest[length..]))
}

/// The elements of a DER SEQUENCE's content, in order; `None` if one is malformed.
fn der_elements(mut content: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut elements = Vec::new();
    while !content.is_empty() {
        let (tag, inner, rest) = der_element(content)?;
        elements.push((tag, inner));
        content = rest;
    }
    Some(elements)
}

/// PKCS#7 content types (`1.2.840.113549.1.7.1` data, `.7.6` encrypted data), DER-encoded.
const PKCS7_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const PKCS7_ENCRYPTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];
/// PKCS#12 bag types (`1.2.840.113549.1.12.10.1.n`) that hold no secret: a certificate (3) and
/// a revocation list (4). Key (1), shrouded key (2), secret (5) and nested (6) bags may.
const PKCS12_CERT_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x03,
];
const PKCS12_CRL_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x04,
];

/// Whether a PKCS#12 file (`PFX`) may hold a private or secret key; false for a truststore.
/// Keytool, OpenSSL, Windows and BouncyCastle put keys in (shrouded) key bags of a plain `data`
/// part and certificates in a password-encrypted part; a file whose plain parts hold only
/// certificate or revocation-list bags, and whose other parts are all encrypted data, is a
/// truststore: certificates, public by design. Anything not laid out that way (enveloped data,
/// BER's indefinite lengths, a structure cut short) may hold a key.
pub fn pkcs12_may_hold_a_key(pfx: &[u8]) -> bool {
    let certificates_only = || -> Option<bool> {
        let (_, pfx, _) = der_element(pfx)?;
        let [_version, (0x30, auth_safe), ..] = der_elements(pfx)?[..] else {
            return None;
        };
        let safe = data_content(auth_safe)?;
        for (tag, content_info) in der_elements(der_element(safe)?.1)? {
            if tag != 0x30 {
                return None;
            }
            let [(0x06, kind), ..] = der_elements(content_info)?[..] else {
                return None;
            };
            if kind == PKCS7_ENCRYPTED_DATA {
                continue;
            }
            let bags = data_content(content_info)?;
            for (_, bag) in der_elements(der_element(bags)?.1)? {
                let [(0x06, bag_type), ..] = der_elements(bag)?[..] else {
                    return None;
                };
                if bag_type != PKCS12_CERT_BAG && bag_type != PKCS12_CRL_BAG {
                    return Some(false);
                }
            }
        }
        Some(true)
    };
    certificates_only() != Some(true)
}

/// The bytes of a PKCS#7 `data` ContentInfo (`SEQUENCE { OID data, [0] { OCTET STRING } }`).
fn data_content(content_info: &[u8]) -> Option<&[u8]> {
    let [(0x06, PKCS7_DATA), (0xa0, explicit)] = der_elements(content_info)?[..] else {
        return None;
    };
    let (0x04, octets, []) = der_element(explicit)? else {
        return None;
    };
    Some(octets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths_must_cover_exactly_the_bytes() {
        // Short form: SEQUENCE of 3 bytes.
        assert!(is_whole_der(&[0x30, 0x03, 0x02, 0x01, 0x00]));
        assert!(!is_whole_der(&[0x30, 0x03, 0x02, 0x01]));
        assert!(!is_whole_der(&[0x30, 0x03, 0x02, 0x01, 0x00, 0x41]));
        // Long forms: 0x81 and 0x82 length octets.
        let mut long = vec![0x30, 0x81, 0x80];
        long.extend([0u8; 0x80]);
        assert!(is_whole_der(&long));
        let mut longer = vec![0x30, 0x82, 0x01, 0x00];
        longer.extend([0u8; 0x100]);
        assert!(is_whole_der(&longer));
        longer.push(0);
        assert!(!is_whole_der(&longer));
        assert!(!is_whole_der(&[0x30]));
        assert!(!is_whole_der(&[0x30, 0x80]));
    }

    #[test]
    fn keystores_are_read_as_base64_and_other_binaries_are_not() {
        let mut pkcs12 = vec![
            0x30, 0x82, 0x00, 0x13, 0x02, 0x01, 0x03, 0x30, 0x82, 0x00, 0x0c,
        ];
        pkcs12.extend([
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0x00,
        ]);
        let text = binary_as_text(&pkcs12).expect("a PKCS#12 file");
        assert!(text.starts_with(b"MIIAEwIBAzCC"));
        // Cut short, or a certificate (version 0 where PKCS#12 has 3): not a keystore.
        assert!(binary_as_text(&pkcs12[..pkcs12.len() - 1]).is_none());
        let mut certificate = pkcs12.clone();
        certificate[6] = 0x00;
        assert!(binary_as_text(&certificate).is_none());
        let key_entry = [
            0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 3,
        ];
        assert!(binary_as_text(&key_entry).is_some());
        let truststore = [
            0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 3,
        ];
        assert!(binary_as_text(&truststore).is_none());
        assert!(binary_as_text(b"\x7fELF\0\0\0").is_none());
    }

    /// One DER element with a definite length (short or long form).
    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n @ 0..0x80 => out.push(n as u8),
            n @ 0x80..0x100 => out.extend([0x81, n as u8]),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend(content);
        out
    }

    /// A PKCS#12 file with the given parts in its authenticated safe: `None` for an encrypted
    /// part, a list of bag types (last byte of `1.2.840.113549.1.12.10.1.n`) for a plain one.
    fn pfx(parts: &[Option<&[u8]>]) -> Vec<u8> {
        let oid = |body: &[u8]| der(0x06, body);
        let data = |octets: &[u8]| [oid(PKCS7_DATA), der(0xa0, &der(0x04, octets))].concat();
        let mut safe = Vec::new();
        for part in parts {
            let content_info = match part {
                None => [
                    oid(PKCS7_ENCRYPTED_DATA),
                    der(0xa0, &der(0x30, &[0x02, 0x01, 0x00])),
                ]
                .concat(),
                Some(bags) => {
                    let bags: Vec<u8> = bags
                        .iter()
                        .flat_map(|&n| {
                            let mut bag_type = PKCS12_CERT_BAG.to_vec();
                            *bag_type.last_mut().unwrap() = n;
                            der(0x30, &[oid(&bag_type), der(0xa0, &[0x05, 0x00])].concat())
                        })
                        .collect();
                    data(&der(0x30, &bags))
                }
            };
            safe.extend(der(0x30, &content_info));
        }
        let body = [
            vec![0x02, 0x01, 0x03],
            der(0x30, &data(&der(0x30, &safe))),
            // The MAC, long enough for the file's length to take two bytes, as real ones do.
            der(0x30, &[0x05; 300]),
        ]
        .concat();
        der(0x30, &body)
    }

    #[test]
    fn pkcs12_truststores_are_told_from_keystores() {
        // Keytool's and OpenSSL's layout: a shrouded key bag in plain data, certificates
        // encrypted.
        let keystore = pfx(&[Some(&[2]), None]);
        assert!(pkcs12_may_hold_a_key(&keystore));
        assert!(binary_as_text(&keystore).is_some());
        // Certificates only, encrypted or in the clear: a truststore.
        for truststore in [
            pfx(&[None]),
            pfx(&[Some(&[3, 3])]),
            pfx(&[Some(&[4]), None]),
        ] {
            assert!(!pkcs12_may_hold_a_key(&truststore));
            assert!(binary_as_text(&truststore).is_none());
        }
        // Plain key, secret and nested bags may hold a key; so may anything not laid out so.
        for bags in [&[1u8][..], &[3, 5], &[6]] {
            assert!(pkcs12_may_hold_a_key(&pfx(&[Some(bags), None])));
        }
        let mut cut = pfx(&[None]);
        cut.pop();
        assert!(pkcs12_may_hold_a_key(&cut));
        assert!(pkcs12_may_hold_a_key(b"\x30\x03\x02\x01\x03"));
        assert!(pkcs12_may_hold_a_key(&[]));
    }

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
