//! "Does this string look machine-generated?" — the tests that separate a credential value
//! from a word, an identifier, a placeholder or a hash-like constant.

/// Shannon entropy of the byte distribution, in bits per byte.
pub fn shannon(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| {
        let p = f64::from(c) / n;
        -p * p.log2()
    }).sum()
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Classes {
    pub upper: usize,
    pub lower: usize,
    pub digit: usize,
    pub other: usize,
}

impl Classes {
    pub fn of(s: &[u8]) -> Classes {
        let mut c = Classes::default();
        for &b in s {
            match b {
                b'A'..=b'Z' => c.upper += 1,
                b'a'..=b'z' => c.lower += 1,
                b'0'..=b'9' => c.digit += 1,
                _ => c.other += 1,
            }
        }
        c
    }
}

/// Class changes between neighbouring characters per character. Random base62 changes class
/// at most positions; identifiers and words (`getUserName2`) change rarely.
pub fn transition_rate(s: &[u8]) -> f64 {
    fn class(b: u8) -> u8 {
        match b {
            b'A'..=b'Z' => 0,
            b'a'..=b'z' => 1,
            b'0'..=b'9' => 2,
            _ => 3,
        }
    }
    if s.len() < 2 {
        return 0.0;
    }
    let changes = s.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    changes as f64 / (s.len() - 1) as f64
}

/// Words people type where a value goes when they do not mean a real one.
const PLACEHOLDER_WORDS: [&str; 20] = [
    "example", "sample", "dummy", "placeholder", "redacted", "changeme", "change_me", "your_", "your-", "yourpass", "xxxx", "****", "....",
    "<", ">", "${", "{{", "%s", "todo", "fixme",
];

/// Runs that no random generator produces in practice: six equal characters, or six
/// consecutive ascending or descending digits/letters (`123456`, `abcdef`, `654321`).
pub fn has_degenerate_run(s: &[u8], min: usize) -> bool {
    let (mut same, mut up, mut down) = (1usize, 1usize, 1usize);
    for w in s.windows(2) {
        let (a, b) = (w[0], w[1]);
        let alnum = a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric();
        same = if a == b { same + 1 } else { 1 };
        let step_ok = |x: u8, y: u8| alnum && (x.is_ascii_digit() == y.is_ascii_digit()) && (x.is_ascii_lowercase() == y.is_ascii_lowercase());
        up = if step_ok(a, b) && b == a.wrapping_add(1) { up + 1 } else { 1 };
        down = if step_ok(a, b) && a == b.wrapping_add(1) { down + 1 } else { 1 };
        if same >= min || up >= min || down >= min {
            return true;
        }
    }
    false
}

/// Template syntax, masks or a word like "example" inside the value.
pub fn has_placeholder_word(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
}

/// A value that is visibly not a real one: template syntax, masks, the word "example", runs.
pub fn is_placeholder(s: &str) -> bool {
    has_placeholder_word(s) || has_degenerate_run(s.as_bytes(), 6)
}

/// A token-shaped value that looks random enough to be a credential: long enough, several
/// character classes, high entropy, frequent class changes, no placeholder markers, and not
/// purely hexadecimal (hex strings in prompts are overwhelmingly hashes and ids).
pub fn looks_random(s: &str, min_len: usize) -> bool {
    let b = s.as_bytes();
    if b.len() < min_len {
        return false;
    }
    let c = Classes::of(b);
    let letters_and_digits = c.upper + c.lower + c.digit;
    if letters_and_digits * 10 < b.len() * 8 {
        return false;
    }
    let is_hex = b.iter().all(u8::is_ascii_hexdigit);
    if is_hex {
        return false;
    }
    // Two classes suffice for long values (lower+digit API keys), short ones need three.
    let kinds_needed = if b.len() >= 24 { 2 } else { 3 };
    let kinds = usize::from(c.upper > 0) + usize::from(c.lower > 0) + usize::from(c.digit > 0);
    if kinds < kinds_needed {
        return false;
    }
    // Entropy grows with length up to log2(alphabet); scale the bar for short strings.
    let bar = if b.len() >= 32 { 3.8 } else { 3.0 + (b.len() as f64 - 12.0).max(0.0) * 0.04 };
    shannon(b) >= bar && transition_rate(b) >= 0.25 && !is_placeholder(s)
}

/// A value under a credential-named key (`api_key = …`, `?token=…`): the key already says what
/// it is, so the bar is lower than [`looks_random`] — letters and digits mixed, not a word, not
/// an identifier, not a placeholder. Hex is allowed here (hex API keys are common).
pub fn token_value_ok(s: &str) -> bool {
    let b = s.as_bytes();
    if is_uuid(b) {
        return false;
    }
    // Longer blobs under a key are encrypted payloads or data (sealed secrets, images), and the
    // long real tokens (JWTs, vendor keys) have their own detectors.
    if b.len() < 8 || b.len() > 256 || is_placeholder(s) {
        return false;
    }
    let c = Classes::of(b);
    if (c.upper + c.lower + c.digit) * 10 < b.len() * 7 {
        return false;
    }
    let has_letter = c.upper + c.lower > 0;
    let mixed = (has_letter && c.digit > 0) || (c.upper > 0 && c.lower > 0 && b.len() >= 16);
    mixed && shannon(b) >= 2.8 && transition_rate(b) >= 0.2
}

/// `8-4-4-4-12` hex: an identifier, public by policy (request ids, record keys).
pub fn is_uuid(b: &[u8]) -> bool {
    b.len() == 36 && b.iter().enumerate().all(|(i, &c)| if [8, 13, 18, 23].contains(&i) { c == b'-' } else { c.is_ascii_hexdigit() })
}

/// Standard or URL-safe base64, padding optional. Returns None on any other byte.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Decoded bytes that are all printable text: base64 of prose or of a config, not of key material.
pub fn is_printable_text(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_orders_random_above_repetitive() {
        assert!(shannon(b"aaaaaaaa") < 0.01);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-9);
        assert!(shannon(b"q4c1a2oPdX7zLm") > shannon(b"passwordpassword"));
    }

    #[test]
    fn placeholders_and_runs() {
        assert!(is_placeholder("sk-1234567abcd"));
        assert!(is_placeholder("tokenEXAMPLEvalue"));
        assert!(is_placeholder("xxxxxxxx"));
        assert!(is_placeholder("<your key>"));
        assert!(is_placeholder("abcdef0011"));
        assert!(is_placeholder("zz654321"));
        assert!(!is_placeholder("Prl23Db#@"));
        assert!(!is_placeholder("b035d48j9X2dfjF0hb9sd8Guf5hWu2ia"));
    }

    #[test]
    fn randomness_test_separates_tokens_from_words_hashes_and_identifiers() {
        assert!(looks_random("b035d48j9X2dfjF0hb9sd8Guf5hWu2ia", 16));
        assert!(looks_random("G1Re06G1BdgNseiJDN21Z094M", 16));
        assert!(looks_random("4L2QMyTm6Rr0o46ytGiReoG1", 16));
        assert!(!looks_random("getUserNameFromDatabase", 16), "identifier");
        assert!(!looks_random("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 16), "hex hash");
        assert!(!looks_random("short1A", 16));
        assert!(!looks_random("the quick brown fox jumps", 16));
    }

    #[test]
    fn token_values_under_credential_keys() {
        assert!(token_value_ok("546DFS64N90P3AW7DX"));
        assert!(token_value_ok("h1d3Me4ch534d801sl3jdk"));
        assert!(token_value_ok("8d2a78c080a3af1e6a4677be474432f2"));
        assert!(!token_value_ok("getAccessToken"));
        assert!(!token_value_ok("your_api_key_here"));
        assert!(!token_value_ok("short1"));
        assert!(!token_value_ok("host"));
    }

    #[test]
    fn base64_round_trip_and_text_detection() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert!(base64_decode("a$b").is_none());
        assert!(is_printable_text(b"reftkn:There are not"));
        assert!(!is_printable_text(&[0x30, 0x82, 0x01, 0x3a]));
    }
}
