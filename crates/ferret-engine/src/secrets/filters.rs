//! Precision filters applied to every candidate secret before it becomes a finding.
//!
//! Provider rules are already specific, so they only drop obvious placeholders (`xxxx`,
//! `YOUR_API_KEY`, `${VAR}`, documentation example keys, long runs of one character). Generic
//! rules (a secret-like name assigned a value) also require the value to look random and not to
//! be a reference, a path, an identifier or a lookup.

use super::Syntax;

/// Shannon entropy of `data` in bits per byte.
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a value as a stand-in rather than a real credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    // A test key that says its own length (`AES256Key-32Characters1234567890`).
    "characters",
    "placeholder",
    "...",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourapikey",
    // `YOUR_API_KEY_HERE`, `sk-proj-REPLACE_WITH_YOUR_KEY`, `glsa_iNValIdinValiD…`.
    "your_",
    "your-",
    // A path made up for a test (`timestampedKey := "your/key/20210701150405_path"`, an S3
    // object's key).
    "your/",
    // `SET_A_PASSWORD_HERE_123`, `put-your-token-here`.
    "_here",
    "-here",
    "invalid",
    "insert",
    "replace",
    "changeme",
    "change_me",
    // `MYSQL_ROOT_PASSWORD: "SUPERNEEDSTOCHANGE"`.
    "needstochange",
    "needs_to_change",
    "needs-to-change",
    // The FastAPI template's `changethis`.
    "changethis",
    "change_this",
    "change-this",
    // `REDACTED`, and a redactor's marker (`KEPLOYREDACTxyz789`).
    "redact",
    "…",
    // Code around a name, not a value: `$this->token`, `key => value`.
    "->",
    "=>",
    "${",
    "{{",
    "}}",
    "$(",
    "#{",
    // Letters and digits counted up in turn (`a1b2c3d4…`): nothing a provider issues.
    "a1b2c3",
    "c3b2a1",
    // Bytes counted up in hex (`000102030405…`, `00112233445566…`): test vectors, not keys.
    "00010203040506",
    "00112233445566",
    // PHPMailer's `'RANDOMCHARS-----duv1n2.apps.googleusercontent.com'`.
    "randomchars",
    // The example UUID of RFC 4122's Wikipedia page and countless docs.
    "550e8400-e29b-41d4-a716",
    "notreal",
    "not_real",
    "not-valid",
    "not_valid",
    "not-a-real",
    "not a real",
    // A value that says it goes unread (`Password: not-used-for-oauth2`).
    "not-used",
    "not_used",
    // `…ThisIsNotARealKeyOMG.`
    "notareal",
    // A test's hash or key with its verdict written in (`$2a$11$zrPPcfZ091WRONGPASSWORDitlg…`).
    "wrongpassword",
    "fake",
    "sample",
    "dummy",
    "mock",
    "xxxx",
    // A value masked for display (`sk-1****cdef`, `very****pass`).
    "***",
    // Crowdin's in-context pseudo-translation (`crwdns1742:0crwdne1742:0`).
    "crwdns",
    // A token whose last parts are named rather than written (`eyJhbGc….body.signature`).
    ".signature",
    ".payload.",
];

/// Runs that people type when they make a value up (`abcdefg…`, `a1b2c3…`, `123e4567-e89b-…`).
/// Such a value is still reported — in a test or an example it is a stand-in for a credential
/// that a real one may replace, and other scanners report it — but at low confidence.
const TYPED_RUNS: &[&str] = &[
    "abcdefg", "12345678", "0123456", "qwerty", "qwertz", "azert", "deadbeef", "abcd1234",
    "123e4567", "asdf",
];

/// True when `value` holds a run typed by hand rather than issued by a provider: a known run
/// (`qwerty`, `deadbeef`) or six or more letters or digits in alphabetical order, up or down
/// (`klmnopqrstu`, `FEDCBA9876`, a key's last characters replaced by `…012345` or `…654321`;
/// by chance: ~1e-7 per position in a random base62 key, ~2e-6 in hex).
pub fn is_typed_by_hand(value: &[u8]) -> bool {
    let lower = value.to_ascii_lowercase();
    typed_with_ordered_run(value, 6)
        || made_of_ordered_runs(&lower)
        || counts_in_turns(&lower)
        || counts_in_repeats(&lower)
        || spells_made_up_words(&lower)
}

/// True when the words people put in a made-up token (`test`, `dead`, `fake`, `demo`) occur twice
/// or more (`npm_0dead12Test345DeadTest6789…`): a given four letters land in a random base62 key
/// about once in a million keys, two of them practically never.
fn spells_made_up_words(lower: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[b"test", b"dead", b"fake", b"demo"];
    let count: usize = WORDS
        .iter()
        .map(|w| lower.windows(w.len()).filter(|win| win == w).count())
        .sum();
    count >= 2
}

/// True when the value counts up in runs of one repeated character
/// (`0000111122223333444455556666…`): typed. Collapsed, the runs count in order, and they cover
/// at least half the value.
fn counts_in_repeats(lower: &[u8]) -> bool {
    let mut collapsed = lower.to_vec();
    collapsed.dedup();
    collapsed.len() * 2 <= lower.len() && longest_ordered_run(&collapsed) >= 6
}

/// [`is_typed_by_hand`] with a longer ordered run (seven): what makes a short value a stand-in
/// to drop rather than a value to report at low confidence. People's own passwords end in six
/// counted digits often enough (`abuser123456`) to be reported.
pub fn is_surely_typed_by_hand(value: &[u8]) -> bool {
    typed_with_ordered_run(value, 7)
}

fn typed_with_ordered_run(value: &[u8], ordered_run: usize) -> bool {
    let lower = String::from_utf8_lossy(value).to_ascii_lowercase();
    TYPED_RUNS.iter().any(|run| lower.contains(run))
        || longest_ordered_run(lower.as_bytes()) >= ordered_run
        || repeats_a_short_group(value)
}

/// True when the letters alone, or the digits alone, count up or down over seven or more
/// (`abc123def456ghi789`, `a1b2c3d4e5f6g7h8`): letters and digits typed in turns. By chance the
/// letters of a random key do so ~1e-8 times per position and the digits ~2e-6; hex has only six
/// letters. Such a value is reported at low confidence but, unlike a plain run, not dropped when
/// short: peers count `abcd5678efgh1234` as a key.
fn counts_in_turns(lower: &[u8]) -> bool {
    let letters: Vec<u8> = lower
        .iter()
        .copied()
        .filter(u8::is_ascii_lowercase)
        .collect();
    let digits: Vec<u8> = lower.iter().copied().filter(u8::is_ascii_digit).collect();
    longest_ordered_run(&letters) >= 7 || longest_ordered_run(&digits) >= 7
}

/// True when a group of two to four characters, not all the same, repeats over twelve
/// characters or more (`123123123123`, `abababababab`): typed, not drawn at random. A run of
/// one character is left to the placeholder check: base64 of zero bytes (`AAAAAAAAAAAA`) is
/// normal inside keys.
fn repeats_a_short_group(value: &[u8]) -> bool {
    (2..=4).any(|period| {
        let mut run = 0;
        value.windows(period + 1).any(|w| {
            run = if w[0] == w[period] { run + 1 } else { 0 };
            run + period >= 12 && w[..period].iter().any(|&b| b != w[0])
        })
    })
}

/// The longest run of letters or digits each one after (or each one before) the previous in
/// the alphabet or in counting.
fn longest_ordered_run(lower: &[u8]) -> usize {
    let (mut best, mut up, mut down) = (1, 1, 1);
    for pair in lower.windows(2) {
        up = if next_in_order(pair[0], pair[1], true) {
            up + 1
        } else {
            1
        };
        down = if next_in_order(pair[0], pair[1], false) {
            down + 1
        } else {
            1
        };
        best = best.max(up).max(down);
    }
    best
}

/// Whether `b` comes right after `a` in the alphabet or in counting (`up`), or right before it;
/// both letters or both digits (9 then 0 is in order, as on a keyboard).
fn next_in_order(a: u8, b: u8, up: bool) -> bool {
    let same_kind = (a.is_ascii_lowercase() && b.is_ascii_lowercase())
        || (a.is_ascii_digit() && b.is_ascii_digit());
    // The keyboard's row of digits ends in 0 (`1234567890`).
    let (low, high) = if up { (a, b) } else { (b, a) };
    same_kind && (high == low.wrapping_add(1) || (low == b'9' && high == b'0'))
}

/// Credentials published as examples in providers' documentation and RFCs (or their telling
/// parts): a match that contains one is an example, not a leak.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    // jwt.io's sample token: its payload ({"sub":"1234567890","name":"John Doe","iat":1516239022})
    // and its signature under "your-256-bit-secret".
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    // jwt.io's earlier sample ({"sub":"1234567890","name":"John Doe","admin":true}).
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9",
    // jwt.io's current sample ({"sub":"1234567890","name":"John Doe","admin":true,
    // "iat":1516239022}) and its signature under "a-string-secret-at-least-256-bits-long".
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0",
    "KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30",
    // RFC 6749's client credentials (s6BhdRkqt3:gX1fBat3bV), plain and Basic-encoded.
    "s6BhdRkqt3",
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    // AWS documentation's key pair; its secret keys also by their first 30 characters, which
    // tutorials keep while changing the end (`…bPxRfiCYSECRETSKEY`, `…bPxRfiCYESATESTKEY`).
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvb",
    // Google reCAPTCHA's documented test keys (every verification passes with them).
    "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",
    "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI",
    // The W3C WebDriver standard's keys naming an element and a shadow root in its JSON
    // (`W3C_ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"`): constants of the protocol.
    "-6066-11e4-a52e-4f735466cecf",
    // Stripe's documentation test keys.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    // RFC 7617's Basic credentials (Aladdin:open sesame).
    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    // kubeadm's documented bootstrap token.
    "abcdef.0123456789abcdef",
    // RFC 6749's access and refresh token examples.
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    // Telegram's documented bot tokens (BotFather's sample reply and the Bot API's example).
    "110201543:AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw",
    "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
    // Maven's password-encryption guide: its master password and server password.
    "jSMOWnoPFgsHVpMvz5VrIt5kRbzGpI8u+9EF1iFQyJQ=",
    "COQLCE6DU6GtcS5P=",
    // Akamai's documented `.edgerc` (EdgeGrid) credentials.
    "akab-acc35t0k3nodujqunph3w7hzp7-gtm6ij",
    "akab-c113ntt0k3n4qtari252bfxxbsl-yvsdj",
    "C113nt53KR3TN6N90yVuAgICxIRwsObLi0E67/N8eRN=",
    // RFC 6455's sample WebSocket handshake key ("the sample nonce").
    "dGhlIHNhbXBsZSBub25jZQ==",
    // The Azure storage emulator's (Azurite's) well-known development account key, published in
    // Microsoft's documentation and built into @azure/storage-blob as its development connection
    // string (its part before the first `/`, which a generic rule may stop at), and the Cosmos DB
    // emulator's key.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
    // Hardhat's and Anvil's first default development account, printed by `npx hardhat node`
    // and `anvil` and in their documentation.
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    // API keys written in the Firebase SDKs' public tests (firebase-js-sdk's installations
    // precondition checks, firebase-android-sdk): copied into every app that vendors the SDKs.
    "AIzaSyabcdefghijklmnopqrstuvwxyz1234567",
    "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
    "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
    "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
    "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
    "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
    "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
    "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
    "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
    "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
    "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
    "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
    "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
    "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
    // The TOTP secret of Google Authenticator's documentation and of most one-time-password
    // libraries' examples (base32 of `Hello!` and 0xDEADBEEF).
    "JBSWY3DPEHPK3PXP",
    // The pass phrase of Apache httpd's `default-ssl.conf` example (`file needs this password`).
    "xxj31ZMTZzkVA",
    // The Algolia search-only key built into every copy of Yarn (`.yarn/releases/yarn-*.cjs`,
    // app `OFCNCOG2CU`): public by design and vendored into many repositories.
    "6fe4476ee5a1832882e326b506d14126",
    // AngularJS's documented Basic credentials (`beep:boop`), in every vendored `angular.js`.
    "YmVlcDpib29w",
    // The swarm join tokens of Docker's documentation (`docker swarm init`, `join-token`).
    "SWMTKN-1-49nj1cmql0jkz5s954yi3oex3nedyz0fb0xx14ie39trti4wxv",
    "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl",
    // RFC 5849's (OAuth 1.0) example credentials, copied into every OAuth 1.0 library's
    // comments and tests: the token and the secrets of section 1.2 (temporary, verifier, token)
    // and of section 3.1.
    "kd94hf93k423kf44",
    "hh5s93j4hdidpola",
    "hdk48Djdsa",
    "hfdp7dh39dks9884",
    "nnch734d00sl2jdk",
    "pfkkdhi9sl3r4s00",
    "kkk9d7dh3k39sjv7",
    "j49sk3j29djd",
    "dh893hdasih9",
    // RFC 6749's resource owner password (`johndoe` / `A3ddj3w`), OpenID Connect Core's token
    // response (`SlAV32hkKG`, refresh `8xLOxBtZp8`), and the token response of Google's
    // OAuth 2.0 guide for installed apps.
    "A3ddj3w",
    "SlAV32hkKG",
    "8xLOxBtZp8",
    "1/fFAGRNJru1FTz70BzhT3Zg",
    "1/xEoDL4iW3cxlI7yDbSRFYNG01kVKM2C-259HOF2aQbI",
];

/// True when `secret` contains a credential published as a documentation example.
pub fn is_documented_example(secret: &[u8]) -> bool {
    DOCUMENTED_EXAMPLES
        .iter()
        .any(|example| memchr::memmem::find(secret, example.as_bytes()).is_some())
}

/// A format or template placeholder inside the value: `{name}`, `%s`, `%(name)s`, `{{ x }}`.
fn has_format_placeholder(value: &str) -> bool {
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%' && matches!(bytes.get(i + 1), Some(b's' | b'd' | b'r')) {
            return true;
        }
        // A width before the verb (`hash:%016X`, `%-10s`, `%08x`); a URL's escape (`%2f`, `%3d`,
        // `a%20secret`) has two hex digits and no flag.
        if b == b'%' {
            let rest = &bytes[i + 1..];
            let flag = rest.first().is_some_and(|c| matches!(c, b'-' | b'0'));
            let digits = rest[usize::from(flag)..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let verb = rest.get(usize::from(flag) + digits);
            if digits >= 1 && (flag || digits >= 3) && verb.is_some_and(|c| b"sdxXfu".contains(c)) {
                return true;
            }
        }
        // `%(name)s`: a name in the parentheses (a random `%(^+` in a Django key is not one).
        if b == b'%' && bytes.get(i + 1) == Some(&b'(') {
            let rest = &value[i + 2..];
            if let Some(end) = rest.find(')') {
                let name = &rest[..end];
                if !name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    return true;
                }
            }
        }
        if b == b'{' {
            if let Some(end) = value[i + 1..].find('}') {
                let inner = &value[i + 1..i + 1 + end];
                if !inner.is_empty()
                    && inner
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"_.:!$ ".contains(&c))
                {
                    return true;
                }
            }
        }
    }
    false
}

/// `<your-key>`, `<token>`, `prefix-<id>`: a name in angle brackets stands in for a value. A lone
/// `>` or `<` is one of the symbols a random password may hold (`…k>qX??]G&3CF…`).
fn has_angle_placeholder(value: &str) -> bool {
    // The brackets escaped in HTML or XML (`&lt;argument&gt;`).
    if value.starts_with("&lt;") && value.ends_with("&gt;") {
        return true;
    }
    value.starts_with('<')
        || value.ends_with('>')
        || value
            .find('<')
            .is_some_and(|open| value[open..].contains('>'))
}

/// A constant's name (`CLOUDFLARE_DURABLE_OBJECT_QUERY_BINDINGS`): upper-case words and digits
/// joined by two or more underscores (or one, when a word names a credential: `APACHE_PASSWORD`),
/// each word with two letters or more. Keys that allow `_`
/// mix cases; a value of this shape is code that happens to have a key's length.
pub fn is_constant_name(value: &[u8]) -> bool {
    let words = value.split(|&b| b == b'_');
    // Two words will do when one names a credential (`<password>APACHE_PASSWORD</password>`).
    let names_a_credential = words.clone().any(|w| {
        [
            &b"PASSWORD"[..],
            b"PASSWD",
            b"PASS",
            b"PWD",
            b"TOKEN",
            b"SECRET",
            b"KEY",
            b"USER",
        ]
        .contains(&w)
    });
    let underscores = value.iter().filter(|&&b| b == b'_').count();
    (underscores >= 2 || (underscores == 1 && names_a_credential))
        && words.clone().all(|w| {
            w.iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && w.iter().filter(|b| b.is_ascii_uppercase()).count() >= 2
        })
}

/// True when the candidate is obviously a placeholder.
pub fn is_placeholder(secret: &[u8], repeats_ok: bool) -> bool {
    let text = String::from_utf8_lossy(secret);
    let lower = text.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // Words that name what the value stands in for (`private-reg-token2`, `my_api_key`,
    // `MANILA_DBPASS` in OpenStack's install guides), also with a count after them
    // (`access-code-123`).
    let uncounted = lower
        .rsplit_once(['-', '_'])
        .filter(|(head, count)| {
            head.contains(['-', '_'])
                && (1..=4).contains(&count.len())
                && count.bytes().all(|b| b.is_ascii_digit())
        })
        .map_or(lower.as_str(), |(head, _)| head);
    let self_described = uncounted
        .rsplit_once(['-', '_'])
        .is_some_and(|(head, last)| {
            // A word may hold a digit beside a run of letters (`s3user-s3cr3t`: the user, then
            // `secret` in leetspeak); `k9xq2-token` is a short key's shape.
            head.split(['-', '_']).all(|w| {
                w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    && (w.bytes().all(|b| b.is_ascii_lowercase())
                        || w.as_bytes()
                            .windows(3)
                            .any(|run| run.iter().all(u8::is_ascii_lowercase)))
                    && !w.is_empty()
            }) && last.bytes().all(|b| b.is_ascii_alphanumeric())
                && [
                    "token",
                    "key",
                    "secret",
                    "password",
                    "pass",
                    "apikey",
                    "passwd",
                    "dbpass",
                    "dbpassword",
                    "code",
                ]
                .contains(
                    &read_leetspeak(last.trim_end_matches(|c: char| c.is_ascii_digit())).as_str(),
                )
        });
    if self_described || ends_describing_itself(&text) {
        return true;
    }
    // What goes here, in one word (`postgres://socialhome:DATABASEPASSWORDHERE@…`,
    // `password="mypasshere"`).
    if lower.ends_with("here")
        && ["password", "passwd", "pass", "token", "key", "secret"]
            .iter()
            .any(|word| lower.contains(word))
    {
        return true;
    }
    // A token's parts written as letters repeated (`eyJ0eXAiOiJKV1Qi….xxx.yyy`): the shape of a
    // JWT, with nothing signed.
    if text.contains('.')
        && text.split('.').any(|part| {
            part.len() >= 3
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() && b == part.as_bytes()[0])
        })
    {
        return true;
    }
    // A value a tool masked (`**SOPS**`, `**REDACTED**`).
    if text.len() > 4 && text.starts_with("**") && text.ends_with("**") {
        return true;
    }
    if has_format_placeholder(&text)
        || is_documented_example(secret)
        || has_angle_placeholder(&text)
    {
        return true;
    }
    // A stand-in in leetspeak (`APP_SECRET=ch4n63m31fy0uc4n`): eight letters or more read from
    // a random key's characters this way practically never spell one.
    // A value that says it pretends in leetspeak (`1@m@Pr3t3ndL@unchD@rkl3yK3y`, "I am a
    // pretend LaunchDarkly key").
    let read = read_leetspeak(&lower);
    if ["changeme", "example", "placeholder", "pretend"]
        .iter()
        .any(|word| read.contains(word))
    {
        return true;
    }
    // A value that names its own encoding (`'private_key': 'Base64CertDatA=='` in an API
    // schema's example); Laravel's real keys start with the marker `base64:`.
    if lower.contains("base64") && !lower.starts_with("base64:") {
        return true;
    }
    // Documentation's stand-in after a key's prefix (`apiKey: "sdk-abc123"`, `key_abc123`).
    if lower.len() < 24
        && lower
            .strip_suffix("abc123")
            .is_some_and(|head| head.is_empty() || head.ends_with(['-', '_']))
    {
        return true;
    }
    // A word between two counted runs (`"callback_token": "123callback456"`): a test's stand-in
    // named for its use. Runs alone (`1234567890abcdef123456`) are kept, at low confidence, as
    // peers count them.
    if lower.len() < 24 {
        let lead = lower.bytes().take_while(u8::is_ascii_digit).count();
        let tail = lower.bytes().rev().take_while(u8::is_ascii_digit).count();
        let middle = &lower[lead..lower.len() - tail.min(lower.len() - lead)];
        if lead >= 3
            && tail >= 3
            && middle.len() >= 3
            && middle.bytes().all(|b| b.is_ascii_lowercase())
            && !made_of_ordered_runs(middle.as_bytes())
            && made_of_ordered_runs(&lower.as_bytes()[..lead])
            && made_of_ordered_runs(&lower.as_bytes()[lower.len() - tail..])
        {
            return true;
        }
    }
    // A stand-in after a token type's short prefix of letters: runs counted in order
    // (`token: "t.1234abcd"`, `PINECONE_API_KEY=sklive-123xyz`), or after `-` or `_` a stand-in
    // word and a number (`"api_key": "sk-test123"`) or a short counted run (`pass: "us_123"`,
    // "your API key" in an SMTP guide).
    if let Some(at) = lower.find(['-', '_', '.']).filter(|_| lower.len() < 16) {
        let (head, tail) = (&lower[..at], &lower[at + 1..]);
        let dotted = lower.as_bytes()[at] == b'.';
        let word = tail.trim_end_matches(|c: char| c.is_ascii_digit());
        let counted = made_of_ordered_runs(tail.as_bytes());
        if (1..=6).contains(&head.len())
            && head.bytes().all(|b| b.is_ascii_alphabetic())
            && ((tail.len() >= 6 && counted)
                || (!dotted
                    && (["test", "demo", "fake", "dummy", "mock", "sample"].contains(&word)
                        || (word.is_empty() && (3..=5).contains(&tail.len()) && counted))))
        {
            return true;
        }
    }
    if !repeats_ok && longest_run(secret) >= 6 {
        return true;
    }
    // A password hash whose digest is counted out (`$2a$04$0123456789abcdef0123…`): a
    // configuration sample's stand-in for a hash the reader generates.
    if let Some((_, digest)) = lower.rsplit_once('$') {
        if digest.len() >= 16 && made_of_ordered_runs(digest.as_bytes()) {
            return true;
        }
    }
    // A UUID with letters crossed out (`693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa`, a webhook key in
    // a help text): `x` is no hex digit, three in a row are typed to hide one.
    let uuid_layout = lower.split('-').map(str::len).eq([8, 4, 4, 4, 12]);
    if uuid_layout && lower.contains("xxx") {
        return true;
    }
    // A short value of runs counted in order and nothing else (`abc123xyz`, `123abc`); a long
    // one (`XYZ789PQR123…`) is made up too but kept, at low confidence (`is_typed_by_hand`):
    // peers count such values as keys.
    // Separators do not count (`1234-ABCD`), nor a character or two beside one long run
    // (`AbC-dEf5`: `abcdef` typed with a case, a hyphen and a digit to pass a format check).
    // A colon too (`token: "abcd:123"`, a Telegram bot token's shape typed as a stand-in).
    let joined: Vec<u8> = lower
        .bytes()
        .filter(|b| !matches!(b, b'-' | b'_' | b'.' | b':'))
        .collect();
    let run = longest_ordered_run(&joined);
    // Three or more short counted runs set apart (`abc-123-xyz-456`) are typed the same way, also
    // with each character doubled and a format's short tag at the end
    // (`AABBCC-DDEEFF-112233-445566-778899-V3`, a license key in a test).
    let pieces: Vec<&str> = lower.split(['-', '_', '.']).collect();
    let counted = |piece: &&str| {
        let bytes = piece.as_bytes();
        let doubled = bytes.len() >= 6
            && bytes.len().is_multiple_of(2)
            && bytes.chunks(2).all(|pair| pair[0] == pair[1]);
        let piece: Vec<u8> = if doubled {
            bytes.iter().step_by(2).copied().collect()
        } else {
            bytes.to_vec()
        };
        (3..=4).contains(&piece.len()) && made_of_ordered_runs(&piece)
    };
    let counted_pieces = pieces.len() >= 3
        && (pieces.iter().all(counted)
            || pieces.split_last().is_some_and(|(tag, body)| {
                body.len() >= 4 && tag.len() <= 3 && body.iter().all(counted)
            }));
    counted_pieces
        || ((6..=10).contains(&lower.len())
            && (made_of_ordered_runs(&joined) || (run >= 6 && run + 2 >= joined.len())))
}

/// A value that ends in capitalised words saying what it stands in for, the last a credential's
/// noun (`IQoJb3JpZ2luX2VjEBAReallyLongSessionToken`: a session token's real prefix and then a
/// description): made to look like its format in a test. Random keys do not spell two words and a
/// noun in camel case.
fn ends_describing_itself(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    let mut humps: Vec<&str> = Vec::new();
    while let Some(start) = bytes[..end].iter().rposition(|b| !b.is_ascii_lowercase()) {
        if end - start < 3 || !bytes[start].is_ascii_uppercase() {
            break;
        }
        humps.push(&text[start..end]);
        end = start;
    }
    humps.len() >= 3
        && ["Token", "Key", "Secret", "Password", "Passwd"].contains(&humps[0])
        && humps.iter().map(|h| h.len()).sum::<usize>() >= 12
}

fn longest_run(data: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in data {
        if Some(b) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(b);
        }
        best = best.max(run);
    }
    best
}

/// True when the value at `at` sits in the `encryptedData:` map of a Bitnami `SealedSecret`:
/// ciphertext only the cluster's controller can open, made to be committed.
pub fn in_sealed_secret(content: &[u8], at: usize) -> bool {
    let indent = |line: &[u8]| line.iter().take_while(|&&b| b == b' ').count();
    let line_start = memchr::memrchr(b'\n', &content[..at]).map_or(0, |p| p + 1);
    let own = indent(&content[line_start..at]);
    // A map's values are indented under their key; nothing is at column 0.
    if own == 0 {
        return false;
    }
    let mut end = line_start;
    // The parent key is the first line above with less indentation (within a few hundred lines).
    for _ in 0..500 {
        if end == 0 {
            return false;
        }
        let start = memchr::memrchr(b'\n', &content[..end - 1]).map_or(0, |p| p + 1);
        let line = &content[start..end - 1];
        end = start;
        if line.trim_ascii().is_empty() {
            continue;
        }
        if indent(line) < own {
            return line.trim_ascii() == b"encryptedData:"
                && memchr::memmem::find(content, b"kind: SealedSecret").is_some();
        }
    }
    false
}

/// True when the word written before `name` in `before` (the text up to a value) says the key is
/// not a secret one: `public key "RWTx5Zr1…"` names the public half of a signing key, `DROP
/// FOREIGN KEY FK_407F…` a database constraint — which generic rules whose names stop at a space
/// (`key`) would otherwise take for a secret. An algorithm before `key` is GnuPG's way of naming
/// a key by its fingerprint (`gpg: using RSA key 4ED778F5…`).
pub fn named_not_secret(before: &[u8], name: &str, value: &[u8]) -> bool {
    const QUALIFIERS: &[&[u8]] = &[
        b"public", b"foreign", b"primary", b"unique", b"sort", b"rsa", b"dsa", b"ecdsa", b"eddsa",
    ];
    let Some(at) = before
        .windows(name.len().max(1))
        .rposition(|w| w == name.as_bytes())
    else {
        return false;
    };
    let head = before[..at].trim_ascii_end();
    let word_start = head
        .iter()
        .rposition(|b| !b.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let word = &head[word_start..];
    head.len() > word_start
        && head.len() < at
        && (QUALIFIERS.iter().any(|q| word.eq_ignore_ascii_case(q))
            || (word.eq_ignore_ascii_case(b"signing") && is_printed_fingerprint(value)))
}

/// Whether the author says the value is no secret (`// This is not actually a secret key, it's
/// just a string that we XOR with…`): in a comment on one of the two lines right above the
/// value's line, or after the value on its own line. `line` is the value's line; a remark
/// trailing another setting's line above is about that setting.
pub fn said_not_secret(content: &[u8], line: std::ops::Range<usize>, value_end: usize) -> bool {
    static SAYS: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let says = SAYS.get_or_init(|| {
        regex::bytes::Regex::new(
            r"(?i)\b(?:not|isn'?t|no)\s+(?:actually\s+|really\s+)?(?:a\s+)?(?:secret|sensitive)\b",
        )
        .expect("the remark pattern compiles")
    });
    if says.is_match(&content[value_end.min(line.end)..line.end]) {
        return true;
    }
    let mut end = line.start;
    for _ in 0..2 {
        if end == 0 {
            break;
        }
        let start = memchr::memrchr(b'\n', &content[..end - 1]).map_or(0, |at| at + 1);
        let above = content[start..end].trim_ascii();
        let comment = ["//", "#", "/*", "*", "--", "<!--"]
            .iter()
            .any(|mark| above.starts_with(mark.as_bytes()));
        if !comment {
            break;
        }
        if says.is_match(above) {
            return true;
        }
        end = start;
    }
    false
}

/// Whether a 32-digit hex key goes to an analytics service's event-ingest endpoint named in the
/// same file (Amplitude's `api2.amplitude.com/2/httpapi` with `"api_key": …` in the body,
/// Mixpanel's `api.mixpanel.com/track`): those endpoints take only the project's public key,
/// which the services build into every web page and app that sends them events.
pub fn sent_to_an_ingest_api(content: &[u8], value: &[u8]) -> bool {
    const ENDPOINTS: &[&[u8]] = &[
        b"amplitude.com/2/httpapi",
        b"amplitude.com/batch",
        b"api.mixpanel.com/track",
        b"api.mixpanel.com/engage",
        b"api-js.mixpanel.com/",
    ];
    value.len() == 32
        && value
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        && ENDPOINTS
            .iter()
            .any(|endpoint| memchr::memmem::find(content, endpoint).is_some())
}

/// A key's fingerprint or long key id as GnuPG prints it: 40 or 16 upper-case hex digits
/// (`D66B222A3EA4C25D…`). Named as a signing key, it says which key signs a release; a key that
/// signs is never that short in its secret form.
fn is_printed_fingerprint(value: &[u8]) -> bool {
    matches!(value.len(), 16 | 40)
        && value
            .iter()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b))
        && value.iter().any(u8::is_ascii_uppercase)
}

/// True when a quoted value is followed by a concatenation (`'prefix' . $name . 'xyz'`,
/// `"pw-" + userId`): the literal is one piece of a value computed at run time, not the
/// credential. A method called on the literal (`"abc".encode()`) is not a concatenation.
pub fn continues_as_expression(after: &[u8]) -> bool {
    let Some((&quote, rest)) = after.split_first() else {
        return false;
    };
    if !matches!(quote, b'"' | b'\'' | b'`') {
        return false;
    }
    let spaced = |b: &[u8]| b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
    let gap_before = spaced(rest);
    let rest = &rest[gap_before..];
    let Some((&operator, rest)) = rest.split_first() else {
        return false;
    };
    let gap_after = spaced(rest);
    let operand = rest[gap_after..].first().copied();
    let joins = match operator {
        b'+' => !rest.starts_with(b"+") && !rest.starts_with(b"="),
        // PHP and Perl concatenate with a spaced dot; a dot right after the quote calls a method.
        b'.' => gap_before > 0 || gap_after > 0,
        _ => false,
    };
    joins
        && operand.is_some_and(|b| {
            b.is_ascii_alphabetic() || matches!(b, b'$' | b'_' | b'"' | b'\'' | b'`' | b'(')
        })
}

/// True when the quoted value is followed by a scope, as in Tinybird's data-source and pipe files
/// (`TOKEN "ingest-2026" APPEND`, `TOKEN "dashboard" READ`): the line declares a token by name.
pub fn declares_a_token_by_name(after: &[u8]) -> bool {
    let rest = after.strip_prefix(b"\"").unwrap_or(after);
    let rest = rest.trim_ascii();
    rest == b"READ" || rest == b"APPEND"
}

/// `value` up to a following query parameter (`pass&LOC=$PWS` → `pass`), else all of it.
fn query_value(value: &str) -> &str {
    let mut from = 0;
    while let Some(at) = value[from..].find('&').map(|i| from + i) {
        let rest = &value[at + 1..];
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            .count();
        if name_len > 0 && rest.as_bytes().get(name_len) == Some(&b'=') {
            return &value[..at];
        }
        from = at + 1;
    }
    value
}

/// Whether `value` starts with a host name and a path without a scheme: a Go import path
/// (`github.com/hashicorp/terraform-plugin-framework/types.List`), a registry image
/// (`ghcr.io/org/app`), a package URL — a location, not a key.
fn is_schemeless_location(value: &str) -> bool {
    let Some((host, path)) = value.split_once('/') else {
        return false;
    };
    // Owners and packages are written in lower case (`hashicorp/`, `acme/`).
    let first = path.split('/').next().unwrap_or("");
    !first.is_empty()
        && first.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
        && is_lower_case_host(host, 2)
}

/// A host's name in lower case with at least `labels` labels of letters, digits and dashes, the
/// last (the top-level domain) two to six letters.
fn is_lower_case_host(host: &str, labels: usize) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    let tld = parts.last().copied().unwrap_or("");
    parts.len() >= labels
        && (2..=6).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_lowercase())
        && parts.iter().all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// A host's name and a port (`token: "mydb.us-east-1.rds.amazonaws.com:5432"`, a test of what a
/// token-shaped field is left alone with): three labels or more of lower-case letters, digits and
/// dashes, a top-level domain of letters, then up to five digits.
fn is_host_and_port(value: &str) -> bool {
    let Some((host, port)) = value.rsplit_once(':') else {
        return false;
    };
    (1..=5).contains(&port.len())
        && port.bytes().all(|b| b.is_ascii_digit())
        && is_lower_case_host(host, 3)
}

/// Parts of a URL template named in camel case (`mailersend://APIToken:FromEmail/ToEmail1/ToEmail2/
/// ToEmailN/` in a README's table of services): three or more names set apart by `/`, each
/// capitalised words of two letters or more with at most a number or `N` after them.
fn names_url_template_parts(value: &str) -> bool {
    let parts: Vec<&str> = value.trim_end_matches('/').split('/').collect();
    parts.len() >= 3
        && parts.iter().all(|part| {
            let name = part.trim_end_matches(|c: char| c.is_ascii_digit());
            let name = name.strip_suffix('N').unwrap_or(name);
            // Capitalised words of two letters or more (`To`, `Email`).
            let bytes = name.as_bytes();
            bytes.len() >= 4
                && bytes[0].is_ascii_uppercase()
                && bytes.iter().all(u8::is_ascii_alphabetic)
                && bytes.iter().enumerate().all(|(i, b)| {
                    !b.is_ascii_uppercase() || bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase)
                })
        })
}

/// A MongoDB ObjectId behind a record type's short prefix (`internalKey: "ot-67b0d3e3cda913b8…"`,
/// `"uniqueKey": "rel-65dc68a4…"`): 24 hex digits whose first eight are the record's creation
/// time in seconds (here between 2012 and 2035). A record's id, not a key.
fn is_prefixed_object_id(value: &str) -> bool {
    let Some((prefix, id)) = value.split_once('-') else {
        return false;
    };
    (1..=6).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_lowercase())
        && id.len() == 24
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && u32::from_str_radix(&id[..8], 16)
            .is_ok_and(|seconds| (0x4F00_0000..0x7A00_0000).contains(&seconds))
}

/// How many base64 characters around a value make it a piece of a blob.
const BLOB_MARGIN: usize = 256;

/// True when `secret` is a piece cut out of a long run of base64 characters: a font or an image
/// inlined as a `data:` URI in SVG, CSS or HTML, a recorded response body in a HAR file. A
/// 30-character run between two `/` of such a blob fits a bare key's shape by chance; a
/// credential is not glued to hundreds of base64 characters on either side. A blob wrapped in
/// lines of 60 characters or more (`data:image/png;base64,iVBOR… eJzs…`, MIME's 76) counts
/// across the breaks.
pub fn inside_base64_blob(content: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let before = base64_run(&content[..secret.start], false);
    before >= BLOB_MARGIN || before + base64_run(&content[secret.end..], true) >= BLOB_MARGIN
}

/// How many base64 characters (up to [`BLOB_MARGIN`]) run from the start of `bytes` (from its end
/// unless `forward`), over single line breaks or spaces between wrapped lines of 60 characters
/// or more, or line breaks escaped for XML (`&#10;` in an SVG's inlined image, as Inkscape
/// writes it).
fn base64_run(bytes: &[u8], forward: bool) -> usize {
    let base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    let at = |i: usize| {
        if forward {
            bytes[i]
        } else {
            bytes[bytes.len() - 1 - i]
        }
    };
    // The length of an escaped line break at `i` in walking order, or 0.
    let escaped_break = |i: usize| {
        [&b"&#10;"[..], b"&#13;", b"&#xA;", b"&#xa;"]
            .iter()
            .find(|entity| {
                i + entity.len() <= bytes.len()
                    && (0..entity.len()).all(|k| {
                        let expected = if forward {
                            entity[k]
                        } else {
                            entity[entity.len() - 1 - k]
                        };
                        at(i + k) == expected
                    })
            })
            .map_or(0, |entity| entity.len())
    };
    let (mut total, mut line, mut first, mut i) = (0, 0, true, 0);
    while total < BLOB_MARGIN && i < bytes.len() {
        let b = at(i);
        if base64(b) {
            total += 1;
            line += 1;
            i += 1;
            continue;
        }
        // The piece next to the value is part of a line; every line past it is whole.
        let skip = if matches!(b, b' ' | b'\n' | b'\r') {
            1
        } else {
            escaped_break(i)
        };
        if skip > 0 && (first || line >= 60) && i + skip < bytes.len() && base64(at(i + skip)) {
            first = false;
            line = 0;
            i += skip;
            continue;
        }
        break;
    }
    total.min(BLOB_MARGIN)
}

/// True when the text right before a candidate labels it as a digest: `sha256=`, `sha512-`
/// (lockfile and SRI integrity), `sha1:`, `md5=`, `h1:` (go.sum), possibly with the value
/// cut out of a longer base64 string.
pub fn follows_hash_label(before: &[u8]) -> bool {
    // A digest is at most ~90 base64 characters: look back far enough to see its label.
    let before = &before[before.len().saturating_sub(100)..];
    let text = String::from_utf8_lossy(before).to_ascii_lowercase();
    let trimmed = text.trim_end_matches(|c: char| {
        c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '+' || c == '/'
    });
    const LABELS: &[&str] = &[
        "sha1", "sha224", "sha256", "sha384", "sha512", "md5", "h1", "blake2b", "blake3", "xxh64",
    ];
    // Or the label opens the run the value was cut from (`integrity: sha512-V+HbpICy…`).
    let run = &text[trimmed.len()..];
    [text.as_str(), trimmed].iter().any(|candidate| {
        candidate
            .strip_suffix(['=', '-', ':'])
            .is_some_and(|label_end| LABELS.iter().any(|label| label_end.ends_with(label)))
    }) || LABELS.iter().any(|label| {
        run.strip_prefix(label)
            .is_some_and(|rest| rest.starts_with(['-', '=', ':']))
    })
}

/// True when a URL's password repeats its user name (`mongodb://mongodb:mongodb@`,
/// `postgres://postgres:postgres@`, `guest:guest`): the default credentials of a development
/// image, written the same way in every tutorial, not a password someone chose. `before` is the
/// text right before the password.
pub fn repeats_the_user(before: &[u8], value: &[u8]) -> bool {
    let Some(user_info) = before.strip_suffix(b":") else {
        return false;
    };
    let user = match memchr::memmem::rfind(user_info, b"//") {
        Some(at) => &user_info[at + 2..],
        None => return false,
    };
    !user.is_empty() && user.eq_ignore_ascii_case(value)
}

/// True when the text around a quoted password, on its line or the two (four) before or after it, names
/// a user by the same quoted value (`@ConnectionConfiguration(user = "clusterWrite", password =
/// "clusterWrite")`, `CREATE USER 'icinga' IDENTIFIED BY 'icinga'`, a struct literal's `Username:
/// "guest",` over or under `Password: "guest",`, positional `login("stanley", "stanley")`): a
/// fixture's account, like `postgres:postgres` in a URL. `before` ends at the password's opening
/// quote, `after` starts at its closing one.
pub fn repeats_a_named_user(before: &[u8], value: &[u8], after: &[u8]) -> bool {
    if value.len() < 4 {
        return false;
    }
    // The password's line and the two before it, or four when no blank line parts them (a
    // call's keyword arguments: `username="fred",` four lines over `password="fred",`).
    let lines_up = |lines: usize| {
        memchr::memrchr_iter(b'\n', before)
            .nth(lines)
            .map_or(0, |at| at + 1)
    };
    let far = &before[lines_up(4)..];
    let blank_between = far
        .split(|&b| b == b'\n')
        .any(|line| line.trim_ascii().is_empty());
    let line = if blank_between {
        &before[lines_up(2)..]
    } else {
        far
    };
    if !line
        .last()
        .is_some_and(|q| matches!(q, b'"' | b'\'' | b'`'))
    {
        return false;
    }
    // SQL names the user unquoted on the password's line (`CREATE ROLE james1 WITH PASSWORD =
    // 'james1'`).
    let current =
        before[memchr::memrchr(b'\n', before).map_or(0, |nl| nl + 1)..].to_ascii_lowercase();
    let lower_value = value.to_ascii_lowercase();
    let sql_user = ["user ", "role ", "login "].iter().any(|keyword| {
        memchr::memmem::find_iter(&current, keyword.as_bytes()).any(|at| {
            let rest = &current[at + keyword.len()..];
            rest.starts_with(&lower_value)
                && rest
                    .get(lower_value.len())
                    .is_some_and(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        })
    });
    if sql_user {
        return true;
    }
    // Quotes escaped inside a string (`"<user username=\"tomcat\" password=\"tomcat\"/>"`).
    let quote: &[u8] = if line.len() >= 2 && line[line.len() - 2] == b'\\' {
        &line[line.len() - 2..]
    } else {
        &line[line.len() - 1..]
    };
    let quoted: Vec<u8> = [quote, value, quote].concat();
    // Positional arguments: the user right before the password (`login("stanley", "stanley")`).
    let positional = line[..line.len() - 1]
        .trim_ascii_end()
        .strip_suffix(b",")
        .is_some_and(|head| head.trim_ascii_end().ends_with(&quoted));
    // In any case (`user.username = 'BobSmith'` over `user.password = 'bobsmith'`).
    let earlier =
        memchr::memmem::find_iter(&line.to_ascii_lowercase(), &quoted.to_ascii_lowercase()).any(
            |at| {
                // Or the user is the key of the object that holds the password (`"users": {"30min":
                // {"password": "30min", …`).
                let keys_an_object = line[at + quoted.len()..]
                    .iter()
                    .filter(|b| !b.is_ascii_whitespace())
                    .take(2)
                    .eq(b":{");
                at + quoted.len() < line.len()
                    && (keys_an_object || assigned_to_a_user(&line[line_start(line, at)..at]))
            },
        );
    // The user's name is the password and a role or a domain (`username: "inactive-user",
    // password: "inactive"`, `"email": "terry@boom.com", "password1": "terry"`), assigned in
    // code or data; prose that names a default (`the default password for the user
    // "pyne-user" is "pyne"`) is documentation of a credential.
    let opening: Vec<u8> = [quote, value].concat();
    let extended = value.len() >= 4
        && memchr::memmem::find_iter(line, &opening).any(|at| {
            let own_line = &line[line_start(line, at)..at];
            // `=>` ends with `>`: PHP's arrays (`"email" => "circleci@example.com"`).
            if ![&b"="[..], b":", b"=>"]
                .iter()
                .any(|operator| own_line.trim_ascii_end().ends_with(operator))
            {
                return false;
            }
            match line.get(at + opening.len()) {
                Some(b'-' | b'_' | b'.') => assigned_to_a_user(own_line),
                Some(b'@') => {
                    assigned_to_a_user(own_line)
                        || name_assigned_before(own_line).ends_with(b"email")
                }
                _ => false,
            }
        });
    // A user named on one of the two lines after the password's (`"password": "ubuntu",` over
    // `"username": "ubuntu",`).
    let next_lines = &after[..memchr::memchr_iter(b'\n', after)
        .nth(2)
        .unwrap_or(after.len())];
    let later = memchr::memchr(b'\n', next_lines).is_some_and(|first_break| {
        memchr::memmem::find_iter(&next_lines[first_break..], &quoted).any(|at| {
            let at = first_break + at;
            assigned_to_a_user(&next_lines[line_start(next_lines, at)..at])
        })
    });
    // A fixture account named from one stem (`"password": "cpass"` with `"username": "cuser"`
    // up to four lines on, `testuser`/`testpass`): the password is the user's name with `pass`
    // for `user`.
    let stem = ["password", "passwd", "pass", "pwd", "pw"]
        .iter()
        .find_map(|suffix| lower_value.strip_suffix(suffix.as_bytes()))
        .filter(|stem| !stem.is_empty());
    let near = &after[..memchr::memchr_iter(b'\n', after)
        .nth(4)
        .unwrap_or(after.len())];
    let stem_user = stem.is_some_and(|stem| {
        ["user", "usr", "name", "login"].iter().any(|suffix| {
            let user = [quote, stem, suffix.as_bytes(), quote].concat();
            let named_in = |text: &[u8]| {
                let lower = text.to_ascii_lowercase();
                memchr::memmem::find_iter(&lower, &user)
                    .any(|at| assigned_to_a_user(&lower[line_start(&lower, at)..at]))
            };
            named_in(line) || named_in(near)
        })
    });
    // The user's name written twice (`'username' => 'user-reg-test'` over `'new_password' =>
    // 'user-reg-testuser-reg-test'`): a form test's way to pass a length check.
    let (head, tail) = value.split_at(value.len() / 2);
    let doubled = value.len() >= 8 && head == tail && repeats_a_named_user(before, head, after);
    positional || earlier || extended || later || doubled || stem_user
}

/// Whether a value named a bare `token` belongs to an ACME challenge (`chall.Token = "…"`,
/// `challenges.HTTP01(token=b"…")`, a challenge named on one of the two lines before): the
/// token a certificate authority publishes for the client to serve, not a credential. So is
/// the token of an Amazon SNS subscription confirmation (`"Type": "SubscriptionConfirmation"`,
/// `?Action=ConfirmSubscription&…&Token=…`): sent to the endpoint to echo back once. `before`
/// is the text before the value.
pub fn is_challenge_token(name: &str, before: &[u8]) -> bool {
    let name = squashed(name);
    if !(name == "token" || (name.starts_with("chall") && name.ends_with("token"))) {
        return false;
    }
    let window = &before[memchr::memrchr_iter(b'\n', before)
        .nth(2)
        .map_or(0, |at| at + 1)..];
    let window = window.to_ascii_lowercase();
    [
        &b"chall"[..],
        b"subscriptionconfirmation",
        b"confirmsubscription",
    ]
    .iter()
    .any(|word| memchr::memmem::find(&window, word).is_some())
}

/// Whether a hex value is assigned to a name that says it is a digest (`"hashed_secret":
/// "3e26d675…"` in a detect-secrets baseline, `secret_sha1 = "…"`): the hash of a secret is not
/// the secret. `before` is the text before the value, its opening quote included.
pub fn hex_named_as_digest(before: &[u8], value: &[u8]) -> bool {
    if value.len() < 16 || !value.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let key = key_before_value(before);
    [
        "hash",
        "digest",
        "sha1",
        "sha256",
        "checksum",
        "fingerprint",
    ]
    .iter()
    .any(|word| memchr::memmem::find(&key, word.as_bytes()).is_some())
}

/// The name a value is assigned to on its line (`apiKey: "…"` gives `apikey`), read back from
/// `before`, the text before the value with its opening quote.
pub fn key_before_value(before: &[u8]) -> Vec<u8> {
    let before = &before[line_start(before, before.len())..];
    let before = before
        .strip_suffix(b"\"")
        .or_else(|| before.strip_suffix(b"'"))
        .unwrap_or(before);
    name_assigned_before(before)
}

/// Whether the name before a value is one of several targets of a tuple assignment (`username,
/// email, password = "lucy", "lucy@example.com", "password"`): the first value is the first
/// name's, not this one's, unless that name is a secret's too (`pw4, pw5 := "…", "…"`).
/// `name_line` is the line's text up to the name, `after` the text after the value's closing
/// quote.
pub fn in_tuple_assignment(name_line: &[u8], after: &[u8]) -> bool {
    let head = name_line.trim_ascii();
    let first = head
        .split(|&b| b == b',')
        .next()
        .unwrap_or_default()
        .trim_ascii()
        .to_ascii_lowercase();
    let first_is_secret = ["pass", "pw", "secret", "token", "key", "auth", "cred"]
        .iter()
        .any(|word| memchr::memmem::find(&first, word.as_bytes()).is_some());
    !first_is_secret
        && head.ends_with(b",")
        && head
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b',' | b' ' | b'\t'))
        && after.trim_ascii_start().starts_with(b",")
}

/// Whether a `pass` that is not a password is named: the passing case of a test beside its
/// failing one (`"pass": "--qos=good_qos"` under `"fail": …`, `val_pass` beside `val_fail`).
/// `around` is the value's line and the two lines either side of it.
pub fn names_a_passing_case(name: &str, around: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    let words = name_words(name);
    !lower.contains("password")
        && !lower.contains("passwd")
        && words.iter().any(|w| w == "pass")
        && around.windows(4).any(|w| w.eq_ignore_ascii_case(b"fail"))
}

/// Whether the lines around a value test how strong a password is (`password = 'ab1234';` and
/// then `expect(config.validPassStrength(password)).toBeFalse();`, a zxcvbn score): the values
/// are probes of the rule, weak and strong on purpose, not anyone's password. `around` is the
/// text of the two lines before the value, or of the two after it, without the value (which
/// may hold a keyboard's run, `…zxcvbnm…`).
pub fn probes_a_strength_check(around: &[u8]) -> bool {
    let around = around.to_ascii_lowercase();
    ["strength", "complexity", "zxcvbn"]
        .iter()
        .any(|word| memchr::memmem::find(&around, word.as_bytes()).is_some())
}

/// Whether a name of one or two characters, or a bare `pass`, is assigned on a line of
/// minified code (`…,tM="start",PW="middle",…` in a bundle; `{pass:"collision-filter",…}`, a
/// renderer's pass): a minifier's variable or a property of the code, not a password's name.
pub fn in_minified_line(name: &str, content: &[u8], at: usize) -> bool {
    const MINIFIED: usize = 1_000;
    (name.len() <= 2 || name.eq_ignore_ascii_case("pass"))
        && memchr::memchr(b'\n', &content[at..]).unwrap_or(content.len() - at)
            + (at - line_start(content, at))
            > MINIFIED
}

/// Where the line holding byte `at` of `text` starts.
fn line_start(text: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &text[..at]).map_or(0, |nl| nl + 1)
}

/// Whether the text before a quoted value on its line assigns it to a user's name (`user = `,
/// `"username": `, `CREATE USER `, `params["user"] = `), or is `name` in a user's element
/// (`<user name=`) or the value of a user's property (`<property name="username" value=`), or
/// follows a user's key as the argument before it (`put("username", `).
fn assigned_to_a_user(own_line: &[u8]) -> bool {
    // The fallback after a variable (`process.env.GRAFANA_VIEWER_USERNAME || 'viewer'`).
    let own_line = own_line.trim_ascii_end();
    let own_line = own_line
        .strip_suffix(b"||")
        .or_else(|| own_line.strip_suffix(b"??"))
        .unwrap_or(own_line);
    // A key passed as the argument before its value (`configs.put("username", "servicemgr")`).
    let key = match own_line.trim_ascii_end().strip_suffix(b",") {
        Some(head) if matches!(head.trim_ascii_end().last(), Some(b'"' | b'\'')) => {
            name_assigned_before(head)
        }
        _ => name_assigned_before(own_line),
    };
    let lead = own_line[own_line.len().saturating_sub(40)..].to_ascii_lowercase();
    let contains = |text: &[u8], word: &str| memchr::memmem::find(text, word.as_bytes()).is_some();
    ((contains(&key, "user") || contains(&key, "login")) && !contains(&key, "pass"))
        || ((key == b"name" || key == b"value") && contains(&lead, "user"))
}

/// A name or value with only its letters and digits, in lower case (`SYSDB_LOCAL_PASSKEY_AUTH` is
/// `sysdblocalpasskeyauth`, `searchApiKey` is `searchapikey`): spelled the same whatever its
/// separators and case.
fn squashed(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// An Algolia DocSearch key in a documentation site's settings (`search: { provider: 'algolia',
/// options: { apiKey: '…', indexName: '…', appId: '…' } }` in VitePress, Docusaurus' `algolia:
/// {…}`): a search-only key that Algolia issues to be shipped to every reader's browser. The value
/// is under a bare `apiKey` (or `searchApiKey`), with an index's name and an application id or
/// Algolia named within three lines of it.
pub fn is_docsearch_key(
    name: Option<&str>,
    content: &[u8],
    secret: &std::ops::Range<usize>,
) -> bool {
    // A provider rule names no key: it is read back from the text before the value.
    let name = name.map_or_else(
        || {
            let before = &content[secret.start.saturating_sub(200)..secret.start];
            String::from_utf8_lossy(&key_before_value(before)).into_owned()
        },
        str::to_string,
    );
    let name = squashed(&name);
    // A key its name calls search-only (`NEXT_PUBLIC_ALGOLIA_SEARCH_ONLY_API_KEY`): Algolia's
    // and Typesense's keys that only search are made to be shipped to browsers.
    if name.contains("searchonly") && name.ends_with("key") {
        return true;
    }
    // A search-only key that its line's comment calls so (`algolia_apiKey = "cbf1…" #
    // Search-Only API Key` in a Hugo theme's settings). Only the next 80 bytes are read: a
    // minified file's one line would be read again for every candidate on it.
    let after = &content[secret.end..content.len().min(secret.end + 80)];
    let after = memchr::memchr(b'\n', after).map_or(after, |at| &after[..at]);
    let comment = squashed(&String::from_utf8_lossy(after));
    if comment.contains("searchonly") {
        return true;
    }
    // `docs_search_api_key` beside `docs_search_index_name` in a Hugo site's settings.
    if !["apikey", "searchapikey", "searchonlyapikey", "searchkey"].contains(&name.as_str())
        && !name.ends_with("searchapikey")
    {
        return false;
    }
    let start = memchr::memrchr_iter(b'\n', &content[..secret.start])
        .nth(3)
        .map_or(0, |at| at + 1);
    let end = memchr::memchr_iter(b'\n', &content[secret.end..])
        .nth(3)
        .map_or(content.len(), |at| secret.end + at);
    let window: Vec<u8> = content[start..end]
        .iter()
        .filter(|b| !matches!(b, b'_' | b'-'))
        .map(u8::to_ascii_lowercase)
        .collect();
    let has = |word: &str| memchr::memmem::find(&window, word.as_bytes()).is_some();
    // Algolia's search-insights client (`aa('init', { appId: '…', apiKey: '…' })`) sends
    // click events with the same search-only key. Typesense's DocSearch
    // (`typesenseServerConfig: { nodes: […], apiKey: '…' }`) likewise.
    (has("appid") && (has("aa('init'") || has("aa(\"init\"")))
        || (has("indexname")
            && (has("appid") || has("applicationid") || has("algolia") || has("docsearch")))
        || (has("typesense")
            && (has("nodes") || has("collectionname") || has("connectiontimeoutseconds")))
}

/// A key that providers make to be shipped in web pages and apps, named by its provider.
/// A PostHog project API key from before keys had prefixes (`REACT_APP_POSTHOG_TOKEN =
/// 'cQo4wipp…'`): project keys only send events. Personal (`phx_`) and project secret
/// (`phs_`) keys have always carried their prefix and their own rules; `phc_` project keys are
/// still reported, as peers count them.
/// A Pusher Channels app key (`"pusher_app_key":"6d893fcc6a0c695853ac"`) is likewise public: web
/// pages subscribe with it; the app secret signs. So is an analytics write key (`"writeKey":
/// "iCkMy7…"`).
pub fn is_public_client_key(name: &str, value: &[u8]) -> bool {
    let name = squashed(name);
    let prefixed = value.len() > 4
        && value.starts_with(b"ph")
        && value[2].is_ascii_lowercase()
        && value[3] == b'_';
    (name.contains("posthog") && !prefixed)
        || (name.contains("pusher") && name.ends_with("key") && !name.contains("secret"))
        // Segment's and RudderStack's write keys send events from browsers and apps.
        || name.ends_with("writekey")
        // RevenueCat's public SDK keys, one per app store (`appl_…`, `goog_…`, `amzn_…`); its
        // secret keys begin `sk_`.
        || (!name.contains("secret") && is_revenuecat_public_key(value))
        // Braintree's tokenization keys (`"braintreeClientKey":"production_zjkj96jm_m56f…"`)
        // authorise a browser to tokenise a card and nothing more: made for client code.
        || is_braintree_tokenization_key(value)
}

/// `production_` or `sandbox_`, eight and sixteen lower-case letters or digits.
fn is_braintree_tokenization_key(value: &[u8]) -> bool {
    let Some(rest) = value
        .strip_prefix(b"production_")
        .or_else(|| value.strip_prefix(b"sandbox_"))
    else {
        return false;
    };
    let parts: Vec<&[u8]> = rest.split(|&b| b == b'_').collect();
    parts.iter().map(|part| part.len()).eq([8, 16])
        && parts.iter().all(|part| {
            part.iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn is_revenuecat_public_key(value: &[u8]) -> bool {
    [&b"appl_"[..], b"goog_", b"amzn_"].iter().any(|prefix| {
        value.strip_prefix(*prefix).is_some_and(|key| {
            (24..=32).contains(&key.len()) && key.iter().all(u8::is_ascii_alphanumeric)
        })
    })
}

/// A value that names a Windows registry key written out nearby (`AccountKey =
/// "9375CFF0413111d3B88A00104B2A6676"` under a comment giving `HKEY_CURRENT_USER\…\Profiles\
/// <profile>\9375CFF0…\`): a key's name in the registry, not a credential. `around` is the text of
/// the lines around the value.
pub fn names_a_registry_key(around: &[u8], value: &[u8]) -> bool {
    if value.len() < 8 || memchr::memmem::find(around, b"HKEY_").is_none() {
        return false;
    }
    memchr::memmem::find_iter(around, value).any(|at| {
        at > 0
            && around[at - 1] == b'\\'
            && around.get(at + value.len()).is_some_and(|&b| b == b'\\')
    })
}

/// A value that is one of a series counted across the settings around it (`tag: 'env1'` …
/// `password: 'env6'` … `fileFilter: 'env8'`): numbered stand-ins for values filled in
/// later, not a password. `around` is the text of the lines around the value; both the number
/// before and the one after must be there, and no line but one may name a credential (a
/// corpus's `passwd: hardcoded2` beside `password: hardcoded3` is a series of passwords).
pub fn counted_in_a_series(around: &[u8], value: &[u8]) -> bool {
    let digits = value
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let stem = &value[..value.len() - digits];
    if !(1..=2).contains(&digits)
        || !(2..=10).contains(&stem.len())
        || !stem.iter().all(u8::is_ascii_lowercase)
    {
        return false;
    }
    let Ok(number) = std::str::from_utf8(&value[stem.len()..])
        .unwrap_or("")
        .parse::<u32>()
    else {
        return false;
    };
    let names_a_credential = |line: &[u8]| {
        let line = line.to_ascii_lowercase();
        ["pass", "pwd", "secret", "token", "key", "auth", "cred"]
            .iter()
            .any(|w| memchr::memmem::find(&line, w.as_bytes()).is_some())
    };
    if around
        .split(|&b| b == b'\n')
        .filter(|line| names_a_credential(line))
        .count()
        > 1
    {
        return false;
    }
    let stands_alone = |word: &[u8]| {
        memchr::memmem::find_iter(around, word).any(|at| {
            let before = at.checked_sub(1).map(|i| around[i]);
            let after = around.get(at + word.len()).copied();
            !before.is_some_and(|b| b.is_ascii_alphanumeric())
                && !after.is_some_and(|b| b.is_ascii_alphanumeric())
        })
    };
    let numbered = |n: u32| [stem, n.to_string().as_bytes()].concat();
    number > 0 && stands_alone(&numbered(number - 1)) && stands_alone(&numbered(number + 1))
}

/// Whether a value is the first of a list of numbered stand-ins, the next one written after it
/// with its numbers counted up (`CENSYS_API_KEY=pat1:org1,pat2:org2`). `after` is the rest of
/// the value's line.
pub fn listed_before_its_successor(value: &[u8], after: &[u8]) -> bool {
    if value.len() > 24 || !value.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    let mut successor = Vec::with_capacity(value.len() + 2);
    let mut counted = false;
    let mut at = 0;
    while at < value.len() {
        let digits = value[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            successor.push(value[at]);
            at += 1;
            continue;
        }
        let Ok(number) = std::str::from_utf8(&value[at..at + digits])
            .unwrap_or("")
            .parse::<u32>()
        else {
            return false;
        };
        if digits > 2 {
            return false;
        }
        successor.extend_from_slice((number + 1).to_string().as_bytes());
        counted = true;
        at += digits;
    }
    let next = after
        .strip_prefix(b",")
        .map(|rest| rest.trim_ascii_start())
        .unwrap_or_default();
    counted
        && next.starts_with(&successor)
        && !next
            .get(successor.len())
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

/// A value that is also assigned to a public key's name nearby (`RSPAMD_FUZZY_WORKER_PUBKEY=dsrea5…`
/// a few lines over `RSPAMD_FUZZY_ENCRYPTION_KEY=dsrea5…`): the public half of a key pair, used
/// again under another name. `around` is the text of the lines around the value.
pub fn repeats_a_public_key(around: &[u8], value: &[u8]) -> bool {
    value.len() >= 16
        && memchr::memmem::find_iter(around, value).any(|at| {
            let name = name_assigned_before(&around[line_start(around, at)..at]);
            let name = squashed(&String::from_utf8_lossy(&name));
            name.contains("pubkey") || name.contains("publickey")
        })
}

/// A variable whose value the next lines use as a public key (`let modified_key = "sIhx…=";`
/// and then `device.wireguard_pubkey = modified_key.into();`, or
/// `validate_pubkey(valid_test_key)`): the public half of a key pair, named for what it is only
/// where it is used. `after` is the text from the value's end over the next lines.
pub fn used_as_a_public_key(name: &str, after: &[u8]) -> bool {
    if name.len() < 3 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return false;
    }
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    after.split(|&b| b == b'\n').skip(1).take(3).any(|line| {
        memchr::memmem::find_iter(line, name.as_bytes()).any(|at| {
            if (at > 0 && word(line[at - 1])) || line.get(at + name.len()).is_some_and(|&c| word(c))
            {
                return false;
            }
            // What receives the variable: the name before `=` or `:`, or the function it is
            // passed to.
            let before = line[..at].trim_ascii_end();
            let Some(before) = before
                .strip_suffix(b"=")
                .or_else(|| before.strip_suffix(b":"))
                .or_else(|| before.strip_suffix(b"("))
            else {
                return false;
            };
            let before = before.trim_ascii_end();
            let start = before
                .iter()
                .rposition(|&b| !(word(b) || matches!(b, b'.' | b':')))
                .map_or(0, |p| p + 1);
            let receiver = squashed(&String::from_utf8_lossy(&before[start..]));
            receiver.contains("pubkey") || receiver.contains("publickey")
        })
    })
}

/// A value that is a host's first label in a URL nearby (`"token": "51bnatug7ua3"` beside
/// `"http://51bnatug7ua3.zrok.example.com:8080"`): a share's public name, which every visitor
/// of the address sees. `around` is the text of the lines around the value.
pub fn names_a_host(around: &[u8], value: &[u8]) -> bool {
    value.len() >= 8
        && memchr::memmem::find_iter(around, value)
            .any(|at| around[..at].ends_with(b"://") && around.get(at + value.len()) == Some(&b'.'))
}

/// The name a quoted value is assigned to, read back from the text before its opening quote
/// (`user = `, `"username": `, `params["user"] = `, `CREATE USER `), in lower case.
fn name_assigned_before(text: &[u8]) -> Vec<u8> {
    let mut end = text.trim_ascii_end();
    if let Some(operator) = [&b"=>"[..], b"=", b":"]
        .iter()
        .find(|operator| end.ends_with(operator))
    {
        end = end[..end.len() - operator.len()].trim_ascii_end();
    }
    // The quotes and bracket of a subscript (`params["user"] = "…"`).
    let end = end.strip_suffix(b"]").unwrap_or(end);
    let end = end
        .strip_suffix(b"\"")
        .or_else(|| end.strip_suffix(b"'"))
        .unwrap_or(end);
    let start = end
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
        .map_or(0, |at| at + 1);
    end[start..].to_ascii_lowercase()
}

/// Whether a name is an attribute of a PKCS#11 URI (`pkcs11:model=SoftHSM%20v2;token=ecdsa%231`,
/// RFC 7512): `token` labels a token, as `object` labels a key; the PIN is `pin-value`, which no
/// generic name matches. `before` is the text before the name.
pub fn in_pkcs11_uri(before: &[u8]) -> bool {
    let start = before
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'('))
        .map_or(0, |at| at + 1);
    let uri = &before[start..];
    uri.starts_with(b"pkcs11:") && matches!(uri.last(), Some(b';' | b':'))
}

/// Domains reserved for documentation and tests (RFC 2606, RFC 6761): credentials in URLs to
/// these hosts are examples.
pub fn is_documentation_host(host: &[u8]) -> bool {
    let host = String::from_utf8_lossy(host).to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    [
        "example.com",
        "example.net",
        "example.org",
        "example",
        "test",
        "invalid",
    ]
    .iter()
    .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

/// Whether a name is a BCP 47 locale tag: a language (`en`, `und`), maybe a script (`Latn`),
/// and a region (`PW`).
fn is_locale_tag(name: &str) -> bool {
    // `en-PW`, and `en_PW` as ICU and gettext write it.
    let parts: Vec<&str> = name.split(['-', '_']).collect();
    let (Some(language), Some(region)) = (parts.first(), parts.last()) else {
        return false;
    };
    let script_ok = match parts.len() {
        2 => true,
        3 => {
            let script = parts[1].as_bytes();
            script.len() == 4
                && script[0].is_ascii_uppercase()
                && script[1..].iter().all(u8::is_ascii_lowercase)
        }
        _ => false,
    };
    script_ok
        && (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && region.len() == 2
        && region.bytes().all(|b| b.is_ascii_uppercase())
}

/// Parts of a secret-like *name* that say the value is not itself a secret
/// (`password_hash`, `token_url`, `secret_name`, `api_key_id`, ...).
const NON_SECRET_NAME_PARTS: &[&str] = &[
    // Keys that are not credentials: database, cache, map and sort keys, public halves.
    "primary",
    "foreign",
    "partition",
    "cache",
    "lookup",
    // `SortKey="01hotplug/…"`: the key a list is sorted by.
    "sort",
    // `pauseStatsKey = "e6af…"`: the key a test's statistics are filed under (a container id).
    "stats",
    // `access_token.scope = "resource1:write"`, `id_token_encrypted_response_alg`: what a token
    // may do, and how it is made.
    "scope",
    "_alg",
    "public",
    "publishable",
    "pubkey",
    "hotkey",
    // `TOKENIZER = "sentence-transformers/all-MiniLM-L6-v2"`: a model that splits text.
    "tokenizer",
    // `LOGIN_TOKEN_NAMESPACE = 'b14cba73-…'`: the namespace of name-based UUIDs.
    "namespace",
    // `MT_MAGIC_TOKEN_NS => 'fed9a282-…'`: the same, abbreviated.
    "ns",
    // `RELATION_START_KEY`, `ExclusiveStartKey`, `end_key`: where a range of keys begins or ends.
    "start",
    "end",
    // `entityKey="1417acbe-…"`: the key that identifies a record.
    "entity",
    // `CHARS_PASSWORD = 'bcdfghjk…'`: the characters a password is drawn from.
    "chars",
    "charset",
    "alphabet",
    // `specialEncoderKey = "abcdefghijklmnopqrstuvwxyz123456"`: an encoding's alphabet.
    "encoder",
    "symbols",
    // `REDACTED_CREDENTIAL_VALUE = '_FLOWISE_BLANK_0716…'`: what is shown in a secret's place.
    "redacted",
    // `$item1Key = '09a15e…'`: the key an item is cached or listed under.
    "item",
    // `{ modelKey: 'claude-3-opus-20240229', title: 'Claude 3 Opus' }`: which model a template
    // names.
    "model",
    // `CREATION_TOKEN = "console-d215fa78-…"`: EFS's idempotency token, named for the request
    // that creates a file system.
    "creation",
    // AWS Signature Version 4's `X-Amz-Credential=AKIA…/20250820/us-east-1/…` in a presigned URL:
    // the access key's id and the signature's scope; the signature is its own parameter.
    "amz-credential",
    // Ethereum deposit data's `withdrawal_credentials`: the hash of a withdrawal public key.
    "withdrawal",
    // `filepath.Join(dir, "secret-volume", "test-file2")`, `secretMount`: where secrets are
    // mounted, not one.
    "volume",
    "mount",
    // `Sec-WebSocket-Key`: a handshake nonce.
    "websocket",
    "socket",
    "shortcut",
    "idempotency",
    "dedup",
    // `JWT_CATEGORY_SESSION_TOKEN = "cl_B7d4PD111AAA"`: which kind of token, not one.
    "category",
    // `sheet_key = "1H9_xaxQ…"`: a Google Sheets document's id.
    "sheet",
    // `kSecClassGenericPassword = 'genp'`: Apple's keychain item classes.
    "class",
    // nginx's upstream directives (`DD_UWSGI_PASS="uwsgi_server"`, `proxy_pass`): where requests
    // go, not a password.
    "uwsgi_pass",
    "proxy_pass",
    "fastcgi_pass",
    "grpc_pass",
    "scgi_pass",
    "memcached_pass",
    // `password.algorithm`, `passwordStorageScheme`: how a secret is hashed or made
    // (`argon2id`, `PBKDF2-SHA512`), not the secret.
    "algorithm",
    "scheme",
    "hash",
    "digest",
    "checksum",
    "sha",
    "_id",
    "-id",
    ".id",
    "uuid",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "dir",
    "name",
    "type",
    "length",
    "len",
    "size",
    "count",
    // `GIT_SECRETS_COMMIT="ad82d68e…"`: the revision of a tool or a repository of secrets.
    "commit",
    "revision",
    // `$tokenIndex`, `secretPosition`: where a token sits in a list or a text.
    "index",
    "position",
    "field",
    "ref",
    "env",
    "version",
    "expir",
    "ttl",
    "timeout",
    "header",
    "prefix",
    "format",
    "policy",
    "label",
    "placeholder",
    "regex",
    "pattern",
    "mode",
    "enabled",
    "required",
    "rotation",
    "provider",
    "manager",
    "store",
    "arn",
    "param",
    "question",
    "hint",
    "reset",
    "_by",
    "created",
    "updated",
    "count",
    "limit",
    "min",
    "max",
    "strength",
    "validator",
    "input",
    "selector",
    "public",
    "cookie_name",
    "_at",
    "template",
    "sample",
    "example",
    "salt",
    "kind",
    // Names that say the value is not a working credential (`fakeToken`, `invalid_api_key`,
    // `wrong_password`, `mockSecret`): values for tests of the failure path.
    "fake",
    "dummy",
    "mock",
    "mocked",
    "bogus",
    "invalid",
    "wrong",
    "incorrect",
    "bad",
];

/// Values that are code or configuration references, not literal secrets.
fn looks_like_reference(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    // `!` and `#` open real passwords too (`DB_PASSWORD=#ZMmI67Cyq6`): a YAML tag (`!Ref`) is
    // letters only, and a comment (`key: # note`) is told apart where the value is matched.
    let starts = ['$', '%', '@', '&', '/', '\\', '~', '(', '[', '{', '<', ':'];
    if value.starts_with(starts) || value.starts_with("..") || value.starts_with("./") {
        return true;
    }
    // A Go template's field path (`hasKey .Values.ingress.s3.api.annotations "…"` in a Helm
    // chart).
    if value.strip_prefix('.').is_some_and(|path| {
        path.split('.').count() >= 2
            && path.split('.').all(|field| {
                field.starts_with(|c: char| c.is_ascii_alphabetic())
                    && field
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
    }) {
        return true;
    }
    // A variable spliced into a PHP string (`value="'.$pass_value.'"`): quotes and the
    // concatenation operator around a `$name`.
    let spliced = value.trim_matches(|c: char| matches!(c, '\'' | '"' | '.' | '+' | ' '));
    if spliced.len() < value.len()
        && spliced.strip_prefix('$').is_some_and(|variable| {
            !variable.is_empty()
                && variable
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'>')
        })
    {
        return true;
    }
    // A variable concatenated into a string (`"=== PASS: "+suiteName+"/"+testName`): the
    // operator on both sides of a name.
    if value
        .strip_prefix('+')
        .and_then(|v| v.strip_suffix('+'))
        .is_some_and(|variable| {
            variable.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && variable
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
        })
    {
        return true;
    }
    // A path under a hidden directory (`sshPrivateKey: ".connectionFiles/private-key"`, where an
    // app keeps the key's file): a dot, then names of letters, digits and dashes between slashes.
    if value.strip_prefix('.').is_some_and(|path| {
        path.contains('/')
            && path.starts_with(|c: char| c.is_ascii_alphabetic())
            && path.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            })
    }) {
        return true;
    }
    // A size and type in Erlang's bit syntax (`<<1, Token:2/binary, 1>>`, `Key:Len/binary`): a
    // pattern that takes a token apart, not a value.
    const BIT_TYPES: &[&str] = &[
        "binary",
        "bytes",
        "bits",
        "bitstring",
        "integer",
        "float",
        "utf8",
        "utf16",
        "utf32",
        "little",
        "big",
        "native",
        "signed",
        "unsigned",
    ];
    if let Some((size, types)) = value.split_once('/') {
        let size_ok = !size.is_empty()
            && (size.bytes().all(|b| b.is_ascii_digit())
                || (size.starts_with(|c: char| c.is_ascii_uppercase())
                    && size.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')));
        if size_ok
            && types
                .split('-')
                .all(|t| BIT_TYPES.contains(&t) || t.starts_with("unit:"))
        {
            return true;
        }
    }
    // A PowerShell operator where an unquoted value would stand (`$userpw = -join ((48..57) …)`,
    // a password drawn at random).
    if value.strip_prefix('-').is_some_and(|operator| {
        ["join", "split", "replace", "f", "not", "bnot"].contains(&operator)
    }) {
        return true;
    }
    // An Android theme attribute (`app:passwordToggleTint="?attr/colorOnSurface"`).
    if value.starts_with("?attr/") || value.starts_with("?android:") {
        return true;
    }
    // A CSS id selector or a page's anchor of lower-case words (`? '#fe_login_password' :
    // '#fe_login_username'`, which field to focus); a password opening with `#` has capitals or
    // digits (`#ZMmI67Cyq6`).
    if value.strip_prefix('#').is_some_and(|id| {
        id.contains(['_', '-'])
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
    }) {
        return true;
    }
    // A colour in hex (`"password":"#BF1B00"` in a dashboard's legend).
    if value.strip_prefix('#').is_some_and(|hex| {
        [3, 6, 8].contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    }) {
        return true;
    }
    // A member read as a boolean (`const isPassphrase = !!sSKeyInfo.passphrase;`).
    if value.strip_prefix("!!").is_some_and(|member| {
        member.starts_with(|c: char| c.is_ascii_lowercase())
            && member.contains('.')
            && member
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    }) {
        return true;
    }
    // A counter stepped before it is read (`const token = ++restInstanceCounter;`).
    if value
        .strip_prefix("++")
        .is_some_and(|variable| variable.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
    {
        return true;
    }
    // A command-line option (`"pass": "--account=good_account"` in a test's table).
    if value
        .strip_prefix("--")
        .is_some_and(|option| option.starts_with(|c: char| c.is_ascii_lowercase()))
    {
        return true;
    }
    // An Elixir or Erlang function by module, name and arity (`Product.changeset/2`).
    if let Some((function, arity)) = value.rsplit_once('/') {
        let arity_ok =
            !arity.is_empty() && arity.len() <= 2 && arity.bytes().all(|b| b.is_ascii_digit());
        let function_ok = function.split_once('.').is_some_and(|(module, name)| {
            module.starts_with(|c: char| c.is_ascii_uppercase())
                && !name.is_empty()
                && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'?' | b'!' | b'.'))
        });
        if arity_ok && function_ok {
            return true;
        }
    }
    // A JVM class's internal name (`io/ktor/server/auth/OAuthCallback` in an API dump): package
    // segments in lower case and a capitalised class.
    let segments: Vec<&str> = value.split('/').collect();
    if segments.len() >= 3
        && segments[..segments.len() - 1].iter().all(|segment| {
            segment.starts_with(|c: char| c.is_ascii_lowercase())
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        && segments[segments.len() - 1].starts_with(|c: char| c.is_ascii_uppercase())
        && segments[segments.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'$' || b == b'_')
    {
        return true;
    }
    // A Java system property set on a command line (`-Djava.library.path=`).
    if value.strip_prefix("-D").is_some_and(|property| {
        property.starts_with(|c: char| c.is_ascii_lowercase()) && property.contains('.')
    }) {
        return true;
    }
    // An expression with optional chaining (`!!account?.hasOAuthAccount`, `user?.token`): a
    // member named in words after `?.`.
    let optional_chaining = value.split_once("?.").is_some_and(|(object, member)| {
        let member: String = member
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // The object named in words lets the member be an acronym's (`settings?.TTSOpenAIKey`).
        let object_name: String = object
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        object.ends_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | ')' | ']'))
            && member.len() >= 3
            && (wordiness(&member) >= 0.6
                || (object_name.len() >= 4
                    && object_name.bytes().all(|b| b.is_ascii_lowercase())
                    && wordiness(&object_name.chars().rev().collect::<String>()) >= 0.6
                    && member.starts_with(|c: char| c.is_ascii_alphabetic())))
    });
    if optional_chaining {
        return true;
    }
    // A value that ends in a shell or template variable after a separator (`pass:seed-$name`,
    // `key-${ENV}`, `pw_$(date +%s)`): the literal is a prefix of what is expanded, not the
    // credential. A `$` inside a password (`dsjUE#$gds8s`) follows no separator.
    let expands_a_variable = value.rfind('$').is_some_and(|at| {
        let (head, tail) = value.split_at(at);
        let variable = &tail[1..];
        let name = variable
            .strip_prefix('{')
            .and_then(|v| v.strip_suffix('}'))
            .or_else(|| variable.strip_prefix('(').and_then(|v| v.strip_suffix(')')))
            .unwrap_or(variable);
        head.len() >= 2
            && head.ends_with(['-', '_', '.', '/', ':'])
            && name.len() >= 2
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b' ' | b'%' | b'+'))
    });
    if expands_a_variable {
        return true;
    }
    // A call (`value: maskAccessKey(cfg.AccessKey)`): a function's name in words, its
    // arguments in parentheses.
    let call = value
        .strip_suffix(')')
        .and_then(|head| head.split_once('('))
        .is_some_and(|(function, _)| {
            function.len() >= 3
                && function.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && function
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
                && wordiness(function) >= 0.5
        });
    if call {
        return true;
    }
    // Package specifiers of yarn and pnpm lockfiles (`jsonwebtoken: "npm:^9.0.3"`).
    if ["npm:", "workspace:", "patch:", "portal:", "link:"]
        .iter()
        .any(|protocol| value.starts_with(protocol))
    {
        return true;
    }
    // A Python entry point (`ec2_credentials_create = openstackclient.identity.v3.ec2creds:
    // CreateEC2Creds` in `entry_points.txt`): a dotted module path and an object's name.
    if let Some((module, object)) = value.split_once(':') {
        let ident = |s: &str| {
            !s.is_empty()
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !s.as_bytes()[0].is_ascii_digit()
        };
        if module.contains('.') && module.split('.').all(ident) && object.split('.').all(ident) {
            return true;
        }
    }
    // An AWS Signature V4 credential scope (`Credential=AKID/20150830/us-east-1/iam/
    // aws4_request`, in a query string or not): the access key id and where it was used, not
    // the secret.
    if lower.contains("/aws4_request") {
        return true;
    }
    // A Vim script variable: `a:dict.istemp`, `g:netrw_passwd`, `s:pwd`.
    let vim_scope = value.len() > 2
        && b"abglstvw".contains(&value.as_bytes()[0])
        && value.as_bytes()[1] == b':'
        && (value.as_bytes()[2].is_ascii_alphabetic() || value.as_bytes()[2] == b'_');
    if vim_scope {
        return true;
    }
    if let Some(tag) = value.strip_prefix('!') {
        if tag.bytes().all(|b| b.is_ascii_alphabetic() || b == b':') {
            return true;
        }
        // A tag with a namespace (`password: !encrypted/pkcs1-oaep`, Zuul's encrypted secret,
        // whose value follows on the next lines): lower-case words around a slash.
        if tag.contains('/')
            && tag.starts_with(|c: char| c.is_ascii_lowercase())
            && tag
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/-_.".contains(&b))
        {
            return true;
        }
    }
    const REFERENCE_MARKERS: &[&str] = &[
        "env.",
        // OpenSSL's password sources (`-passin env:CERT_PASS`, `file:…`).
        "env:",
        "environ",
        "getenv",
        "process.",
        "secrets.",
        "secret(",
        "vault:",
        "arn:",
        "amzn1.",
        "ssm:",
        "sm://",
        "secretsmanager",
        "keyvault",
        "keychain",
        "file:",
        "http://",
        "https://",
        "ftp://",
        "null",
        "none",
        "undefined",
        "true",
        "false",
        "func",
        "lambda",
        "return",
        "import",
        "require",
        "()",
        "=>",
        "::",
        "->",
        "this.",
        "self.",
        "props.",
        "config.",
        "settings.",
        "options.",
        // Rundeck's job options (`option.sshKeyPassphrase`).
        "option.",
        "params.",
        "args.",
        "req.",
        "request.",
        "os.",
        "std",
        "string",
        "bytes",
        "optional",
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "credential",
    ];
    if REFERENCE_MARKERS.iter().any(|m| lower.contains(m)) {
        // A key whose format starts with a word (`secret_H9ZGTfAERfN5W0AX`) is not a name.
        let word_prefixed_key = SECRET_NAME_WORDS.iter().any(|w| {
            lower.strip_prefix(w).is_some_and(|rest| {
                rest.starts_with(['_', '-']) && !REFERENCE_MARKERS.iter().any(|m| rest.contains(m))
            })
        }) && has_random_segment(value);
        if !word_prefixed_key {
            return true;
        }
    }
    // A dotted identifier chain: `foo.bar.baz`, `settings.SECRET_KEY`, `x25519.X25519PrivateKey`.
    // Its parts are words or short; a token's dot-separated segments
    // (`rh83qVzJzCOvCOhriyaTA2VP.LdWOFn1sw…`) are not.
    let dotted = value.contains('.')
        && value.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        && value.split('.').all(|part| {
            part.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && (part.len() < 16 || wordiness(part) >= 0.5)
        });
    dotted
}

/// Names and word lists rather than random values: `DB_PASSWORD_2`, `PHY_Beacon_RSSI_MAX`,
/// `regulator-fec1-pwdn`, `WRPLL-specific`.
fn looks_like_identifier(value: &str) -> bool {
    if has_random_segment(value) {
        return false;
    }
    let has_upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let word_chars = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if word_chars && value.contains('_') && !(has_upper && has_lower) {
        return true;
    }
    if word_chars && value.matches('_').count() >= 2 {
        return true;
    }
    // A part of letters is a word unless it is long and not made of words
    // (`PSIYbVgfkbEPQoqJfzHpACTtihONkQ_cKmOpNDPNiCU`).
    // A domain name's final dot (`sentinel-is-ta-20326.`) ends no part.
    let segments: Vec<&str> = value
        .strip_suffix('.')
        .unwrap_or(value)
        .split(['-', '_', '.'])
        .collect();
    let words = segments
        .iter()
        .filter(|s| {
            !s.is_empty()
                && s.bytes().all(|b| b.is_ascii_alphabetic())
                && (s.len() < 12 || wordiness(s) >= 0.5)
        })
        .count();
    (segments.len() >= 2 && words == segments.len())
        || (segments.len() >= 3 && words + 1 >= segments.len())
}

/// A capitalised word or words in camel case, each of three letters or more (`Recovery`,
/// `WriteAsync`): a name, where a key of random letters would mix in digits or short humps.
fn is_capitalised_compound(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() < 3 || !bytes[0].is_ascii_uppercase() {
        return false;
    }
    let mut hump = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_uppercase() {
            if i > 0 && hump < 3 {
                return false;
            }
            hump = 1;
        } else if b.is_ascii_lowercase() {
            hump += 1;
        } else {
            return false;
        }
    }
    hump >= 3
}

/// Whether one of `value`'s `_ - .` separated parts is a long run of letters and digits mixed
/// (`sk_d21e2be3622049c7809f95cc02313821`, `vW_6rXfYJcjXRU8Z92B9RR6WRpV…`): a key with a prefix
/// or underscores in its alphabet, not an identifier made of words (`DB_PASSWORD_2`,
/// `hpke.MLKEM768X25519PrivateKey`).
fn has_random_segment(value: &str) -> bool {
    // Underscores inside a key's alphabet (`5RzDGrpFKkrA_90yM_BFmyxKKAQkgu0B`) cut it into parts
    // too short to judge alone: the whole value, in mixed case with digits and hardly any
    // words, is random.
    let alphanumerics = value.bytes().filter(u8::is_ascii_alphanumeric).count();
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    if alphanumerics >= 24
        && digits >= 2
        && value.bytes().any(|b| b.is_ascii_uppercase())
        && value.bytes().any(|b| b.is_ascii_lowercase())
        && wordiness(value) < 0.25
    {
        return true;
    }
    value.split(['-', '_', '.']).any(|segment| {
        let digits = segment.bytes().filter(u8::is_ascii_digit).count();
        let letters = segment.bytes().filter(u8::is_ascii_alphabetic).count();
        // One-case runs hold word-like pieces by chance (`9itvicgfiyq3ry6g03qwhwc`).
        let one_case = !segment.bytes().any(|b| b.is_ascii_uppercase())
            || !segment.bytes().any(|b| b.is_ascii_lowercase());
        segment.len() >= 16
            && digits >= 3
            && letters >= 3
            && digits + letters == segment.len()
            && wordiness(segment) < if one_case { 0.65 } else { 0.4 }
    })
}

/// Names of protocol tokens — pagination, idempotency, concurrency, CSRF — whose values are
/// opaque but grant nothing: `NextToken`, `ChangeToken`, `ClientRequestToken`, `ETag`.
const PROTOCOL_TOKEN_NAMES: &[&str] = &[
    "nexttoken",
    "next_token",
    "changetoken",
    "change_token",
    "requesttoken",
    "request_token",
    "clienttoken",
    "client_token",
    "continuation",
    "pagetoken",
    "page_token",
    // OData's paging token (`…&$skiptoken=01eyJyZXBlYXRJZCI6…`).
    "skiptoken",
    "pagination",
    "synctoken",
    "sync_token",
    "idempotency",
    "resumetoken",
    "tasktoken",
    "task_token",
    "statetoken",
    "waitertoken",
    "forwardtoken",
    "backwardtoken",
    "verificationtoken",
    "verification_token",
    "locktoken",
    "lock_token",
    "lifecycle",
    "producttoken",
    "cursor",
    "marker",
    "etag",
    "nonce",
    "csrf",
    "xsrf",
    // Rails' anti-forgery form field (`authenticity_token`), a CSRF token.
    "authenticity",
];

/// `8-4-4-4-12` hexadecimal: a UUID.
pub fn looks_like_uuid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// True for a time-based (version 1) UUID stamped between 1990 and 2050, such as
/// `743b294a-cd03-11ec-9d64-0242ac120002`: a timestamp and a network address, made to be unique
/// rather than secret. Credentials written as UUIDs (legacy npm and Heroku keys) are random
/// (version 4); random hex in a UUID's layout passes these checks about once in 4,096 values.
pub fn is_time_based_uuid(value: &str) -> bool {
    if !looks_like_uuid(value) {
        return false;
    }
    let parts: Vec<&str> = value.split('-').collect();
    let version = parts[2].as_bytes()[0];
    let variant = parts[3].as_bytes()[0].to_ascii_lowercase();
    if version != b'1' || !matches!(variant, b'8' | b'9' | b'a' | b'b') {
        return false;
    }
    // The 60-bit count of 100 ns intervals since 1582-10-15: time_hi (12 bits), time_mid,
    // time_low.
    let (Ok(hi), Ok(mid), Ok(low)) = (
        u64::from_str_radix(&parts[2][1..], 16),
        u64::from_str_radix(parts[1], 16),
        u64::from_str_radix(parts[0], 16),
    ) else {
        return false;
    };
    let ticks = (hi << 48) | (mid << 32) | low;
    const TICKS_PER_YEAR: u64 = 10_000_000 * 3600 * 24 * 36525 / 100;
    let year = 1582 + ticks / TICKS_PER_YEAR;
    (1990..2050).contains(&year)
}

/// Name parts that make a token name a credential's (`access_token`, `bearerToken`).
const CREDENTIAL_TOKEN_NAMES: &[&str] = &[
    "access", "auth", "api", "bearer", "refresh", "session", "secret", "private", "password",
    "key", "bot", "personal",
];

/// Whether the text right before a bare key-shaped value assigns it to an identifier name:
/// `"PublisherId": "`, `--request-id `, `key_id=`.
pub fn assigned_to_id_name(before: &[u8]) -> bool {
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let text = String::from_utf8_lossy(&before[line_start..]);
    let trimmed = text.trim_end_matches([' ', '"', '\'', '=', ':', '\t']);
    let name: String = trimmed
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    trimmed.len() < text.len()
        && (name.ends_with("Id")
            || name.ends_with("ID")
            || name.to_ascii_lowercase().ends_with("_id")
            || name.to_ascii_lowercase().ends_with("-id"))
}

/// Field names joined by colons, as in the format line of a passwd or group file
/// (`name:password:UID:GID:GECOS:directory:shell` gives `password` the value
/// `UID:GID:GECOS:directory:shell`).
fn looks_like_field_list(value: &str) -> bool {
    value.contains(':')
        && value.split(':').all(|field| {
            !field.is_empty() && field.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
        })
}

/// The name of a signing or hashing algorithm (`EC2CredentialsHmacSha256V2 = "HmacSHA256"`,
/// `"AWS4-HMAC-SHA256"`, `HS256`, `sha512`): which method signs, not a key.
fn names_an_algorithm(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .collect::<String>()
        .to_ascii_lowercase();
    // A scheme's version after its algorithm (`sha1_v2.4`, SilverStripe's encryptors).
    let squeezed = match squeezed.rsplit_once('v') {
        Some((algorithm, version))
            if !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && version.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            algorithm.to_string()
        }
        _ => squeezed,
    };
    let rest = squeezed.strip_prefix("aws4").unwrap_or(&squeezed);
    let rest = rest.strip_prefix("hmac").unwrap_or(rest);
    let bits = ["1", "224", "256", "384", "512"];
    // Java's SecureRandom algorithms (`SECRET_RANDOM = "SHA1PRNG"`) count as hashes.
    let rest = rest.strip_suffix("prng").unwrap_or(rest);
    let sha = rest
        .strip_prefix("sha")
        .is_some_and(|size| bits.contains(&size));
    let jose = ["hs", "rs", "es", "ps"].iter().any(|family| {
        squeezed
            .strip_prefix(family)
            .is_some_and(|size| bits[2..].contains(&size))
    });
    // JWE content encryption and key wrapping (`A128CBC-HS256`, `A256GCM`, `A192GCMKW`).
    let jwe = ["a128", "a192", "a256"].iter().any(|size| {
        squeezed.strip_prefix(size).is_some_and(|rest| {
            rest.strip_prefix("cbc")
                .is_some_and(|hs| ["hs256", "hs384", "hs512"].contains(&hs))
                || ["gcm", "kw", "gcmkw"].contains(&rest)
        })
    });
    // A cipher by key size and mode (`aes256-cbc` in `"privatekey: aes256-cbc is not available"`).
    let cipher = ["aes128", "aes192", "aes256"].iter().any(|size| {
        squeezed
            .strip_prefix(size)
            .is_some_and(|mode| ["cbc", "ctr", "gcm", "cfb", "ofb", "ecb"].contains(&mode))
    });
    sha || jose || jwe || cipher || names_ssh_or_dnssec_algorithms(value)
}

/// SSH's key exchange and host key algorithms by name (`gss-group14-sha256-`,
/// `diffie-hellman-group-exchange-sha256`, a list of them), and DNSSEC's algorithm mnemonics,
/// alone or after a key's tag (`10376/ECDSAP256SHA256` in `Signing with key 10376/…`).
fn names_ssh_or_dnssec_algorithms(value: &str) -> bool {
    const SSH_PARTS: &[&str] = &[
        "gss",
        "diffie",
        "hellman",
        "group",
        "exchange",
        "gex",
        "ecdh",
        "sha1",
        "sha2",
        "sha256",
        "sha384",
        "sha512",
        "nistp256",
        "nistp384",
        "nistp521",
        "curve25519",
        "curve448",
        "ssh",
        "rsa",
        "dss",
        "ed25519",
        "ed448",
    ];
    const DNSSEC: &[&str] = &[
        "rsamd5",
        "rsasha1",
        "rsasha256",
        "rsasha512",
        "nsec3rsasha1",
        "dsansec3sha1",
        "ecdsap256sha256",
        "ecdsap384sha384",
        "ed25519",
        "ed448",
    ];
    let lower = value.to_ascii_lowercase();
    let parts: Vec<&str> = lower
        .split(['-', ',', ' '])
        .filter(|part| !part.is_empty())
        .collect();
    let ssh = parts.len() >= 2
        && parts.iter().any(|part| part.starts_with("sha"))
        && parts.iter().all(|part| {
            let word = part.trim_end_matches(|c: char| c.is_ascii_digit());
            SSH_PARTS.contains(part) || (word == "group" && word.len() < part.len())
        });
    let dnssec = match lower.split_once('/') {
        Some((tag, mnemonic)) => {
            !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_digit()) && DNSSEC.contains(&mnemonic)
        }
        None => DNSSEC.contains(&lower.as_str()),
    };
    ssh || dnssec
}

/// Bytes counted up in hex, whatever their separators (`191a1b1c:1d1e1f20`, a test packet's
/// token in a decoder's output; `0x10, 0x11, …`): test vectors, not keys.
fn counts_bytes_in_hex(value: &str) -> bool {
    let digits: Vec<u8> = value
        .bytes()
        .filter(|b| !matches!(b, b':' | b'-' | b' ' | b','))
        .collect();
    if digits.len() < 16 {
        return false;
    }
    hex_decoded(&digits).is_some_and(|bytes| bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1)))
}

/// A decimal number with a fraction or an exponent: a price or a rate under a name that
/// mentions tokens (`"output_cost_per_token": 2.475e-05`, `token_weight = 0.12345678`).
fn looks_like_decimal_number(value: &str) -> bool {
    let unsigned = value.strip_prefix(['-', '+']).unwrap_or(value);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
        None => !mantissa.is_empty() && digits(mantissa) && exponent.is_some(),
    };
    mantissa_ok && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

/// A hexadecimal number literal of code (`SIOCGLIFTOKEN = -0x3f879678`).
fn looks_like_hex_literal(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    // A decimal literal with a Rust type suffix: `16777215i32`, `1_000u64`.
    let typed_decimal = [
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ]
    .iter()
    .filter_map(|suffix| digits.strip_suffix(suffix))
    .any(|number| {
        number.bytes().next().is_some_and(|b| b.is_ascii_digit())
            && number.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    });
    typed_decimal
        || digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0X"))
            .is_some_and(|hex| {
                !hex.is_empty()
                    && hex
                        .trim_end_matches(['u', 'U', 'l', 'L'])
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || b == b'_')
            })
}

/// A date or timestamp: `2016-09-08T21:47:36Z`, `2024-01-02`, `20240102T101010Z`.
fn looks_like_timestamp(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let b = value.as_bytes();
    let iso_date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-';
    iso_date
        || (digits * 10 >= value.len() * 7
            && value
                .bytes()
                .all(|c| c.is_ascii_digit() || b"-:.TZ+ ".contains(&c)))
}

/// Share of `value`'s characters in word-like runs (`Key`, `word`: three letters or more), as
/// in identifiers (`DisassociateSourceFromS3TableIntegration`) and paths
/// (`com/AWSEC2/latest/UserGuide/EBSSnapshots`); random keys score low.
pub fn wordiness(value: &str) -> f64 {
    let b = value.as_bytes();
    // CONSTANT_CASE segments (`CLOUD_PLATFORM`, `PULONG64`) count whole.
    let constant_words: usize = value
        .split(['_', '-', '.', '/'])
        .filter(|seg| {
            let letters = seg.trim_end_matches(|c: char| c.is_ascii_digit());
            letters.len() >= 3
                && letters.bytes().all(|c| c.is_ascii_uppercase())
                && letters.bytes().any(|c| b"AEIOU".contains(&c))
        })
        .map(|seg| seg.trim_end_matches(|c: char| c.is_ascii_digit()).len())
        .sum();
    let mut in_words = constant_words;
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower_start = i;
        while i < b.len() && b[i].is_ascii_lowercase() {
            i += 1;
        }
        // `Key`, `word`: a capital and two lower-case letters, or three lower-case ones, with a
        // vowel among them (random runs such as `fgq` or `zhy` rarely have one). Words seldom
        // hold four consonants in a row; random runs often do (`lbsqwbn`), so a run is cut at
        // such clusters and only its word-like pieces count.
        for (n, piece) in word_pieces(&b[lower_start..i]).into_iter().enumerate() {
            let lower = piece.len();
            let capital = n == 0 && lower_start > start;
            let voiced = piece.iter().any(|c| b"aeiou".contains(c));
            if voiced && (lower >= 3 || (lower == 2 && capital)) {
                in_words += lower + usize::from(capital);
            }
        }
        if i == start {
            i += 1;
        }
    }
    in_words as f64 / b.len().max(1) as f64
}

/// A lower-case run cut at clusters of four or more consonants (`y` counts as a vowel), which
/// are left out: `ameolbsqwbnak` gives `ameo` and `ak`.
fn word_pieces(run: &[u8]) -> Vec<&[u8]> {
    let consonant = |c: &u8| !b"aeiouy".contains(c);
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut i = 0;
    while i < run.len() {
        if consonant(&run[i]) {
            let cluster_start = i;
            while i < run.len() && consonant(&run[i]) {
                i += 1;
            }
            if i - cluster_start >= 4 {
                pieces.push(&run[piece_start..cluster_start]);
                piece_start = i;
            }
        } else {
            i += 1;
        }
    }
    pieces.push(&run[piece_start..]);
    pieces
}

/// The words of a name, lower-cased: split at `_ - .` and at camel-case humps.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    let chars: Vec<char> = name.chars().collect();
    for (at, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        // An acronym ends where a capitalised word starts (`UIDLabelKey`: `uid`, `label`).
        let ends_acronym = c.is_ascii_uppercase()
            && !prev_lower
            && current.len() >= 2
            && chars.get(at + 1).is_some_and(char::is_ascii_lowercase);
        if c.is_ascii_uppercase() && (prev_lower || ends_acronym) && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The text of the value's line before the last occurrence of its name.
fn text_before_name<'a>(before_value: &'a [u8], name: &str) -> Option<&'a [u8]> {
    memchr::memmem::rfind(before_value, name.as_bytes()).map(|at| &before_value[..at])
}

/// `type: "input" | "checkbox" | "password" = "input"`: the name is one of a union of string
/// literal types (TypeScript) and the value its default, not a password.
pub fn in_literal_union(before_value: &[u8], name: &str) -> bool {
    text_before_name(before_value, name).is_some_and(|head| {
        head.strip_suffix(b"\"")
            .or_else(|| head.strip_suffix(b"'"))
            .is_some_and(|head| head.trim_ascii_end().ends_with(b"|"))
    })
}

/// `r"^\.www\.Cpasbien\.pw": "searchre"`: a name escaped in a regular expression is a piece of
/// the pattern (here a domain's `.pw`), not a setting.
pub fn in_regex_escape(before_value: &[u8], name: &str) -> bool {
    text_before_name(before_value, name)
        .is_some_and(|head| head.ends_with(b"\\") || head.ends_with(b"\\."))
}

/// A record's key in a hyperlink's query (`<a href='…/event-description?CalendarEventKey=27e0f4fd-…'>`):
/// a UUID under a name whose other words name no credential, in a link that a page shows to
/// every reader. `before_value` is the text of the line before the value.
pub fn keys_a_linked_record(before_value: &[u8], name: &str, value: &[u8]) -> bool {
    if !std::str::from_utf8(value).is_ok_and(looks_like_uuid) {
        return false;
    }
    let Some(head) = text_before_name(before_value, name) else {
        return false;
    };
    let words = name_words(name);
    let names_a_credential = words[..words.len().saturating_sub(1)].iter().any(|word| {
        CREDENTIAL_TOKEN_NAMES.contains(&word.as_str())
            || [
                "client",
                "app",
                "application",
                "license",
                "master",
                "account",
            ]
            .contains(&word.as_str())
    });
    (head.ends_with(b"?") || head.ends_with(b"&"))
        && memchr::memmem::find(&head.to_ascii_lowercase(), b"href=").is_some()
        && !names_a_credential
}

/// A UUID among the values of a SQL `INSERT` (`… VALUES (…,'Password','ca62493a-…',…)`, a
/// field's label beside its record's UUID in iDempiere's migrations): the next column, a
/// record's id. A settings row may hold a password beside its name; not in a UUID's shape.
pub fn uuid_in_sql_values(before_value: &[u8], value: &[u8]) -> bool {
    std::str::from_utf8(value).is_ok_and(looks_like_uuid) && {
        let lower = before_value.to_ascii_lowercase();
        memchr::memmem::find(&lower, b"insert").is_some()
            && (memchr::memmem::find(&lower, b"values (").is_some()
                || memchr::memmem::find(&lower, b"values(").is_some())
    }
}

/// `'http://jabber.org/protocol/admin#change-user-password' => 'lock'`: a name in a URL's
/// fragment names a command of a protocol (here mapped to an icon), not a setting.
pub fn in_url_fragment(before_value: &[u8], name: &str) -> bool {
    text_before_name(before_value, name).is_some_and(|head| {
        let chunk_start = head
            .iter()
            .rposition(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`'))
            .map_or(0, |at| at + 1);
        let url = &head[chunk_start..];
        url.ends_with(b"#") && memchr::memmem::find(url, b"://").is_some()
    })
}

/// `'pattern' => 'arn:…:secret:AmazonLookoutMetrics-.+'`: a name inside an Amazon Resource
/// Name is its resource type, and what follows is the resource's name.
pub fn in_resource_name(before_value: &[u8]) -> bool {
    let chunk_start = before_value
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'='))
        .map_or(0, |at| at + 1);
    before_value[chunk_start..].starts_with(b"arn:")
}

/// `'PW' => 'balaw'` between `'PT' => …` and `'PY' => …`: Palau's name in a table of countries
/// by their two-letter codes, not a password. `name` is the value's name, `around` the lines
/// before and after its own.
pub fn in_country_table(name: &str, around: &[u8]) -> bool {
    let code = |text: &[u8]| text.len() == 2 && text.iter().all(u8::is_ascii_uppercase);
    code(name.as_bytes())
        && around
            .split(|&b| b == b'\n')
            .filter(|line| {
                let line = line.trim_ascii_start();
                line.len() > 4
                    && matches!(line[0], b'"' | b'\'')
                    && line[3] == line[0]
                    && code(&line[1..3])
                    && &line[1..3] != name.as_bytes()
            })
            .count()
            >= 2
}

/// `'md5password', 'md5sigkey', 'md5sigpass'`: in a list of quoted names, the string after a
/// secret's name is the next name, not its value. True when `value` is a name built with a
/// secret's word and another quoted string follows it (`after` starts at its closing quote).
pub fn lists_secret_names(value: &[u8], after: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    let lower = value.to_ascii_lowercase();
    let name_like = value.len() <= 40
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && [
            "password", "passwd", "pass", "pwd", "secret", "token", "key",
        ]
        .iter()
        .any(|word| lower.contains(word));
    let next = after.get(1..).unwrap_or_default().trim_ascii_start();
    name_like
        && next.strip_prefix(b",").is_some_and(|rest| {
            rest.trim_ascii_start()
                .first()
                .is_some_and(|&q| q == b'"' || q == b'\'')
        })
}

/// Words that a secret's name is built from (`tokenexpiry`, `passwordhash`, `keystore`).
const SECRET_NAME_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "api",
    "auth",
    "credential",
    "private",
    "access",
];

/// Endings that keep a word the same word (`counts`, `expires`, `expiration`).
const WORD_ENDINGS: &[&str] = &["", "s", "es", "ed", "er", "ers", "y", "ies", "ation", "ing"];

/// Whether `part` marks the name: short plain words (`min`, `env`, `url`) only as a whole word
/// (so `ADMIN_PASSWORD` is not a `min` setting); longer words where one of the name's words
/// starts with them, followed by an ending (`counts`, `expiry`), a secret word (`cachekey`) or
/// another such part (`filepath`), or inside a word that starts with a secret word
/// (`tokenexpiry`, `passwordhash`), but not inside another word (`AccountKey` is not a `count`,
/// `countrylayer_key` neither, `profile_token` is not a `file`); parts with separators anywhere.
fn name_has_part(name: &str, words: &[String], part: &str) -> bool {
    if !part.bytes().all(|b| b.is_ascii_alphabetic()) {
        return name.contains(part);
    }
    if part.len() <= 3 {
        return words.iter().any(|w| w == part);
    }
    words.iter().any(|word| {
        let starts_with_secret_word = SECRET_NAME_WORDS.iter().any(|s| word.starts_with(s));
        if starts_with_secret_word && word.contains(part) {
            return true;
        }
        let Some(rest) = word.strip_prefix(part) else {
            return false;
        };
        // A numbered one (`item1Key`, `file2_token`).
        let rest = rest.trim_end_matches(|c: char| c.is_ascii_digit());
        WORD_ENDINGS.contains(&rest)
            || SECRET_NAME_WORDS.iter().any(|s| rest.starts_with(s))
            || NON_SECRET_NAME_PARTS.iter().any(|p| rest.starts_with(p))
    })
}

/// Whether `part` (separators ignored) begins at one of the name's words: `next_token` in
/// `NextToken` and `x_next_token`, but not `task_token` in `meistertask_token`.
fn starts_a_word(words: &[String], part: &str) -> bool {
    let part: String = part.chars().filter(char::is_ascii_alphanumeric).collect();
    (0..words.len()).any(|i| words[i..].concat().starts_with(&part))
}

/// `NPM_TOKEN`, `DB_PASSWORD`: the upper-case names of environment variables and `.env` files.
pub(crate) fn environment_style(name: &str) -> bool {
    name.contains('_')
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `name` (the variable a generic rule's value is assigned to) can name a secret:
/// not an id, a hash, a URL, a length, a file, a protocol token or a schema type.
fn name_can_hold_a_secret(name: &str) -> bool {
    // SDP's ICE credentials (`a=ice-pwd:…`, RFC 8839): per-session values the signalling
    // channel publishes.
    if ["ice-pwd", "ice-ufrag"].contains(&name) {
        return false;
    }
    // OAuth 1.0's `oauth_consumer_key` (RFC 5849), as a request's `Authorization: OAuth …`
    // header or query sends it in the clear: it names the client; `oauth_token` and the
    // consumer secret are the credentials.
    if name == "oauth_consumer_key" {
        return false;
    }
    // `ROLLOUT_TOKEN_SERIAL = "KIPW0815"`: the serial number printed on a hardware token.
    let words = name_words(name);
    // `quarkus.mongodb.credentials.username`: the user of a set of credentials, not their secret.
    if words
        .last()
        .is_some_and(|last| ["username", "user", "login", "email"].contains(&last.as_str()))
    {
        return false;
    }
    if words.last().is_some_and(|last| last == "serial") && words.iter().any(|w| w == "token") {
        return false;
    }
    // `password_username_validation=…`, `token_expired_message`: the text a form shows about
    // the secret, keyed in a translation file.
    if words.last().is_some_and(|last| {
        ["validation", "message", "tooltip", "description"].contains(&last.as_str())
    }) {
        return false;
    }
    // `token_signature`, `tokenSig`: a signature made with a secret, public once sent.
    if words
        .last()
        .is_some_and(|last| last == "signature" || last == "sig")
    {
        return false;
    }
    // `CredentialId`, `KeyID`: identifiers, named in camel case.
    if name.ends_with("Id") || name.ends_with("ID") || name.ends_with("Ids") {
        return false;
    }
    // A locale tag (`"und-PW": "pau-Latn-PW"`, `"en-PW"` in CLDR tables): PW is Palau.
    // `_token` is the form field Laravel and Symfony post their CSRF token in.
    if is_locale_tag(name) || name == "_token" {
        return false;
    }
    let name = name.to_ascii_lowercase();
    // `nonMatchingToken`, `mismatched_key`: a value made to fail a comparison or a pattern;
    // `notAKey`, `not_a_secret`: one that says it is none.
    let squashed = squashed(&name);
    if [
        "nonmatching",
        "notmatching",
        "mismatch",
        "unmatched",
        "notakey",
        "notasecret",
        "notatoken",
        "notapassword",
    ]
    .iter()
    .any(|w| squashed.contains(w))
    {
        return false;
    }
    // `WgPubKey`, `serverPublicKey`: the public half, whichever way the words are cased; a
    // reCAPTCHA or Turnstile site key is public too (its secret key is not).
    if ["pubkey", "publickey", "sitekey"]
        .iter()
        .any(|w| squashed.contains(w))
    {
        return false;
    }
    // A VAPID application server key is the public half (`DEFAULT_VAPID_KEY = 'BDOU…'`).
    if name.contains("vapid") && !name.contains("private") {
        return false;
    }
    // A file name or path as the key (`"src/token.rs": "<sha256>"` in checksum manifests).
    let file_like = name.contains('/')
        || [
            ".rs", ".h", ".c", ".py", ".js", ".ts", ".go", ".json", ".md", ".p8", ".der", ".pem",
            ".key", ".txt", ".toml", ".yml", ".yaml", ".sh", ".html", ".php", ".rb", ".java",
            ".cs", ".kt", ".swift", ".cpp",
        ]
        .iter()
        .any(|ext| name.ends_with(ext));
    !(file_like
        || NON_SECRET_NAME_PARTS
            .iter()
            .any(|part| name_has_part(&name, &words, part))
        || PROTOCOL_TOKEN_NAMES
            .iter()
            .any(|part| starts_a_word(&words, part))
        // Schema and type names (`AWS::IAM::AccessKey`): the value is a hash or a type.
        || name.contains("::"))
}

/// Words of token names that say what the token is for inside an application rather than which
/// service issued it (`DeviceToken`, `reset_token`, `invite_token`).
const APPLICATION_TOKEN_WORDS: &[&str] = &[
    "user",
    "users",
    "client",
    "device",
    "form",
    "share",
    "invite",
    "invitation",
    "confirm",
    "confirmation",
    "registration",
    "resource",
    "request",
    "reset",
    "email",
    "login",
    "signup",
    "default",
    "test",
    "current",
    "new",
    "old",
    "last",
    "first",
    "order",
    "payment",
    "upload",
    "download",
    "magic",
    "state",
    "unsubscribe",
    "upgrade",
    "job",
    "build",
    "run",
    "instance",
    "stream",
    "subscription",
    "notification",
    "push",
    "message",
    "event",
    "game",
    "ticket",
    "update",
    "sync",
    "change",
    "next",
    "page",
    "lock",
    "version",
    "task",
    "wait",
];

/// Whether a token name puts the name of a service before its last word (`jenkinsToken`,
/// `squarespace_token`): a plain word that is neither a secret word nor one that says what the
/// token is for in an application (`self.update_token`).
fn names_a_service(words: &[String]) -> bool {
    let [.., first, _] = words else {
        return false;
    };
    first.len() >= 4
        && first
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic())
        && first.bytes().all(|b| b.is_ascii_alphanumeric())
        && !SECRET_NAME_WORDS.iter().any(|s| first.starts_with(s))
        && !APPLICATION_TOKEN_WORDS.contains(&first.as_str())
}

/// The word of four to thirty letters that ends `before` after one space, at the start of a
/// line or after white space, a quote or `[`: the service in `moosend token = …`,
/// `[DEBUG] squarespace token = …`.
pub fn service_word_before(before: &[u8]) -> Option<&str> {
    let rest = before.strip_suffix(b" ")?;
    let start = rest
        .iter()
        .rposition(|b| !b.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let word = &rest[start..];
    let bounded =
        start == 0 || matches!(rest[start - 1], b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'[');
    if !(4..=30).contains(&word.len()) || !bounded {
        return None;
    }
    std::str::from_utf8(word).ok()
}

/// A query string running on past the value (`Token=abc123&Version=2014-01-01`): the value
/// is only the part before `&`, and what follows is the next parameter.
fn continues_a_query(value: &str) -> bool {
    value.split('&').skip(1).any(|part| {
        part.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
    })
}

/// Base64 of a sentence that says the value is a stand-in (`dGhpcyBpcyBub3QgYSByZWFsIHZhbHVl`
/// is "this is not a real value" in the AWS SDK's tests).
/// Whether decoded token bytes call themselves an example (`{"k":"EXAMPLETEST…","n":"example"}`).
pub fn names_an_example(bytes: &[u8]) -> bool {
    bytes.windows(7).any(|w| w.eq_ignore_ascii_case(b"example"))
}

/// Whether an unquoted value in code reads as an identifier rather than a literal: a member of
/// a package or an object (`oidc.SigningAlgECDSAUsingP521AndSHA512`, `config.secretKey`) or a
/// name made of words (`keyRSA2048`, `x509PrivateKeyRSA2048`). A random key has no words in it
/// (`Xk9mQ2vL8pR4`), and code would not compile with one unquoted.
pub fn reads_as_code_identifier(value: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    // A pointer dereferenced or an address taken (`*payload.AzureAuthenticationKey`, `&cfg.Key`).
    let value = value.trim_start_matches(['*', '&']);
    let identifier = |s: &str| {
        s.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    let segments: Vec<&str> = value.split('.').collect();
    if !segments.iter().all(|s| identifier(s)) {
        return false;
    }
    let member = segments.len() >= 2
        && segments[0].len() >= 2
        && segments[0]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    member || (segments.len() == 1 && wordiness(value) >= 0.3)
}

/// Stems of the word "password" in other languages (`Passwort`, `mot de passe`, `contraseña`,
/// `senha`, `wachtwoord`, `hasło`): a value made of words holding one is a translation of the
/// label (`"One-Time Password": "Einmal-Passwort"`), as locale files are full of.
fn translates_password(value: &str) -> bool {
    // Text cut at the `;` of an HTML entity (`Passworte&#44; die …` in a locale file).
    let value = value
        .rfind('&')
        .filter(|&at| {
            let entity = &value[at + 1..];
            !entity.is_empty()
                && (entity.bytes().all(|b| b.is_ascii_lowercase())
                    || entity
                        .strip_prefix('#')
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
        })
        .map_or(value, |at| &value[..at]);
    const STEMS: &[&str] = &[
        "passwort",
        "kennwort",
        "passe",
        "contrase",
        "senha",
        "wachtwoord",
        "haslo",
        "hasło",
        "parol",
        // Estonian `parool`, `salasõna`.
        "parool",
        "salasõna",
        "salasona",
        "wagwoord",
        // Portuguese `palavra-passe`, `palavra-chave`.
        "palavra-",
        "lösenord",
        "losenord",
        "salasana",
        "heslo",
        "jelsz",
        "adgangskode",
        "kodeord",
        "passord",
        // Basque `pasahitza`, Catalan `contrasenya` (above), Icelandic `lykilorð`, Breton
        // `ger-tremen`.
        "pasahitz",
        "ger-tremen",
        "lykilor",
        "şifre",
        "sifre",
        "şifrə",
        // Serbian, Croatian and Bosnian `lozinka`, Slovenian `geslo`, Lithuanian `slaptažodis`,
        // Indonesian `kata sandi`, Malay `kata laluan`, Albanian `fjalëkalimi`, Welsh
        // `cyfrinair`, Irish `pasfhocal`, Swahili `nenosiri`, Esperanto `pasvorto`, Galician
        // `contrasinal`, Vietnamese `mật khẩu`.
        "lozinka",
        "geslo",
        "slaptažod",
        "slaptazod",
        "kata sandi",
        "kata laluan",
        "fjalëkalim",
        "cyfrinair",
        "pasfhocal",
        "nenosiri",
        "pasvort",
        "contrasinal",
        "mật khẩu",
        // Scottish Gaelic `facal-faire`, Swahili `nywila` and Oromo `iggitaa`.
        "facal-faire",
        "nywila",
        "iggitaa",
        "пароль",
        "парола",
        "лозинка",
        "κωδικός",
        "סיסמה",
        "كلمة المرور",
        "رمز عبور",
        "पासवर्ड",
        "รหัสผ่าน",
        "密码",
        "パスワード",
        "비밀번호",
    ];
    // Letters escaped as named entities (`Contrase&ntilde;a`) read as one letter each.
    let mut unescaped = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        unescaped.push_str(&rest[..at]);
        let entity = &rest[at + 1..];
        match entity.find(';') {
            Some(end)
                if (2..=8).contains(&end)
                    && entity[..end].bytes().all(|b| b.is_ascii_alphabetic()) =>
            {
                unescaped.push(entity.chars().next().unwrap_or('x'));
                rest = &entity[end + 1..];
            }
            _ => {
                unescaped.push('&');
                rest = entity;
            }
        }
    }
    unescaped.push_str(rest);
    let value = unescaped.as_str();
    let lower = value.to_lowercase();
    STEMS.iter().any(|stem| lower.contains(stem))
        && value
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-')
}

/// `value` after a short prefix of one word and `_` whose letters pass `letter` (`DMS_…` in
/// upper case; `tok_…` in lower case), else all of it.
fn after_word_prefix(value: &[u8], letter: fn(&u8) -> bool) -> &[u8] {
    value
        .iter()
        .position(|&b| b == b'_')
        .filter(|&at| (2..=8).contains(&at) && value[..at].iter().all(letter))
        .map_or(value, |at| &value[at + 1..])
}

/// Whether `text` is an e-mail address (`anonymous@x.org`): what anonymous FTP takes as a
/// password, and what a URL parser's test puts where the password goes.
fn is_email_address(text: &str) -> bool {
    text.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

/// Whether `value` is base64 of a stand-in written as text: `cGFzc3dvcmQ=` (`password`),
/// `ZXhhbXBsZTpleGFtcGxl` (`example:example`), `c2VjdXJlLXBhc3N3b3Jk` (`secure-password`).
/// Manifests keep secrets base64-encoded, so a placeholder there is encoded too.
pub fn encodes_a_stand_in(value: &[u8]) -> bool {
    // A made-up key of labelled parts, each base64 of words (`key/dGVzdC1wYXlsb2Fk.c2lnbmF0dXJl`:
    // `test-payload` and `signature`, a license key's format in a test).
    let parts: Vec<&[u8]> = value
        .split(|b| matches!(b, b'/' | b'.'))
        .filter(|part| part.len() >= 8)
        .collect();
    let words = |part: &[u8]| {
        base64_decoded(part).is_some_and(|text| {
            text.iter()
                .all(|b| b.is_ascii_lowercase() || matches!(b, b'-' | b'_' | b' '))
        })
    };
    encodes_stand_in_text(value)
        || (value.iter().any(|b| matches!(b, b'/' | b'.'))
            && !parts.is_empty()
            && parts
                .iter()
                .all(|part| words(part) && encodes_stand_in_text(part)))
}

fn encodes_stand_in_text(value: &[u8]) -> bool {
    // A product's prefix before the base64 (`DMS_YWNjZXNzX3Rva2Vu`, `access_token`); not a
    // provider's lower-case one (`glc_eyJ…`, `ops_eyJ…`), whose tokens are base64 of JSON.
    let Some(decoded) = base64_decoded(after_word_prefix(value, u8::is_ascii_uppercase)) else {
        return false;
    };
    // `username:password` often carries the newline of the `echo` that encoded it.
    let text = decoded.trim_ascii_end();
    if text.len() < 4 || !text.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        return false;
    }
    let lower = String::from_utf8_lossy(text).to_ascii_lowercase();
    let alphanumeric = squashed(&lower);
    // `john:password` in a Basic header: a user and a stand-in password.
    let password_part = lower.split_once(':').map(|(_, p)| p);
    // `clientid11211:` in a Basic header: a user without a password; `notexisting:pw`: one of
    // two letters, which no login accepts.
    if password_part.is_some_and(|p| p.len() <= 2) {
        return true;
    }
    is_placeholder(text, true)
        // Base64 of one character over and over (`MDAwMDAw…`, zeros).
        || (text.len() >= 16 && longest_run(text) >= 8)
        || describes_a_credential(&lower)
        || composed_of_stand_ins(&lower)
        || PASSWORD_STAND_INS.contains(&lower.as_str())
        || PASSWORD_STAND_INS.contains(&alphanumeric.as_str())
        // The password a stand-in, also in leetspeak (`root:s3cret`).
        || password_part.is_some_and(|p| {
            PASSWORD_STAND_INS.contains(&p)
                || composed_of_stand_ins(p)
                || names_its_password(p)
                || spells_a_stand_in(p)
        })
        || lower
            .split([':', '-', '_', ' '])
            .filter(|w| !w.is_empty())
            .all(|w| {
                PASSWORD_STAND_INS.contains(&w)
                    || [
                        "secure", "my", "your", "the", "user", "admin", "key", "value", "db",
                        "database", "postgres", "mysql", "redis", "payload", "signature", "data",
                    ]
                    .contains(&w)
            })
}

/// Whether a password written in a URL's user info or a connection string
/// (`postgres://app:PASSWORD@db`, `Server=…;Password=PASSWORD`) is one of the stand-ins people
/// put there: a credential's own name (`password`, `db_password`, `gh-token`, `http_pass`), a service's or
/// user's name (`postgres`, `root`, `guest`), a tutorial's (`tiger`, `hunter2`, `changeit`), a
/// variable (`$DB_PASS`, `%s`), the word in another language (`heslo`), symbols only (`***`), or letters and digits counted in order
/// (`123`, `abc123`). The one list for every rule with `stand_in_passwords`.
pub fn is_stand_in_connection_password(value: &[u8]) -> bool {
    static STAND_IN: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let stand_in = STAND_IN.get_or_init(|| {
        regex::bytes::Regex::new(
            r"^(?i:(?:gh|git|api|auth|access|oauth|bearer|db)[-_]?(?:token|secret|key|pass(?:word)?)|[a-z]{0,12}[-_]?tokens?\d{0,2}|[a-z]{2,12}[-_]pass(?:wd|word)?|tiger|pass(?:word)?(?:_?value)?\d*|passwd\d*|pwd|pw|pswd|foo[-_]?(?:pass(?:word|wd)?|pwd|secret)|secret\d*|[a-z]{2,12}[-_]?secret|unused|not[-_]?used|wrong|creds?|for[-_]?test(?:ing|s)?|token|apikey|api_key|key|access_token|pat|changeme|root|admin\d*|postgres|mysql|mariadb|guest|user(?:name)?|test\d*|example|xxx+|dbpass|db_?password|my_?password|your_?password|some_?password|p@ssw0rd|pa55word|passw0rd|letmein|hunter2|redis|rabbitmq|mongo|sa|foo|bar|baz|foobar|x-oauth-basic|secure_?password|strong_?password|changeit|obfuscated|db_?secret|my_?secret|my_?pass|s3cr3t|s3cret|sekrit|sekret|masked|cleartext|plaintext|mot_?de_?passe|passwort|kennwort|contrase(?:ñ|n)a|senha|wachtwoord|salasana)$",
        )
        .expect("the stand-in password pattern compiles")
    });
    // URL-encoded characters dropped (`password%25` is `password%`), and decoded (`p%40ss` is
    // `p@ss`).
    let mut unescaped = Vec::with_capacity(value.len());
    let mut decoded = String::with_capacity(value.len());
    let mut at = 0;
    while at < value.len() {
        let escaped = (value[at] == b'%')
            .then(|| value.get(at + 1..at + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        if let Some(byte) = escaped {
            decoded.push(char::from(byte));
            at += 3;
        } else {
            unescaped.push(value[at]);
            decoded.push(char::from(value[at]));
            at += 1;
        }
    }
    // Leetspeak read as letters (`p@ss`, `r00t`, `s3cr3t`).
    let read = read_leetspeak(&decoded.to_ascii_lowercase());
    // Lower-case words about a password (`password!with%40%2B%20symbols`, a parser test's).
    let words: Vec<&str> = decoded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    let described = words.len() >= 3
        && words
            .iter()
            .all(|word| word.bytes().all(|b| b.is_ascii_lowercase()))
        && words
            .iter()
            .any(|word| ["password", "pass", "passwd", "pwd", "secret"].contains(word));
    // A stand-in word and a symbol or letter or two a URL parser's test puts after it
    // (`foo(b%5Dc`, `pass%5B%7F` in the WHATWG URL tests).
    let stand_in_and_symbols = words.len() >= 2
        && ["foo", "bar", "baz", "pass", "password"].contains(&words[0])
        && words[1..].iter().all(|word| word.len() <= 2)
        && decoded.len() <= words[0].len() + 6;
    described
        || stand_in_and_symbols
        || stand_in.is_match(value)
        || (unescaped.len() < value.len()
            && (stand_in.is_match(&unescaped) || stand_in.is_match(decoded.as_bytes())))
        || stand_in.is_match(read.as_bytes())
        // The word in another language (`mysql://ser:heslo@localhost`, Czech).
        || translates_password(&decoded)
        || translates_password(&String::from_utf8_lossy(value))
        || translates_password(&read)
        // A stand-in after Twitch chat's scheme (`-password=oauth:hasło` in a Polish manual).
        || String::from_utf8_lossy(value)
            .strip_prefix("oauth:")
            .is_some_and(|rest| !rest.is_empty() && is_stand_in_connection_password(rest.as_bytes()))
        || value.first().is_some_and(|b| matches!(b, b'$' | b'%'))
        // An e-mail address a parser test puts where the password goes (`ftp://me:user@domain.com@host`).
        || is_email_address(&decoded)
        // A port where a parser test puts a host before it (`https://host.com:8443@other.com`).
        || (value.len() <= 5 && value.iter().all(u8::is_ascii_digit))
        || value.iter().all(|b| !b.is_ascii_alphanumeric())
        || made_of_ordered_runs(&value.to_ascii_lowercase())
}

/// True when the value is nothing but runs of three or more letters or digits counted in order
/// (`123`, `abc123`, `abc123xyz`, `321cba`): typed as a stand-in, never drawn at random.
pub fn made_of_ordered_runs(lower: &[u8]) -> bool {
    if lower.len() < 3 {
        return false;
    }
    let mut start = 0;
    while start < lower.len() {
        let run = longest_ordered_run_from(&lower[start..]);
        if run < 3 {
            return false;
        }
        start += run;
    }
    true
}

/// Whether a value is base64 of text that is nothing but runs counted in order, after a short
/// prefix and without separators: `MTIzNDU2Nzg5MDEyMzQ1Ng==` (`1234567890123456`),
/// `QUJDREVGR0hJSktMTU5PUA==` (`ABCDEFGHIJKLMNOP`), or hexadecimal of it (`PEER_KEY="414243…"`,
/// `ABC…`). A test's made-up key under a generic name.
/// Such text unencoded (`tok_abcdefghijklmnopqrstuvwxyz1234`) is reported at low confidence
/// instead: the peers' published examples are written so (kingfisher's, by the hundred).
pub fn encodes_counted_text(value: &[u8]) -> bool {
    let counted = |text: &[u8]| {
        // `echo` adds a newline (`MTIzNDU2Nzg5MDEyMzQ1Ngo=`).
        let lower = text.trim_ascii().to_ascii_lowercase();
        let joined: Vec<u8> = after_word_prefix(&lower, u8::is_ascii_lowercase)
            .iter()
            .copied()
            .filter(|b| !matches!(b, b'-' | b'_' | b'.' | b'='))
            .collect();
        joined.len() >= 12 && (made_of_ordered_runs(&joined) || counts_in_two_digits(&joined))
    };
    // Shadowsocks 2022 joins its server's and its user's keys with a colon
    // (`MTIz…NTY=:YWJj…NTY=`): each is counted out.
    let parts = || value.split(|&b| b == b':');
    base64_decoded(value).is_some_and(|text| counted(&text))
        || (value.len() >= 24 && hex_decoded(value).is_some_and(|text| counted(&text)))
        || (parts().count() >= 2
            && parts().all(|part| base64_decoded(part).is_some_and(|text| counted(&text))))
}

/// Two-digit numbers counted up from their start (`01020304…`, `10111213…`): bytes a test
/// numbers in order, written out in decimal.
fn counts_in_two_digits(text: &[u8]) -> bool {
    text.len() >= 12
        && text.len().is_multiple_of(2)
        && text.iter().all(u8::is_ascii_digit)
        && text
            .chunks(2)
            .map(|pair| (pair[0] - b'0') * 10 + (pair[1] - b'0'))
            .collect::<Vec<u8>>()
            .windows(2)
            .all(|w| w[1] == w[0] + 1)
}

/// The length of the ordered run (up or down, letters or digits) that opens `lower`.
fn longest_ordered_run_from(lower: &[u8]) -> usize {
    let Some(&first) = lower.first() else {
        return 0;
    };
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return 0;
    }
    let run = |up| {
        1 + lower
            .windows(2)
            .take_while(|w| next_in_order(w[0], w[1], up))
            .count()
    };
    run(true).max(run(false))
}

/// Whether a whole PEM block (`-----BEGIN … PRIVATE KEY-----` to `-----END …`) holds text
/// where the key belongs: words (`A key`, no run of sixteen base64 characters), or base64 of words
/// (`dGhlc2UgYXJlIGp1c3Qgc29tZSBmYWtl…`, "these are just some fake…"), a stand-in made to pass
/// a parser's first look. A key's body decodes to binary DER or a binary packet; random bytes
/// read as text with spaces about once in 10^13 for 48 bytes.
pub fn pem_body_is_text(value: &[u8]) -> bool {
    let Some(after_begin) = memchr::memmem::find(value, b"-----BEGIN").map(|at| &value[at + 10..])
    else {
        return false;
    };
    let Some(body_start) = memchr::memmem::find(after_begin, b"-----").map(|at| at + 5) else {
        return false;
    };
    let Some(body_end) = memchr::memmem::find(&after_begin[body_start..], b"-----END") else {
        return false;
    };
    // JSON and code write the line breaks as `\n`.
    let raw = &after_begin[body_start..body_start + body_end];
    let mut body = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        if raw[at] == b'\\' && matches!(raw.get(at + 1), Some(b'n' | b'r')) {
            body.push(b'\n');
            at += 2;
        } else {
            body.push(raw[at]);
            at += 1;
        }
    }
    let is_quote = |b: &u8| matches!(b, b'"' | b'\'' | b'`');
    let lines: Vec<&[u8]> = body
        .split(|&b| b == b'\n')
        .map(|line| {
            let line = line.trim_ascii();
            let start = line.iter().position(|b| !is_quote(b)).unwrap_or(line.len());
            let end = line
                .iter()
                .rposition(|b| !is_quote(b))
                .map_or(start, |e| e + 1);
            &line[start..end.max(start)]
        })
        // Header lines (`Proc-Type: 4,ENCRYPTED`) are not the body.
        .filter(|line| !line.is_empty() && !line.contains(&b':'))
        .collect();
    // Not one line of sixteen base64 characters: words where the key belongs.
    let is_base64 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    if !lines
        .iter()
        .any(|line| line.split(|b| !is_base64(b)).any(|run| run.len() >= 16))
    {
        return true;
    }
    let joined: Vec<u8> = lines
        .iter()
        .flat_map(|line| line.iter().copied().filter(is_base64))
        .collect();
    let head = &joined[..joined.len().min(64) / 4 * 4];
    base64_decoded(head).is_some_and(|text| {
        text.len() >= 16
            && text.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
            && text.iter().filter(|&&b| b == b' ').count() >= 2
    })
}

/// True when lower-case text is words joined by `-`, `_`, `.` or spaces, one of them naming a
/// credential (`oauth2-proxy-client-secret`, `super-secret-password`): a label written where
/// the secret goes.
fn describes_a_credential(lower: &str) -> bool {
    let words: Vec<&str> = lower.split(['-', '_', '.', ' ']).collect();
    words.len() >= 2
        && words.iter().all(|w| {
            w.starts_with(|c: char| c.is_ascii_lowercase())
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && words.iter().any(|w| {
            [
                "secret",
                "password",
                "passwd",
                "pass",
                "pwd",
                "token",
                "key",
                "apikey",
                "credential",
                "credentials",
            ]
            .contains(w)
        })
}

fn spells_a_placeholder(value: &str) -> bool {
    // Words written in hex (`INNGEST_SIGNING_KEY=7468697320697320612074657374206b6579`, `this
    // is a test key`): random bytes are printable with a space between them about once in a
    // hundred million eight-byte keys.
    let hex_text = (value.len() >= 16)
        .then(|| hex_decoded(value.as_bytes()))
        .flatten();
    if hex_text.is_some_and(|text| {
        text.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
            && text.contains(&b' ')
            && text.iter().filter(|b| b.is_ascii_alphabetic()).count() * 2 >= text.len()
    }) {
        return true;
    }
    base64_decoded(value.as_bytes()).is_some_and(|text| {
        text.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
            && text.contains(&b' ')
            && is_placeholder(&text, true)
    })
}

/// Output of `openssl enc` in base64: it opens with `Salted__` (`U2FsdGVkX1…`), so it is a value
/// encrypted with a key kept elsewhere (network devices print their stored passwords so), not
/// the secret itself.
fn is_openssl_ciphertext(value: &str) -> bool {
    value.starts_with("U2FsdGVkX1")
}

/// Whether `before` (the text up to a name) opens an entry of a table of texts: `$labels['`,
/// `$lang["`, `messages[` — translations and messages keyed by the word `password`.
pub fn indexes_text_table(before: &[u8]) -> bool {
    let Some(open) = before.strip_suffix(b"[") else {
        return false;
    };
    let start = open
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .map_or(0, |p| p + 1);
    let table = open[start..].to_ascii_lowercase();
    [
        "labels",
        "label",
        "lang",
        "language",
        "messages",
        "msg",
        "strings",
        "texts",
        "i18n",
        "translations",
        "trans",
        "l10n",
    ]
    .iter()
    .any(|name| table == name.as_bytes())
}

/// What both generic and password values are not, whatever their name: references, ciphertext,
/// timestamps, field lists and hexadecimal literals.
/// A Kubernetes object named with its namespace (`cattle-global-data:cc-rf224`,
/// `kube-system:bootstrap-signer`): a reference to the secret, as Rancher's `…CredentialSecret`
/// fields hold, not the secret. The namespace is two or more words joined by `-` and the name a
/// DNS label with a `-` in it, which a `user:password` pair is only by rare chance.
fn names_a_namespaced_object(value: &str) -> bool {
    let Some((namespace, name)) = value.split_once(':') else {
        return false;
    };
    let words: Vec<&str> = namespace.split('-').collect();
    let dns_label = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    };
    words.len() >= 2
        && words
            .iter()
            .all(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_lowercase()))
        && dns_label(name)
        && name.contains('-')
}

/// Validation rules joined by `|` (Laravel's `'password' => 'required|confirmed|min:8'`).
fn lists_validation_rules(value: &str) -> bool {
    const RULES: &[&str] = &[
        "required",
        "confirmed",
        "nullable",
        "string",
        "min",
        "max",
        "between",
        "sometimes",
        "different",
        "same",
        "regex",
        "alpha_num",
        "alpha_dash",
    ];
    let rule_name = |part: &str| part.split(':').next().unwrap_or(part).to_string();
    value.contains('|')
        && value.split('|').filter(|p| !p.is_empty()).all(|part| {
            let word = rule_name(part);
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
        && value
            .split('|')
            .any(|part| RULES.contains(&rule_name(part).as_str()))
}

/// A standard's or a ticket's name (`ECMA-376`, `ISO-8859`, `JIRA-1234`): capitals, a dash and
/// a number.
fn names_a_standard_or_ticket(value: &str) -> bool {
    // A standard by number without a hyphen (`RFC2307`, `PKCS12`, `FIPS140`).
    let standard = [
        "RFC", "ISO", "IEC", "IEEE", "ECMA", "ANSI", "FIPS", "PKCS", "NIST", "ITU",
    ]
    .iter()
    .any(|body| {
        value.strip_prefix(body).is_some_and(|number| {
            (1..=6).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
        })
    });
    standard
        || value.split_once('-').is_some_and(|(letters, digits)| {
            (2..=10).contains(&letters.len())
                && letters.bytes().all(|b| b.is_ascii_uppercase())
                && (1..=6).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
        })
}

/// A shared library or executable by its file name (`libgm3000_scard.1.0.so`, `mtoken_k7.dll`,
/// `libfoo.dylib`), as the arguments of a token plugin's loader are.
fn names_a_library_file(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let versioned_so = lower.split_once(".so").is_some_and(|(stem, rest)| {
        !stem.is_empty()
            && rest
                .split('.')
                .all(|part| part.is_empty() || part.bytes().all(|b| b.is_ascii_digit()))
    });
    // A source file's path (`applications/passphrase/keys/PassphraseAbstractKey.php` in a
    // class map), or a key file's (`OAUTH2_PRIVATE_KEY = 'Api/V8/OAuth2/private.key'`).
    let source_path = value.contains('/')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
        && [
            ".php",
            ".js",
            ".ts",
            ".py",
            ".rb",
            ".go",
            ".java",
            ".rs",
            ".cs",
            ".cpp",
            ".kt",
            ".swift",
            ".html",
            ".css",
            ".xml",
            ".json",
            ".yml",
            ".yaml",
            ".key",
            ".pem",
            ".crt",
            ".cer",
            ".der",
            ".p12",
            ".pfx",
            ".jks",
            ".keystore",
            ".pub",
            ".asc",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext));
    versioned_so
        || source_path
        || [".dll", ".dylib", ".exe", ".jar"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

fn is_other_data(value: &str) -> bool {
    let is_word = |w: &str| {
        !w.is_empty()
            && w.bytes().all(|b| b.is_ascii_alphabetic())
            && (w.bytes().all(|b| b.is_ascii_lowercase())
                || w.bytes().all(|b| b.is_ascii_uppercase()))
    };
    // A magic word in double underscores (`password = "__generate__"`), or an upper-case one in
    // single underscores (`define('LDAPUSER_PASSWORD', '_LDAPUSER_')`).
    let dunder = value
        .strip_prefix("__")
        .and_then(|v| v.strip_suffix("__"))
        .is_some_and(|inner| {
            inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        || value
            .strip_prefix('_')
            .and_then(|v| v.strip_suffix('_'))
            .is_some_and(|inner| {
                inner.len() >= 3
                    && inner.starts_with(|c: char| c.is_ascii_uppercase())
                    && inner
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            });
    // A setting written as `NAME=value` (`blkid token='TYPE=ext4'`, `token='UUID=6a38…'`).
    // Docker's `--secret id=BUNDLE_TOKEN,src=…` names a secret to mount.
    let setting_pair = value.split_once('=').is_some_and(|(name, rest)| {
        name.len() >= 2
            && !rest.is_empty()
            && !rest.starts_with('=')
            && (name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
                || ["id", "src", "source", "env", "target"].contains(&name)
                // A switch (`userdb passwd: blocking=yes`).
                || (name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    && ["yes", "no", "true", "false", "on", "off"].contains(&rest))
                // A field and its number (`'organizationId=1;userId=1;…'`, a serialized token's
                // fields).
                || (name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && rest
                        .split(';')
                        .next()
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))))
    });
    // A word with an ordinal or a regex group (`token: "variable-2"`, `"keyword.$0"`): the
    // token classes of syntax highlighters' grammars.
    let token_class = value.split_once(['-', '.']).is_some_and(|(word, rest)| {
        word.len() >= 3
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && rest.bytes().any(|b| b.is_ascii_digit())
            && ((rest.len() <= 2 && rest.bytes().all(|b| b.is_ascii_digit()))
                || (rest.len() <= 4 && rest.starts_with('$')))
    });
    // Words joined by slashes (`key/certificate/CSR/CRL`): a list or a path, not base64. So are
    // identifiers made of words (`Credential=accessKeyID/credScope` in a comment on a signature
    // format); base64's slashes cut random runs.
    let slashed_words = value.split('/').count() >= 3 && value.split('/').all(is_word);
    // A path of lower-case names (`kv-v2/data/app-1/nested/baz`, a Vault secret's path in a
    // template's `secret "…"`): base64 mixes cases, a path's parts are words or short names.
    // Its first part may be a variable the tool substitutes (`DIR/aux-fixed/cert1` in Exim's
    // test configurations).
    let lower_case_name = |part: &str| {
        part.bytes().any(|b| b.is_ascii_lowercase())
            && part.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            })
    };
    let lowercase_path = value.split('/').count() >= 3
        && value.split('/').enumerate().all(|(at, part)| {
            let variable = at == 0
                && (2..=12).contains(&part.len())
                && part.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
            variable || (lower_case_name(part) && (part.len() <= 8 || wordiness(part) >= 0.5))
        });
    // Two such names, one of them hyphenated (`index/base-62-digits`, a Clojure symbol in its
    // namespace): neither base64 alphabet has both `/` and `-`.
    let hyphenated_path = value.contains('-')
        && value.split('/').count() == 2
        && value
            .split('/')
            .all(|part| part.len() >= 3 && lower_case_name(part) && wordiness(part) >= 0.5);
    let slashed_identifiers = value.split('/').count() >= 2
        && value.split('/').all(|part| {
            part.len() >= 4
                && part.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && part.bytes().all(|b| b.is_ascii_alphanumeric())
                && wordiness(part) >= 0.6
        });
    // Keys public by design, made to ship inside web and mobile apps: Stripe's and Clerk's
    // publishable keys (`pk_live_…`, `pk_test_…`), Mapbox public tokens (`pk.eyJ…`) and
    // Midtrans client keys (`Mid-client-…`, for its payment page in the browser).
    let public_by_design = [
        "pk_live_",
        "pk_test_",
        "pk.eyJ",
        "Mid-client-",
        "SB-Mid-client-",
        // Flutterwave's public keys, for its inline checkout in the browser.
        "FLWPUBK",
        // Shopware's sales channel access keys, which a storefront sends from the browser to the
        // Store API (integration keys, `SWIA…`, pair with a secret).
        "SWSC",
    ]
    .iter()
    .any(|prefix| value.starts_with(prefix));
    // A PayPal Express Checkout token (`token=EC-5LL13394G30048922` in a return URL): the id of
    // one buyer's checkout, which PayPal puts in the browser's address bar.
    let paypal_checkout = value.strip_prefix("EC-").is_some_and(|id| {
        id.len() == 17
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    });
    // A BIP32 extended public key (`xpub…`, `Zpub…` in SLIP-132's variants): watch-only, the
    // public half of a wallet; its private half is `xprv…`.
    let extended_public_key = value.len() == 111
        && value.get(1..4) == Some("pub")
        && value
            .bytes()
            .next()
            .is_some_and(|b| b"xyzYZtuvUV".contains(&b))
        && value.bytes().all(|b| b.is_ascii_alphanumeric());
    // An index or constraint name Doctrine generates (`IDX_CFC35A68E0669C0612136921`,
    // `UNIQ_…`, `FK_…`): a hash of table and columns, named by SQL's `KEY`.
    // Lower-cased by a migration that renames them (`fk_61d8dc4441dee7b9`).
    let doctrine_hash = |prefix: &str| {
        let hex_letters = if prefix.starts_with(|c: char| c.is_ascii_uppercase()) {
            b'A'..=b'F'
        } else {
            b'a'..=b'f'
        };
        value.strip_prefix(prefix).is_some_and(|hash| {
            hash.len() >= 8
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || hex_letters.contains(&b))
        })
    };
    // Hibernate's (`FK7C97089541F0A56`, `UKCFCEA42640BE071Z`): `FK` or `UK` and an upper-case
    // hash of letters and digits; since Hibernate 5, a lower-case one in base 36
    // (`FKg27d33ww77k0iu9wftb8g87o2`).
    let generated_index_name = ["IDX_", "UNIQ_", "FK_", "idx_", "uniq_", "fk_"]
        .iter()
        .any(|prefix| doctrine_hash(prefix))
        || ["FK", "UK"].iter().any(|prefix| {
            value.strip_prefix(prefix).is_some_and(|hash| {
                let upper = hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                    && hash.bytes().any(|b| b.is_ascii_uppercase());
                let base36 = (20..=26).contains(&hash.len())
                    && hash
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
                    && hash.bytes().any(|b| b.is_ascii_lowercase());
                (12..=30).contains(&hash.len())
                    && hash.bytes().any(|b| b.is_ascii_digit())
                    && (upper || base36)
            })
        });
    dunder
        || public_by_design
        || paypal_checkout
        || generated_index_name
        || extended_public_key
        || is_ssh_public_key_blob(value)
        || is_der_public_key(value)
        || is_ec_public_point(value)
        || is_nats_public_key(value)
        || names_a_namespaced_object(value)
        || lists_validation_rules(value)
        || names_a_standard_or_ticket(value)
        || names_a_library_file(value)
        || setting_pair
        || names_an_algorithm(value)
        || counts_bytes_in_hex(value)
        || slashed_words
        || lowercase_path
        || hyphenated_path
        || slashed_identifiers
        || token_class
        || is_schemeless_location(value)
        || is_host_and_port(value)
        || is_prefixed_object_id(value)
        || names_url_template_parts(value)
        || looks_like_reference(value)
        || is_openssl_ciphertext(value)
        || looks_like_timestamp(value)
        || looks_like_field_list(value)
        || looks_like_hex_literal(value)
        || looks_like_decimal_number(value)
}

/// A JWT's header alone (`Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9`, `{"alg":"HS256",
/// "typ":"JWT"}` encoded): the public first segment, with no claims and no signature; or with
/// made-up words where they should be, or with its signature cut short.
pub fn is_partial_jwt(value: &[u8]) -> bool {
    // The header and then parts that are no JWT's (`eyJhbGciOiJIUzI1NiJ9.abc.xyz`, a test's
    // stand-in): a JWT's claims are a JSON object, which base64 opens with `ey`. Or claims and
    // a signature cut to a few characters (`…fQ.bjl0` in an API's documentation): the shortest
    // real signature, HMAC-SHA256's, is 43.
    let mut parts = value.split(|&b| b == b'.');
    let header = parts.next().unwrap_or_default();
    let word = |part: &[u8]| part.len() <= 12 && part.iter().all(u8::is_ascii_alphabetic);
    let stand_ins = match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => true,
        (Some(claims), Some(signature), None) if claims.starts_with(b"ey") => {
            (1..16).contains(&signature.len()) || signature_spells_text(signature)
        }
        (Some(claims), Some(signature), None) => word(claims) && word(signature),
        // The header and claims without the signature's part (a JWS always has three).
        (Some(claims), None, _) => claims.starts_with(b"ey"),
        _ => false,
    };
    stand_ins
        && header.starts_with(b"eyJ")
        && base64_decoded(header).is_some_and(|json| {
            json.ends_with(b"}") && memchr::memmem::find(&json, b"\"alg\"").is_some()
        })
}

/// A JWT signature that is base64 of text (`c2lnbmF0dXJlX3ZhbHVl`, "signature_value"): a test
/// writes words where the signature goes. A real signature is random bytes, which are printable
/// text practically never (16 bytes: ~1e-5; a 32-byte HMAC's: ~1e-9).
fn signature_spells_text(signature: &[u8]) -> bool {
    // A cut that leaves one character over a group of four decodes nothing; drop it.
    let whole = if signature.len() % 4 == 1 {
        &signature[..signature.len() - 1]
    } else {
        signature
    };
    base64_decoded(whole).is_some_and(|text| {
        text.len() >= 12
            && text.iter().all(|b| (0x20..0x7f).contains(b))
            && text.iter().filter(|b| b.is_ascii_alphabetic()).count() * 2 >= text.len()
    })
}

/// A value matched up to the `;` of an HTML entity that ends it (`redir_token=123l&amp;q=…`,
/// `opaquelocktoken:f81d4fae-…&gt;)`), without the entity: in HTML the value ends at an escaped
/// character. An entity followed by another one (`Df34D&amp;lt;345`, escaped twice in a
/// diagram) is a character inside the value, which is kept whole. `after` is the text after
/// the match.
pub fn before_an_html_entity<'a>(value: &'a [u8], after: &[u8]) -> &'a [u8] {
    const ENTITIES: &[&[u8]] = &[
        b"&amp", b"&gt", b"&lt", b"&quot", b"&apos", b"&#39", b"&#34",
    ];
    let escaped_again = after.strip_prefix(b";").is_some_and(|rest| {
        ENTITIES
            .iter()
            .any(|entity| rest.starts_with(&[&entity[1..], b";"].concat()))
    });
    if escaped_again || !after.starts_with(b";") {
        return value;
    }
    // A numeric character reference (`Don&#8217;t have an account?`, a label's apostrophe).
    let numeric = value.iter().rposition(|&b| b == b'&').filter(|&at| {
        value[at + 1..].strip_prefix(b"#").is_some_and(|digits| {
            (2..=6).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit)
        })
    });
    if let Some(at) = numeric {
        return &value[..at];
    }
    ENTITIES
        .iter()
        .find_map(|entity| value.strip_suffix(*entity))
        .unwrap_or(value)
}

/// A public key in base64 DER (`MFkwEwYHKoZIzj0CAQYI…`, `MIIBIjANBgkqhkiG9w0BAQEF…`): an X.509
/// SubjectPublicKeyInfo, a SEQUENCE of the algorithm's SEQUENCE and then the key's BIT STRING.
/// A private key's PKCS#8 SEQUENCE opens with its version, an INTEGER.
fn is_der_public_key(value: &str) -> bool {
    fn header(der: &[u8], at: usize) -> Option<(u8, usize, usize)> {
        let tag = *der.get(at)?;
        let first = *der.get(at + 1)? as usize;
        match first {
            0..=0x7f => Some((tag, at + 2, first)),
            0x81 => Some((tag, at + 3, *der.get(at + 2)? as usize)),
            0x82 => Some((
                tag,
                at + 4,
                (*der.get(at + 2)? as usize) << 8 | *der.get(at + 3)? as usize,
            )),
            _ => None,
        }
    }
    value.len() >= 60
        && base64_decoded(value.as_bytes()).is_some_and(|der| {
            let Some((0x30, body, _)) = header(&der, 0) else {
                return false;
            };
            let Some((0x30, algorithm, length)) = header(&der, body) else {
                return false;
            };
            der.get(algorithm) == Some(&0x06)
                && header(&der, algorithm + length).is_some_and(|(tag, _, _)| tag == 0x03)
        })
}

/// An elliptic curve's public point in hex, as SEC 1 writes it: compressed, `02` or `03` and
/// the 32-byte x coordinate (`"internal_key": "03d4c770…"` in Lightning's test vectors, a
/// Bitcoin public key), or uncompressed, `04` and both coordinates. A secret key is the bare
/// 32 bytes (64 hex digits); 33 bytes with that first byte is a point, public by design.
fn is_ec_public_point(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_hexdigit())
        && ((value.len() == 66 && (value.starts_with("02") || value.starts_with("03")))
            || (value.len() == 130 && value.starts_with("04")))
}

/// A NATS public nkey (`{key: "UD6AYQSO…"}` in a server's account list): 56 characters of
/// upper-case base32 whose first names the key's owner, `U` a user, `A` an account, `O` an
/// operator, `N` a server, `C` a cluster, `X` a curve key. The seeds that sign begin `S` and have
/// their own rule; the public keys are published to every server.
fn is_nats_public_key(value: &str) -> bool {
    value.len() == 56
        && value.starts_with(['U', 'A', 'O', 'N', 'C', 'X'])
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// An SSH public key's base64 blob (`"key": "AAAAC3NzaC1lZDI1NTE5…"` in a host's facts, an
/// `authorized_keys` line without its type): the wire format opens with the length of the key
/// type's name and the name (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `sk-ssh-ed25519@openssh.com`).
/// Public by design.
fn is_ssh_public_key_blob(value: &str) -> bool {
    value
        .get(..24)
        .and_then(|head| base64_decoded(head.as_bytes()))
        .is_some_and(|head| {
            let kind = head.get(4..).unwrap_or_default();
            head.starts_with(&[0, 0, 0])
                && [&b"ssh-"[..], b"ecdsa-", b"sk-"]
                    .iter()
                    .any(|prefix| kind.starts_with(prefix))
        })
}

/// Whether a value found by a generic rule (`name = value`) is plausibly a real secret.
pub fn generic_value_is_plausible(name: &str, value: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    if !name_can_hold_a_secret(name) {
        return false;
    }
    let environment_style = environment_style(name);
    let words = name_words(name);
    let name = name.to_ascii_lowercase();
    // A URN names something (`token: "urn:uuid:58f2…"`, a WebDAV lock token): an identifier.
    let urn = value
        .as_bytes()
        .get(..4)
        .is_some_and(|head| head.eq_ignore_ascii_case(b"urn:"));
    // Capitalised words joined (`5953-USB Enhanced Dynakey Flash-Recovery/Download`, a device
    // name after a name ending in `key`), also compounds in camel case (`ReadAsync/WriteAsync`,
    // two method names in a comment after `RandomAccess.`).
    let capitalised_words = value.split(['-', '/']).count() >= 2
        && value.split(['-', '/']).all(is_capitalised_compound);
    // A digest labelled with its algorithm (`bearer_token:hash:44BC2CF5AD770999`, a label made
    // from a token's hash).
    let digest = value.split_once(':').is_some_and(|(label, _)| {
        [
            "hash", "digest", "checksum", "sha1", "sha256", "sha512", "md5", "xxhash",
        ]
        .contains(&label.to_ascii_lowercase().as_str())
    });
    // The value spells its own name out (`accessKeyKey: s3-test-accessKeyKey-6-b-1`, which
    // names the key of a Kubernetes secret): a label, not a key.
    // A prompt's word in base64 (`passwordChallenge = "UGFzc3dvcmQA"`: SMTP's `Password`, sent to
    // ask for one): what a protocol says, not a key.
    let encodes_a_prompt = base64_decoded(value.as_bytes()).is_some_and(|bytes| {
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        let word = text.trim_end_matches(['\0', ':', ' ']);
        word.len() >= 4
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && (["username", "user", "login"].contains(&word) || spells_a_stand_in(word))
    });
    let squashed_name = squashed(&name);
    let spells_its_name =
        squashed_name.len() >= 8 && squashed(value).contains(squashed_name.as_str());
    // A form's label (`'Administrator-Passwort:'` in a locale file): words and a colon.
    let label = value.strip_suffix(':').is_some_and(|words| {
        words
            .chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == ' ')
    });
    if value.len() < 8
        || urn
        || label
        || capitalised_words
        || digest
        || spells_its_name
        || encodes_a_prompt
        || is_other_data(value)
        || continues_a_query(value)
        || spells_a_placeholder(value)
    {
        return false;
    }
    // A password name holding a test's stand-in (`ADMIN_PASSWORD: demo1234`,
    // `password="Str0ngP@ss!"`).
    if words
        .iter()
        .any(|w| ["password", "passwd", "pwd", "pass", "passphrase"].contains(&w.as_str()))
        && (spells_a_stand_in(&value.to_ascii_lowercase())
            || describes_its_password(value)
            || translates_password(value)
            || (value.contains('%') && is_stand_in_connection_password(value.as_bytes())))
    {
        return false;
    }
    // A word of the name and counted digits (`refresh_token: refresh12345`, `API_KEY:
    // key#123#456`): a test's label for the value.
    let letters: String = value.chars().filter(char::is_ascii_alphabetic).collect();
    let digits: Vec<u8> = value.bytes().filter(u8::is_ascii_digit).collect();
    if letters.len() >= 3
        && value
            .bytes()
            .skip_while(u8::is_ascii_alphabetic)
            .all(|b| !b.is_ascii_alphabetic())
        && (digits.len() <= 2 || longest_ordered_run(&digits) == digits.len())
        && words.iter().any(|w| w.eq_ignore_ascii_case(&letters))
    {
        return false;
    }
    // Lower-case words joined by `-` or `_`, one of them a word of the name or a noun for an
    // account, and at most a counted number (`APIKey: "override-key1"`, `token:
    // "expired-token-2"`, `"credentials": "aws-account1"`): a test's label.
    let label_words = value.trim_end_matches(|c: char| c.is_ascii_digit());
    let label_digits = &value.as_bytes()[label_words.len()..];
    if label_words.contains(['-', '_'])
        && (label_digits.len() <= 2 || longest_ordered_run(label_digits) == label_digits.len())
        && label_words
            .trim_end_matches(['-', '_'])
            .split(['-', '_'])
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && label_words.split(['-', '_']).any(|w| {
            w.len() >= 3
                && (name.contains(w) || ["account", "user", "tenant", "profile"].contains(&w))
        })
    {
        return false;
    }
    // A command-line flag that follows the name (`"-use-auth-secret", "--sock-buf-size=1048576"`).
    if value.starts_with("--") {
        return false;
    }
    // The rest of a URL after a stand-in password (`https://$GITHUB_TOKEN:x-oauth-basic@github.com/…`).
    if value.split_once('@').is_some_and(|(password, rest)| {
        rest.contains('.') && PASSWORD_STAND_INS.contains(&password.to_ascii_lowercase().as_str())
    }) {
        return false;
    }
    // A word of the name in leetspeak among symbols (`token: "T0ken-._~+/="`, a parser test),
    // or stand-in words with digits for letters and maybe a count after them (`S3cr3tT0k3n`,
    // `my$ecre7key123`).
    let lower = value.to_ascii_lowercase();
    let read = read_leetspeak(&lower);
    if read.len() >= 4
        && (words.iter().any(|w| w.eq_ignore_ascii_case(&read))
            || reads_as_stand_ins_with_digits(&lower))
    {
        return false;
    }
    if pairs_stand_ins(value) {
        return false;
    }
    // A file's path (`dest_key = "2024/1/1/5-a5323e542e0f/full.png"`, an object store's key).
    const FILE_EXTENSIONS: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "pdf", "json", "yaml", "yml", "xml",
        "txt", "html", "css", "js", "zip", "gz", "tar", "mp4", "mp3", "csv",
    ];
    if value.contains('/')
        && value
            .rsplit('/')
            .next()
            .and_then(|file| file.rsplit_once('.'))
            .is_some_and(|(stem, extension)| {
                !stem.is_empty()
                    && FILE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
            })
    {
        return false;
    }
    // A package's coordinates with a version (`jjwt-jackson:0.11.0:deprecated`).
    if value.contains(':')
        && value.split(':').any(|part| {
            part.split('.').count() >= 2
                && part
                    .split('.')
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
    {
        return false;
    }
    // Under the bare name `key`, a value holding a UUID among other text (`"key":
    // "Q-52ee0e33-…-0"`, a Grafana dashboard's query key) is an id; a UUID alone can be a
    // service's key (`?key=9e4635bc-…`).
    if name == "key"
        && value.len() > 36
        && value
            .as_bytes()
            .windows(36)
            .any(|w| std::str::from_utf8(w).is_ok_and(looks_like_uuid))
    {
        return false;
    }
    // A GPG/PGP key named by its fingerprint or key id (`ENV GPG_KEY E3FF2839…` in the official
    // Docker images): public data that says which key signs a download.
    if words
        .iter()
        .any(|w| w == "gpg" || w == "pgp" || w == "gnupg")
        && value.bytes().all(|b| b.is_ascii_hexdigit() || b == b' ')
    {
        return false;
    }
    // A release signing key named by its fingerprint (`SIGNING_KEY=D66B222A…`).
    if words.iter().any(|w| w == "signing") && is_printed_fingerprint(value.as_bytes()) {
        return false;
    }
    // The name says which credential it holds, and that credential's format is known: an AWS
    // secret access key is 40 characters of base64.
    let names_aws =
        name.starts_with("aws") || ["aws_", "aws-", "aws."].iter().any(|p| name.contains(p));
    if names_aws && name.contains("secret") && value.len() != 40 {
        return false;
    }
    // A UUID under a cloud resource's key (`subnet_key: '91e47a57-…'` in Heat's tests): the
    // resource's id.
    const RESOURCES: &[&str] = &[
        "subnet", "router", "network", "net", "port", "volume", "snapshot", "flavor", "stack",
        "instance", "server", "image", "node", "cluster", "share", "pool", "listener",
    ];
    if looks_like_uuid(value)
        && words.len() == 2
        && words[1] == "key"
        && RESOURCES.contains(&words[0].as_str())
    {
        return false;
    }
    // A UUID under a token name that is not a credential's is a protocol id (`LockToken`);
    // under an environment-style name (`NPM_TOKEN`, `HEROKU_API_KEY`) or a service's name
    // (`jenkinsToken`, `squarespace_token`) it is a credential.
    if looks_like_uuid(value)
        && !environment_style
        && !CREDENTIAL_TOKEN_NAMES.iter().any(|c| name.contains(c))
        && !names_a_service(&words)
    {
        return false;
    }
    // A legend of an enumeration (`COMMENT="type of token: 0=permanent, …"`).
    if value.split_once('=').is_some_and(|(number, word)| {
        !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
            && !word.is_empty()
            && word.bytes().all(|b| b.is_ascii_lowercase())
    }) {
        return false;
    }
    // Code: private identifiers, conditionals, comparisons, chained assignments (base64 padding,
    // `…==` at the end, is not a comparison).
    let trimmed = value.trim_end_matches('=');
    if (value.starts_with('_') && !has_random_segment(value))
        || value.ends_with('?')
        || ["==", "!=", "||", "&&", "=>"]
            .iter()
            .any(|op| trimmed.contains(op))
        || (trimmed.contains('=') && trimmed.contains('.'))
    {
        return false;
    }
    // A lone JWT header segment (`{"alg":"HS256",...}` encoded) is not a token, nor is one cut
    // short a few characters into its payload (`eyJhbGciOi….eyJzdW` in an API schema).
    if value.starts_with("eyJ")
        && value
            .split_once('.')
            .is_none_or(|(_, payload)| payload.len() < 16 && !payload.contains('.'))
    {
        return false;
    }
    // Arithmetic on a variable (`int iLastToken = iDestCount-1;`).
    if let Some((variable, number)) = value.rsplit_once(['-', '+']) {
        if (1..=3).contains(&number.len())
            && number.bytes().all(|b| b.is_ascii_digit())
            && variable.starts_with(|c: char| c.is_ascii_lowercase())
            && variable
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && has_camel_hump(variable)
        {
            return false;
        }
    }
    // A qualified type name (`private BydbQLServiceGrpc.BydbQLServiceBlockingStub stub;`):
    // identifiers joined by dots, without a digit, one of them in camel case.
    // Negated, a member read as a condition (`txtPlikPassword.ReadOnly = !cbPlikIsSecured.Checked;`).
    let member = value.strip_prefix('!').unwrap_or(value);
    let parts: Vec<&str> = member.split('.').collect();
    if parts.len() >= 2
        && !member.bytes().any(|b| b.is_ascii_digit())
        && parts.iter().all(|part| {
            part.starts_with(|c: char| c.is_ascii_alphabetic())
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        && parts.iter().any(|part| has_camel_hump(part))
    {
        return false;
    }
    // Escapes and wildcards belong to code and patterns, not to credentials.
    if value.contains('\\')
        || ["/*", "*/", ".*", "*."].iter().any(|w| value.contains(w))
        || value.ends_with('*')
        || has_format_placeholder(value)
    {
        return false;
    }
    // Short hex strings are hashes and ids (`bf29289b78d371e3`).
    if value.len() < 20 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    // CamelCase words (`Ec2InstanceMetadata`, `Ed25519PrivateKey`). A random run of one case
    // (`shwc7ighlfw9fcoul7ahojmf2sx2dabv`) has many short voiced runs by chance, so single-case
    // values must be mostly words (`ec2instancemetadata`) to count as words.
    let mixed_case = value.bytes().any(|b| b.is_ascii_uppercase())
        && value.bytes().any(|b| b.is_ascii_lowercase());
    // Digits scattered between letters (`geruj4LFyu0NBeBOnQvo`) are a key's; names carry one
    // number after a word (`Ec2InstanceMetadata`, `Sha256WithRsa`), so a value with two or more
    // must be mostly words to be taken for one.
    let word_share = match (mixed_case, digits_between_letters(value) >= 2) {
        (_, true) => 0.7,
        (true, false) => 0.5,
        (false, false) => 0.75,
    };
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"$_".contains(&b))
        && wordiness(value) >= word_share
    {
        return false;
    }
    // A property's key of lower-case words (`PROPERTY_PRIVATE_KEY = 'oauth1:jira:key:private'`).
    if value.split(':').count() >= 3
        && value.split(':').all(|part| {
            (2..=12).contains(&part.len())
                && part.starts_with(|c: char| c.is_ascii_lowercase())
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    {
        return false;
    }
    // A qualified name (`clm31878:AgencyIdentificationCodeContentType`): a colon-separated
    // part holding most of the value is made of words.
    if value.contains(':') {
        let longest = value.split(':').max_by_key(|part| part.len()).unwrap_or("");
        if longest.len() * 3 >= value.len() * 2
            && longest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"$_".contains(&b))
            && wordiness(longest) >= word_share
        {
            return false;
        }
    }
    let has_upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let has_digit = value.bytes().any(|b| b.is_ascii_digit());
    let has_symbol = value.bytes().any(|b| !b.is_ascii_alphanumeric());
    let letters = value.bytes().filter(|b| b.is_ascii_alphabetic()).count();
    // Pure numbers (ports, ids, timestamps) and words without digits are not secrets; a long
    // run of letters that changes case at random (`hfCnuVcYOgiRjlDEmAoRbN`) is.
    if letters == 0
        || !(has_digit || (has_symbol && has_upper && has_lower) || random_letters(value))
    {
        return false;
    }
    if looks_like_identifier(value) {
        return false;
    }
    // Short values without a digit are words, not passwords.
    if !has_digit && value.len() < 20 {
        return false;
    }
    // Hex-only values are hashes unless long and in a secret context; we are in a secret
    // context here, so accept them only at typical key lengths.
    let classes = [has_upper, has_lower, has_digit, has_symbol]
        .iter()
        .filter(|&&c| c)
        .count();
    let entropy = shannon_entropy(value.as_bytes());
    let needed = entropy_needed(if value.len() >= 20 { 3.3 } else { 2.8 }, value.as_bytes());
    classes >= 2 && entropy >= needed
}

/// How many runs of digits in `value` have a letter right before and right after them.
fn digits_between_letters(value: &str) -> usize {
    let b = value.as_bytes();
    let mut runs = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let letter_before = start > 0 && b[start - 1].is_ascii_alphabetic();
        let letter_after = i < b.len() && b[i].is_ascii_alphabetic();
        runs += usize::from(letter_before && letter_after);
    }
    runs
}

/// A run of 20 letters or more that is not made of words and changes case at least every
/// fourth letter (`hfCnuVcYOgiRjlDEmAoRbN`): a key's alphabet without its digits, not a
/// CamelCase name (`ProtectedResourceName`) or a constant.
fn random_letters(value: &str) -> bool {
    let bytes = value.as_bytes();
    let case_changes = bytes
        .windows(2)
        .filter(|w| w[0].is_ascii_uppercase() != w[1].is_ascii_uppercase())
        .count();
    bytes.len() >= 20
        && bytes.iter().all(u8::is_ascii_alphabetic)
        && case_changes * 4 >= bytes.len()
        && wordiness(value) < 0.3
}

/// `value` decoded as base64, standard or URL-safe, with or without padding; `None` when it is
/// not base64.
pub fn base64_decoded(value: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    use base64::Engine;
    let unpadded = value
        .strip_suffix(b"==")
        .or_else(|| value.strip_suffix(b"="));
    let unpadded = unpadded.unwrap_or(value);
    STANDARD_NO_PAD
        .decode(unpadded)
        .or_else(|_| URL_SAFE_NO_PAD.decode(unpadded))
        .ok()
}

/// `value` decoded as hexadecimal, two digits a byte; `None` when it is not hex of whole bytes.
pub fn hex_decoded(value: &[u8]) -> Option<Vec<u8>> {
    if value.is_empty() || !value.len().is_multiple_of(2) {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    value
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// The entropy a value must reach, given what a random base64-like value of its length needs:
/// hexadecimal has 16 symbols, so a random hex key scores about half a bit lower (32 random hex
/// digits: 3.5 to 3.8 bits).
pub fn entropy_needed(min: f64, value: &[u8]) -> f64 {
    // Nine in ten hex digits is near hex's alphabet (`5b5541420c56d22cd0cb21nn401cn4b2`).
    let hex = value.iter().filter(|b| b.is_ascii_hexdigit()).count();
    if hex * 10 >= value.len() * 9 {
        min - 0.5
    } else {
        min
    }
}

/// Values that stand in for a password rather than being one: dictionary placeholders, type
/// and schema words, literals of programming languages.
const PASSWORD_STAND_INS: &[&str] = &[
    "password",
    "passwd",
    "passwort",
    "pass",
    "pwd",
    "secret",
    // What a test of masking puts in a field it expects hidden (`"password": "sensitive"`), or
    // expects to see in its place (`Password=masked`), and the word for a value in clear.
    "sensitive",
    "masked",
    "cleartext",
    "plaintext",
    // French for in clear (`password: enclair` in Claroline's import fixtures).
    "enclair",
    "changeme",
    "mypassword",
    "mypass",
    "mysecret",
    "yourpassword",
    // The JDK's default keystore password (`keytool -storepass changeit`).
    "changeit",
    "admin",
    "root",
    "test",
    "guest",
    "user",
    "username",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "string",
    "str",
    "text",
    "hidden",
    "required",
    "optional",
    "empty",
    "default",
    "unknown",
    // What a fallback says when the setting is missing (`process.env.X_PASSWORD || "not-set"`).
    "notset",
    "unset",
    "missing",
    "tiger",
    "letmein",
    "hunter2",
    "p@ssw0rd",
    "pa55word",
    "foobar",
    "sample",
    "dummy",
    "fake",
    "mask",
    "masked",
    "blank",
    "unset",
    "invalid",
    "wrong",
    // A test's pair to `wrong`.
    "right",
    "incorrect",
    // Settings of a password feature (`reuse_password: "enable"`, `save_password: disable`).
    "enable",
    "enabled",
    "disable",
    "disabled",
    "always",
    // Ansible's `update_password: on_create`.
    "on_create",
    "ignore",
    "ignored",
    "unused",
    "fooo",
    "foooo",
    "never",
    // Build-configuration answers (`d_grpasswd='define'` in Perl's Config).
    "define",
    // Laravel's attribute casts (`'smtp_password' => 'encrypted'`, `'password' => 'hashed'`).
    "encrypted",
    "hashed",
    // GitHub's documented password for token authentication over HTTPS.
    "x-oauth-basic",
    // Name-service sources (`passwd: compat systemd` in nsswitch.conf).
    "compat",
    "systemd",
    "winbind",
    "undef",
    // What a step does on a pass (`pass: "success"`, `"on_pass": "next"`), and scratch values.
    "success",
    "next",
    "skip",
    "continue",
    "fail",
    "block",
    "allow",
    "temp",
    // Words a test or a template writes where the password goes (`password: "plaintext"`,
    // `node.Password = "tobedetermined"`).
    "plaintext",
    "whatever",
    "tbd",
    "tobedetermined",
    "anything",
    "nothing",
    // Filler text (`const correctPassword = "loremipsum"`).
    "loremipsum",
    "dolorsitamet",
    // A test's word for a password that will not work (`password='bogus'`), and `password`
    // abbreviated.
    "bogus",
    "psswd",
    "nope",
    "weak",
    // What a test says of the password it types (`'password' => 'short12'`, `db_password =>
    // 'correct'` beside a wrong one).
    "short",
    "correct",
    "garbage",
    "nomatch",
    "doesntmatch",
    "dontmatch",
    "mismatch",
    // A verdict a rule maps `pass` to (`"pass": "deny"` beside `"allow"`).
    "deny",
    "allow",
    // A test's pronoun for a password (`setBasicAuth("test", "this")`).
    "this",
    "that",
    // Filler a test types (`password: 'blabla'`, `password: stuff` in a proxy sample), and a
    // value named for what the test expects (`password: 'failing'`).
    "stuff",
    "blabla",
    "blah",
    "failing",
    "pswd",
    // The same abbreviated further, with a count (`password: psw2` in Kubeflow's test secrets).
    "psw",
    // The password a test changes (`"pass": "original"`), and the one it compares with it
    // (`pass: 'different'`).
    "original",
    "different",
    // Debian's architectures after a package name (`install base-passwd:amd64` in a log).
    "amd64",
    "arm64",
    "i386",
    "armhf",
    "armel",
    "ppc64el",
    "s390x",
    // German and jokey spellings of secret (`Sekrit`).
    "sekrit",
    // The adventure game's magic words, a tutorial's password.
    "xyzzy",
    "plugh",
    // `secret` spelled as in German and Scandinavian tests.
    "sekret",
    // An authentication method's result (`"password": "denied"`).
    "denied",
    // A test's word for any password at all (`password = "non-empty"`).
    "nonempty",
    "notempty",
    "empty",
    // The password of anonymous access (`The password is "anonymous".`), public by definition.
    "anonymous",
    // A form test's word for what goes in the field (`name: 'admin_password', value: 'value'`).
    "value",
    // The configuration passes of a Windows answer file (`<settings pass="specialize">`).
    "windowspe",
    "offlineservicing",
    "generalize",
    "specialize",
    "auditsystem",
    "audituser",
    "oobesystem",
    // An action or a sanitizer named where a password's field is configured (`pass =
    // 'normal'`, an OpenFlow action; `'password' => 'trim'` in a table of input filters).
    "normal",
    "trim",
    // The password a test changes to (`'password': 'changed'`), and its word for another one
    // (`'password' => 'somethingelse'`).
    "changed",
    "irrelevant",
    // What a check says of a password (`Checks if a given password is "safe"`).
    "safe",
    "unsafe",
    "somethingelse",
    "sthelse",
    // The fixed password that marks the user name as a token (GitLab's `oauth2`, GitHub's
    // `x-oauth-basic`): `$auth['password'] === 'oauth2'`.
    "oauth2",
    "xoauthbasic",
    // A template's test of a variable (`item.password is defined`).
    "defined",
    "undefined",
    // What a message says happened to the password (`messagePasswordReset = User's password
    // was reset`).
    "reset",
    "set",
    "expired",
    "mandatory",
    "generated",
    "updated",
    "saved",
    "sent",
    "visible",
    "locked",
    "unlocked",
];

/// True when a password written in leetspeak (`PaSsW0Rd`, `p4$$w0rd`) reads as one of the
/// stand-ins, or describes the password it stands for (`YourStrong@Passw0rd`, Microsoft's
/// placeholder for SQL Server's `sa`; `yourStrong(!)Password`).
fn spells_a_stand_in(lower: &str) -> bool {
    let read = read_leetspeak(lower);
    // A digit or two typed after a stand-in in leetspeak is not read as a letter (`passw0rd1`).
    let body = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    let read_body = read_leetspeak(body);
    // So is one symbol typed after a stand-in spelled with digits (`P4ssW0rd!`).
    let leet_body = Some(
        lower.trim_end_matches(['!', '#', '@', '$', '*', '?', '.', '%', '&', '^']),
    )
    .filter(|body| body.len() < lower.len() && body.bytes().any(|b| b"013457@$".contains(&b)));
    // One symbol set into a stand-in (`pass$word1`, a test of variable substitution).
    let symbols = body.bytes().filter(|b| !b.is_ascii_alphanumeric()).count();
    let without_symbol: String = body.chars().filter(char::is_ascii_alphanumeric).collect();
    PASSWORD_STAND_INS.contains(&read.as_str())
        // A keyboard row's first four keys and nothing more (`password: 'zxcv'` beside
        // `username: 'asdf'`); a longer run with more after it (`Zxcvbnm@12345)`) is a password.
        || ["qwer", "asdf", "zxcv"].contains(&lower)
        || (lower.len() - body.len() <= 2 && PASSWORD_STAND_INS.contains(&read_body.as_str()))
        || (symbols == 1
            && lower.len() - body.len() <= 2
            && PASSWORD_STAND_INS.contains(&without_symbol.as_str()))
        || leet_body.is_some_and(|body| PASSWORD_STAND_INS.contains(&read_leetspeak(body).as_str()))
        || (read.starts_with("your")
            && ["password", "pass", "pwd"].iter().any(|w| read.contains(w)))
        || composed_of_stand_ins(lower)
        // The word in another language, in leetspeak (`c0ntras3nya`).
        || translates_password(&read)
        || names_its_password(lower)
        || states_a_length_rule(lower)
        // Stand-in words around the word pass in leetspeak (`SecurePa55w0rd`, `s0mePass`,
        // `somePassw0rd`); a chosen word in leetspeak is a password (`super$ecret`, and
        // `SqLpa5sW0rD`, which CredSweeper's corpus labels a secret), and `pas5w0rd2#` keeps a
        // digit that reads as no letter: a password of its own. Stand-in words in leetspeak set
        // apart by `-` or `_` (`other-s3cr3t`) or spelled with digits (`N3Ws3cr3t`) are a
        // test's stand-in as well.
        || ((read.contains("pass")
            || lower.contains(['-', '_'])
            || lower.bytes().any(|b| b"013457".contains(&b)))
            && read.bytes().all(|b| b.is_ascii_lowercase())
            && composed_of_stand_ins(&read))
}

/// True when a password states the length rule it was written to pass (`mustbeeightchars`,
/// `atleast8characters`, `min-12-chars`): a count and then a unit of length in the plural at the
/// end, nothing but lower-case letters, digits and separators. A name (`charlie8`) has no such
/// unit.
fn states_a_length_rule(lower: &str) -> bool {
    const COUNTS: &[&str] = &[
        "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
        "sixteen", "twenty", "thirty", "least", "min", "max", "long",
    ];
    lower.len() >= 6
        && lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && ["chars", "characters", "chr", "letters", "digits"]
            .iter()
            .any(|unit| {
                let body = lower.trim_end_matches(['-', '_']);
                let body = body.strip_suffix("long").unwrap_or(body);
                body.trim_end_matches(['-', '_'])
                    .strip_suffix(unit)
                    .is_some_and(|head| {
                        head.bytes().any(|b| b.is_ascii_digit())
                            || COUNTS.iter().any(|c| head.contains(c))
                    })
            })
}

/// Stand-in words spelled with digits for letters, maybe with a count after them (`S3cr3tT0k3n`,
/// `my$ecre7key123`): under a generic name, a test's stand-in. A chosen word in leetspeak without
/// such a digit (`super$ecret`) is a password.
fn reads_as_stand_ins_with_digits(lower: &str) -> bool {
    let body = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    let count = &lower.as_bytes()[body.len()..];
    // A `1` stands for an `i` or an `l` (`S0mEv3RY1oN9T0k3n`, "some very long token").
    (count.len() <= 2 || longest_ordered_run(count) == count.len())
        && body.bytes().any(|b| b"013457".contains(&b))
        && (composed_of_stand_ins(&read_leetspeak(body))
            || composed_of_stand_ins(&read_leetspeak(&body.replace('1', "l"))))
}

/// Whether a lower-case letter is followed by an upper-case one (`iDestCount`, `BydbQLService`):
/// an identifier in camel case.
fn has_camel_hump(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

/// A user and a password of stand-in words (`idPassword = "user1:pass1"`).
fn pairs_stand_ins(value: &str) -> bool {
    value.split_once(':').is_some_and(|(user, password)| {
        spells_a_stand_in(&user.to_ascii_lowercase())
            && spells_a_stand_in(&password.to_ascii_lowercase())
    })
}

/// A variable's name (`'id_password' => 'user_pass'`) or a description (`cert1-passphrase`):
/// lower-case words joined by `_` or `-`, one of them a password word.
fn describes_its_password(value: &str) -> bool {
    value.contains(['_', '-'])
        && value.split(['_', '-']).any(|w| {
            [
                "pass",
                "pwd",
                "pw",
                "passwd",
                "password",
                "passphrase",
                "secret",
            ]
            .contains(&w)
        })
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// True when a password is a word or two and then the word for password, with at most the
/// digits and symbol of [`composed_of_stand_ins`] (`yolopass2`, `regularpwd`,
/// `featurepassword`): a test's name for the value. Words that end in `pass` (`compass`,
/// `bypass`, `trespass`) are words.
fn names_its_password(lower: &str) -> bool {
    let body: String = lower
        .trim_end_matches(['!', '?', '.', '#', '*'])
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .collect();
    let letters = body.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &body[letters.len()..];
    if !(digits.len() <= 2 || longest_ordered_run(digits.as_bytes()) == digits.len())
        || !letters
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return false;
    }
    ["password", "passwd", "pass", "pwd", "pw"]
        .iter()
        .any(|word| {
            letters.strip_suffix(word).is_some_and(|head| {
                // A numbered name may come first (`user1Pw` for the user `user1Id`).
                let name = head.trim_end_matches(|c: char| c.is_ascii_digit());
                name.len() >= 2
                    && head.len() - name.len() <= 2
                    && name.bytes().all(|b| b.is_ascii_lowercase())
                    && !["com", "by", "tres", "sur", "over", "under", "im", "en"].contains(&head)
            })
        })
}

/// Words a test or a tutorial builds its passwords from (`newpass`, `new_user123`,
/// `testpass`, `pass4321`, `johndoe`, `geheim2`), besides [`PASSWORD_STAND_INS`].
const STAND_IN_PARTS: &[&str] = &[
    "new",
    "old",
    "my",
    "your",
    "the",
    "a",
    "user",
    "users",
    "admin",
    "other",
    "another",
    "secure",
    "strong",
    "valid",
    "current",
    "temp",
    "tmp",
    "some",
    "super",
    "demo",
    "test",
    "tester",
    "testing",
    "word",
    "login",
    "pw",
    // The initial of password, beside a user's `u` (`testu` and `testp`).
    "p",
    // Letters crossed out (`xxx123`).
    "xxx",
    // A password's property for a validation test (`LongEnough123`).
    "long",
    "enough",
    // And the one it must fail (`"password" => "too-short"`).
    "too",
    "short",
    // `pass` cut short (`pas123`).
    "pas",
    "key",
    "dev",
    "local",
    "foo",
    "bar",
    "baz",
    "qux",
    "quux",
    "john",
    "jane",
    "doe",
    "alice",
    "bob",
    "good",
    "bad",
    "geheim",
    "pass",
    "secret",
    "password",
    "access",
    "api",
    "token",
    "client",
    "very",
    "long",
    "data",
    "db",
    "abc",
    "xyz",
    "its",
    "pswd",
    "sekret",
    "sekrit",
    "an",
    "app",
    // The first letters of keyboards (`qwertz123`), and words that describe a password
    // (`someThingComplicated1234`). Not `master`: Firebird's documented `masterkey` is a
    // default credential to report.
    "qwerty",
    "qwertz",
    "azerty",
    "thing",
    "complicated",
    "complex",
    // French tests' foo and bar (`Toto1234`, `titi`).
    "toto",
    "titi",
    "tata",
    "tutu",
    // Counting spelled out (`onetwothreefour`), and the kind of user a test logs in as
    // (`regularpwd`).
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "regular",
    // A program's first words, and the tutorial password after `hunter2` (`Hello123!`,
    // `hunter42`).
    "hello",
    "world",
    "hunter",
];

/// Whether a value is base64 of text typed by hand (`MDEyMzQ1…` is `0123456789abcdef…`): made
/// up like the text itself, and reported like it at low confidence (peers count such values).
pub fn encodes_a_typed_value(value: &[u8]) -> bool {
    base64_decoded(value).is_some_and(|text| {
        text.len() >= 16
            && text.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
            && is_typed_by_hand(&text)
    })
}

/// Whether a password is built of stand-in words ([`composed_of_stand_ins`]: `testpass`,
/// `supersecret`): in a connection URL such a value is reported at low confidence, since
/// labelled corpora count `mySecret789` in a URL as a secret.
pub fn built_of_stand_in_words(value: &[u8]) -> bool {
    let lower = String::from_utf8_lossy(value).to_ascii_lowercase();
    composed_of_stand_ins(&lower)
        || names_its_password(&lower)
        || describes_its_password(&lower)
        // Spelled with digits for letters (`SecretP@ssw0rd123`).
        || reads_as_stand_ins_with_digits(&lower)
}

/// True when a password is nothing but stand-in words, joined or separated by `-`, `_`, `.`,
/// `#`, `@` or `!`, and optionally one or two digits or digits counted in order and a symbol at
/// the end (`newpass123`, `pass4321`, `pass#123`, `verysecure123!`): what a test types, not a password anyone chose
/// to keep secret. Leetspeak is not read here: `super$ecret` and `pas5w0rd2#` are passwords.
fn composed_of_stand_ins(lower: &str) -> bool {
    // The symbol a password policy demands, at the end (`verysecure123!`, `pswd1$`).
    let body = lower.trim_end_matches(['!', '?', '.', '#', '*', '$']);
    let letters_end = body.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &body[letters_end.len()..];
    let digits_are_filler =
        digits.len() <= 2 || longest_ordered_run(digits.as_bytes()) == digits.len();
    let letters: Vec<u8> = letters_end
        .bytes()
        .filter(|b| !matches!(b, b'-' | b'_' | b'.' | b'#' | b'@' | b'!'))
        .collect();
    if letters.len() < 3 || !digits_are_filler || !letters.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    // Whether `letters[..end]` splits into known words: reachable[end].
    let mut reachable = vec![false; letters.len() + 1];
    reachable[0] = true;
    for end in 1..=letters.len() {
        reachable[end] = STAND_IN_PARTS
            .iter()
            .chain(PASSWORD_STAND_INS.iter())
            .any(|word| {
                end >= word.len()
                    && reachable[end - word.len()]
                    && letters[end - word.len()..end] == *word.as_bytes()
            });
    }
    reachable[letters.len()]
}

/// `lower` with the digits and symbols of leetspeak read as the letters they stand for
/// (`ch4n63m3` → `changeme`); other symbols are dropped, other digits kept.
fn read_leetspeak(lower: &str) -> String {
    lower
        .chars()
        .filter_map(|c| match c {
            '0' => Some('o'),
            '1' | '!' => Some('i'),
            '3' => Some('e'),
            '4' | '@' => Some('a'),
            '5' | '$' => Some('s'),
            '6' | '9' => Some('g'),
            '7' => Some('t'),
            '8' => Some('b'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// A PowerShell command where the value should be (`$DB_PASSWORD = Read-Host "…"
/// -AsSecureString`): an approved verb, a hyphen and a capitalised noun.
fn is_powershell_command(value: &str) -> bool {
    const VERBS: &[&str] = &[
        "Read",
        "Get",
        "ConvertTo",
        "ConvertFrom",
        "New",
        "Invoke",
        "Import",
        "Select",
        "Format",
    ];
    value.split_once('-').is_some_and(|(verb, noun)| {
        VERBS.contains(&verb)
            && noun.len() >= 3
            && noun.starts_with(|c: char| c.is_ascii_uppercase())
            && noun.bytes().all(|b| b.is_ascii_alphabetic())
    })
}

/// Whether a value assigned to a password name (`password = "super$ecret"`,
/// `REACT_APP_AUTH_PASSWORD=whiteduke`) is a hard-coded password. Unlike keys, passwords are
/// often words, so a word is accepted; what is rejected is what stands in for a password (the
/// dictionary placeholders, `********`), labels and translations (`"password": "Passwort"`),
/// code (`password = user_password`, `getPassword()`), paths and references. An unquoted value
/// is only taken under an environment-style name (`DB_PASSWORD=…` in `.env` files) or when it
/// holds a symbol, since elsewhere it is usually a variable (`this.password = arg2`); a value `compared` with the
/// name (`==`, `!=`) only with a digit or symbol, since a word there is usually a setting.
pub fn password_value_is_plausible(name: &str, value: &[u8], setting: PasswordSetting) -> bool {
    let PasswordSetting {
        quoted,
        compared,
        after_colon,
        ends_line,
        syntax,
        spaced_equals,
    } = setting;
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    if !name_can_hold_a_secret(name) {
        return false;
    }
    // In a query string the password ends at the next parameter (`Password=pass&LOC=$PWS`).
    let value = query_value(value);
    // A stand-in with URL escapes in it (`"password": "pass%5B%7F"`, a URL parser's test).
    if value.contains('%') && is_stand_in_connection_password(value.as_bytes()) {
        return false;
    }
    // A length in CSS (`Login & Password: 300px` in a changelog).
    let css_length = value.trim_end_matches(|c: char| c.is_ascii_lowercase() || c == '%');
    if css_length.len() < value.len()
        && !css_length.is_empty()
        && css_length.bytes().all(|b| b.is_ascii_digit())
        && ["px", "em", "rem", "pt", "vh", "vw", "%"].contains(&&value[css_length.len()..])
    {
        return false;
    }
    // Runs counted in order, the shifted digit row's symbols in order and a test case's number
    // after them (`123456abcDEF!@#3`, `abcDEF1232`): typed to pass a password policy's checks.
    let mut counted = value.to_ascii_lowercase();
    // Every run of the row opens with `!@#`: most values need no rewriting.
    if counted.contains("!@#") {
        for symbols in (3..=8).rev().map(|n| &"!@#$%^&*"[..n]) {
            counted = counted.replace(symbols, "");
        }
    }
    // One symbol set between counted runs (`abc{def`, a test of escaping in a config file).
    let symbols = counted
        .bytes()
        .filter(|b| !b.is_ascii_alphanumeric())
        .count();
    if symbols == 1 {
        counted.retain(|c| c.is_ascii_alphanumeric());
    }
    let counted = counted
        .strip_suffix(|c: char| c.is_ascii_digit())
        .unwrap_or(&counted);
    if counted.len() >= 6 && made_of_ordered_runs(counted.as_bytes()) {
        return false;
    }
    // A theme's colour token (`Pass: 'tigeraGrey.400'` in a table of colours by verdict).
    if value.split_once('.').is_some_and(|(colour, shade)| {
        colour.len() >= 3
            && colour.bytes().all(|b| b.is_ascii_alphabetic())
            && (shade == "50"
                || (shade.len() >= 3
                    && shade.ends_with("00")
                    && shade.bytes().all(|b| b.is_ascii_digit())))
            && shade.len() <= 4
    }) {
        return false;
    }
    // A masked value shown in a form's place (`$this->password = '---invisible---'`).
    if value.len() > 6 && value.starts_with("---") && value.ends_with("---") {
        return false;
    }
    // A word ending a sentence (`// Try to set a different password: succeeds.`) is prose.
    if value.len() > 1
        && value.ends_with('.')
        && value[..value.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_lowercase())
    {
        return false;
    }
    // The English label as the key of a translation (`"Password" : "Facal-faire"`, `"Password":
    // "Mot de passe"`): a capitalised word or words of another language, no digits.
    if name == "Password"
        && value.starts_with(|c: char| c.is_uppercase())
        && value
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-')
        && value.contains(|c: char| c == ' ' || c == '-' || !c.is_ascii())
    {
        return false;
    }
    let lower_name = name.to_ascii_lowercase();
    // Prompts, messages and form fields about a password, not the password.
    const LABEL_NAME_PARTS: &[&str] = &[
        "prompt",
        "message",
        "msg",
        "text",
        "title",
        "error",
        "label",
        "description",
        "help",
        "confirm",
        "forgot",
        "policy",
        "question",
        "tooltip",
        "button",
        "column",
        // A control that hides or shows a password field (`hide-password` and its icon).
        "hide",
        "show",
        "toggle",
        "reveal",
        "icon",
    ];
    if LABEL_NAME_PARTS
        .iter()
        .any(|part| lower_name.contains(part))
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let alphanumeric = squashed(value);
    // A test's description as its password (`password := "round-trip-test"`,
    // `"authenticated-backup-test"`, `'key_transfer_test'`): three or more lower-case words
    // joined by hyphens or underscores, one of them `test`.
    let words: Vec<&str> = value.split(['-', '_']).collect();
    if words.len() >= 3
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && words
            .iter()
            .any(|w| ["test", "tests", "testing"].contains(w))
    {
        return false;
    }
    // The name of the form field the password is typed in (`password="mypassfield"` beside
    // `username="myusernamefield"`).
    if alphanumeric.ends_with("field") && alphanumeric.contains("pass") {
        return false;
    }
    // A value that says it could be any value (`DEFAULT_GUEST_PW = "thiscanbeanything"`).
    if ["anything", "whatever"]
        .iter()
        .any(|w| alphanumeric.contains(w))
    {
        return false;
    }
    // A piece of the word itself (`password = "ssword"`, the tail a prompt is matched by).
    let piece_of_password_word = lower.len() >= 4
        && ["password", "passwd", "passphrase"]
            .iter()
            .any(|word| word.contains(lower.as_str()));
    // Words naming a stored form of a password (`existing-hash`, `alice_digest`): what a test
    // puts in a column that holds a hash, not a password anyone types.
    // A schema's type (`savePassword: Boolean!`, `password: [String!]!` in GraphQL SDL).
    let schema_type = {
        let bare = lower.trim_matches(|c| matches!(c, '[' | ']' | '!'));
        lower != bare && ["boolean", "string", "int", "float", "id", "bool"].contains(&bare)
    };
    // A password a test types to fail (`wrongpw`, `invalid_password`, `badpass`).
    let made_to_fail = ["wrong", "invalid", "incorrect", "bad"]
        .iter()
        .any(|w| lower.starts_with(w))
        && ["pw", "pass", "pwd", "pin"]
            .iter()
            .any(|p| lower.contains(p));
    let names_a_stored_form = (lower.contains(['-', '_'])
        && lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
        && ["hash", "hashed", "digest", "encrypted", "ciphertext"]
            .iter()
            .any(|word| lower.split(['-', '_']).any(|w| w == *word)))
        // One word ending in `hash` (`$user->password = 'superhash'`).
        || (lower.len() > 4
            && lower.ends_with("hash")
            && lower.bytes().all(|b| b.is_ascii_lowercase()));
    // A test's description of the value (`"will-be-cleared"`, `should-not-exist`,
    // `wrong-cookie`): lower-case words joined by hyphens or underscores, one of them a word that
    // describes (a chosen passphrase such as `correct-horse-battery-staple` has none).
    const DESCRIBING: &[&str] = &[
        "should", "will", "must", "be", "not", "is", "are", "was", "been", "ignored", "cleared",
        "wrong", "invalid", "bad", "any", "some", "other", "another", "no", "from",
    ];
    let words: Vec<&str> = value.split(['-', '_']).collect();
    let describes = (lower.len() > 8
        && lower.bytes().all(|b| b.is_ascii_lowercase())
        && [
            "shouldnot",
            "mustnot",
            "shouldbe",
            "mustbe",
            "willbe",
            "notshown",
            "nottoshow",
        ]
        .iter()
        .any(|start| lower.starts_with(start)))
        || words.len() >= 2
            && words
                .iter()
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
            && words.iter().any(|w| DESCRIBING.contains(w));
    // JavaScript's double negation (`pass: !!actual`) makes a boolean of an expression, and a
    // negated member (`wantPassword = !tc.authErr`) is one.
    let coerced = value.starts_with("!!")
        || value.strip_prefix('!').is_some_and(|member| {
            member.contains('.')
                && member.split('.').all(|part| {
                    part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                        && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                })
        });
    // Words joined by commas (`test "$linkmode,$pass" = "prog,link"` in libtool): a list; joined
    // by `+`, form-encoded text (`'pass' : 'cloud+country'` in a query-string test).
    let word_list = [',', '+'].iter().any(|&joint| {
        value.contains(joint)
            && value
                .split(joint)
                .all(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_lowercase()))
    });
    // A letter and digits counted in order (`a123`, `f1234`): a test's stand-in.
    let letter_and_count = (4..=6).contains(&value.len())
        && value
            .as_bytes()
            .split_first()
            .is_some_and(|(letter, count)| {
                letter.is_ascii_alphabetic()
                    && count.iter().all(u8::is_ascii_digit)
                    && longest_ordered_run(count) == count.len()
            });
    // Under the bare name `pass`, a check's result rather than a password (`{ pass: 'queued' }`,
    // `{ pass: 'rcpt_to' }` in a mail server's results): a word in the past tense or a
    // snake-case name.
    let check_result = lower_name == "pass"
        && ((value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && (value.contains('_') || value.ends_with("ed")))
            // A camel-case name (`<settings pass="oobeSystem">`, a Windows setup phase).
            || (value.bytes().all(|b| b.is_ascii_alphabetic())
                && value.starts_with(|c: char| c.is_ascii_lowercase())
                && value.contains(|c: char| c.is_ascii_uppercase()))
            // Go's test output (`--- PASS: TestConvertToGeoJson_PolyError2 (0.00s)`).
            || (["Test", "Benchmark", "Example", "Fuzz"]
                .iter()
                .any(|kind| value.starts_with(kind))
                && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')));
    // A type (`'setPassword' => 'bool'` in a table of methods' return types, `?string`,
    // `bool|int`).
    let type_name = lower.split('|').all(|part| {
        [
            "bool",
            "boolean",
            "int",
            "integer",
            "float",
            "string",
            "void",
            "array",
            "mixed",
            "object",
            "null",
            "callable",
            "iterable",
            "never",
            "false",
            "true",
            "static",
            "self",
            // TypeScript's (`CREATE_SIGNATURE_PASSWORD: number` in an enum's type).
            "number",
            "any",
            "unknown",
            "undefined",
            "bigint",
            "symbol",
        ]
        .contains(&part.trim_start_matches('?'))
    });
    // Letters crossed out (`'password' => 'D---S'`): a value hidden in an example.
    let crossed_out = value.contains("---");
    // `PWD`, the working directory (`let pwd = "linked_current_dir2"`, `PWD=/srv/app`).
    let working_directory = lower_name == "pwd"
        && (value.starts_with(['/', '.', '~'])
            || ["dir", "path", "folder"].iter().any(|w| lower.contains(w)));
    // `passwd: files` in nsswitch.conf: where the user database is looked up, not a password.
    let name_service = lower_name == "passwd"
        && [
            "files",
            "compat",
            "systemd",
            "sss",
            "nis",
            "nisplus",
            "ldap",
            "winbind",
            "cache",
            "extrausers",
        ]
        .contains(&lower.as_str());
    // The value holds its own name (`payment:i-pass: Key:payment:i-pass`, a wiki's page list).
    let names_itself = lower_name.len() >= 4 && lower.contains(&lower_name);
    // The name ends with the value (`#define PWD_POL_OPT_SHADOW "shadow"`, `#define
    // SYSDB_LOCAL_PASSKEY_AUTH "localPasskeyAuth"`): a constant for an option or a key, or the
    // value names the form of the password the name describes (`encodedPassword = "encoded"`).
    let squashed_name = squashed(name);
    let named_by_its_name = (alphanumeric.len() >= 5
        && squashed_name.len() >= alphanumeric.len() + 4
        && squashed_name.ends_with(&alphanumeric))
        || ([
            "encoded",
            "hashed",
            "encrypted",
            "raw",
            "plain",
            "expected",
            "actual",
            "stored",
        ]
        .contains(&lower.as_str())
            && squashed_name.starts_with(&lower));
    // A letter typed three times or more and a full stop (`http_auth_pw=YYY.` in prose).
    let sentence_end = value.strip_suffix('.').unwrap_or(value);
    let letter_run = sentence_end.len() >= 3
        && sentence_end
            .bytes()
            .all(|b| b == sentence_end.as_bytes()[0]);
    // A CSS declaration (`"whs:pw": "white-space:pre-wrap;"` in an editor's abbreviations).
    let css_declaration = value.strip_suffix(';').is_some_and(|declaration| {
        declaration.split_once(':').is_some_and(|(property, _)| {
            property.len() >= 3
                && property
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-')
        })
    });
    // A conditional expression compared with the word (`"password"===t.type?n.value?…` in a
    // bundle): code, not a literal.
    let ternary = compared
        && !quoted
        && value.contains('?')
        && value.split('?').next().is_some_and(|head| {
            head.split_once('.').is_some_and(|(object, member)| {
                !object.is_empty()
                    && !member.is_empty()
                    && format!("{object}{member}")
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
            })
        });
    // A stand-in and a letter naming one of two (`"valueA"`, `"valueB"`).
    let lettered_stand_in = value.len() > 4
        && value.as_bytes()[value.len() - 1].is_ascii_uppercase()
        && value[..value.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_lowercase())
        && PASSWORD_STAND_INS.contains(&&lower[..lower.len() - 1]);
    // One piece typed three times or more (`zzzz`, `metricsmetricsmetricsmetrics`); twice is a
    // development password (`lemmylemmy`).
    let repeated = (1..=value.len() / 3).any(|piece| {
        value.len().is_multiple_of(piece)
            && value
                .as_bytes()
                .chunks(piece)
                .all(|c| c == &value.as_bytes()[..piece])
    });
    // Four or five characters counted in order (`defg`, `wxyz`, `2345`).
    let counted = value.len() <= 5 && longest_ordered_run(lower.as_bytes()) == value.len();
    // A name joined to more by `+` (`MailUsername+":"+MailPassword`): code.
    let joined = value.strip_suffix('+').is_some_and(|head| {
        head.starts_with(|c: char| c.is_ascii_alphabetic())
            && head.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
    });
    // One upper-case word (`'BLOCKED'`, `NOTSET`): a sentinel a test or a template writes.
    let sentinel = (4..=12).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_uppercase());
    // A camel-case identifier of three words or more naming a password field (`'mustchangepassword'
    // => 'pwdChangeNextLogin'`, an LDAP attribute), and a word between asterisks (`'*unchanged*'`):
    // a marker.
    let identifier_words = name_words(value);
    let names_a_password_field = value.starts_with(|c: char| c.is_ascii_lowercase())
        && value.bytes().all(|b| b.is_ascii_alphabetic())
        && identifier_words.len() >= 3
        && identifier_words
            .iter()
            .any(|w| ["pwd", "pass", "password", "passwd"].contains(&w.as_str()));
    // A short value read on into a URL's query (`password=bar?hive.server2.transport.mode=http` in
    // a JDBC URL): the query is not the password's.
    let runs_into_a_query = value.split_once('?').is_some_and(|(head, query)| {
        (1..=5).contains(&head.len())
            && query.split_once('=').is_some_and(|(key, _)| {
                key.starts_with(|c: char| c.is_ascii_alphabetic())
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            })
    });
    let starred_word = value
        .strip_prefix('*')
        .and_then(|rest| rest.strip_suffix('*'))
        .is_some_and(|word| word.len() >= 3 && word.bytes().all(|b| b.is_ascii_lowercase()));
    if value.len() < 4
        || value.len() > 64
        || coerced
        || names_a_password_field
        || runs_into_a_query
        || starred_word
        || word_list
        || letter_and_count
        || sentinel
        || check_result
        || name_service
        || working_directory
        || type_name
        || crossed_out
        || letter_run
        || ternary
        || css_declaration
        || lettered_stand_in
        || names_itself
        || named_by_its_name
        || counted
        || joined
        || repeated
        || describes
        || piece_of_password_word
        || names_a_stored_form
        || made_to_fail
        || schema_type
        || !value.is_ascii()
        || is_other_data(value)
        || has_format_placeholder(value)
        || PASSWORD_STAND_INS.contains(&lower.as_str())
        || PASSWORD_STAND_INS.contains(&alphanumeric.as_str())
        || spells_a_stand_in(&lower)
        || pairs_stand_ins(value)
        || (!quoted && is_powershell_command(value))
        || translates_password(value)
        || value
            .bytes()
            .all(|b| b == b'*' || b == b'x' || b == b'X' || b == b'.')
    {
        return false;
    }
    let has_digit = value.bytes().any(|b| b.is_ascii_digit());
    let has_symbol = value
        .bytes()
        .any(|b| !b.is_ascii_alphanumeric() && b != b'_');
    // A version (`"pbkdf2-password": "1.2.1"` among a package's dependencies, `^2.0.0`).
    let version = value.trim_start_matches(['^', '~', '=', 'v', '>', '<']);
    if version.contains('.')
        && version.split('.').count() <= 4
        && version
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let number = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    // An object identifier (`#define LDAP_EXOP_MODIFY_PASSWD "1.3.6.1.4.1.4203.1.11.1"`).
    if value.split('.').count() >= 5 && value.split('.').all(number) {
        return false;
    }
    // A range of numbers (`receiver_password: 30..52`, a byte range in Elixir's binary match).
    if value
        .split_once("..")
        .is_some_and(|(from, to)| number(from) && number(to.trim_start_matches('.')))
    {
        return false;
    }
    // An e-mail address is what anonymous FTP takes as a password (`passwd="anonymous@x.org"`),
    // and a word ending in `=` is the next key of a list (`password= scmVersion=`).
    let email = is_email_address(value);
    let next_key = value
        .strip_suffix('=')
        .is_some_and(|key| key.bytes().all(|b| b.is_ascii_alphabetic()));
    if email || next_key {
        return false;
    }
    // A constant's name (`VALUE_SPECIFIED_IN_NO_LOG_PARAMETER`, Ansible's mask for hidden
    // values; `FTP_PASS`) or a sentinel (`NOT-NEEDED`): upper-case words joined by underscores
    // or hyphens, without a digit.
    if value.contains(['_', '-'])
        && value
            .split(['_', '-'])
            .all(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return false;
    }
    // A locked account's marker in a password field (`*LK*`, `*NP*`).
    if value.len() <= 8
        && value
            .strip_prefix('*')
            .and_then(|v| v.strip_suffix('*'))
            .is_some_and(|inner| !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return false;
    }
    if describes_its_password(value) {
        return false;
    }
    // Another setting's name (`"redis_password": "redis_url"`): snake-case words ending in a
    // noun for a setting.
    const SETTING_NOUNS: &[&str] = &[
        "url", "uri", "host", "port", "name", "id", "key", "path", "file", "dir", "type", "user",
        "env", "var", "field", "column", "param",
    ];
    if value.contains('_')
        && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        && value
            .rsplit('_')
            .next()
            .is_some_and(|last| SETTING_NOUNS.contains(&last))
    {
        return false;
    }
    // `your_password`, `db_password`, `thisismypassword`: a description of the value.
    if !has_digit
        && ["password", "passwd", "passphrase", "secret"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return false;
    }
    // A label or translation: `Password`, `Passwort`, `Mot_de_passe`.
    let first_upper = value.bytes().next().is_some_and(|b| b.is_ascii_uppercase());
    if first_upper
        && !has_digit
        && !has_symbol
        && value[1..].bytes().all(|b| !b.is_ascii_uppercase())
    {
        return false;
    }
    // A class or type name (`password => "TextInput"`): capitalised words run together, each a
    // capital and lower-case letters with a vowel among them (`DmbslfLvasjdl` is typed noise).
    let humps: Vec<&str> = value
        .match_indices(|c: char| c.is_ascii_uppercase())
        .map(|(i, _)| {
            let rest = &value[i + 1..];
            let end = rest
                .find(|c: char| !c.is_ascii_lowercase())
                .unwrap_or(rest.len());
            &value[i..i + 1 + end]
        })
        .collect();
    let spelled =
        |word: &&str| word.len() >= 2 && word.bytes().any(|b| b"aeiouyAEIOUY".contains(&b));
    if first_upper
        && !has_digit
        && !has_symbol
        && humps.len() >= 2
        && humps.iter().map(|h| h.len()).sum::<usize>() == value.len()
        && humps.iter().all(spelled)
    {
        return false;
    }
    // Code: calls, members, paths, file names, selectors, numbers alone; the gap between two
    // strings (`"Password:",rememberMeLabel:"`).
    if value.contains(['(', ')', '/', '\\', '[', ']'])
        || value.starts_with([',', ';', ':'])
        || value.ends_with(':')
        // `"password"===e.type?"password":"text"`: the condition of a ternary.
        || (value.ends_with('?')
            && value
                .trim_end_matches('?')
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.'))
        // Anonymous FTP's conventional password is an e-mail address or a name and `@`
        // (`guest@`; `Prl23Db#@`, symbols and all, is a password).
        || value.strip_suffix('@').is_some_and(|name| {
            !name.contains('@')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        })
        || ["==", "!=", "=>", "&&", "||", "?."].iter().any(|op| value.contains(op))
        // Numeric literals: `STENCIL_PASS_DEPTH_PASS: 0x8896`.
        || (value.starts_with("0x") && value[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        || (value.contains('.') && looks_like_identifier(value))
        || value.bytes().all(|b| b.is_ascii_digit())
        || (value.starts_with('#') && value[1..].bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'))
    {
        return false;
    }
    // `update_password == "always"`: a comparison with a word is a setting, not a password.
    if compared && !(has_digit || has_symbol) {
        return false;
    }
    if quoted {
        return true;
    }
    // In prose (`ssh ops@10.0.0.5 (pw: Rosebud42!)`, `PW:x7Lq2 ID:ops`) a bare value with
    // letters and a digit or symbol is the password; a plain word is the sentence going on.
    if syntax == Syntax::Prose
        && value.bytes().any(|b| b.is_ascii_alphabetic())
        && (has_digit || has_symbol)
        && !looks_like_identifier(value)
    {
        return true;
    }
    // `password: *mut u16,`, `IS_PASSWORD: InputScope = …`: an unquoted value after a colon is
    // a YAML value only when it ends the line; elsewhere it is a type.
    if (after_colon && !ends_line) || value.starts_with(['*', '&']) {
        return false;
    }
    let environment_style = environment_style(name);
    let word_chars = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    // In a configuration file (`password: rosebud42` in YAML, `db.password=rosebud42`) an
    // unquoted value that ends its line is a string, unless it is spelled like a variable
    // (`db_password`, `DB_PASSWORD`).
    if syntax == Syntax::Config && ends_line {
        return !(word_chars && looks_like_identifier(value));
    }
    // Elsewhere an unquoted word or `arg2` is a variable; a symbol makes it a literal.
    let code_name = word_chars
        && (looks_like_identifier(value) || value.bytes().any(|b| b.is_ascii_uppercase()));
    // `CLINLIMS_PWD = line` in Python: an upper-case name assigned a bare word with spaces
    // around `=` is a variable's assignment, not shell's.
    let assigns_a_variable = spaced_equals && syntax == Syntax::Code && word_chars;
    (environment_style && !code_name && !assigns_a_variable)
        || (has_symbol && !looks_like_identifier(value))
}

/// How a value matched by a password rule stands in its line.
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordSetting {
    /// In quotes: a string literal.
    pub quoted: bool,
    /// Compared with the name (`==`, `!=`) rather than assigned.
    pub compared: bool,
    /// After `name:` (YAML, a type annotation, an object key).
    pub after_colon: bool,
    /// Nothing but a comment follows the value on its line.
    pub ends_line: bool,
    /// The file's syntax, which decides what an unquoted value is (see [`Syntax`]).
    pub syntax: Syntax,
    /// Assigned with ` = `, spaces around the sign: a language's assignment, which shell's
    /// `NAME=value` never is.
    pub spaced_equals: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secret_ciphertext_is_told_from_a_plain_secret() {
        let sealed = "kind: SealedSecret\nspec:\n  encryptedData:\n    TOKEN: AgBy3i4O\n  template:\n    data:\n      token: plain\n";
        assert!(in_sealed_secret(
            sealed.as_bytes(),
            sealed.find("AgBy").unwrap()
        ));
        assert!(!in_sealed_secret(
            sealed.as_bytes(),
            sealed.find("plain").unwrap()
        ));
        let plain = sealed.replace("SealedSecret", "Secret");
        assert!(!in_sealed_secret(
            plain.as_bytes(),
            plain.find("AgBy").unwrap()
        ));
    }

    #[test]
    fn time_based_uuids_are_identifiers_and_random_ones_may_be_keys() {
        // Version 1, stamped 2022, with a Docker bridge MAC address.
        assert!(is_time_based_uuid("743b294a-cd03-11ec-9d64-0242ac120002"));
        // Version 4 (random), as npm's legacy tokens and Heroku's keys are.
        assert!(!is_time_based_uuid("007e65c7-635d-4d54-8294-f360cb8e2e3f"));
        // Version 1 in layout but stamped in the 2200s: random hex, not a clock.
        assert!(!is_time_based_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_time_based_uuid("743b294acd0311ec9d640242ac120002"));
    }

    #[test]
    fn hard_coded_passwords_are_told_from_stand_ins_labels_and_code() {
        let judge = |name: &str, value: &str, quoted: bool, compared: bool| {
            let setting = PasswordSetting {
                quoted,
                compared,
                after_colon: false,
                ends_line: true,
                syntax: Syntax::Code,
                spaced_equals: false,
            };
            password_value_is_plausible(name, value.as_bytes(), setting)
        };
        let annotation = PasswordSetting {
            after_colon: true,
            ..PasswordSetting::default()
        };
        assert!(!password_value_is_plausible(
            "pszpassword",
            b"*mut",
            annotation
        ));
        assert!(!password_value_is_plausible(
            "IS_PASSWORD",
            b"InputScope",
            annotation
        ));
        // Stand-ins for a stored hash, and a password that merely mentions one.
        assert!(!judge("MasterPassword", "existing-hash", true, false));
        assert!(!judge("encrypted_password", "alice_digest", true, false));
        assert!(judge("password", "hash-Brown42", true, false));
        assert!(!judge("smtp_password", "encrypted", true, false));
        assert!(!judge("authd.pass", "P4ssW0rd!", true, true));
        assert!(!judge("receiver_password", "30..52", false, false));
        assert!(!judge("PWD_POL_OPT_SHADOW", "shadow", true, false));
        // Types, not values (`'setPassword' => 'bool'`), and letters crossed out.
        assert!(!judge("setPassword", "bool", true, false));
        assert!(!judge("getPassword", "?string", true, false));
        assert!(!judge("setPassword", "bool|int", true, false));
        for stand_in in [
            "D---S",
            "abc{def",
            "superhash",
            "shouldnotshow",
            "pass$word1",
        ] {
            assert!(!judge("password", stand_in, true, false), "{stand_in}");
        }
        assert!(judge("password", "pass$wordfish1", true, false));
        assert!(!judge("pwd", "linked_current_dir2", true, false));
        assert!(judge("db_pwd", "linked_current_dir2", true, false));
        assert!(!judge("password", "t.type?n.value?", false, true));
        assert!(judge("password", "t.type?n.value?", true, false));
        assert!(!judge("http_auth_pw", "YYY.", false, false));
        assert!(!judge("whs:pw", "white-space:pre-wrap;", true, false));
        assert!(!judge("Password", "valueB", true, false));
        assert!(judge("Password", "valiantB", true, false));
        assert!(judge("password", "abc{def7Q", true, false));
        assert!(judge("password", "Boolean42!", true, false));
        // A test's description, and a value that says it could be any.
        for stand_in in [
            "round-trip-test",
            "key_transfer_test",
            "local-auto-lock-test",
            "thiscanbeanything",
            "mypassfield",
        ] {
            assert!(!judge("password", stand_in, true, false), "{stand_in}");
        }
        for password in ["crimson-falcon-testify", "round-trip-t3st"] {
            assert!(judge("password", password, true, false), "{password}");
        }
        // nsswitch.conf's sources of the user database (`passwd: files systemd`).
        assert!(!judge("passwd", "files", false, false));
        assert!(!judge("passwd", "compat", false, false));
        assert!(judge("passwd", "k3ttle!drum", false, false));
        assert!(!judge(
            "LDAP_EXOP_MODIFY_PASSWD",
            "1.3.6.1.4.1.4203.1.11.1",
            true,
            false
        ));
        assert!(!judge("slappasswd", "RFC2307", false, false));
        for (name, stand_in) in [
            ("password", "sensitive"),
            ("kSecClassGenericPassword", "genp"),
            ("password", "quux"),
            ("pass", "cleartext"),
        ] {
            assert!(!judge(name, stand_in, true, false), "{name} = {stand_in}");
        }
        assert!(!judge("Password", "masked", false, false));
        assert!(!judge("ftp_password", "mozilla@", false, false));
        assert!(judge("pw", "Prl23Db#@", false, false));
        assert!(!judge("DD_UWSGI_PASS", "uwsgi_server", true, false));
        assert!(!judge(
            "SYSDB_LOCAL_PASSKEY_AUTH",
            "localPasskeyAuth",
            true,
            false
        ));
        assert!(!judge("encodedPassword", "encoded", true, false));
        assert!(judge("PASSWORD_SHADOW", "sh4dow!Q", true, false));
        assert!(judge("receiver_password", "30..52x", false, false));
        assert!(!judge("savePassword", "Boolean!", false, false));
        assert!(!judge("Password", "pass&LOC=$PWS", false, false));
        assert!(judge("Password", "Zq8v!K2m&LOC=1", false, false));
        assert!(!judge("password", "succeeds.", false, false));
        assert!(!judge("password", "wrongpw", true, false));
        assert!(!judge("password", "x-oauth-basic", true, true));
        assert!(judge("password", "badger-Zq81", true, false));
        assert!(!judge("password", "access_token", true, false));
        assert!(!judge("password", "your-password", true, false));
        assert!(judge("password", "access_Zq81", true, false));
        assert!(!judge("password", "mypassword", true, false));
        assert!(!judge("password", "[String!]!", false, false));
        assert!(is_placeholder(b"changethis", false));
        assert!(!judge(
            "LOGON_USED_LM_PASSWORD",
            "MSV_SUB_AUTHENTICATION",
            false,
            false
        ));
        let yaml = PasswordSetting {
            after_colon: true,
            ends_line: true,
            ..PasswordSetting::default()
        };
        assert!(password_value_is_plausible(
            "password",
            b"k3ttle!drum",
            yaml
        ));
        // A word is a variable in code but a string in a configuration file's unquoted value.
        assert!(!password_value_is_plausible("password", b"rosebud42", yaml));
        let config = PasswordSetting {
            syntax: Syntax::Config,
            ..yaml
        };
        assert!(password_value_is_plausible(
            "password",
            b"rosebud42",
            config
        ));
        assert!(password_value_is_plausible(
            "db.password",
            b"Hardc0ded",
            config
        ));
        for variable in [
            "db_password",
            "DB_PASSWORD",
            "null",
            "string",
            "changeme",
            "e.type?",
        ] {
            assert!(
                !password_value_is_plausible("password", variable.as_bytes(), config),
                "{variable}"
            );
        }
        // Followed by more than a comment, it is still not taken.
        let inline = PasswordSetting {
            ends_line: false,
            ..config
        };
        assert!(!password_value_is_plausible(
            "password",
            b"rosebud42",
            inline
        ));
        assert!(judge("password", "super$ecret", true, false));
        assert!(judge("REACT_APP_AUTH_PASSWORD", "whiteduke", false, false));
        assert!(judge("password", "team10", true, true));
        assert!(judge("db.pass", "k3ttle!drum", false, false));
        assert!(judge("password", "ADMIN_PASS_2024", true, false));
        assert!(judge("password", "GoBananas!", true, false));
        assert!(judge("vault_password", "DmbslfLvasjdl", true, false));
        assert!(judge("password", "bbrocks", true, false));
        assert!(judge("pass", "Tr0ub4dor&3", true, false));
        // Stand-ins, labels, descriptions and code: setup phases and Go test names under `pass`,
        // labels, leetspeak stand-ins, Debian architectures, form-encoded words.
        for (name, value, quoted) in [
            ("password", "from_meltano_yml", true),
            ("pass", "oobeSystem", true),
            ("PASS", "TestConvertToGeoJson_PolyError2", true),
            ("pass", "original", true),
            ("password", "passw0rd1", true),
            ("passwd", "sekrit", true),
            ("passwd", "amd64", true),
            ("password", "oipass", true),
            ("password", "N3Ws3cr3t", true),
            ("idPassword", "user1:pass1", true),
            ("pass", "cloud+country", true),
            ("password", "changeme", true),
            ("password", "Passwort", true),
            ("password", "your_password", true),
            ("password", "********", true),
            ("password", "user_password", false),
            ("password", "getPassword()", true),
            ("password", "Lösenord", true),
            ("password", "${DB_PASSWORD}", true),
            ("password_prompt", "Enter4it", true),
            ("password", "busybox@", true),
            // The format line of /etc/passwd and /etc/group in a comment.
            ("Pass", "Uid:Gid:Gecos:Home:Shell", false),
            ("password", "GID:user_list", false),
            // Settings and a constant's name.
            ("reuse_password", "enable", true),
            ("password", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", true),
            ("password", "TextInput", true),
            ("password", "FTP_PASS", true),
            ("id_password", "user_pass", true),
            ("pbkdf2-password", "1.2.1", true),
            ("pbkdf2-password", "^3.1.0", true),
        ] {
            assert!(!judge(name, value, quoted, false), "{name} = {value}");
        }
        // A comparison with a plain word is a setting.
        assert!(!judge("update_password", "always", true, true));
        assert!(!judge("password", "arg2", false, false));
        assert!(!judge("STENCIL_PASS_DEPTH_PASS", "0x8896", false, false));
        assert!(!judge("pass", "d===t?a:b", true, false));
    }

    #[test]
    fn tables_of_texts() {
        assert!(indexes_text_table(b"$labels["));
        assert!(indexes_text_table(b"  $LANG["));
        assert!(indexes_text_table(b"messages["));
        assert!(!indexes_text_table(b"$config["));
        assert!(!indexes_text_table(b"$labels"));
        assert!(!indexes_text_table(b"os.environ["));
    }

    #[test]
    fn entropy_of_uniform_and_random_strings() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy(b"8fK2pQ9xZ7mN4vB1cR6tY3wE5uI0oP") > 4.5);
    }

    #[test]
    fn placeholders_are_recognised() {
        for placeholder in [
            &b"AKIAIOSFODNN7EXAMPLE"[..],
            b"6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",
            b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            b"${GITHUB_TOKEN}",
            b"t.1234abcd",
            b"RANDOMCHARS-----lGyjPcRtvP",
            b"DATABASEPASSWORDHERE",
            b"mypasshere",
            // A hash with the verdict of a test written into it.
            b"$2a$11$zrPPcfZ091WRONGPASSWORDitlgrJcecfZhxOFiQs0FWw7TN3Q1oS",
            b"private-reg-token2",
            b"yourTokenHere",
        ] {
            assert!(
                is_placeholder(placeholder, false),
                "{}",
                String::from_utf8_lossy(placeholder)
            );
        }
        assert!(!is_placeholder(b"k9xq2-token", false));
        assert!(is_placeholder(
            b"550e8400-e29b-41d4-a716-446655440003",
            false
        ));
        assert!(is_placeholder(
            b"$2a$04$abcdef0123456789abcdef0123456789abcdef0123456789abcde",
            false
        ));
        assert!(!is_placeholder(
            b"$2a$04$am7Whn1NKJfKHnBXefLlpu0kiX7a.smAyO5Irai/Pf4NcO0ddbUfa",
            false
        ));
        assert!(is_placeholder(b"00112233445566778899aabbccddeeff", false));
        assert!(is_placeholder(b"&lt;argument&gt;", false));
        assert!(!is_placeholder(b"t.8f3kq1zx", false));
        assert!(is_placeholder(b"sk_live_000000000000000000000000", false));
        assert!(is_placeholder(b"sk-proj-YOUR_API_KEY_HERE", false));
        assert!(is_placeholder(b"SET_A_PASSWORD_HERE_123", false));
        assert!(is_placeholder(
            b"IQoJb3JpZ2luX2VjEBAReallyLongSessionToken",
            false
        ));
        assert!(!is_placeholder(b"IQoJb3JpZ2luX2VjEBAaGk2Token", false));
        assert!(is_placeholder(b"hash:%016X", false));
        assert!(is_placeholder(b"user-%-10s", false));
        assert!(!is_placeholder(b"k9Xq%2fLm8pR4tW%3dnB3cY5", false));
        assert!(!is_placeholder(b"k9Xq%20sLm8pR4tW", false));
        assert!(is_placeholder(b"not-used-for-oauth2", false));
        assert!(is_placeholder(b"s3user-s3cr3t", false));
        assert!(is_placeholder(b"abcd:123", false));
        assert!(!is_placeholder(b"k9xq:2vLm", false));
        assert!(!is_placeholder(b"Xk9mQ2vL8pR4-s3cr3t", false));
        assert!(is_placeholder(
            b"element-6066-11e4-a52e-4f735466cecf",
            false
        ));
        assert!(is_placeholder(b"not-valid-base64-ciphertext!@#$", false));
        assert!(!is_placeholder(b"Xk9_mQ2vL8pR4_there", false));
        assert!(is_placeholder(
            b"glsa_iNValIdinValiDinvalidinvalidinva_5b582697",
            false
        ));
        assert!(!is_placeholder(
            b"ghp_R8x2Lq9vTz4Kp7Wm3Nc6Yb1Hd5Fs0Gj2Ae8U",
            false
        ));
        assert!(is_placeholder(b"<your-api-key>", false));
        assert!(is_placeholder(b"sk-<key>-live", false));
        assert!(is_placeholder(b"$this->token", false));
        // A lone angle bracket is one more symbol in a random password.
        assert!(!is_placeholder(b"q7W>k2Lp9]G&3CF=;@vyrVBp", false));
    }

    #[test]
    fn other_data_is_not_a_secret() {
        assert!(is_other_data(
            "pk_live_51HqLyjWDarjtT1zdp7dcXkqYbTMUTqWQm7vT2xW9kLp3"
        ));
        assert!(is_other_data(
            "pk.eyJ1IjoiYWNtZSIsImEiOiJja3Q5eDJ2bmEwMWxxMnBvNnh6dGZ6In0.Qm7vT2xW9kLp3Rt8"
        ));
        assert!(!is_other_data(
            "sk.eyJ1IjoiYWNtZSIsImEiOiJja3Q5eDJ2bmEwMWxxMnBvNnh6dGZ6In0.Qm7vT2xW9kLp3Rt8"
        ));
        assert!(is_other_data("npm:^9.0.3"));
        assert!(is_other_data("seed-$name"));
        assert!(is_other_data("DIR/aux-fixed/cert1"));
        assert!(is_other_data("Api/V8/OAuth2/private.key"));
        assert!(is_other_data("index/base-62-digits"));
        assert!(is_other_data("EC-5LL13394G30048922"));
        assert!(is_other_data("IDX_CFC35A68E0669C0612136921"));
        assert!(is_other_data("FKCFCEA42640BE071Z"));
        assert!(is_other_data("FK7C97089541F0A56"));
        assert!(is_other_data("FKg27d33ww77k0iu9wftb8g87o2"));
        assert!(is_other_data("fk_61d8dc4441dee7b9"));
        assert!(!is_other_data("fk_61D8dc4441dee7b9"));
        assert!(!is_other_data("FKg27d33Ww77k0iu9wftb8g87o2"));
        assert!(!is_other_data("FKq8Jx2LmPz7vB3n"));
        assert!(is_other_data("--account=good_account"));
        assert!(is_other_data("-Djava.library.path="));
        assert!(is_other_data("io/ktor/server/auth/OAuthCallback"));
        assert!(!is_other_data("ab/cd/Xk9mQ2vL8pR4tWn6+"));
        assert!(is_other_data("_LDAPUSER_"));
        assert!(!is_other_data("_Xk9mQ2vL8p_"));

        assert!(is_other_data("SWSCAETKEFPZSJJHZVBNQ2D6YG"));
        assert!(!is_other_data("IDX_Xk9mQ2vL8pR4tWn6"));
        assert!(is_other_data(
            "Zpub6y4evsU8HJw2d7ZH8QNyC6UKWHyxinAuQKkD6btsEZMbamy96UnefnM4sZp2K38rdiUssEhNq9TBpJ8Bh1GZCGTFpnYz8jM9pAdS6vk5VQs"
        ));
        assert!(!is_other_data(
            "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
        ));
        assert!(!is_other_data("kq8v-zx2m/wp9t"));
        // An EC public key (SubjectPublicKeyInfo) is public; a PKCS#8 private key is not.
        assert!(is_other_data(
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuqrhn2ztPnPt8QybIGsLpROYR/xcJ/uw0jN85kdMQFKdCkwxOLaU70uVQ+zZ+F0B1fgx8qfAXus7mXWsJxBXrg=="
        ));
        assert!(!is_other_data(
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtuQJA+uboZWVwgHcDciyVdrovAPwlMqshDK3s78IDDuhRANCAAQm0VEdzLB9PtD0HA8JK1zifWnj8M00"
        ));
        assert!(!is_other_data("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assert!(!is_other_data("AB/xk9mq2vl8pr4t/wn6yb3hs7jd5"));
        assert!(is_other_data("blocking=yes"));
        assert!(!is_other_data("blocking=Xk9mQ2vL8pR4"));
        assert!(is_other_data("key-${ENV}"));
        assert!(is_other_data("pw_$(date +%s)"));
        assert!(!is_other_data("dsjUE#$gds8s"));
        assert!(!is_other_data("Pa55-$1"));
        assert!(is_other_data("confirmed|"));
        assert!(is_other_data("required|confirmed|min:8"));
        assert!(!is_other_data("Xk9|mQ2vL8pR4"));
        assert!(is_other_data("ECMA-376"));
        assert!(!is_other_data("Xk9mQ-2vL8pR4"));
        assert!(is_placeholder(b"crwdns1742:0crwdne1742:0", false));
        assert!(reads_as_code_identifier(b"*payload.AzureAuthenticationKey"));
        assert!(is_other_data("libgm3000_scard.1.0.so"));
        assert!(is_other_data("mtoken_k7.dll"));
        assert!(!is_other_data("Xk9mQ2vL8soR4tW7"));
        assert!(is_other_data(
            "test-key/20240101/us-east-1/s3/aws4_request&X-Amz-Date=20240101T120000Z"
        ));
        assert!(is_other_data("option.sshKeyPassphrase"));
        assert!(is_other_data("env:CERT_PASS"));
        assert!(is_other_data(
            "github.com/hashicorp/terraform-plugin-framework/types.List"
        ));
        assert!(is_other_data("ghcr.io/acme/app"));
        assert!(!is_other_data("Xk9.mQ2vL8/pR4tW7qZ3"));
        assert!(!is_other_data("ab.cd/Xk9mQ2vL8pR4"));
        assert!(is_other_data("!!account?.hasOAuthAccount"));
        assert!(is_other_data("user?.token"));
        assert!(!is_other_data("!!Xk9mQ2vL8pR4"));
        assert!(!is_other_data("Xk9?.mQ2vL8pR4"));
        assert!(is_other_data("variable-2"));
        assert!(is_other_data("keyword.$S2"));
        assert!(!is_other_data("hunter-2024"));
        assert!(!is_other_data("Xk9mQ-7"));
        // Identifiers joined by slashes; base64 with slashes is not made of words.
        assert!(is_other_data("accessKeyID/credScope"));
        assert!(!is_other_data("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vLk2m"));
        assert!(!is_other_data("Xk9mQ2vL/8pR4tW7qZ"));
        // A Kubernetes object by namespace and name is a reference to a secret.
        assert!(is_other_data("cattle-global-data:cc-rf224"));
        assert!(!is_other_data("deploy:Xk9mQ2vL8pR4"));
        assert!(!is_other_data("ci-bot:q7lm2wc5nt9rk3xp"));
        assert!(names_an_algorithm("A128CBC-HS256"));
        assert!(names_an_algorithm("A256GCM"));
        assert!(names_an_algorithm("sha1_v2.4"));
        assert!(!names_an_algorithm("sha1_vQ2x"));
        assert!(!names_an_algorithm("A128xk9mQ2vL8pR4"));
        for algorithm in [
            "aes256-cbc",
            "gss-group14-sha256-,",
            "diffie-hellman-group-exchange-sha256",
            "10376/ECDSAP256SHA256",
            "RSASHA256",
        ] {
            assert!(names_an_algorithm(algorithm), "{algorithm}");
        }
        for value in [
            "aes256-k9mQ2vL8",
            "group14-k9mQ2vL8pR",
            "10376/ECDSAP256SHA256x",
        ] {
            assert!(!names_an_algorithm(value), "{value}");
        }
        assert!(counts_bytes_in_hex("191a1b1c:1d1e1f20"));
        assert!(!counts_bytes_in_hex("191a1b1c:1d1e1f21"));
        assert!(reads_as_code_identifier(b"keyRSA2048"));
        assert!(reads_as_code_identifier(b"x509PrivateKeyRSA2048"));
        assert!(reads_as_code_identifier(
            b"oidc.SigningAlgECDSAUsingP521AndSHA512"
        ));
        assert!(!reads_as_code_identifier(b"Xk9mQ2vL8pR4tW7n"));
        assert!(!reads_as_code_identifier(
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
        ));
        assert!(translates_password("Einmal-Passwort"));
        assert!(translates_password("kodeord"));
        assert!(translates_password("parool"));
        assert!(spells_a_stand_in("c0ntras3nya"));
        assert!(translates_password("Contrase&ntilde;a"));
        assert!(!translates_password("Contrase&ntilde;a1&x"));
        assert!(translates_password("Palavra-passe"));
        assert!(translates_password("Palavra-Chave"));
        assert!(!translates_password("MeinPasswort123!"));
        assert!(encodes_a_stand_in(b"am9objpwYXNzd29yZA=="));
        // Base64 of stand-ins, as manifests write them.
        assert!(encodes_a_stand_in(b"cGFzc3dvcmQ="));
        // `root:s3cret`: a stand-in in leetspeak.
        assert!(encodes_a_stand_in(b"cm9vdDpzM2NyZXQ="));
        assert!(encodes_a_stand_in(b"ZXhhbXBsZTpleGFtcGxl"));
        assert!(encodes_a_stand_in(b"c2VjdXJlLXBhc3N3b3Jk"));
        // `username:password` and the newline `echo` added.
        assert!(encodes_a_stand_in(b"dXNlcm5hbWU6cGFzc3dvcmQK"));
        assert!(encodes_a_stand_in(b"Y2xpZW50aWQxMTIxMTo="));
        // `test-encrypted-key`.
        assert!(encodes_a_stand_in(b"dGVzdC1lbmNyeXB0ZWQta2V5"));
        // A user and a password named for what it is (`captain:apassword`).
        assert!(encodes_a_stand_in(b"Y2FwdGFpbjphcGFzc3dvcmQ="));
        assert!(encodes_a_stand_in(b"YWRtaW46YWRtaW5zcGFzc3dvcmQK"));
        // After a product's prefix: `DMS_` and base64 of `access_token`.
        assert!(encodes_a_stand_in(b"DMS_YWNjZXNzX3Rva2Vu"));
        assert!(!encodes_a_stand_in(b"DMS_UjBzZWJ1ZDQyIQ=="));
        // A provider's lower-case prefix is part of its token (Grafana Cloud's `glc_`).
        assert!(!encodes_a_stand_in(
            b"glc_eyJrIjoiU2FtcGxlVG9rZW4wZDBmZmZjMmUzNTU3ODcxMmY0ZWZlNTQ1NTljMDFjOCIsIm4iOiJzYW1wbGUiLCJpZCI6MX0="
        ));
    }

    #[test]
    fn concatenated_literals_are_pieces_of_a_value() {
        assert!(continues_as_expression(b"' . $name . 'xyz',"));
        assert!(continues_as_expression(b"\" + userId;"));
        assert!(continues_as_expression(b"'+str(i)"));
        assert!(!continues_as_expression(b"\".encode()"));
        assert!(!continues_as_expression(b"', 'other'"));
        assert!(!continues_as_expression(b"\"; x += 1"));
        assert!(!continues_as_expression(b" + userId"));
    }

    #[test]
    fn public_and_foreign_keys_are_not_secret_ones() {
        assert!(named_not_secret(
            b"# Verify it with the public key ",
            "key",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
        assert!(named_not_secret(
            b"Public Key: ",
            "Key",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
        assert!(continues_a_query("test&X-Amz-Date=test&X-Amz-Expires=test"));
        assert!(named_not_secret(
            b"ALTER TABLE t DROP FOREIGN KEY ",
            "KEY",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
        assert!(!named_not_secret(
            b"private key ",
            "key",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
        assert!(!named_not_secret(
            b"publickey ",
            "key",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
        assert!(!named_not_secret(
            b"secret ",
            "secret",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
    }

    #[test]
    fn pieces_of_base64_blobs_are_not_keys() {
        let blob = format!(
            "src: url(data:font/ttf;base64,{}/JKPvuWnuNkxuQOpAbfUz2eeTcEoLFy/{})",
            "AAEAAAAPAIAAAwBwR1BPUw".repeat(10),
            "dJW1GW4vM/BcZjQHYty1as".repeat(10)
        );
        let start = blob.find("JKPvu").unwrap();
        assert!(inside_base64_blob(blob.as_bytes(), &(start..start + 30)));
        let line = "ALIBABA_CLOUD_ACCESS_KEY_SECRET=JKPvuWnuNkxuQOpAbfUz2eeTcEoLFy";
        let start = line.find("JKPvu").unwrap();
        assert!(!inside_base64_blob(line.as_bytes(), &(start..start + 30)));
        // Wrapped lines of 76 count across their breaks; words of prose do not.
        let wrapped = format!(
            "href=\"data:image/png;base64,{} {} JKPvuWnuNkxuQOpAbfUz2eeTcEoLFy {}\"",
            "iVBORw0KGgoAAAANSUhEUgAABOMAAATiCAYAAAD4RCd4AAAABHNCSVQICAgIfAhkiAAAIABJREFU"
                .repeat(2),
            "eJzs3ctxXEe2NtCdHf+cpAVEW0DIApYsENoCloYcCZr1TKUZZxca9ZBFCxq0QAULBFjQgAViWZD/",
            "4ByIIEWCeFTlPo+1IhB6dd/7xY2rwqnv7J1Zaq0BAAAAAOzfP7IDAAAAAMBcKOMAAAAAoBFlHAAA",
        );
        let start = wrapped.find("JKPvu").unwrap();
        assert!(inside_base64_blob(wrapped.as_bytes(), &(start..start + 30)));
        // The same with the breaks escaped for XML, as Inkscape inlines an image.
        let escaped = wrapped.replace(' ', "&#10;");
        let start = escaped.find("JKPvu").unwrap();
        assert!(inside_base64_blob(escaped.as_bytes(), &(start..start + 30)));
        let escaped_prose =
            "the&#10;staging&#10;key&#10;is&#10;JKPvuWnuNkxuQOpAbfUz2eeTcEoLFy&#10;so";
        let start = escaped_prose.find("JKPvu").unwrap();
        assert!(!inside_base64_blob(
            escaped_prose.as_bytes(),
            &(start..start + 30)
        ));
        let prose = "the key for the staging bucket is JKPvuWnuNkxuQOpAbfUz2eeTcEoLFy so use it";
        let start = prose.find("JKPvu").unwrap();
        assert!(!inside_base64_blob(prose.as_bytes(), &(start..start + 30)));
        assert!(!encodes_a_stand_in(b"UjBzZWJ1ZDQyIQ=="));
        assert!(!encodes_a_stand_in(b"Qm7vT2xW9kLp3Rt8Yc4Nb6Hd"));
        // Midtrans: the client key goes to the browser, the server key must not.
        assert!(is_other_data("SB-Mid-client-Xk93PcDP8pMKfhY2"));
        assert!(!is_other_data("SB-Mid-server-Xk93PcDP8pMKfhY2qL7wZ4bN"));
        assert!(!generic_value_is_plausible(
            "stripe_publishable_key",
            b"Qm7vT2xW9kLp3Rt8Yc4Nb6Hd"
        ));
        assert!(is_constant_name(
            b"CLOUDFLARE_DURABLE_OBJECT_QUERY_BINDINGS"
        ));
        assert!(!is_constant_name(
            b"sF63DhmdCOtDA9IDWZTtrOtZu54AkxV8OsIYvFBD"
        ));
        assert!(!is_constant_name(b"X7_Q2_ABCDEF"));
        assert!(is_constant_name(b"APACHE_PASSWORD"));
        assert!(!is_constant_name(b"QXKV_ZMRT"));
        assert!(is_other_data("HmacSHA256"));
        assert!(is_other_data("AWS4-HMAC-SHA256"));
        assert!(is_other_data("HS512"));
        assert!(!is_other_data("sha256Xq9vL2pR7wB9nC3yH6jK"));
        assert!(is_other_data("__generate__"));
        assert!(is_other_data("TYPE=ext4"));
        assert!(is_other_data("UUID=6a38ee5-7235-44e7-8b22-816a403bad5d"));
        assert!(is_other_data("key/certificate/CSR/CRL"));
        assert!(is_other_data("kv-v2/data/app-1/nested/baz"));
        assert!(!is_other_data("xk9mq2vl8pr4t/wn6yb3hs7jd5f/c1ge0ua8zi2k"));
        assert!(!is_other_data("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE"));
        assert!(!is_other_data("Xk9mQ2vL8pR4t/Wn6Yb3Hs7Jd5F/c1Ge0Ua8Zi2K"));
        assert!(!is_other_data("dGhpcyBpcyBhIGtleQ=="));
        assert!(looks_like_decimal_number("2.475e-05"));
        assert!(looks_like_decimal_number("-0.12345678"));
        assert!(looks_like_decimal_number("6E+10"));
        assert!(!looks_like_decimal_number("12345678"));
        assert!(!looks_like_decimal_number("1e5a9c3b7d"));
        assert!(!looks_like_decimal_number("3.3.3.3"));
    }

    #[test]
    fn passwords_that_repeat_the_user() {
        assert!(repeats_the_user(b"uri = \"mongodb://mongodb:", b"mongodb"));
        assert!(repeats_the_user(b"amqp://Guest:", b"guest"));
        assert!(!repeats_the_user(b"mongodb://app:", b"Qm7vT2xW9kLp"));
        assert!(!repeats_the_user(b"password: ", b"password"));
        assert!(!repeats_the_user(b"://:", b"x"));
    }

    #[test]
    fn passwords_named_from_the_users_stem() {
        let after = b"\",\n  \"showIndexerSelection\": true,\n  \"username\": \"cuser\"\n}";
        assert!(repeats_a_named_user(
            b"{\n  \"password\": \"",
            b"cpass",
            after
        ));
        assert!(repeats_a_named_user(
            b"user = 'testuser'\npassword = '",
            b"testpass",
            b"'\n"
        ));
        // Another user's stem, or a password that only ends in `pass`.
        assert!(!repeats_a_named_user(
            b"{\n  \"password\": \"",
            b"dpass",
            after
        ));
        assert!(!repeats_a_named_user(
            b"user = 'admin'\npassword = '",
            b"K7vQ2pass",
            b"'\n"
        ));
    }

    #[test]
    fn documentation_hosts() {
        assert!(is_documentation_host(b"example.com"));
        assert!(is_documentation_host(b"api.example.org"));
        assert!(is_documentation_host(b"db.test"));
        assert!(!is_documentation_host(b"example.company.io"));
        assert!(!is_documentation_host(b"localhost"));
    }

    #[test]
    fn documented_examples_and_format_placeholders() {
        assert!(is_documented_example(
            b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYESATESTKEY"
        ));
        assert!(is_documented_example(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30"
        ));
        assert!(is_placeholder(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            false
        ));
        assert!(is_placeholder(
            b"AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
            false
        ));
        assert!(!is_placeholder(
            b"AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sR",
            false
        ));
        assert!(is_placeholder(b"{auth_token}'", false));
        assert!(is_placeholder(b"Bearer %s", false));
        assert!(is_placeholder(b"token-%(user_id)s-value", false));
        assert!(!is_placeholder(
            b"django-insecure-_du9e^cmago!%(^+=gr@cu@v9-v7ulhbk2s3",
            false
        ));
        assert!(!is_placeholder(b"abcdefg12346+FJQCK", false));
        assert!(is_typed_by_hand(b"abcdefg12346+FJQCK"));
        assert!(is_placeholder(
            b"px-api-a1b2c3d4-e5f6-g7h8-i8j0-k0l3m3n4o0p5",
            false
        ));
        assert!(!is_typed_by_hand(b"q8X_Lm2pZ-r7Tw4kV9yB"));
        // Letters or digits in order, up or down, in either case.
        assert!(is_typed_by_hand(b"sk-ant-admin01-x9-klmnopqrstuvwx"));
        assert!(is_typed_by_hand(b"dapiFEDCBA9876543210"));
        assert!(is_typed_by_hand(
            b"0000111122223333444455556666777788889999aaaab"
        ));
        assert!(!is_typed_by_hand(b"aaQ8XXLm2pZZr7Tw4kV9yB"));
        // A key whose last characters were replaced by a count.
        assert!(is_typed_by_hand(
            b"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"
        ));
        assert!(is_typed_by_hand(
            b"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"
        ));
        // Six counted digits at the end of a password: low confidence, not dropped.
        assert!(is_typed_by_hand(b"abuser123456") && !is_surely_typed_by_hand(b"abuser123456"));
        // The first letters of a French keyboard (`gitlab_new_token = "azert123"`).
        assert!(is_surely_typed_by_hand(b"azert123"));
        // Letters and digits counted in turns.
        assert!(is_typed_by_hand(
            b"persona_sandbox_abc123def456ghi789jkl012mno345pqr"
        ));
        assert!(is_typed_by_hand(b"abcd1234efgh5678ijkl9012mnop"));
        assert!(
            is_typed_by_hand(b"abcd5678efgh1234") && !is_surely_typed_by_hand(b"abcd5678efgh1234")
        );
        assert!(!is_typed_by_hand(b"q8X_Lm2pZ-r7Tw4kV9yBn3Hc5Jd1Fg6Ks0"));
        assert!(!is_typed_by_hand(
            b"3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c2e8b4d6f0a1c3e5b7d9f2a4c6e8b0d1f3a"
        ));
        assert!(!is_typed_by_hand(b"7bf1e92eaff34fd005dcbcdef0"));
        // A short group repeated.
        assert!(is_typed_by_hand(b"GR134894112312312312312312312"));
        assert!(!is_typed_by_hand(b"GR1348941Zp7xKq2Lm9Wc4Tb8"));
        assert!(!is_typed_by_hand(
            b"bm9uZQAAAAAAAAAAAAAAABAAAAMwAAAAtzc2gtZW"
        ));
        assert!(!is_placeholder(b"px-api-9f1b2c3d4-e5f6-8c7d", false));
        assert!(!is_placeholder(b"q8X_Lm2pZ-r7Tw4kV9yB", false));
    }

    #[test]
    fn wordiness_tells_identifiers_from_keys() {
        assert!(wordiness("DisassociateSourceFromS3TableIntegration") > 0.8);
        assert!(wordiness("com/AWSEC2/latest/UserGuide/EBSSnapshots") > 0.6);
        assert!(wordiness("Xk9mQ2vL8pR4t/Wn6Yb3Hs7Jd5F/c1Ge0Ua8Zi2K") < 0.3);
        assert!(wordiness("CmhQdY7Ez+zFZQHNIcOQTBP6tUWfm0kOqpQyP1Ol") < 0.3);
        assert!(wordiness("DpAfgqBSWaeuqYi9hOSfeLrjOzhyIXKf") < 0.5);
        assert!(wordiness("CLOUD_PLATFORM_VALUE_ALIBABA_CLOUD_OPENSHIFT") > 0.8);
        assert!(wordiness("PULONG64") > 0.5);
        // Random runs of one case: consonant clusters are not words.
        assert!(wordiness("f6ameo8gaperc4j4g4tg9lbsqwbnak3c") < 0.5);
        assert!(wordiness("2temab2qpfioneggb01j2dhfllqgiu") < 0.75);
        assert!(wordiness("ec2instancemetadata") > 0.75);
        assert!(wordiness("userprofilesettings") > 0.75);
    }

    #[test]
    fn id_names_before_bare_keys() {
        assert!(assigned_to_id_name(b"  \"PublisherId\": \""));
        assert!(assigned_to_id_name(b"aws x --request-id "));
        assert!(!assigned_to_id_name(b"aws_secret_access_key = "));
        assert!(!assigned_to_id_name(b"AKIAQ7LMB5TKP2WRDZ3X,"));
    }

    #[test]
    fn digest_labels() {
        assert!(follows_hash_label(b"const.py,sha256=_"));
        assert!(follows_hash_label(b"\"integrity\": \"sha512-"));
        // The value cut out of the digest after a few characters.
        assert!(follows_hash_label(b"resolution: {integrity: sha512-V+"));
        assert!(!follows_hash_label(b"token: Xk9mQ2vL+"));
        assert!(follows_hash_label(b"v1.0 h1:"));
        assert!(!follows_hash_label(b"AWS_SECRET_KEY="));
        assert!(!follows_hash_label(b"token: "));
    }

    #[test]
    fn protocol_token_names_start_a_word() {
        let words = name_words("meistertask_token");
        assert!(!starts_a_word(&words, "task_token"));
        assert!(starts_a_word(
            &name_words("StepFunctionTaskToken"),
            "task_token"
        ));
        assert!(starts_a_word(&name_words("x-csrf-token"), "csrf"));
        assert_eq!(
            name_words("CertificateUIDLabelKey"),
            ["certificate", "uid", "label", "key"]
        );
        assert_eq!(name_words("APIKey"), ["api", "key"]);
        assert!(!generic_value_is_plausible(
            "networking.CertificateUIDLabelKey",
            b"22b3de9e-076e-4e5d-a55d-aff10002527f"
        ));
        assert!(starts_a_word(&name_words("NEXTTOKEN"), "next_token"));
    }

    #[test]
    fn keys_sent_to_analytics_ingest_endpoints_are_public() {
        let key = b"4ba61bcc5dc0854ac5ee8cafa62e403b";
        let sender = b"val ApiKeyProd = \"4ba61bcc5dc0854ac5ee8cafa62e403b\"\nval url = URI.create(\"https://api.eu.amplitude.com/2/httpapi\")\n";
        assert!(sent_to_an_ingest_api(sender, key));
        let exporter = b"AMPLITUDE_SECRET_KEY=4ba61bcc5dc0854ac5ee8cafa62e403b\n";
        assert!(!sent_to_an_ingest_api(exporter, key));
        assert!(!sent_to_an_ingest_api(
            sender,
            b"4ba61bcc5dc0854ac5ee8cafa62e403bXq"
        ));
    }

    #[test]
    fn a_remark_that_the_value_is_no_secret() {
        let said = |text: &str| {
            let at = text.find("58ff").unwrap();
            let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
            let end = text[at..].find('\n').map_or(text.len(), |p| at + p);
            said_not_secret(text.as_bytes(), start..end, at + 32)
        };
        let key = "58ff90c0dc372ded858cbf8fb2306066";
        for (text, no_secret) in [
            (format!("// This is not actually a secret key, it's just a string that we XOR with\nconst XOR_SECRET_KEY = \"{key}\";\n"), true),
            (format!("XOR_KEY = \"{key}\"  # not a secret: a salt for ids\n"), true),
            (format!("# Isn't sensitive\n# (used to shuffle)\nXOR_KEY = \"{key}\"\n"), true),
            // A remark trailing the setting above is about that setting.
            (format!("CLIENT_ID = \"abc\"  # not a secret\nCLIENT_SECRET = \"{key}\"\n"), false),
            (format!("// Keep this secret\nconst SECRET_KEY = \"{key}\";\n"), false),
            (format!("// not a secret\n\nconst SECRET_KEY = \"{key}\";\n"), false),
        ] {
            assert_eq!(said(&text), no_secret, "{text}");
        }
    }

    #[test]
    fn public_client_keys() {
        let posthog = &b"cQo4wipp5ipWWXhTN8kTacBItgqo457yDRtzCMOr-Tw"[..];
        let pusher = &b"6d893fcc6a0c695853ac"[..];
        let revenuecat = &b"appl_JXmiRckOzXXTsHKitQiicXCvMQi"[..];
        for (name, value, public) in [
            ("REACT_APP_POSTHOG_TOKEN", posthog, true),
            ("posthogApiKey", posthog, true),
            (
                "POSTHOG_PERSONAL_API_KEY",
                &b"phx_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzd_oc"[..],
                false,
            ),
            ("MIXPANEL_TOKEN", posthog, false),
            ("pusher_app_key", pusher, true),
            ("PUSHER_KEY", pusher, true),
            ("revenueCatKey", revenuecat, true),
            ("REVENUECAT_SECRET", revenuecat, false),
            ("apiKey", b"appl_JXmiRckOz", false),
            ("writeKey", b"iCkMy7ymtJ9qYzQRXkQpnAJEq7D4NyMU", true),
            ("PUSHER_APP_SECRET", b"cfa82f99cadd7315e482", false),
            (
                "braintreeClientKey",
                b"production_zjkj96jm_m56f8fqpf7ngnrd4",
                true,
            ),
            (
                "BRAINTREE_PRIVATE_KEY",
                b"production_zjkj96jm_m56f8fqpf7ngnrd",
                false,
            ),
        ] {
            assert_eq!(is_public_client_key(name, value), public, "{name}");
        }
    }

    #[test]
    fn literal_unions_and_resource_names() {
        assert!(in_literal_union(
            br#"public type: "input" | "checkbox" | "password" = ""#,
            "password"
        ));
        assert!(!in_literal_union(br#"const password = ""#, "password"));
        assert!(!in_literal_union(br#"{ "password" = ""#, "password"));
        assert!(in_resource_name(
            b"'pattern' => 'arn:([a-z\\d-]+):.*:.*:secret:"
        ));
        assert!(!in_resource_name(b"'secret': '"));
        assert!(in_url_fragment(
            b"'http://jabber.org/protocol/admin#change-user-password' => '",
            "change-user-password"
        ));
        assert!(!in_url_fragment(
            b"# change-user-password = '",
            "change-user-password"
        ));
        let insert = b"INSERT INTO AD_Field (Name,AD_Field_UU) VALUES ('Password','";
        assert!(uuid_in_sql_values(
            insert,
            b"ca62493a-2f21-4060-9fc4-d063d64284ef"
        ));
        assert!(!uuid_in_sql_values(insert, b"k9Xq2vLm8pR4tW7nB3cY5hJ6"));
        assert!(!uuid_in_sql_values(
            b"put('Password','",
            b"ca62493a-2f21-4060-9fc4-d063d64284ef"
        ));
        assert!(in_regex_escape(br#"r"^\.www\.Cpasbien\.pw": ""#, "pw"));
        assert!(!in_regex_escape(br#"db.pw: ""#, "pw"));
        // The public half of a key pair under a second name, and a private key beside it.
        let pair = b"WORKER_PUBKEY=dsrea5fbqaqtzccno8roczeym5hgbo\nWORKER_PRIVKEY=y8rq4a5rb7wj3xpefhx9t8gg3n\n\n# same as the pubkey\nENCRYPTION_KEY=dsrea5fbqaqtzccno8roczeym5hgbo\n";
        assert!(repeats_a_public_key(
            pair,
            b"dsrea5fbqaqtzccno8roczeym5hgbo"
        ));
        assert!(!repeats_a_public_key(pair, b"y8rq4a5rb7wj3xpefhx9t8gg3n"));
        // A record's UUID in a link's query; a credential's name or a bare query is not one.
        let uuid = b"27e0f4fd-56d1-479d-8801-01955d459d13";
        let link = |name: &str| format!("body: \"<a href='https://hug.example.com/e?x=1&{name}=");
        assert!(keys_a_linked_record(
            link("CalendarEventKey").as_bytes(),
            "CalendarEventKey",
            uuid
        ));
        assert!(!keys_a_linked_record(
            link("ApiKey").as_bytes(),
            "ApiKey",
            uuid
        ));
        assert!(!keys_a_linked_record(
            link("CalendarEventKey").as_bytes(),
            "CalendarEventKey",
            b"k9Xq2vLm8pR4tW7nB3cY5hJ6"
        ));
        assert!(!keys_a_linked_record(
            b"curl https://api.example.com/v1?CalendarEventKey=",
            "CalendarEventKey",
            uuid
        ));
    }

    #[test]
    fn country_tables() {
        let around = b"  'PT' => 'portugal',\n  'PW' => 'balaw',\n  'PY' => 'baragway',\n";
        assert!(in_country_table("PW", around));
        assert!(!in_country_table("pw", around));
        assert!(!in_country_table(
            "PW",
            b"  'PW' => 'balaw',\n  'user' => 'x',\n"
        ));
    }

    #[test]
    fn lists_of_secret_names() {
        assert!(lists_secret_names(b"md5sigkey", b"', 'md5sigpass',"));
        assert!(lists_secret_names(b"ldap_bindpw_key", b"\", \"x\""));
        // The last of a call's arguments, or a value that names no secret.
        assert!(!lists_secret_names(b"md5sigkey", b"');"));
        assert!(!lists_secret_names(b"Xk9mQ2vL8pR4tWn6", b"', 'x',"));
    }

    #[test]
    fn generic_values() {
        assert!(generic_value_is_plausible(
            "db_password",
            b"Xk9#mP2$vL8qR4tW"
        ));
        assert!(generic_value_is_plausible(
            "API_KEY",
            b"a8f3k2m9x7q1w5e4r6t0y2u8i3o7p1s9"
        ));
        assert!(!generic_value_is_plausible(
            "password_hash",
            b"Xk9#mP2$vL8qR4tW"
        ));
        assert!(!generic_value_is_plausible(
            "connection_default_admin_password",
            "Administrator-Passwort:".as_bytes()
        ));
        assert!(!generic_value_is_plausible(
            "access",
            b"Product.changeset/2"
        ));
        assert!(!generic_value_is_plausible(
            "token_signature",
            b"l2mD7sDTUOoaVgfjElpO5YyUcbeKO6udu9ReA5NI1ehV1cD90dXfo9Evuxb"
        ));
        assert!(!generic_value_is_plausible(
            "Dynakey",
            b"Flash-Recovery/Download"
        ));
        // A serialized token's fields, a numbered item's key and an alphabet by name.
        assert!(!generic_value_is_plausible(
            "serializedToken",
            b"organizationId=1"
        ));
        assert!(!generic_value_is_plausible(
            "item1Key",
            b"09a15e9660c1ebc6f429d818825ce0c62f82758dcc11e2a2f05e2a7f35a1b34319985aa1"
        ));
        assert!(!generic_value_is_plausible(
            "PASSWORD_SYMBOLS",
            b"23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz_-!?."
        ));
        assert!(!generic_value_is_plausible(
            "/vendors/Textpattern/UI/Token.php",
            b"a86668642ea68c54b19d2b154460f8614cafaa62086beb56"
        ));
        // Where secrets are mounted (`filepath.Join(dir, "secret-volume", "test-file2")`).
        assert!(!generic_value_is_plausible(
            "secret-volume",
            b"Xk9#mP2$vL8qR4tW"
        ));
        assert!(!generic_value_is_plausible(
            "secretMount",
            b"Xk9#mP2$vL8qR4tW"
        ));
        assert!(!generic_value_is_plausible(
            "WgPubKey",
            b"MNHf3Ma6z6mdLbriAJbqhX7+nM/B71lgw2+91q3LfhU="
        ));
        assert!(generic_value_is_plausible(
            "WgPrivateKey",
            b"MNHf3Ma6z6mdLbriAJbqhX7+nM/B71lgw2+91q3LfhU="
        ));
        assert!(!generic_value_is_plausible("token", b"settings.API_TOKEN"));
        assert!(!generic_value_is_plausible(
            "passwordToggleTint",
            b"?attr/colorOnSurface"
        ));
        assert!(!generic_value_is_plausible(
            "txtPlikPassword.ReadOnly",
            b"!cbPlikIsSecured.Checked"
        ));
        assert!(generic_value_is_plausible(
            "DB_PASSWORD",
            b"!cbPlikIsSecured.Checked9"
        ));
        // OAuth 1.0's client name as sent in the clear, and translated messages about a secret.
        let random = b"s62s8cJ3i6XYveYYWYGHZtrF3gcNdeRr";
        for name in [
            "oauth_consumer_key",
            "password_username_validation",
            "token_message",
            "GIT_SECRETS_COMMIT",
            "MT_MAGIC_TOKEN_NS",
            "secret_revision",
        ] {
            assert!(!generic_value_is_plausible(name, random), "{name}");
        }
        for name in ["oauth_token", "consumer_key", "validation_token"] {
            assert!(generic_value_is_plausible(name, random), "{name}");
        }
        assert!(!generic_value_is_plausible(
            "RELATION_START_KEY",
            b"748c28f86de411b1d2b9deb6ae105eba"
        ));
        assert!(generic_value_is_plausible(
            "BACKEND_KEY",
            b"Xk9mQ2vL8pR4tWn6Yb3Hs7Jd"
        ));
        assert!(!generic_value_is_plausible(
            "passwordStorageScheme",
            b"PBKDF2-SHA512"
        ));
        assert!(!generic_value_is_plausible(
            "withdrawal_credentials",
            b"0049b6188ed20314309f617dd4030b8ddfac3c6e65759a03c226a13b2fe4cc72"
        ));
        assert_eq!(before_an_html_entity(b"123l&amp", b";q=https"), b"123l");
        assert_eq!(before_an_html_entity(b"Don&#8217", b";t have"), b"Don");
        let digest = b"3e26d6750975d678acb8fa35a0f69237881576b0";
        assert!(hex_named_as_digest(b"{\n  \"hashed_secret\": \"", digest));
        assert!(!hex_named_as_digest(b"{\n  \"client_secret\": \"", digest));
        assert!(!hex_named_as_digest(
            b"  \"hashed_secret\": \"",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
        assert!(in_tuple_assignment(
            b"        username, email, ",
            b", \"password\"\n"
        ));
        assert!(!in_tuple_assignment(b"        ", b", \"password\"\n"));
        assert!(!in_tuple_assignment(b"f(user, ", b")\n"));
        assert!(names_a_passing_case(
            "pass",
            b"\"fail\": \"--qos=bad_qos\",\n\"pass\": \"--qos=good_qos\",\n"
        ));
        assert!(names_a_passing_case(
            "val_pass",
            b"val_pass = \"good_qos\"\nval_fail = \"bad_qos\"\n"
        ));
        assert!(!names_a_passing_case(
            "db_password",
            b"db_password = \"x\"\nfail = 1\n"
        ));
        assert!(!names_a_passing_case("pass", b"pass = \"Kq83nVx0Lp\"\n"));
        let bundle = [&b"var a=1"[..], &[b','; 1200], b",PW=\"middle\",x=2"].concat();
        let at = bundle.len() - 13;
        assert!(in_minified_line("PW", &bundle, at));
        assert!(!in_minified_line("PW", b"PW = \"middle\"\n", 6));
        assert!(!in_minified_line("password", &bundle, at));
        let probe = b"    // when\n    password = 'ab1234';\n    // then\n    expect(config.validPassStrength(password)).toBeFalse();\n";
        assert!(probes_a_strength_check(probe));
        assert!(!probes_a_strength_check(
            b"    password = 'ab1234';\n    login(user, password);\n"
        ));
        assert!(!in_tuple_assignment(
            b"\tstatic_password04, ",
            b", \"hardcoded05\";\n"
        ));
        assert_eq!(
            before_an_html_entity(b"f81d4fae-7dec-11d0-a765-00a0c91e6bf6&gt", b";)"),
            b"f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
        );
        assert_eq!(
            before_an_html_entity(b"Df34D&amp", b";lt;345&amp;amp;"),
            b"Df34D&amp"
        );
        assert_eq!(before_an_html_entity(b"Xk9mQ2vL&amp", b""), b"Xk9mQ2vL&amp");
        assert!(!generic_value_is_plausible(
            "GPG_KEY",
            b"E3FF2839C048B25C084DEBE9B26995E310250568"
        ));
        assert!(!generic_value_is_plausible(
            "signing key",
            b"D66B222A3EA4C25D5D1A097FC34ACEFB46EC39CE"
        ));
        assert!(generic_value_is_plausible(
            "signing_key",
            b"d66b222a3ea4c25d5d1a097fc34acefb46ec39ce"
        ));
        assert!(!generic_value_is_plausible(
            "ec2_credentials_create",
            b"openstackclient.identity.v3.ec2creds:CreateEC2Creds"
        ));
        assert!(!generic_value_is_plausible(
            "Credential",
            b"AKID/19700101/us-east-1/es/aws4_request"
        ));
        assert!(!generic_value_is_plausible(
            "Token",
            b"Xk9mQ2vL8pR4t&Version=2014-01-01"
        ));
        assert!(generic_value_is_plausible(
            "DB_PASSWORD",
            b"XKKJwJXc&hd3oBj#1a"
        ));
        assert!(!generic_value_is_plausible(
            "accessToken",
            b"dGhpcyBpcyBub3QgYSByZWFsIHZhbHVl"
        ));
        // `openssl enc` output: encrypted, the key is elsewhere.
        assert!(!generic_value_is_plausible(
            "pwd",
            b"U2FsdGVkX18zN46d3pzk+t7TofEHAZGY+5RvgXMwDiQ="
        ));
        assert!(!generic_value_is_plausible("password", b"DB_PASSWORD_2"));
        assert!(!generic_value_is_plausible(
            "token",
            b"_private_helper_name"
        ));
        // A non-secret word inside another word does not make the name a non-secret's.
        assert!(generic_value_is_plausible(
            "countrylayer_key",
            b"k31eiaqplnq39py5ppsctxo6n2xj5t10"
        ));
        assert!(generic_value_is_plausible(
            "AccountKey",
            b"qYaZm3m8+Z2aYAiSDzzvStkTUgZXl29U76lDJ0qiob7bbV4g7kjtwO+FI2QoptGdZgEdtsAYzG8T0hl5TeftWA=="
        ));
        assert!(!generic_value_is_plausible(
            "tokenexpiry",
            b"k31eiaqplnq39py5ppsctxo6n2xj5t10"
        ));
        // A UUID under a service's token name is that service's key; under an application's
        // token name or a protocol's it is an id.
        assert!(generic_value_is_plausible(
            "jenkinsToken",
            b"df490bc6-ef6e-4f6a-99a0-b03d26cb56f9"
        ));
        assert!(!generic_value_is_plausible(
            "self.update_token",
            b"df490bc6-ef6e-4f6a-99a0-b03d26cb56f9"
        ));
        assert!(!generic_value_is_plausible(
            "DeviceToken",
            b"df490bc6-ef6e-4f6a-99a0-b03d26cb56f9"
        ));
        assert!(!generic_value_is_plausible(
            "token",
            b"df490bc6-ef6e-4f6a-99a0-b03d26cb56f9"
        ));
        assert!(!generic_value_is_plausible(
            "Sec-WebSocket-Key",
            b"k9kFAUWNAMmf5OEMfTlOEA=="
        ));
        assert!(!generic_value_is_plausible(
            "cachekey",
            b"k31eiaqplnq39py5ppsctxo6n2xj5t10"
        ));
        // Names and values that are not a credential, from the sixteenth session's batches.
        for (name, value) in [
            ("SortKey", &b"01hotplug/1675972756688073"[..]),
            (
                "pauseStatsKey",
                &b"e6af031b91deb3136a2b7c42f262ed2ab554e2fe2736998c7d8edf4afe708dba"[..],
            ),
            ("refresh_token", &b"refresh12345"[..]),
            ("password", &b"cert1-passphrase"[..]),
            ("API_KEY", &b"key#123#456"[..]),
            ("token", &b"T0ken-._~+/="[..]),
            ("passwd_same", &b"Passworte&#44"[..]),
            ("secret", &b"id=BUNDLE_PACKAGER__DEV"[..]),
            ("auth-secret", &b"--sock-buf-size=1048576"[..]),
            (
                "GITHUB_TOKEN",
                &b"x-oauth-basic@github.com/YunoHost/doc.git"[..],
            ),
            ("jsonwebtoken", &b"jjwt-jackson:0.11.0:deprecated"[..]),
            ("access_token.scope", &b"resource1:write"[..]),
        ] {
            assert!(!generic_value_is_plausible(name, value), "{name}");
        }
        assert!(generic_value_is_plausible(
            "refresh_token",
            b"refresh83f2k1"
        ));
        assert!(is_placeholder(b"AbC-dEf5", false));
        assert!(is_placeholder(b"1234-ABCD", false));
        assert!(encodes_counted_text(b"MTIzNDU2Nzg5MDEyMzQ1Ng=="));
        assert!(encodes_counted_text(b"QUJDREVGR0hJSktMTU5PUA=="));
        // `01020304050607080910111213141516`, a VAPID test key.
        assert!(encodes_counted_text(
            b"MDEwMjAzMDQwNTA2MDcwODA5MTAxMTEyMTMxNDE1MTY"
        ));
        assert!(!counts_in_two_digits(b"010203040506070809101113"));
        assert!(encodes_counted_text(b"MTIzNDU2Nzg5MDEyMzQ1Ngo="));
        // base64 of `tok_abcdefghijklmnop`, and of `tok_9f8Kx2LmPz7Qw4Rt`.
        assert!(encodes_counted_text(b"dG9rX2FiY2RlZmdoaWprbG1ub3A="));
        assert!(!encodes_counted_text(b"dG9rXzlmOEt4MkxtUHo3UXc0UnQ="));
        assert!(!encodes_counted_text(b"tok_abcdefghijklmnopqrstuvwxyz1234"));
        assert!(!is_placeholder(b"Kd8-xQ2f", false));
        assert!(!generic_value_is_plausible(
            "token_counts",
            b"k31eiaqplnq39py5ppsctxo6n2xj5t10"
        ));
        assert!(!generic_value_is_plausible(
            "private_key",
            b"rust_openssl.hpke.MLKEM768X25519PrivateKey"
        ));
        // A prefix or underscores around a long random run: still a key.
        assert!(generic_value_is_plausible(
            "token",
            b"sk_d21e2be3622049c7809f95cc02313821"
        ));
        assert!(generic_value_is_plausible(
            "token",
            b"vW_6rXfYJcjXRU8Z92B9RR6WRpVUN5ebSX07I8_QQDi"
        ));
        assert!(generic_value_is_plausible(
            "token",
            b"_dd9gKTi7gDhQYowXu5efwPLKkAAQ4qP"
        ));
        assert!(!generic_value_is_plausible("secret", b"12345678901234"));
        assert!(!generic_value_is_plausible(
            "secret",
            b"/etc/app/secret.key"
        ));
        assert!(!generic_value_is_plausible("token", b"os.environ.get"));
        assert!(!generic_value_is_plausible(
            "Token",
            b":RecursiveZeroOrMore"
        ));
        assert!(!generic_value_is_plausible("password", b"mypassword1"));
        assert!(!generic_value_is_plausible("pwd", b"WRPLL-specific"));
        assert!(!generic_value_is_plausible(
            "pwdown",
            b"GPIO105_HX4700_nIR_ON"
        ));
        assert!(!generic_value_is_plausible(
            "secret",
            b"regulator-fec1-pwdn"
        ));
        assert!(!generic_value_is_plausible(
            "pwdb",
            b"PHY_Beacon_RSSI_SLID_WIN_MAX"
        ));
        assert!(generic_value_is_plausible("token", b"q8X_Lm2pZ-r7Tw4kV9yB"));
        // Dot-separated token segments are not an identifier chain.
        assert!(generic_value_is_plausible(
            "edenai_token",
            b"rh83qVzJzCOvCOhriyaTA2VPQeiloqUCgpY8.LdWOFn1swiWcakqgLrUSDhRhZgLuzl5pBJXHwzqyjvK4"
        ));
        assert!(!generic_value_is_plausible(
            "token",
            b"config.auth.accessToken"
        ));
        // A UUID: a credential under an environment name, a protocol id under a CamelCase one.
        assert!(generic_value_is_plausible(
            "NPM_TOKEN",
            b"007e64c7-635d-4d54-8295-f364cd8e0e0f"
        ));
        assert!(!generic_value_is_plausible(
            "LockToken",
            b"007e64c7-635d-4d54-8295-f364cd8e0e0f"
        ));
        // A service name may hold digits (`ai21`), not start with them.
        assert!(generic_value_is_plausible(
            "ai21_token",
            b"007e64c7-635d-4d54-8295-f364cd8e0e0f"
        ));
        assert!(!generic_value_is_plausible(
            "2024_token",
            b"007e64c7-635d-4d54-8295-f364cd8e0e0f"
        ));
        // Digits scattered between letters make a key of a value whose letters read like
        // words by chance; a name with two numbers is still a name.
        assert!(generic_value_is_plausible(
            "client_secret",
            b"lemor5GFya2HPeQoNuvi"
        ));
        assert!(!generic_value_is_plausible(
            "client_secret",
            b"lemorGFyaHPeQoNuvi52"
        ));
        assert!(!generic_value_is_plausible(
            "secret_name",
            b"Win32ApiV2Handler"
        ));
        // Base64 in both alphabets, padded or not.
        assert_eq!(base64_decoded(b"MTIzOmFi").as_deref(), Some(&b"123:ab"[..]));
        assert_eq!(base64_decoded(b"MTIzOmE=").as_deref(), Some(&b"123:a"[..]));
        assert_eq!(base64_decoded(b"MTIzOmE").as_deref(), Some(&b"123:a"[..]));
        assert_eq!(base64_decoded(b"_-8").as_deref(), Some(&[0xff, 0xef][..]));
        assert_eq!(base64_decoded(b"not base64!"), None);
        // Nearly hex (`…21nn401cn4b2`) needs the entropy of hex, not of base64.
        assert!(generic_value_is_plausible(
            "TRELLO_API_KEY",
            b"7a7714470e47d22ed0eb71nn407en4b7"
        ));
        // Two `@` end a password; one ends an anonymous FTP login's e-mail stand-in.
        let compared = PasswordSetting {
            quoted: true,
            compared: true,
            after_colon: false,
            ends_line: false,
            syntax: Syntax::Code,
            spaced_equals: false,
        };
        assert!(password_value_is_plausible(
            "password",
            b"7Rz0Kpq4Wm@@",
            compared
        ));
        assert!(!password_value_is_plausible(
            "password", b"guest@", compared
        ));
        // The word before a bare name, at a line's start or after a space.
        assert_eq!(service_word_before(b"moosend "), Some("moosend"));
        assert_eq!(
            service_word_before(b"[DEBUG] zenscrape "),
            Some("zenscrape")
        );
        assert_eq!(service_word_before(b"x = this.refresh"), None);
        assert_eq!(service_word_before(b"an "), None);
        assert_eq!(service_word_before(b"obj.device "), None);
        assert!(generic_value_is_plausible("DB_PASSWORD", b"#ZMmI67Cyq6uR"));
        assert!(generic_value_is_plausible("DB_PASSWORD", b"!k9Xq2vLm8pR"));
        assert!(!generic_value_is_plausible("password", b"!GetAttribute"));
        // Random single-case keys are secrets; single-case words are not.
        assert!(generic_value_is_plausible(
            "aviationstack_token",
            b"shwc7ighlfw9fcoul7ahojmf2sx2dabv"
        ));
        assert!(!generic_value_is_plausible(
            "credential_source",
            b"ec2instancemetadata"
        ));
        assert!(generic_value_is_plausible(
            "ADMIN_PASSWORD",
            b"k9Xq2vLm8pR!"
        ));
        assert!(!generic_value_is_plausible("password_min", b"k9Xq2vLm8pR!"));
        assert!(!generic_value_is_plausible("tokenEnv", b"k9Xq2vLm8pR!"));
        // Protocol tokens, schema hashes, ids, timestamps, words.
        for (name, value) in [
            ("NextToken", "9f4d9f69-ab12-4c3d-9e8f-0a1b2c3d4e5f"),
            ("ChangeToken", "abcd12f2-46da-4fdb-b8d5-fbd4c466928f"),
            ("AWS::IAM::AccessKey", "72c2d9dd90025459"),
            ("ServiceSpecificCredentialId", "ACCAQFOXMPL6VW57M7AJP"),
            ("PasswordLastUsed", "2016-09-08T21:47:36Z"),
            ("credential_source", "Ec2InstanceMetadata"),
            ("secret", "snowflake-XHb67j\\"),
            ("LockToken", "0bc01e21-03c9-4b98-9433-6229cbf1ef1c"),
            ("private_key", "Ed25519PrivateKey"),
            ("Resource", "A4BNetworkProfile*"),
            (
                "src/token.rs",
                "b9cc5ef698d1f1760c9d4bcb28b814d0767ef2a9c38e8bc494a3e10297592e79",
            ),
            ("clientAssetToken", "P.supportsImmutableAssets?"),
            ("token", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"),
            ("Token", "PULONG64"),
            ("privateKey", "_fromGetAccountInfoResponse"),
            ("token", "clm31878:AgencyIdentificationCodeContentType"),
            ("RandomAccess", "ReadAsync/WriteAsync"),
            ("specialEncoderKey", "abcdefghijklmnopqrstuvwxyz123456"),
            ("passwordChallenge", "UGFzc3dvcmQA"),
            ("password", "pass%5B%7F"),
            ("usernameChallenge", "VXNlcm5hbWU6"),
            ("bearer_token", "hash:44BC2CF5AD770999"),
            ("accessKeyKey", "s3-test-accessKeyKey-6-b-1"),
            ("secretKeyKey", "s3-testsecretKeyKey"),
            (
                "$skiptoken",
                "01eyJyZXBlYXRJZCI6ImNmOWExYjVjYzgzYzZkNjI3MGMxZWI5ODg2MGQyOTRlYWM1ZDUyNmQifQ==",
            ),
        ] {
            assert!(
                !generic_value_is_plausible(name, value.as_bytes()),
                "{name}={value}"
            );
        }
    }

    #[test]
    fn keys_with_separators_prefixes_or_no_digits_are_told_from_names() {
        // Underscores in a key's alphabet, a word that starts a key's format, a long run of
        // letters between underscores, letters only at random case: keys.
        for (name, value) in [
            ("chatbot_auth_token", "5RzDGrpFKkrA_90yM_BFmyxKKAQkgu0B"),
            ("convertapi_key", "secret_H9ZGTfAERfN5W0AX"),
            (
                "codemagic_key",
                "PSIYbVgfkbEPQoqJfzHpACTtihONkQ_cKmOpNDPNiCU",
            ),
            ("clearbit_auth_token", "9itvicgfiyq3ry6g03qwhwc_0s309dy8woh"),
            ("convertkit_key", "hfCnuVcYOgiRjlDEmAoRbN"),
            ("accessKeyKey", "Wq8ZkT2LmX9RbV4N"),
            ("api_key", "RmXkTqWzPbLnVcJd/HgFsYe"),
            // A colon inside a key is not a qualified name.
            (
                "telegram_token",
                "52663105:Ameaa3m5gp2hv9jjz6s2x8eybn3f2j380gr",
            ),
        ] {
            assert!(
                generic_value_is_plausible(name, value.as_bytes()),
                "{name}={value}"
            );
        }
        // Names, CamelCase words, references that start with a secret word: not keys.
        for (name, value) in [
            ("token", "ProtectedResourceNameValue"),
            ("secret", "secret_key_base_from_settings"),
            ("api_key", "Some_Long_Identifier_Value_2024"),
            ("token", "token_env.TOKEN_VALUE_NAME"),
            ("password", "XMLHttpRequestUploadEvents"),
            ("password", "UID:GID:GECOS:directory:shell"),
            ("SIOCGLIFTOKEN", "-0x3f879678"),
            ("X509PrivateKeyUsageFlags", "16777215i32"),
        ] {
            assert!(
                !generic_value_is_plausible(name, value.as_bytes()),
                "{name}={value}"
            );
        }
    }

    #[test]
    fn leetspeak_stand_ins_and_powershell_prompts_are_not_passwords() {
        for stand_in in ["PaSsW0Rd", "p4$$w0rd", "S3cr3t", "YourStrong@Passw0rd"] {
            assert!(
                spells_a_stand_in(&stand_in.to_ascii_lowercase()),
                "{stand_in}"
            );
        }
        assert!(spells_a_stand_in("password"));
        assert!(spells_a_stand_in("mustbeeightchars"));
        assert!(spells_a_stand_in("testp"));
        assert!(!spells_a_stand_in("tpstq"));
        assert!(spells_a_stand_in("atleast8characters"));
        assert!(spells_a_stand_in("min-12-chars"));
        assert!(spells_a_stand_in("sixchr"));
        assert!(spells_a_stand_in("p@ssw0rd!#$%"));
        assert!(spells_a_stand_in("short12"));
        assert!(!spells_a_stand_in("charlie8"));
        assert!(!spells_a_stand_in("x9charsq2w"));
        assert!(spells_a_stand_in("p4$$w0rd"));
        assert!(spells_a_stand_in("s3cr3t"));
        assert!(spells_a_stand_in("yourstrong@passw0rd"));
        assert!(spells_a_stand_in("yourstrong(!)password"));
        // A digit that reads as no letter keeps the value a password of its own.
        assert!(!spells_a_stand_in("pas5w0rd2#"));
        assert!(!spells_a_stand_in("sqlpa5sw0rd"));
        for stand_in in [
            "newpass",
            "pass4321",
            "test123456",
            "new_user123",
            "testpass",
            "geheim2",
            "johndoe",
            "pass2",
            "bar2",
            "verysecure123!",
            "demo1234",
            "pass#123",
            "toto1234",
            "titi",
            "goodpass",
            "onetwothreefour",
            "regularpwd",
            "yolopass2",
            "mailu_secret_password",
            "hello123!",
            "hunter42",
            "testabc123",
            "securepa55w0rd",
            "s0mepass",
            "somepassw0rd",
            "pswd1$",
            "itsasecret",
            "qwertz123",
        ] {
            assert!(spells_a_stand_in(stand_in), "{stand_in}");
        }
        for password in [
            "wevdude",
            "minio123",
            "passcode4271",
            "testpass9384",
            "bluehorse",
            "masterkey",
            "compass12",
            "overpass",
        ] {
            assert!(!spells_a_stand_in(password), "{password}");
        }
        assert!(!spells_a_stand_in("str0ngp4ssw0rd!"));
        let coerced = PasswordSetting {
            quoted: false,
            after_colon: true,
            ..PasswordSetting::default()
        };
        assert!(!password_value_is_plausible("pass", b"!!actual", coerced));
        assert!(!password_value_is_plausible(
            "wantPassword",
            b"!tc.authErr",
            coerced
        ));
        assert!(!password_value_is_plausible("pass", b"prog,link", coerced));

        let quoted = PasswordSetting {
            quoted: true,
            ..PasswordSetting::default()
        };
        for result in ["queued", "rcpt_to", "mail_from"] {
            assert!(!password_value_is_plausible(
                "pass",
                result.as_bytes(),
                quoted
            ));
        }
        assert!(password_value_is_plausible("pass", b"lemmylemmy", quoted));
        assert!(!password_value_is_plausible(
            "Password",
            "Mot de passe".as_bytes(),
            quoted
        ));
        assert!(!password_value_is_plausible(
            "Password",
            "Contraseña".as_bytes(),
            quoted
        ));
        assert!(password_value_is_plausible(
            "Password",
            b"Harbor12345",
            quoted
        ));
        assert!(password_value_is_plausible(
            "password",
            b"Kq-Vx-Lp-Wr",
            quoted
        ));
        for stand_in in [
            "defg",
            "wxyz",
            "xyzzy",
            "MailUsername+",
            "sekret",
            "Ger-tremen",
            "denied",
            "specialize",
            "oobeSystem",
            "Lozinka",
            "anonymous",
            "non-empty",
            "amazonPW",
            "user1Pw",
            "nomatch",
            "correct",
            "kata sandi",
            "no-server-support",
            "NOT-NEEDED",
            "*LK*",
            "Passworte&#44",
            // Descriptions of the value.
            "cert1-passphrase",
            "mycert-passphrase",
            "blabla",
            "failing",
            "astrongandcomplicatedpassphrasethatisverysecure",
            "Administrazio-pasahitza",
            // One piece typed three times or more.
            "zzzz",
            "metricsmetricsmetricsmetrics",
            "abcabcabc",
        ] {
            assert!(!password_value_is_plausible(
                "password",
                stand_in.as_bytes(),
                quoted
            ));
        }
        assert!(password_value_is_plausible("password", b"k9xq", quoted));
        // Names that are no password's: locale tags (CLDR's Palau), and a value holding its name.
        for (name, value) in [
            ("und-PW", &b"pau-Latn-PW"[..]),
            ("en-PW", b"left-to-right"),
            ("en_PW", b"en_001"),
            ("payment:i-pass", b"Key:payment:i-pass"),
        ] {
            assert!(!password_value_is_plausible(name, value, quoted), "{name}");
        }
        assert!(built_of_stand_in_words(b"github_pat_secret"));
        assert!(built_of_stand_in_words(b"@someThingComplicated1234"));
        assert!(built_of_stand_in_words(b"SecretP@ssw0rd123"));
        assert!(password_value_is_plausible("password", b"queued", quoted));
        assert!(is_placeholder(b"**SOPS**", false));
        assert!(is_placeholder(b"AES256Key-32Characters1234567890", false));
        assert!(!generic_value_is_plausible(
            "key",
            b"Q-52ee0e33-980f-4a19-9821-39530de9f304-0"
        ));
        for described in [
            "will-be-cleared",
            "should-not-exist",
            "wrong-cookie",
            "nope",
        ] {
            assert!(
                !password_value_is_plausible("password", described.as_bytes(), coerced),
                "{described}"
            );
        }
        let quoted = PasswordSetting {
            quoted: true,
            ..PasswordSetting::default()
        };
        assert!(!password_value_is_plausible("Password", b"a123", quoted));
        assert!(!password_value_is_plausible("password", b"xxx123", quoted));
        assert!(!password_value_is_plausible("password", b"value", quoted));
        assert!(!password_value_is_plausible(
            "password",
            b"LongEnough123",
            quoted
        ));
        assert!(!password_value_is_plausible("password", b"pas123", quoted));
        assert!(!password_value_is_plausible(
            "Pass",
            b"tigeraGrey.400",
            quoted
        ));
        assert!(!password_value_is_plausible("pass", b"deny", quoted));
        assert!(!password_value_is_plausible("password", b"this", quoted));
        assert!(password_value_is_plausible(
            "password",
            b"Summer.2020",
            quoted
        ));
        assert!(!password_value_is_plausible(
            "pwd3",
            b"123456abcDEF!@#3",
            quoted
        ));
        assert!(!password_value_is_plausible(
            "passwd",
            b"abcDEF1232",
            quoted
        ));
        assert!(password_value_is_plausible("passwd", b"abcQ!@#9x7", quoted));
        assert!(!password_value_is_plausible("Password", b"300px", quoted));
        assert!(!password_value_is_plausible(
            "password",
            b"---invisible---",
            quoted
        ));
        assert!(!password_value_is_plausible(
            "new_password",
            b"doesntmatch",
            quoted
        ));
        assert!(password_value_is_plausible("password", b"300pxq9", quoted));
        // Nothing left after a query string's cut is not a panic.
        assert!(!password_value_is_plausible("Password", b"", quoted));
        assert!(password_value_is_plausible("Password", b"a1234x", quoted));
        assert!(!password_value_is_plausible("sshPass", b"right", quoted));
        assert!(password_value_is_plausible(
            "password",
            b"correct-horse-battery-staple",
            quoted
        ));
        assert!(!password_value_is_plausible(
            "password",
            b"should-be-ignored",
            quoted
        ));
        assert!(declares_a_token_by_name(b"\" APPEND"));
        assert!(declares_a_token_by_name(b"\" READ"));
        assert!(!declares_a_token_by_name(b"\" # read-only"));
        assert!(!password_value_is_plausible(
            "password", b"BLOCKED", coerced
        ));
        assert!(!generic_value_is_plausible(
            "token",
            b"urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092"
        ));
        // A value whose fourth byte falls inside a character is judged, not cut.
        assert!(!generic_value_is_plausible(
            "password",
            "パスワード".as_bytes()
        ));
        assert!(!generic_value_is_plausible(
            "password.algorithm",
            b"argon2id"
        ));
        assert!(is_powershell_command("Read-Host"));
        assert!(is_powershell_command("ConvertTo-SecureString"));
        assert!(!is_powershell_command("Kv8-Rt2xLq"));
        assert!(!is_powershell_command("Read-host9"));
    }

    #[test]
    fn made_up_tokens_spell_words_twice() {
        assert!(is_typed_by_hand(
            b"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"
        ));
        assert!(!is_typed_by_hand(
            b"npm_q8Jx2LmPz7RtV4nKw9Bc3HdF6gYs1AeUq9Wt"
        ));
        // One word is chance (or a prefix such as `sk_test_`).
        assert!(!spells_made_up_words(b"sk_test_4qk9j2vx8mzr7wpl3ndyh6tc"));
    }

    #[test]
    fn documentation_stand_ins_after_a_prefix_are_placeholders() {
        assert!(is_placeholder(b"sdk-abc123", false));
        assert!(is_placeholder(b"ch4n63m31fy0uc4n", false));
        assert!(is_placeholder(b"Base64CertDatA==", false));
        // Yarn's built-in Algolia search key.
        assert!(is_placeholder(b"6fe4476ee5a1832882e326b506d14126", false));
        assert!(!is_placeholder(
            b"base64:q8Jx2LmPz7RtV4nKw9Bc3HdF6gYs1AeUq9WtR5yE2kA=",
            false
        ));
        assert!(!is_placeholder(b"ch4n9xm31fy0uc4n", false));
        assert!(encodes_a_stand_in(b"bm90ZXhpc3Rpbmc6cHc="));
        // `postgres-user-password`, `db-password`: a Kubernetes secret's stand-ins.
        assert!(encodes_a_stand_in(b"cG9zdGdyZXMtdXNlci1wYXNzd29yZA=="));
        assert!(encodes_a_stand_in(b"ZGItcGFzc3dvcmQ="));
        assert!(is_placeholder(
            b"Abd13Kf+sfAk2DzifjafldkThisIsNotARealKeyOMG.",
            false
        ));
        assert!(is_placeholder(b"YmVlcDpib29w", false));
        assert!(is_placeholder(b"key_abc123", false));
        assert!(!is_placeholder(b"AP6abc1231321", false));
        assert!(is_placeholder(
            b"eyJhbGciOiJIUzI1NiJ9.body.signature",
            false
        ));
        assert!(!generic_value_is_plausible(
            "notAKey",
            b"MDECAQEEID5GoQgCK5hM2d4LeeB7W9HOlYHq"
        ));
    }

    #[test]
    fn connection_passwords_that_are_stand_ins_are_told_from_passwords() {
        for stand_in in [
            &b"123"[..],
            b"8443",
            b"password%25",
            b"1234",
            b"abc123",
            b"abc123xyz",
            b"password1",
            b"gh-token",
            b"Postgres",
            b"$DB_PASSWORD",
            b"%s",
            b"***",
            b"MotDePasse",
            b"user@domain.com",
            b"mySecret",
            b"p%40ss",
            b"host-token",
            b"orgtoken",
            b"token1",
            b"Sekrit",
            b"password!with%40%2B%20symbols",
            b"masked",
            b"passwordValue",
            b"http_pass",
            b"ignored_password",
            b"heslo",
            b"passwd1",
            b"foobar",
            b"foo%40bar",
            b"db-passwd",
            b"c0ntras3nya",
        ] {
            assert!(
                is_stand_in_connection_password(stand_in),
                "{}",
                String::from_utf8_lossy(stand_in)
            );
        }
        for password in [
            &b"q8Jx2LmPz7"[..],
            b"abc12",
            b"k9x",
            b"Winter2024!",
            b"a1b2c3",
            b"correct-horse-battery-staple",
            b"deltapass",
        ] {
            assert!(
                !is_stand_in_connection_password(password),
                "{}",
                String::from_utf8_lossy(password)
            );
        }
    }

    #[test]
    fn labels_public_halves_and_test_output_are_not_secrets() {
        let ed25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIIucdfCmsdVQ14j9LF52R+P65fBCyqcg2NukfwnArYlB";
        let ecdsa = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBC2CeSgYEf8j+TtwPzGNyBXFNyi9kxbRpW3gQCYkkGRs";
        for (name, value, plausible) in [
            // A test's label holding a word of the name, Laravel's CSRF field, SSH public keys, a
            // Java type after `private`, stand-in words in leetspeak.
            ("APIKey", "override-key1", false),
            (
                "_token",
                "pDmdgUFBm2tj-Vu8IoAfiaVNYy8sdBNjwrGtO9Igut8",
                false,
            ),
            ("key", ed25519, false),
            ("key", ecdsa, false),
            (
                "private",
                "BydbQLServiceGrpc.BydbQLServiceBlockingStub",
                false,
            ),
            ("x-auth-couchdb-token", "S3cr3tT0k3n", false),
            ("AppToken", "S0mEv3RY1oN9T0k3n", false),
            ("root-key", "sentinel-is-ta-20326.", false),
            ("accessKey", "maskAccessKey(cfg.AccessKey)", false),
            (
                "sheet_key",
                "1H9_xaxQHpWaa4O_Son4Gx0YOIzlcBWMsdvePFX68EKU",
                false,
            ),
            ("db_pwd", "other-s3cr3t", false),
            ("SECRET_KEY_BASE", "my$ecre7key123", false),
            ("iLastToken", "iDestCount-1", false),
            ("idPassword", "user1:pass1", false),
            ("ice-pwd", "ByUn1Od88VokVM0rtQ/bbeZa", false),
            ("PROPERTY_PRIVATE_KEY", "oauth1:jira:key:private", false),
            ("credentials", "aws-account1", false),
            (
                "PassphraseAbstractKey",
                "applications/passphrase/keys/PassphraseAbstractKey.php",
                false,
            ),
            // A hardware token's serial, resources' ids under `…_key`, a credentials block's
            // user, an algorithm, an enumeration's legend, a file's path, a JWT cut short.
            ("ROLLOUT_TOKEN_SERIAL", "KIPW0815", false),
            (
                "quarkus.mongodb.credentials.username",
                "c3VwZXJmaWdodA==",
                false,
            ),
            ("SECRET_RANDOM", "SHA1PRNG", false),
            ("LICENSE_SERIAL", "KIPW0815Q7", true),
            ("subnet_key", "91e47a57-7508-46fe-afc9-fc454e8580e1", false),
            ("router_key", "3e46229d-8fce-4733-819a-b5fe630550f8", false),
            ("api_key", "91e47a57-7508-46fe-afc9-fc454e8580e1", true),
            ("token", "0=permanent", false),
            ("dest_key", "2024/1/1/5-a5323e542e0f/full.png", false),
            (
                "secret_key",
                "Xk9mQ2vL8pR4/tWn6Yb3H+s7Jd5F/c1Ge0Ua8Zi2K",
                true,
            ),
            (
                "access_token",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdW",
                false,
            ),
            // Keys with a word of the name or leetspeak-like digits stay keys.
            ("api_key", "live-key-9fJ2kQ8xLm4vR7tW", true),
            ("auth_token", "S3kT0w9ZqLm2", true),
        ] {
            assert_eq!(
                generic_value_is_plausible(name, value.as_bytes()),
                plausible,
                "{name}={value}"
            );
        }
        for (before, value, repeats) in [
            (
                &b"@ConnectionConfiguration(user = \"clusterWrite\", password = \""[..],
                &b"clusterWrite"[..],
                true,
            ),
            (
                b"CREATE USER 'icinga'@'localhost' IDENTIFIED BY '",
                b"icinga",
                true,
            ),
            (b"user = \"alice\", password = \"", b"Xk9mQ2vL", false),
            (b"greeting = \"hello\", password = \"", b"hello", false),
            (
                b"{\"users\": {\"30min\": {\"default_policy\": \"pass\", \"password\": \"",
                b"30min",
                true,
            ),
            (b"{\"hello\": \"x\", \"password\": \"", b"hello", false),
            (
                b"clientv3.Config{\n\t\tUsername: \"guest\",\n\t\tPassword: \"",
                b"guest",
                true,
            ),
            (
                b"Username: \"guest\",\n\n\n\t\tPassword: \"",
                b"guest",
                false,
            ),
            (
                b"<user name=\"admin\" password=\"",
                b"admin",
                true,
            ),
            (
                b"params[\"user\"] = \"keatest\";\n    params[\"password\"] = \"",
                b"keatest",
                true,
            ),
            (
                b"    \"  <user username=\\\"tomcat\\\" password=\\\"",
                b"tomcat",
                true,
            ),
            (
                b"        username=\"fred\",\n        email=\"fred@fred.fred\",\n        language=\"fred\",\n        group=4,\n        password=\"",
                b"fred",
                true,
            ),
            (
                b"        configs.put(\"username\", \"servicemgr\");\n        configs.put(\"password\", \"",
                b"servicemgr",
                true,
            ),
            (
                b"        configs.put(\"namenode\", \"servicemgr\");\n        configs.put(\"password\", \"",
                b"servicemgr",
                false,
            ),
            (
                b"CREATE ROLE james1 WITH PASSWORD = '",
                b"james1",
                true,
            ),
            (
                b"CREATE ROLE james WITH PASSWORD = '",
                b"james1",
                false,
            ),
            (
                b"CREATE USER 'a'@'%' IDENTIFIED BY 'SqLpa5sW0rD';\nCREATE USER 'b'@'%' IDENTIFIED BY '",
                b"SqLpa5sW0rD",
                false,
            ),
            (
                b"<ss:user name=\"admin\" secret=\"YXNkZmZmZmZm_HARDcoded\" />\n<ss:user name=\"admin\" secret=\"",
                b"YXNkZmZmZmZm_HARDcoded",
                false,
            ),
        ] {
            assert_eq!(
                repeats_a_named_user(before, value, b"\";\n"),
                repeats,
                "{}",
                String::from_utf8_lossy(before)
            );
        }
        // The user named after the password, or right before it as a positional argument.
        for (before, value, after, repeats) in [
            (
                &b"            \"password\": \""[..],
                &b"ubuntu"[..],
                &b"\",\n            \"username\": \"ubuntu\",\n"[..],
                true,
            ),
            (
                b"            \"password\": \"",
                b"ubuntu",
                b"\",\n            \"hostname\": \"ubuntu\",\n",
                false,
            ),
            (
                b"    password: '",
                b"s3cr3tPW",
                b"'\n    other: 1\n    other: 2\n    user: 's3cr3tPW'\n",
                false,
            ),
            (
                b"export const VIEWER_USERNAME = process.env.VIEWER_USERNAME || 'viewer';\nexport const VIEWER_PASSWORD = process.env.VIEWER_PASSWORD || '",
                b"viewer",
                b"';\n",
                true,
            ),
            (
                b"    user2.username = 'BobSmith';\n    user2.password = '",
                b"bobsmith",
                b"';\n",
                true,
            ),
            (
                b"kwargs = self._mock_http(\"/\", auth=(\"stanley\", \"",
                b"stanley",
                b"\"))\n",
                true,
            ),
            (
                b"User.create username: \"inactive-user\", password: \"",
                b"inactive",
                b"\", email: \"x\"\n",
                true,
            ),
            (
                b"data={\"email\": \"terry@boom.com\", \"password1\": \"",
                b"terry",
                b"\", \"password2\": \"terry\"}\n",
                true,
            ),
            (
                b"The default password for the user \"pyne-user\" is \"",
                b"pyne",
                b"\".\n",
                false,
            ),
            (
                b"data={\"host\": \"terry.example.com\", \"password1\": \"",
                b"terry",
                b"\"}\n",
                false,
            ),
            (
                b"\t\t\t'username'\t\t\t=> 'user-reg-test',\n\t\t\t'new_password'\t\t=> '",
                b"user-reg-testuser-reg-test",
                b"',\n",
                true,
            ),
            (
                b"\t\t\t'username'\t\t\t=> 'user-reg-test',\n\t\t\t'new_password'\t\t=> '",
                b"xk3-rq9-vb2xk3-rq9-vb2",
                b"',\n",
                false,
            ),
            (
                b"token = api.login(\"stanley\", \"",
                b"Kq83nVx0Lp",
                b"\")\n",
                false,
            ),
            (
                b"            \"email\" => \"circleci@example.com\",\n            \"name\" => \"circleci\",\n            \"password\" => \"",
                b"circleci",
                b"\",\n",
                true,
            ),
        ] {
            assert_eq!(
                repeats_a_named_user(before, value, after),
                repeats,
                "{}",
                String::from_utf8_lossy(after)
            );
        }
        assert!(in_pkcs11_uri(
            b"--provider /usr/lib/softhsm.so \"pkcs11:model=SoftHSM%20v2;serial=29fdc44dc0d61539;"
        ));
        assert!(in_pkcs11_uri(b"pkcs11:"));
        let docsearch = b"search: {\n  provider: 'algolia',\n  options: {\n    apiKey: '3b733dff1539ca3a210775860301fa86',\n    indexName: 'runatlantis',\n    appId: 'BH4D9OD16A',\n";
        let at = memchr::memmem::find(docsearch, b"3b733").unwrap();
        assert!(is_docsearch_key(Some("apiKey"), docsearch, &(at..at + 32)));
        assert!(is_docsearch_key(None, docsearch, &(at..at + 32)));
        assert!(!is_docsearch_key(
            Some("adminKey"),
            docsearch,
            &(at..at + 32)
        ));
        assert!(is_challenge_token("Token", b"\t\tchall.Token = \""));
        assert!(is_challenge_token(
            "token",
            b"challb=acme_util.chall_to_challb(\n    challenges.HTTP01(\n        token=b\""
        ));
        assert!(!is_challenge_token(
            "token",
            b"client = Client(\n    token=\""
        ));
        assert!(!is_challenge_token("api_key", b"chall.ApiKey = \""));
        let search_only =
            b"NEXT_PUBLIC_ALGOLIA_SEARCH_ONLY_API_KEY=5e4adfd8094367056501547d6fedb6c5\n";
        assert!(is_docsearch_key(None, search_only, &(40..72)));
        let backend = b"ALGOLIA_ADMIN_KEY: '3b733dff1539ca3a210775860301fa86'\n";
        assert!(!is_docsearch_key(Some("apiKey"), backend, &(20..52)));
        let typesense = b"        ],\n        apiKey: 'KZsuSjc7jPqDm7pkl1kN8TkoHH9b3dwY',\n        connectionTimeoutSeconds: 2,\n      },\n      typesenseSearchParameters: {},\n";
        let at = memchr::memmem::find(typesense, b"KZsu").unwrap();
        assert!(is_docsearch_key(Some("apiKey"), typesense, &(at..at + 32)));
        let insights = b"aa('init', {\n  appId: \"JNSS5CFDZZ\",\n  apiKey: \"c8f882473ff42d41158430be09ec2b4e\",\n})\n";
        let at = memchr::memmem::find(insights, b"c8f8").unwrap();
        assert!(is_docsearch_key(Some("apiKey"), insights, &(at..at + 32)));
        let client = b"init({\n  appId: \"JNSS5CFDZZ\",\n  apiKey: \"c8f882473ff42d41158430be09ec2b4e\",\n})\n";
        let at = memchr::memmem::find(client, b"c8f8").unwrap();
        assert!(!is_docsearch_key(Some("apiKey"), client, &(at..at + 32)));
        assert!(!in_pkcs11_uri(b"url = \"https://host/?pkcs11=1;"));
        assert!(encodes_counted_text(
            b"4142434445464748494A4B4C4D4E4F505152535455565758595A31323334"
        ));
        assert!(!encodes_counted_text(
            b"b9f3911b591ae61e2d7f6af0531fd2a3b9f3911b591ae61e"
        ));
        assert!(is_placeholder(b"abc-123-xyz-456", false));
        assert!(!is_placeholder(b"abc-123-xyz-45q", false));
        assert!(is_partial_jwt(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"));
        assert!(!is_partial_jwt(
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.Xk9mQ2vL8pR4tWn6Yb3Hs7Jd5Fc1Ge0Ua8Zi2KqPx4"
        ));
    }

    #[test]
    fn values_counted_in_runs_are_placeholders() {
        assert!(is_placeholder(
            b"693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa",
            false
        ));
        assert!(!is_placeholder(
            b"693a5c76-7a0c-4bc4-97a0-0ec2f1fa5a3a",
            false
        ));
        assert!(made_of_ordered_runs(b"zyxwtuv987"));
        assert!(made_of_ordered_runs(b"abcdef123"));
        assert!(!made_of_ordered_runs(b"abcdef12"));
        assert!(!made_of_ordered_runs(b"ab"));
        assert!(is_placeholder(b"abc123xyz", false));
        assert!(!is_placeholder(b"abc123xyq", false));
        // Longer ones are kept, typed by hand (low confidence).
        assert!(!is_placeholder(b"XYZ789PQR123", false));
        assert!(is_typed_by_hand(b"XYZ789PQR123"));
    }

    #[test]
    fn pem_blocks_holding_text_are_stand_ins() {
        // Base64 of "these are just some fake intermediate key…".
        let fake = b"-----BEGIN EC PRIVATE KEY-----\n        dGhlc2UgYXJlIGp1c3Qgc29tZSBmYWtlIGludGVybWVkaWF0ZSBrZXkgYnl0ZXM=\n        -----END EC PRIVATE KEY-----";
        assert!(pem_body_is_text(fake));
        assert!(pem_body_is_text(
            b"-----BEGIN PRIVATE KEY-----\\nA key\\n-----END PRIVATE KEY-----\\n"
        ));
        let key = b"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB8ovUg0Atvz+b+XiF8QV722OivOm1geGtI3sP0F48N1oAoGCCqGSM49\nAwEHoUQDQgAE4Z2yL9m3kq7Xw0ZJ5Qn8V3cJ2xYt6mR1pL0sH9dF4gK7aB2eN5uT\n-----END EC PRIVATE KEY-----";
        assert!(!pem_body_is_text(key));
        let encrypted = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,e77ed7e2d2572f4c\n\nMIIEpAIBAAKCAQEAq4ILAWFFQusB11mbMECfRF8vYBVyXjbaAs3yHNQYpMx1b2c3\n-----END RSA PRIVATE KEY-----";
        assert!(!pem_body_is_text(encrypted));
        // Pieces joined in code keep their base64 runs.
        let pieces = b"\"-----BEGIN RSA PRIVATE KEY-----\\n\" +\n\"MIIEpAIBAAKCAQEAq4ILAWFFQusB11mbMECfRF8vYBVyXjbaAs3yHNQYpMx1b2c3\\n\" +\n\"-----END RSA PRIVATE KEY-----\"";
        assert!(!pem_body_is_text(pieces));
    }

    #[test]
    fn labels_written_in_base64_are_stand_ins() {
        // `oauth2-proxy-client-secret\n`, `super-secret-password`.
        assert!(encodes_a_stand_in(b"b2F1dGgyLXByb3h5LWNsaWVudC1zZWNyZXQK"));
        assert!(encodes_a_stand_in(b"c3VwZXItc2VjcmV0LXBhc3N3b3Jk"));
        // `accesskey`.
        assert!(encodes_a_stand_in(b"YWNjZXNza2V5"));
        // `0123456789abcdef0123456789abcdef` is made up (low confidence), thirty-two zeros a
        // stand-in.
        assert!(encodes_a_typed_value(
            b"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
        ));
        assert!(!encodes_a_typed_value(
            b"OQINaROshtE9TcZkNAm-5Zs2Pv3xaWytBmc5W7sPX7w="
        ));
        assert!(encodes_a_stand_in(
            b"MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA="
        ));
        assert!(!encodes_a_stand_in(
            b"OQINaROshtE9TcZkNAm-5Zs2Pv3xaWytBmc5W7sPX7w="
        ));
    }

    #[test]
    fn a_key_named_by_its_algorithm_is_a_fingerprint() {
        assert!(named_not_secret(
            b"gpg:                using DSA key ",
            "key",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
        assert!(!named_not_secret(
            b"deploy key ",
            "key",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
        // A release signing key named by its fingerprint, and one that is a key.
        let fingerprint = b"D66B222A3EA4C25D5D1A097FC34ACEFB46EC39CE";
        assert!(named_not_secret(
            b"signed with the signing key ",
            "key",
            fingerprint
        ));
        assert!(!named_not_secret(b"deploy key ", "key", fingerprint));
        assert!(!named_not_secret(
            b"the signing key ",
            "key",
            b"Xk9mQ2vL8pR4tWn6Yb3H"
        ));
    }

    #[test]
    fn openstack_and_otp_server_shapes_are_told_from_credentials() {
        // Install guides' stand-ins, Zuul's encrypted-secret tag and JWTs with nothing signed.
        for (value, placeholder) in [
            ("MANILA_DBPASS", true),
            ("IRONIC_DBPASSWORD", true),
            ("nova_passwd", true),
            ("nnch734d00sl2jdk", true),
            ("access-code-123", true),
            ("api-key-1", true),
            ("SlAV32hkKG", true),
            ("1/fFAGRNJru1FTz70BzhT3Zg", true),
            ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.xxx.yyy", true),
            ("Xk9mQ2vL8pR4_dbpassage", false),
            (
                "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.Xk9mQ2vL8pR4",
                false,
            ),
        ] {
            assert_eq!(
                is_placeholder(value.as_bytes(), false),
                placeholder,
                "{value}"
            );
        }
        for (value, reference) in [
            ("!encrypted/pkcs1-oaep", true),
            ("!Ref", true),
            (".Values.ingress.s3.api.annotations", true),
            ("'.$pass_value.'", true),
            ("\".$this->password.\"", true),
            ("'.x$Tq9!", false),
            (".Xk9mQ2vL8pR4.tWn6Yb3H+s7Jd5", false),
            ("!Qaz2wsx/9", false),
            ("!ZMmI67Cyq6", false),
        ] {
            assert_eq!(looks_like_reference(value), reference, "{value}");
        }
        let setting = PasswordSetting {
            quoted: true,
            ..PasswordSetting::default()
        };
        for (name, value, plausible) in [
            ("pass", "normal", false),
            ("password", "trim", false),
            ("password", "changed", false),
            ("password", "somethingelse", false),
            ("pass", "sthelse", false),
            ("password", "oauth2", false),
            ("password", "defined", false),
            ("pass", "wrongpin", false),
            ("pass", "pin818771", true),
            ("pass", "otppin", true),
            ("password", "enclair", false),
            ("password", "reset", false),
            ("current_password", "irrelevant", false),
            ("mustchangepassword", "pwdChangeNextLogin", false),
            ("passwd", "*unchanged*", false),
            ("password", "bar?hive.server2.transport.mode=http", false),
            ("password", "safe", false),
            ("password", "correctHorseBattery", true),
            ("password", "nywila", false),
            ("password", "Iggitaa.", false),
            ("password", "psw2", false),
            ("pass", "different", false),
            ("password", "pass%5B%7F", false),
            ("password", "psw2Kq8z!", true),
        ] {
            assert_eq!(
                password_value_is_plausible(name, value.as_bytes(), setting),
                plausible,
                "{name}={value}"
            );
        }
    }

    #[test]
    fn a_stand_in_after_twitchs_oauth_scheme_is_one() {
        for (value, stand_in) in [
            ("oauth:hasło", true),
            ("oauth:password", true),
            ("foopassword", true),
            ("foopass", true),
            ("pswd", true),
            // A test's names for where each password stands (`redis://:userinfosecret@…`).
            ("userinfosecret", true),
            ("query_secret", true),
            ("unused", true),
            ("wrong", true),
            ("creds", true),
            ("for_testing", true),
            ("foo(b%5Dc", true),
            ("pass%5B%7F", true),
            ("foo(b%5DcKq82Lx", false),
            ("oauth:q7w2k9x4m1z8c5v3b6n0p2l4j8h6", false),
        ] {
            assert_eq!(
                is_stand_in_connection_password(value.as_bytes()),
                stand_in,
                "{value}"
            );
        }
    }

    #[test]
    fn a_registry_keys_name_written_out_nearby_is_not_a_credential() {
        let key = b"9375CFF0413111d3B88A00104B2A6676";
        let around = br#"// HKEY_CURRENT_USER\Software\Profiles\<DefaultProfile>\9375CFF0413111d3B88A00104B2A6676\<xxxx>
private const string AccountKey = "9375CFF0413111d3B88A00104B2A6676";"#;
        assert!(names_a_registry_key(around, key));
        // Without the registry path, the same value is left to the other checks.
        let plain = br#"private const string AccountKey = "9375CFF0413111d3B88A00104B2A6676";"#;
        assert!(!names_a_registry_key(plain, key));
    }

    #[test]
    fn a_value_counted_in_a_series_with_its_neighbours_is_a_stand_in() {
        let settings =
            b"  baseUrl: 'env4'\n  username: 'env5'\n  password: 'env6'\n  copyFolder: 'env7'\n";
        assert!(counted_in_a_series(settings, b"env6"));
        // Only one neighbour, or neighbours that merely start the same.
        assert!(!counted_in_a_series(settings, b"env7"));
        assert!(!counted_in_a_series(
            b"a: 'env55'\nb: 'env6'\nc: 'env77'\n",
            b"env6"
        ));
        assert!(!counted_in_a_series(settings, b"Xk9mQ2vL8pR4"));
        // A series of passwords is not a series of stand-ins for other settings.
        let passwords = b"passwd: hardcoded2\npassword: hardcoded3\nDB_PASSWORD: hardcoded4\n";
        assert!(!counted_in_a_series(passwords, b"hardcoded3"));
        let pairs = b"  value: hardcoded2\n- key: password\n  value: hardcoded3\n- key: Password\n  value: hardcoded4\n";
        assert!(!counted_in_a_series(pairs, b"hardcoded3"));
    }

    #[test]
    fn a_list_of_numbered_stand_ins_is_told_from_a_key() {
        assert!(listed_before_its_successor(b"pat1:org1", b",pat2:org2) to"));
        assert!(listed_before_its_successor(b"key1", b", key2, key3"));
        assert!(!listed_before_its_successor(b"pat1:org1", b",pat3:org3"));
        assert!(!listed_before_its_successor(b"pat1:org1", b""));
        assert!(!listed_before_its_successor(
            b"Xk9mQ2vL8pR4",
            b",Xk9mQ2vL8pR5"
        ));
    }

    #[test]
    fn made_up_license_keys_and_paths_are_stand_ins() {
        // Counted runs with each character doubled, and a format's tag after them.
        assert!(is_placeholder(
            b"AABBCC-DDEEFF-112233-445566-778899-V3",
            false
        ));
        assert!(!is_placeholder(
            b"AXBQCC-DDRTFF-1F2233-44K566-77Z899-V3",
            false
        ));
        // Parts in base64 of words (`test-payload-data`; `test-payload` and `signature`).
        assert!(encodes_a_stand_in(b"key/dGVzdC1wYXlsb2FkLWRhdGE="));
        assert!(encodes_a_stand_in(b"key/dGVzdC1wYXlsb2Fk.c2lnbmF0dXJl"));
        assert!(!encodes_a_stand_in(
            b"key/Zq8vLm2pX7rT4wK9yB3n.C6hJ1dQw8Lk2"
        ));
        // A path made up for a test, a counter stepped before it is read.
        assert!(is_placeholder(b"your/key/20210701150405_path", false));
        assert!(looks_like_reference("++restInstanceCounter"));
        assert!(looks_like_reference("#fe_login_username"));
        assert!(!looks_like_reference("#ZMmI67Cyq6"));
        assert!(looks_like_reference("#BF1B00"));
        assert!(looks_like_reference("!!sSKeyInfo.passphrase"));
        assert!(looks_like_reference("settings?.TTSOpenAIKey"));
        assert!(spells_a_placeholder("7468697320697320612074657374206b6579"));
        assert!(!spells_a_placeholder(
            "5b2e4f6a8c9d1e3f7a0b4c6d8e2f1a3b5c7d"
        ));
        assert!(is_placeholder(b"sklive-123xyz", false));
        assert!(!looks_like_reference("!!Zq8vLm2pX7rT4wK9"));
        assert!(!looks_like_reference("#BF1B00x9"));
        assert!(!looks_like_reference("+Zq8vLm2pX7rT4wK9yB3n"));
        // The password a length check must refuse, and a keyboard's row.
        assert!(spells_a_stand_in("too-short"));
        assert!(spells_a_stand_in("zxcv"));
        // Public points of an elliptic curve, compressed and not; a 32-byte key is none.
        assert!(is_other_data(
            "029aadbdd9aff986e5ea086cf53ae062972d33d0a5c7f5fb986dafec7fa6d7e6ea"
        ));
        assert!(!is_other_data(
            "059aadbdd9aff986e5ea086cf53ae062972d33d0a5c7f5fb986dafec7fa6d7e6ea"
        ));
        // A JWT's header with words for its other parts.
        assert!(is_partial_jwt(b"eyJhbGciOiJIUzI1NiJ9.abc.xyz"));
        assert!(is_partial_jwt(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
        ));
        assert!(!generic_value_is_plausible(
            "REDACTED_CREDENTIAL_VALUE",
            b"_FLOWISE_BLANK_07167752-1a71-43b1-bf8f-4f32252165db"
        ));
        assert!(is_partial_jwt(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZGVudGl0eSI6MSwiaWF0IjoxNDk2OTU2ODMwfQ.bjl0"
        ));
        assert!(!is_partial_jwt(
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.Xk9mQ2vL8pR4tWn6Yb3Hs7Jd5Fc1Ge0Ua8Zi2KqPx4"
        ));
    }

    #[test]
    fn public_nkeys_stand_ins_and_code_of_the_twenty_sixth_session() {
        // NATS public nkeys of a user and an account; a seed (`S…`) is not one.
        assert!(is_other_data(
            "UD6AYQSOIN2IN5OGC6VQZCR4H3UFMIOXSW6NNS6N53CLJA4PB56CEJJI"
        ));
        assert!(is_other_data(
            "ACARKS2E3KVB7YORL2DG34XLT7PUCOL2SVM7YXV6ETHLW6Z46UUJ2VZ3"
        ));
        assert!(!is_other_data(
            "SUARKS2E3KVB7YORL2DG34XLT7PUCOL2SVM7YXV6ETHLW6Z46UUJ2VZ3"
        ));
        // A word between counted runs; counted runs alone are left to the confidence.
        assert!(is_placeholder(b"123callback456", false));
        assert!(!is_placeholder(b"1234567890abcdef123456", false));
        assert!(!is_placeholder(b"123xq7vmtk456", false));
        // Shadowsocks 2022's two keys, each counted out and base64-encoded.
        assert!(encodes_counted_text(
            b"MTIzNDU2Nzg5MDEyMzQ1NjEyMzQ1Njc4OTAxMjM0NTY=:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY="
        ));
        assert!(!encodes_counted_text(
            b"3SYJ/f8nmVuzKvKglykRQDSgg10e/ADilkdRWrrY9HU=:4w0GKJ9U3Ox7CIXGU4A3LDQAqP6qrp/tUi/ilpOR9p4="
        ));
        assert!(looks_like_reference("+suiteName+"));
        assert!(looks_like_reference(".connectionFiles/private-key"));
        assert!(!looks_like_reference(".Zq8vLm2pX7rT4wK9"));
        assert!(looks_like_reference("2/binary"));
        assert!(looks_like_reference("Len/little-unsigned-integer"));
        assert!(!looks_like_reference("2/binaryX9q"));
        assert!(used_as_a_public_key(
            "modified_key",
            b"\";\n    device.wireguard_pubkey = modified_key.into();\n"
        ));
        assert!(!used_as_a_public_key(
            "password",
            b"\"\n    privateKey, publicKey := derive(t, password)\n"
        ));
        assert!(names_a_host(
            b"\"http://51bnatug7ua3.share.example.io\",\n\"token\": \"51bnatug7ua3\"",
            b"51bnatug7ua3"
        ));
        assert!(!names_a_host(
            b"\"http://user:51bnatug7ua3@example.io\"",
            b"51bnatug7ua3"
        ));
        // A host and its port; a record's id behind its type's prefix.
        assert!(is_other_data("mydb.us-east-1.rds.amazonaws.com:5432"));
        assert!(!is_host_and_port("Xk9mQ2vL8pR4:5432"));
        assert!(is_other_data("rel-65dc68a44ac3df3648e9b872"));
        assert!(!is_prefixed_object_id("rel-f5dc68a44ac3df3648e9b872"));
        assert!(!is_prefixed_object_id("65dc68a44ac3df3648e9b872"));
        assert!(is_placeholder(b"sk-test123", false));
        assert!(looks_like_reference("-join"));
        // A signature of words ("signature_value_here"); a random one is a JWT's.
        assert!(is_partial_jwt(
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.c2lnbmF0dXJlX3ZhbHVlX2hlcmU"
        ));
        assert!(!is_partial_jwt(
            b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.Xk9mQ2vL8pR4tWn6Yb3Hs7Jd5Fc1Ge0Ua8Zi2KqPx4"
        ));
        assert!(is_placeholder(b"us_123", false));
        assert!(is_other_data("FromEmail/ToEmail1/ToEmail2/ToEmailN/"));
        assert!(!names_url_template_parts("Xk9mQ2vL/8pR4tWn6/Yb3Hs7Jd"));
    }
}
