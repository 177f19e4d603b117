//! Check digits that turn "a number of the right length" into "almost certainly an identifier":
//! Luhn (payment cards), ISO 13616 mod-97 (IBAN), the SSA's structural rules for SSNs, the CRC32
//! GitHub appends to its tokens, and the bech32 checksum of age secret keys.
//!
//! Validators take the candidate as found in the text and skip separators themselves, so the
//! callers do not allocate.

/// Luhn over the ASCII digits of `s` (other bytes — spaces, dashes — are ignored).
pub fn luhn(s: &str) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for b in s.bytes().rev().filter(u8::is_ascii_digit) {
        let mut d = u32::from(b - b'0');
        if count % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        count += 1;
    }
    count > 0 && sum.is_multiple_of(10)
}

/// Registered IBAN lengths per country (ISO 13616 registry), so a random letters-and-digits
/// string that happens to pass mod-97 (1 in 97) still has to have its country's exact length.
fn iban_length(country: [u8; 2]) -> Option<usize> {
    let len = match &country {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"FO" | b"GL" | b"NL" => 18,
        b"MK" | b"SI" => 19,
        b"AT" | b"BA" | b"EE" | b"KZ" | b"LT" | b"LU" | b"XK" => 20,
        b"CH" | b"CR" | b"HR" | b"LI" | b"LV" => 21,
        b"BG" | b"BH" | b"DE" | b"GB" | b"GE" | b"IE" | b"ME" | b"RS" => 22,
        b"AE" | b"GI" | b"IL" | b"TL" => 23,
        b"AD" | b"CZ" | b"ES" | b"MD" | b"PK" | b"RO" | b"SA" | b"SE" | b"SK" | b"TN" | b"VG" => 24,
        b"PT" | b"ST" => 25,
        b"IS" | b"TR" => 26,
        b"FR" | b"GR" | b"IT" | b"MC" | b"MR" | b"SM" => 27,
        b"AL" | b"AZ" | b"BY" | b"CY" | b"DO" | b"GT" | b"HU" | b"LB" | b"PL" | b"SV" => 28,
        b"BR" | b"EG" | b"PS" | b"QA" | b"UA" => 29,
        b"IQ" | b"JO" | b"KW" | b"MU" => 30,
        b"MT" | b"SC" => 31,
        b"LC" => 32,
        b"RU" => 33,
        _ => return None,
    };
    Some(len)
}

/// ISO 13616: known country, the country's length, and `rearranged mod 97 == 1`. Spaces are
/// ignored; letters may be either case.
pub fn iban(s: &str) -> bool {
    let mut chars = [0u8; 34];
    let mut n = 0;
    for b in s.bytes() {
        if b == b' ' {
            continue;
        }
        if !b.is_ascii_alphanumeric() || n == chars.len() {
            return false;
        }
        chars[n] = b.to_ascii_uppercase();
        n += 1;
    }
    if n < 15 || !chars[0].is_ascii_alphabetic() || !chars[1].is_ascii_alphabetic() || !chars[2].is_ascii_digit() || !chars[3].is_ascii_digit() {
        return false;
    }
    if iban_length([chars[0], chars[1]]) != Some(n) {
        return false;
    }
    // Move the first four characters to the end, letters become 10..35, reduce as we go.
    let mut rem = 0u32;
    for &c in chars[4..n].iter().chain(&chars[..4]) {
        if c.is_ascii_digit() {
            rem = (rem * 10 + u32::from(c - b'0')) % 97;
        } else {
            let v = u32::from(c - b'A') + 10;
            rem = (rem * 100 + v) % 97;
        }
    }
    rem == 1
}

/// The SSA never issues area 000, 666 or 900–999, group 00 or serial 0000; numbers that break
/// these rules are not SSNs (they are often ZIP+4, phone fragments, or made-up examples).
/// `s` is `AAA-GG-SSSS` or `AAA GG SSSS` or nine digits.
pub fn ssn(s: &str) -> bool {
    let mut digits = [0u8; 9];
    let mut n = 0;
    for b in s.bytes().filter(u8::is_ascii_digit) {
        if n == 9 {
            return false;
        }
        digits[n] = b - b'0';
        n += 1;
    }
    if n != 9 {
        return false;
    }
    let area = u32::from(digits[0]) * 100 + u32::from(digits[1]) * 10 + u32::from(digits[2]);
    let group = digits[3] * 10 + digits[4];
    let serial = digits[5..].iter().fold(0u32, |acc, &d| acc * 10 + u32::from(d));
    // 078-05-1120 and 219-09-9999 were printed in advertising and are known to be fake.
    let advertised = matches!((area, group, serial), (78, 5, 1120) | (219, 9, 9999));
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 && !advertised
}

/// CRC-32 (IEEE), bitwise: only ever run on a few dozen bytes of a prefixed token.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub's token format ends in six base62 characters encoding the CRC32 of the random part
/// before them. A valid checksum means a real-format token even when its body looks degenerate
/// (all zeros); an invalid one on a degenerate body means a made-up string.
pub fn github_token_checksum(body: &str) -> bool {
    let bytes = body.as_bytes();
    if bytes.len() < 7 {
        return false;
    }
    let (random, check) = bytes.split_at(bytes.len() - 6);
    let mut n = crc32(random);
    let mut expected = [b'0'; 6];
    for slot in expected.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    n == 0 && expected == check
}

/// Bech32 (BIP-173) checksum, used by age (`AGE-SECRET-KEY-1…`). Case-insensitive, but not mixed.
pub fn bech32(s: &str) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3];
    let has_lower = s.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = s.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let Some(sep) = lower.rfind('1') else { return false };
    let (hrp, data) = (&lower.as_bytes()[..sep], &lower.as_bytes()[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let polymod = |values: &mut dyn Iterator<Item = u8>| {
        let mut chk = 1u32;
        for v in values {
            let top = chk >> 25;
            chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
            for (i, g) in GEN.iter().enumerate() {
                if (top >> i) & 1 == 1 {
                    chk ^= g;
                }
            }
        }
        chk
    };
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.iter().map(|c| c >> 5));
    values.push(0);
    values.extend(hrp.iter().map(|c| c & 31));
    for c in data {
        match CHARSET.iter().position(|x| x == c) {
            Some(p) => values.push(p as u8),
            None => return false,
        }
    }
    polymod(&mut values.into_iter()) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_cards_and_rejects_one_digit_changes() {
        assert!(luhn("4539 1488 0343 6467"));
        assert!(luhn("4111-1111-1111-1111"));
        assert!(luhn("371449635398431"));
        assert!(!luhn("4539 1488 0343 6468"));
        assert!(!luhn("4111111111111112"));
        assert!(!luhn(""));
    }

    #[test]
    fn iban_checks_country_length_and_mod97() {
        assert!(iban("GB82WEST12345698765432"));
        assert!(iban("GB82 WEST 1234 5698 7654 32"));
        assert!(iban("de89370400440532013000"));
        assert!(iban("FR1420041010050500013M02606"));
        assert!(!iban("GB82WEST12345698765433"), "check digits wrong");
        assert!(!iban("GB82WEST1234569876543"), "one short for GB");
        assert!(!iban("ZZ82WEST12345698765432"), "unknown country");
        assert!(!iban("GB82WEST1234569876543!"));
    }

    #[test]
    fn ssn_rules() {
        assert!(ssn("123-45-6789"));
        assert!(ssn("460 89 9847"));
        assert!(!ssn("000-12-3456"));
        assert!(!ssn("666-12-3456"));
        assert!(!ssn("912-12-3456"));
        assert!(!ssn("123-00-4567"));
        assert!(!ssn("123-45-0000"));
        assert!(!ssn("078-05-1120"));
        assert!(!ssn("123-45-678"));
    }

    #[test]
    fn github_checksum_distinguishes_real_format_from_lookalikes() {
        // 31 zeros followed by base62(crc32("0" * 31)).
        assert!(github_token_checksum("00000000000000000000000000000004WZ4EQ"));
        assert!(!github_token_checksum("00000000000000000000000000000004WZ4EX"));
        assert!(!github_token_checksum("1010110010001010101001010101010101011001"));
        assert!(!github_token_checksum("abc"));
    }

    #[test]
    fn bech32_validates_checksum() {
        assert!(bech32("A12UEL5L"));
        assert!(bech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
        assert!(!bech32("A12UEL5X"));
        assert!(!bech32("A12uEL5L"), "mixed case");
        assert!(!bech32("nohrpseparator"));
    }
}
