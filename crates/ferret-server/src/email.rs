//! Email addresses as account names: one canonical spelling per address, and no look-alikes.
//!
//! An address is NFKC-normalised (full-width and compatibility forms fold to their plain
//! letters) and lower-cased. It is refused when it carries invisible or direction-changing
//! characters (zero-width spaces and joiners, bidi overrides and isolates), markup characters
//! (`< > " ' \` and backquote), or a part (the local part, or a domain label) that mixes Latin
//! letters with Cyrillic or Greek ones — `pаypal` with a Cyrillic `а` cannot become an account
//! beside `paypal`. The shape check is deliberately simple: no mail is sent.

use unicode_normalization::UnicodeNormalization;

/// Why an address was refused (a short message for the API).
#[derive(Debug, PartialEq, Eq)]
pub struct BadEmail(pub &'static str);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
}

fn script(c: char) -> Option<Script> {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
            Some(Script::Latin)
        }
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Some(Script::Greek),
        '\u{0400}'..='\u{052F}' => Some(Script::Cyrillic),
        _ => None,
    }
}

fn mixes_scripts(part: &str) -> bool {
    let mut seen: Option<Script> = None;
    for s in part.chars().filter_map(script) {
        match seen {
            Some(first) if first != s => return true,
            _ => seen = Some(s),
        }
    }
    false
}

fn invisible_or_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// The canonical form of `email`, or why it is refused.
pub fn normalize(email: &str) -> Result<String, BadEmail> {
    let email: String = email.trim().nfkc().collect::<String>().to_lowercase();
    if email.len() > 254 {
        return Err(BadEmail("email is too long"));
    }
    if email.chars().any(invisible_or_bidi) {
        return Err(BadEmail(
            "email contains invisible or text-direction characters",
        ));
    }
    if email
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>\"'\\`".contains(c))
    {
        return Err(BadEmail(
            "email contains spaces, controls or markup characters",
        ));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(BadEmail("email is not a valid address"));
    };
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.split('.').any(str::is_empty)
    {
        return Err(BadEmail("email is not a valid address"));
    }
    if mixes_scripts(local) || domain.split('.').any(mixes_scripts) {
        return Err(BadEmail(
            "email mixes letters of different scripts (a look-alike of another address)",
        ));
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn one_spelling_per_address_and_no_look_alikes() {
        assert_eq!(
            normalize(" Alice@Example.COM ").unwrap(),
            "alice@example.com"
        );
        // Full-width letters fold to plain ones (NFKC).
        assert_eq!(
            normalize("ａｌｉｃｅ@example.com").unwrap(),
            "alice@example.com"
        );
        // Non-Latin addresses of one script are fine.
        assert_eq!(normalize("иван@пример.рф").unwrap(), "иван@пример.рф");
        for bad in [
            "al\u{200b}ice@example.com",
            "alice@exam\u{202e}elp.com",
            "p\u{0430}ypal@example.com",
            "alice@p\u{0430}ypal.com",
            "<script>@example.com",
            "a\"b@example.com",
            "alice@example",
            "alice@@example.com",
            "@example.com",
            "alice@example..com",
            "a b@example.com",
        ] {
            assert!(normalize(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
