//! Personal identifiers with a recognisable shape: e-mail, phone, payment card, IBAN, US SSN and
//! other national ids, IP addresses, street addresses, dates of birth.
//!
//! Numbers are the main source of false positives (years, prices, versions, maths, ids in code),
//! so digit runs are read once, split into their groups, and each run is classified by shape,
//! checksum and — for the ambiguous shapes — a cue word nearby ("call", "card", "SSN").

use std::net::Ipv6Addr;
use std::sync::LazyLock;

use regex::Regex;

use super::{checksums, contains_ci, window, Sink};
use crate::entity::EntityType::{self, *};

pub fn scan(text: &str, sink: &mut Sink) {
    let bytes = text.as_bytes();
    if memchr::memchr(b'@', bytes).is_some() {
        emails(text, sink);
    }
    let has_digit = bytes.iter().any(u8::is_ascii_digit);
    if !has_digit {
        return;
    }
    let runs = digit_runs(text);
    numbers(text, &runs, sink);
    // IBAN and NINO both start with two letters right before digits: find those spots with a
    // byte scan and run the regexes only there.
    let letters_then_digits = letter_digit_spots(bytes);
    if !letters_then_digits.is_empty() {
        ibans(text, &letters_then_digits, sink);
    }
    national_ids(text, &letters_then_digits, sink);
    ipv6(text, sink);
    addresses(text, &runs, sink);
    postcodes(text, &runs, sink);
}

/// "my zip code is 35649", "postcode: SW1A 1AA": a postal code right after its name. Alone it
/// narrows a person to a few thousand households, and with a name it is part of an address.
fn postcodes(text: &str, runs: &[Run], sink: &mut Sink) {
    if !super::mentions!(sink, ["zip", "postcode", "postal code", "post code", "plz"]) {
        return;
    }
    for run in runs {
        let lead = window(text, run.start, run.start, 24, 0).to_ascii_lowercase();
        let cue = ["zip code", "zipcode", "zip", "postcode", "postal code", "post code", "plz"].iter().any(|c| {
            lead.rfind(c).is_some_and(|i| lead[i + c.len()..].trim_matches(|ch: char| ch == ' ' || ch == ':' || ch == '#').trim_start_matches("is").trim().is_empty())
        });
        let lens = run.lens();
        let shape = lens == [5] || lens == [5, 4] || lens == [4] || lens == [6];
        if cue && shape && !sink.covered(run.start, run.end) {
            sink.add(text, StreetAddress, run.start, run.end, 0.5);
        }
    }
}

/// Word starts where two ASCII letters are followed (optionally after a space) by two digits.
fn letter_digit_spots(b: &[u8]) -> Vec<usize> {
    let mut spots = Vec::new();
    for i in 0..b.len().saturating_sub(3) {
        if (i == 0 || !b[i - 1].is_ascii_alphanumeric()) && b[i].is_ascii_alphabetic() && b[i + 1].is_ascii_alphabetic() {
            let j = if b[i + 2] == b' ' { i + 3 } else { i + 2 };
            if j + 1 < b.len() && b[j].is_ascii_digit() && b[j + 1].is_ascii_digit() {
                spots.push(i);
            }
        }
    }
    spots
}

/// Runs `re` over short slices starting at `spots` (each `len` bytes, on char boundaries) and
/// yields matches that start at the spot, with offsets in `text`.
fn matches_at<'t>(re: &'t Regex, text: &'t str, spots: &'t [usize], len: usize) -> impl Iterator<Item = regex::Captures<'t>> + 't {
    spots.iter().filter_map(move |&s| {
        let e = super::ceil_boundary(text, (s + len).min(text.len()));
        re.captures(&text[s..e]).filter(|c| c.get(0).is_some_and(|m| m.start() == 0)).map(|_| s)
    })
    .filter_map(move |s| {
        let e = super::ceil_boundary(text, (s + len).min(text.len()));
        // Re-run on the full text from the spot so capture offsets are absolute.
        re.captures_at(text, s).filter(|c| c.get(0).is_some_and(|m| m.start() == s && m.end() <= e))
    })
}

// ---- e-mail -------------------------------------------------------------------------------

/// Role and documentation mailboxes identify nobody.
const ROLE_LOCAL_PARTS: [&str; 24] = [
    "user", "username", "name", "someone", "somebody", "you", "your", "yourname", "your.name", "email", "example", "test", "foo", "bar",
    "john.doe", "jane.doe", "johndoe", "noreply", "no-reply", "support", "info", "admin", "git", "root",
];

fn emails(text: &str, sink: &mut Sink) {
    let bytes = text.as_bytes();
    let local_byte = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let domain_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    for at in memchr::memchr_iter(b'@', bytes) {
        let mut s = at;
        while s > 0 && local_byte(bytes[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < bytes.len() && domain_byte(bytes[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(bytes[e - 1], b'.' | b'-') {
            e -= 1;
        }
        while s < at && bytes[s] == b'.' {
            s += 1;
        }
        let (local, domain) = (&text[s..at], &text[at + 1..e]);
        if local.is_empty() || local.len() > 64 || local.ends_with('.') {
            continue;
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let Some(tld) = labels.last() else { continue };
        if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) || !(2..=24).contains(&tld.len()) || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        let domain_lower = domain.to_ascii_lowercase();
        // RFC 2606 / 6761 reserved names are documentation, not people.
        let reserved = ["example.com", "example.org", "example.net"].iter().any(|d| domain_lower == *d || domain_lower.ends_with(&format!(".{d}")))
            || [".example", ".test", ".invalid", ".localhost", ".local"].iter().any(|t| domain_lower.ends_with(t))
            || domain_lower == "domain.com";
        let local_lower = local.to_ascii_lowercase();
        let masked = labels.iter().any(|l| l.bytes().all(|b| b == b'x' || b == b'X'));
        if reserved || masked || ROLE_LOCAL_PARTS.contains(&local_lower.as_str()) {
            continue;
        }
        sink.add(text, Email, s, e, 0.95);
    }
}

// ---- digit runs -----------------------------------------------------------------------------

/// A maximal run of digit groups joined by single separators, e.g. `(555) 123-4567 x89`.
#[derive(Debug)]
struct Run {
    start: usize,
    end: usize,
    digits: usize,
    groups: Vec<(usize, usize)>,
    /// Separators seen between groups (deduplicated).
    seps: Vec<u8>,
    plus: bool,
    paren: bool,
    ext: bool,
}

impl Run {
    fn lens(&self) -> Vec<usize> {
        self.groups.iter().map(|(s, e)| e - s).collect()
    }

    fn only_sep(&self, sep: u8) -> bool {
        self.seps.iter().all(|&s| s == sep)
    }
}

fn digit_runs(text: &str) -> Vec<Run> {
    let b = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts_run = b[i].is_ascii_digit() || ((b[i] == b'+' || b[i] == b'(') && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.' || b[i - 1] == b',' || b[i - 1] == b'-' || b[i - 1] == b'/');
        if !starts_run || !boundary {
            i += 1;
            continue;
        }
        let start = i;
        let mut run = Run { start, end: i, digits: 0, groups: Vec::new(), seps: Vec::new(), plus: false, paren: false, ext: false };
        if b[i] == b'+' {
            run.plus = true;
            i += 1;
        }
        loop {
            if i < b.len() && b[i] == b'(' {
                run.paren = true;
                i += 1;
            }
            let g = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == g {
                break;
            }
            run.groups.push((g, i));
            run.digits += i - g;
            run.end = i;
            // A separator: one of ` - . /`, optionally after `)`, optionally before `(`.
            let mut j = i;
            if j < b.len() && b[j] == b')' {
                run.paren = true;
                j += 1;
                run.end = j;
            }
            let sep_at = j;
            if j < b.len() && matches!(b[j], b' ' | b'-' | b'.' | b'/') {
                j += 1;
            }
            if j < b.len() && b[j] == b'(' {
                j += 1;
                run.paren = true;
            }
            if j < b.len() && b[j].is_ascii_digit() && j > i {
                if sep_at < b.len() && matches!(b[sep_at], b' ' | b'-' | b'.' | b'/') && !run.seps.contains(&b[sep_at]) {
                    run.seps.push(b[sep_at]);
                }
                i = if b[j - 1] == b'(' { j - 1 } else { j };
                continue;
            }
            break;
        }
        // Extension: `x123`, ` x 123`, ` ext. 123`.
        let rest = &b[run.end..];
        for pat in [&b"x"[..], b" x", b" x ", b" ext. ", b" ext ", b" ext."] {
            if rest.starts_with(pat) && rest.get(pat.len()).is_some_and(u8::is_ascii_digit) {
                let mut k = run.end + pat.len();
                while k < b.len() && b[k].is_ascii_digit() {
                    k += 1;
                }
                run.end = k;
                run.ext = true;
                break;
            }
        }
        i = run.end.max(start + 1);
        // Glued to letters (`3.14f`, `12px`, `2000000000L`) or a decimal tail: not an identifier.
        let glued = b.get(run.end).is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
            || (b.get(run.end) == Some(&b'.') && b.get(run.end + 1).is_some_and(u8::is_ascii_digit));
        if !glued && run.digits > 0 {
            runs.push(run);
        }
    }
    runs
}

const PHONE_CUES: [&str; 24] = [
    "phone", "tel", "call", "mobile", "cell", "fax", "reach", "contact", "text me", "sms", "whatsapp", "dial", "answering", "number", "desk",
    "office", "ring", "hotline", "message", "registered", "landline", "telefon", "handy", "número",
];
const CARD_CUES: [&str; 10] = ["card", "credit", "debit", "visa", "mastercard", "amex", "maestro", "payment", "charge", "cc"];
const SSN_CUES: [&str; 5] = ["ssn", "social security", "social-security", "taxpayer", "tin:"];

/// A cue word in the window, starting at a word boundary ("ring" must not match "During");
/// short cues must also end at one ("tel" is not "television").
fn cue_near(text: &str, start: usize, end: usize, before: usize, after: usize, cues: &[&str]) -> bool {
    let w = window(text, start, end, before, after).as_bytes();
    cues.iter().any(|c| {
        let c = c.as_bytes();
        w.windows(c.len()).enumerate().any(|(i, win)| {
            win.eq_ignore_ascii_case(c)
                && (i == 0 || !w[i - 1].is_ascii_alphanumeric())
                && (c.len() > 4 || w.get(i + c.len()).is_none_or(|b| !b.is_ascii_alphabetic()))
        })
    })
}

fn numbers(text: &str, runs: &[Run], sink: &mut Sink) {
    for run in runs {
        let lens = run.lens();
        let span = &text[run.start..run.end];
        if let Some(entity) = classify_run(text, run, &lens, span) {
            let (entity, confidence) = entity;
            sink.add(text, entity, run.start, run.end, confidence);
        }
    }
}

fn is_date(run: &Run, lens: &[usize], text: &str) -> bool {
    if run.plus || run.paren || lens.len() != 3 || run.seps.len() != 1 {
        return false;
    }
    let v = |k: usize| text[run.groups[k].0..run.groups[k].1].parse::<u32>().unwrap_or(0);
    let ymd = lens[0] == 4 && lens[1] <= 2 && lens[2] <= 2 && (1..=12).contains(&v(1)) && (1..=31).contains(&v(2));
    let dmy = lens[0] <= 2 && lens[1] <= 2 && (lens[2] == 4 || lens[2] == 2) && v(0) >= 1 && v(1) >= 1 && (v(0) <= 12 || v(1) <= 12) && v(0) <= 31 && v(1) <= 31;
    ymd || dmy
}

fn classify_run(text: &str, run: &Run, lens: &[usize], span: &str) -> Option<(EntityType, f32)> {
    let d = run.digits;
    let first_digit = run.groups.first().map_or("", |&(s, e)| &text[s..e]);
    // Dates: only a birth date is personal.
    if is_date(run, lens, text) {
        let w = window(text, run.start, run.end, 40, 0);
        let birth = ["birth", "dob", "d.o.b", "born"].iter().any(|c| contains_ci(w, c));
        return birth.then_some((DateOfBirth, 0.8));
    }
    // IPv4.
    if lens.len() == 4 && run.only_sep(b'.') && !run.plus && !run.paren && lens.iter().all(|&l| l <= 3) {
        return ipv4(text, run);
    }
    // US SSN: AAA-GG-SSSS.
    if lens == [3, 2, 4] && (run.only_sep(b'-') || run.only_sep(b' ')) && !run.paren && !run.plus {
        if checksums::ssn(span) {
            let sure = run.only_sep(b'-') || cue_near(text, run.start, run.end, 40, 0, &SSN_CUES);
            return sure.then_some((UsSsn, 0.9));
        }
        return None;
    }
    if d == 9 && lens.len() == 1 && cue_near(text, run.start, run.end, 40, 0, &SSN_CUES) && checksums::ssn(span) {
        return Some((UsSsn, 0.8));
    }
    // Payment cards: 12–19 digits, contiguous or in the printed groupings.
    let card_grouping = lens.len() == 1 || (lens.iter().all(|&l| l == 4) || lens == [4, 6, 5] || lens == [4, 6, 4] || (lens.len() == 5 && lens[..4].iter().all(|&l| l == 4)));
    if (12..=19).contains(&d) && card_grouping && !run.plus && !run.paren && (run.only_sep(b' ') || run.only_sep(b'-')) && checksums::luhn(span) {
        let all_same = span.bytes().filter(u8::is_ascii_digit).all(|c| Some(c) == first_digit.bytes().next());
        let context = cue_near(text, run.start, run.end, 80, 30, &CARD_CUES);
        if !all_same && ((d >= 15 && card_prefix(span)) || context) {
            return Some((CreditCard, if context { 0.95 } else { 0.85 }));
        }
    }
    phone(text, run, lens)
}

/// Issuer prefixes of the card networks (Visa 4, Mastercard 51–55 / 2221–2720, Amex 34/37,
/// Discover 6011/65, Diners 30/36/38, JCB 35/1800/2131, UnionPay 62, Maestro 50/56–58/63/67).
fn card_prefix(span: &str) -> bool {
    let digits: String = span.bytes().filter(u8::is_ascii_digit).take(4).map(char::from).collect();
    let p2: u32 = digits.get(..2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let p4: u32 = digits.parse().unwrap_or(0);
    matches!(p2, 30 | 34..=38 | 40..=49 | 50..=58 | 60 | 62..=65 | 67) || (2221..=2720).contains(&p4) || p4 == 1800 || p4 == 2131
}

fn ipv4(text: &str, run: &Run) -> Option<(EntityType, f32)> {
    let octets: Vec<u32> = run.groups.iter().map(|&(s, e)| text[s..e].parse().unwrap_or(999)).collect();
    if octets.iter().any(|&o| o > 255) || run.groups.iter().any(|&(s, e)| e - s > 1 && text.as_bytes()[s] == b'0') {
        return None;
    }
    // Version numbers (`v1.2.3.4`, "version 10.0.19041.1").
    let before = window(text, run.start, run.start, 12, 0).to_ascii_lowercase();
    if before.ends_with('v') || before.contains("version") || before.contains("ver.") || before.contains("build") {
        return None;
    }
    // Loopback, unspecified, broadcast, multicast, netmasks and documentation ranges say
    // nothing about anyone.
    let (a, b, c) = (octets[0], octets[1], octets[2]);
    let special = a == 0 || a == 127 || a >= 224 || (a == 192 && b == 0 && c == 2) || (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113);
    if special {
        return None;
    }
    // Private ranges (RFC 1918, link-local, CGNAT) are everywhere in configs and tutorials; they
    // identify a host only when the text says it is someone's address.
    let private = a == 10 || (a == 172 && (16..=31).contains(&b)) || (a == 192 && b == 168) || (a == 169 && b == 254) || (a == 100 && (64..=127).contains(&b));
    if private && !cue_near(text, run.start, run.end, 40, 0, &["my ip", "ip address", "address", "my computer", "my device", "blocked", "banned"]) {
        return None;
    }
    Some((IpAddress, if private { 0.6 } else { 0.85 }))
}

fn phone(text: &str, run: &Run, lens: &[usize]) -> Option<(EntityType, f32)> {
    let d = run.digits;
    if !(6..=15).contains(&d) || lens.iter().any(|&l| l > 10) {
        return None;
    }
    // Ranges and maths: `1990-1995`, `3/4`, `2.5`; binary numbers (`1001 0011`).
    let year = |k: usize| text[run.groups[k].0..run.groups[k].1].parse::<u32>().is_ok_and(|y| (1000..=2100).contains(&y));
    let year_range = lens == [4, 4] && year(0) && year(1);
    let binary = run.groups.iter().all(|&(s, e)| text.as_bytes()[s..e].iter().all(|&b| b == b'0' || b == b'1'));
    if run.seps.contains(&b'/') || (lens.len() == 2 && run.only_sep(b'.')) || year_range || binary {
        return None;
    }
    let nanp = (lens == [3, 3, 4] || lens == [1, 3, 3, 4] || lens == [3, 3, 3, 4]) && (run.only_sep(b'-') || run.only_sep(b'.')) && !run.seps.is_empty();
    let paren_area = run.paren && lens.len() >= 3 && lens[0] <= 4;
    let strong = (run.plus && d >= 8 && (lens.len() >= 2 || d >= 10)) || nanp || (paren_area && d >= 9) || (run.ext && d >= 10);
    if strong {
        return Some((Phone, 0.85));
    }
    let grouped = lens.len() >= 2 && lens.iter().all(|&l| l >= 2) && run.seps.len() == 1;
    let plain = lens.len() == 1 && (10..=12).contains(&d);
    if (grouped || plain || run.paren) && d >= 6 {
        let cue = cue_near(text, run.start, run.end, 60, 0, &PHONE_CUES)
            || cue_near(text, run.end, run.end, 0, 12, &["office", "fax", "mobile", "cell", "home", "work"]);
        if cue {
            return Some((Phone, 0.7));
        }
    }
    None
}

// ---- IBAN, national ids, IPv6 -----------------------------------------------------------------

static IBAN: LazyLock<Option<Regex>> =
    LazyLock::new(|| super::compile(r"(?i)\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"));

fn ibans(text: &str, spots: &[usize], sink: &mut Sink) {
    let Some(re) = IBAN.as_ref() else { return };
    for caps in matches_at(re, text, spots, 50) {
        let Some(m) = caps.get(0) else { continue };
        // The regex may swallow a trailing word; try the longest valid prefix ending on a group.
        let s = m.as_str();
        let mut end = s.len();
        while end >= 15 {
            if checksums::iban(&s[..end]) {
                sink.add(text, Iban, m.start(), m.start() + end, 0.95);
                break;
            }
            end = s[..end].trim_end_matches(|c: char| c != ' ').trim_end().len();
            if !s[..end].contains(' ') {
                break;
            }
        }
    }
}

static NATIONAL_ID: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(concat!(
        // UK National Insurance number (prefix letters per HMRC's allocation rules).
        r"\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D])\b",
        r"|(?i:\b(?:passport|driver'?s? licen[cs]e|driving licen[cs]e|licen[cs]e (?:no|number)|national id|id card|personalausweis|dni|nif|nie|aadhaar|pan card)\b)",
        r"(?i:\s*(?:no\.?|number|num|#)?\s*(?:is|:|#)?\s*)([A-Z0-9][A-Z0-9-]{4,14}[A-Z0-9])\b",
    ))
});

fn national_ids(text: &str, spots: &[usize], sink: &mut Sink) {
    let Some(re) = NATIONAL_ID.as_ref() else { return };
    let keywords = super::mentions!(sink, ["passport", "licen", "national id", "id card", "ausweis", " dni", " nif", " nie", "aadhaar", "pan card"]);
    let upper_spots: Vec<usize> = spots.iter().copied().filter(|&s| text.as_bytes()[s].is_ascii_uppercase()).collect();
    if !keywords && upper_spots.is_empty() {
        return;
    }
    let all: Vec<regex::Captures> = if keywords { re.captures_iter(text).collect() } else { matches_at(re, text, &upper_spots, 20).collect() };
    for caps in all {
        if let Some(nino) = caps.get(1) {
            let prefix = &nino.as_str()[..2];
            if !["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(&prefix) {
                sink.add(text, NationalId, nino.start(), nino.end(), 0.8);
            }
        } else if let Some(id) = caps.get(2) {
            let v = id.as_str().as_bytes();
            if v.iter().any(u8::is_ascii_digit) && v.len() >= 6 {
                sink.add(text, NationalId, id.start(), id.end(), 0.75);
            }
        }
    }
}

static IPV6: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(r"(?i)(?:^|[^0-9a-z:])((?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?::[0-9a-f]{1,4}){0,6})"));

fn ipv6(text: &str, sink: &mut Sink) {
    if memchr::memchr(b':', text.as_bytes()).is_none() {
        return;
    }
    let Some(re) = IPV6.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let Some(m) = caps.get(1) else { continue };
        let s = m.as_str();
        let groups: Vec<&str> = s.split(':').filter(|g| !g.is_empty()).collect();
        // Times (12:30:45) and ratios are decimal-only; real addresses have hex letters or ≥ 4 groups.
        let hexy = groups.iter().any(|g| g.bytes().any(|b| b.is_ascii_alphabetic()));
        if groups.len() >= 4 && hexy
            && let Ok(addr) = s.parse::<Ipv6Addr>()
                && !addr.is_loopback() && !addr.is_unspecified() {
                    sink.add(text, IpAddress, m.start(), m.end(), 0.85);
                }
    }
}

// ---- street addresses -------------------------------------------------------------------------

static ADDRESS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let street_types = r"(?:street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|lane|ln\.?|drive|dr\.?|court|ct\.?|way|place|pl\.?|square|sq\.?|terrace|parkway|pkwy|highway|hwy|circle|crescent|close|alley|row|isle|gardens|grove|mews|walk|str\.?)";
    // Continental street words, usually glued to the name (Koskikatu, Hochstrasse, Nassaustraat).
    let glued = r"(?:stra(?:ss|ß)e|str\.|gasse|weg|allee|platz|laan|straat|gracht|plein|vej|gade|gata|gatan|vägen|veien|vei|katu|tie|kuja|polku|utca|útja|ulica|ulice|hove|kade|singel|stræde|stræti|rinne)";
    let romance = r"(?:rue|avenue|av\.|avda\.|avenida|calle|c/|ctra\.|carrer|rua|rúa|via|viale|piazza|corso|largo|travessa|praça|plaza|paseo|chemin|allée|impasse|quai|ul\.|al\.|odos|οδός)";
    // Street words written apart from the name, before the house number: "Gumpendorfer Strasse
    // 44", "Rolfsens vei 187", "Margrethes plads 17", Hungarian "Király u. 23.", "Bem rakpart 79.".
    let apart = r"(?:stra(?:ss|ß)e|str\.|gasse|weg|allee|platz|vei|veien|vej|plads|straat|laan|utca|u\.|út|útja|rakpart|körút|tér|sor)";
    let pattern = format!(
        concat!(
            r"(?i:(?-u:\b)\d{{1,6}}[a-z]?\s+(?:\p{{L}}[\p{{L}}'.-]*\s+){{0,4}}{st}(?-u:\b))",
            // "Hochstrasse 96", "Paul-Nevermann-Platz 47".
            r"|(?i:(?-u:\b)\p{{L}}[\p{{L}}-]*{gl}\s+\d{{1,5}}(?-u:\b))",
            r"|(?i:(?-u:\b)\d{{1,6}}\s+\p{{L}}+{gl})",
            r"|(?i:(?-u:\b){ro}\s+(?:\p{{L}}[\p{{L}}'.-]*\s+){{0,4}}\d{{1,5}}(?-u:\b))",
            // "12 rue de la Paix": particles up to the name proper.
            r"|(?i:(?-u:\b)\d{{1,5}},?\s+{ro}(?:\s+(?:de|la|le|les|du|des|del|della|di|do|da|dos|das))*\s+\p{{L}}[\p{{L}}'-]*)",
            r"|(?-u:\b)\p{{Lu}}[\p{{L}}'-]+\s+(?i:{ap})\s+\d{{1,5}}[a-z]?(?-u:\b)\.?",
            // Post-office boxes: English, German, Spanish.
            r"|(?i:(?-u:\b)(?:P\.?\s?O\.?\s?Box|Postfach|Apartado(?: de correos)?|Casilla)\s+\d+)",
            r"|(?-u:\b)(?:PSC|Unit)\s+\d{{3,5}},?\s+Box\s+\d{{3,5}}",
            r"|(?i:(?-u:\b)(?:APO|FPO|DPO)\s+(?:AE|AP|AA)\s+\d{{5}}(?-u:\b))",
            // Number, name, number: the house-number-last formats (Hafnarstraeti 5), with a unit.
            r"|(?i:(?-u:\b)\d{{1,6}}[a-z]?\s+(?:\p{{L}}[\p{{L}}'.-]*\s+){{0,4}}?\p{{L}}[\p{{L}}'.-]*\s+\d{{1,5}}[a-z]?\.?,?\s+(?:apt|suite|ste|apartment|flat)\.?\s*#?\d{{1,5}})",
            // A unit on its own ("Suite 179", "Apt. 326") — needs support around it.
            r"|(?i:(?-u:\b)(?:apt|suite|ste|apartment)\.?\s*#?\d{{1,5}}[a-z]?(?-u:\b))",
            // Number, capitalised name(s), number ("5638 Aasa 43", "0104 Hafnarstraeti 5").
            r"|(?-u:\b)\d{{1,6}} \p{{Lu}}\p{{L}}+(?: \p{{L}}+){{0,2}} \d{{1,4}}(?-u:\b)",
            r"|(?i:(?-u:\b)corner of\s+[^,?!\n]{{3,60}}?\s+and\s+\p{{L}}[^,.?!\n]{{2,40}})",
            // Two capitalised words and a house number ("Joaquin Suarez 2906").
            r"|(?-u:\b)\p{{Lu}}\p{{Ll}}+ \p{{Lu}}\p{{Ll}}+ \d{{1,4}}(?-u:\b)",
            r"|(?-u:\b)US[NS][SV]?\s+\p{{Lu}}\p{{L}}+\s*\n?\s*(?:APO|FPO|DPO)(?-u:\b)",
        ),
        st = street_types,
        gl = glued,
        ro = romance,
        ap = apart,
    );
    // ASCII word boundaries: a Unicode `\b` makes the lazy DFA give up on any non-ASCII text
    // (names like "Müller" are everywhere here) and fall back to a far slower engine.
    super::compile(&pattern)
});

const MONTHS: [&str; 12] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

const STREET_STOPWORDS: [&str; 34] = [
    "the", "a", "an", "down", "up", "of", "to", "from", "miles", "mile", "km", "on", "in", "at", "and", "or", "is", "was", "by", "for", "with",
    "per", "this", "that", "my", "your", "his", "her", "their", "our", "its", "feet", "meters", "times",
];

static ADDRESS_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r"(?i)\b(?:my (?:home |new |old |current |mailing |billing |shipping )?address(?: is|:)?|address(?:es)?(?: is| to|:)|lives? (?:at|on)|located at|sent to|send (?:it|them|this|a new one|the \w+) to|ship(?:ped)? to|deliver(?:ed)? to|arrived at|meet (?:you |me )?at|moved to|live in|statement sent to|it's in|is at)\s+")
});

/// Words before an address that say it is where someone lives, receives mail or meets.
const ADDRESS_CONTEXT: [&str; 21] = [
    "address", "live", "lives", "lived", "living", "located", "send", "sent", "ship", "deliver", "mail", "arrived", "meet", "reside",
    "corner of", "stop at", "home", "apartment", "my flat", "office at", "is at",
];

/// Stretches of text around numbers that sit next to a word (house numbers), merged and aligned
/// to whitespace: the (Unicode, large) address regexes only run there.
fn address_windows(text: &str, runs: &[Run], before: usize, after: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for run in runs {
        let before_word = run.start >= 2 && b[run.start - 1].is_ascii_whitespace() && !b[run.start - 2].is_ascii_whitespace();
        let after_word = b.get(run.end).is_some_and(u8::is_ascii_whitespace) && b.get(run.end + 1).is_some_and(|c| !c.is_ascii_digit());
        if !(before_word || after_word) {
            continue;
        }
        let mut s = super::floor_boundary(text, run.start.saturating_sub(before));
        let mut e = super::ceil_boundary(text, (run.end + after).min(text.len()));
        // After the previous whitespace character (which may be multi-byte, e.g. U+00A0).
        s = text[..s].char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
        e = text[e..].find(char::is_whitespace).map_or(text.len(), |i| e + i);
        match windows.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => windows.push((s, e)),
        }
    }
    windows
}

fn addresses(text: &str, runs: &[Run], sink: &mut Sink) {
    let windows = address_windows(text, runs, 60, 80);
    if let Some(re) = ADDRESS.as_ref() {
        for &(ws, we) in &windows {
            for m in re.find_iter(&text[ws..we]) {
                let (s, e) = (ws + m.start(), ws + m.end());
                if street_match_ok(text, s, e, sink) {
                    sink.add(text, StreetAddress, s, e, 0.75);
                }
            }
        }
    }
    cued_addresses(text, runs, sink);
    extend_to_block(text, sink);
    other_streets(text, sink);
}

/// Capitalised name(s) and an English street type, no number: "Marina Fort Street".
static NAMED_STREET: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r"(?-u:\b)\p{Lu}[\p{L}'-]+(?: \p{Lu}[\p{L}'-]+){0,2} (?:Street|Road|Avenue|Lane|Drive|Boulevard|Court|Crescent|Terrace|Place|Square)(?-u:\b)")
});

/// Once a text gives somebody's street address, the other streets it names (without a number)
/// narrow down the same person's whereabouts — "… shows on Marina Fort Street" — so they are
/// reported too, at low confidence. A text without an address keeps its street names public
/// ("Fifth Avenue is famous").
fn other_streets(text: &str, sink: &mut Sink) {
    if !sink.found().iter().any(|f| f.entity == StreetAddress) {
        return;
    }
    let Some(re) = NAMED_STREET.as_ref() else { return };
    for m in re.find_iter(text) {
        let first = m.as_str().split(' ').next().unwrap_or("");
        let function_word = STREET_STOPWORDS.contains(&first.to_lowercase().as_str()) || ["The", "This", "That", "On", "In", "At"].contains(&first);
        if !function_word && !sink.covered(m.start(), m.end()) {
            sink.add(text, StreetAddress, m.start(), m.end(), 0.4);
        }
    }
}

/// A street finding is one line of an address; widen it to the parts around it that belong to
/// the same address: a building or unit number right before the house number ("935 69 Gordon
/// Terrace"), and the lines below it down to the one ending in a postcode ("Apt. 5 / Dallas /
/// TX 48486"). Added as one covering finding; the pieces inside it are dropped as nested.
fn extend_to_block(text: &str, sink: &mut Sink) {
    let streets: Vec<(usize, usize)> = sink.found().iter().filter(|f| f.entity == StreetAddress).map(|f| (f.start, f.end)).collect();
    for (start, end) in streets {
        let (s, e) = (leading_number(text, start), block_end(text, end));
        if (s, e) != (start, end) {
            sink.add(text, StreetAddress, s, e, 0.75);
        }
    }
}

/// Start of a number of at most six digits that stands alone right before `start` on the same
/// line ("Flat 3, 21 Baker Street" has its own unit rule; this is the bare "935 69 ...").
fn leading_number(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    if start < 2 || b[start - 1] != b' ' || !b[start].is_ascii_alphanumeric() {
        return start;
    }
    let mut s = start - 1;
    while s > 0 && b[s - 1].is_ascii_digit() {
        s -= 1;
    }
    // Before a house number any separator will do; before "P.O. Box 41" or "Via Roma 3" the
    // number must open the line or follow a comma ("Geolytics, 43 P.O. Box 41").
    let alone = if b[start].is_ascii_digit() {
        s == 0 || matches!(b[s - 1], b' ' | b'\n' | b'>' | b',' | b'\t')
    } else {
        let lead = text[..s].trim_end_matches(' ');
        lead.is_empty() || lead.ends_with([',', '\n', '>', '?'])
    };
    if (1..=6).contains(&(start - 1 - s)) && alone { s } else { start }
}

/// End of the address block below a street line: following short lines (unit, town, region)
/// up to one that ends in a postcode. Without such a line within four, the block is not
/// recognisable and the finding keeps its end.
fn block_end(text: &str, end: usize) -> usize {
    let rest_of_line = text[end..].split('\n').next().unwrap_or("");
    if rest_of_line.len() > 32 || rest_of_line.contains(['?', '!', ';']) {
        return end;
    }
    let mut line_start = end + rest_of_line.len();
    for _ in 0..4 {
        if line_start >= text.len() {
            break;
        }
        line_start += 1; // the newline
        let line = text[line_start..].split('\n').next().unwrap_or("");
        let body = line.trim_start_matches(['>', '?', '*', '-', '|', ' ', '\t']).trim_end();
        let words = body.split_whitespace().count();
        if body.is_empty() || body.len() > 48 || words > 6 || body.contains(['?', '!', ';', ':', '@']) {
            break;
        }
        if ends_with_postcode(body) {
            return line_start + line.trim_end().len();
        }
        line_start += line.len();
    }
    end
}

/// "Greenlander 07609", "Dallas TX 48486", "London SW1A 1AA".
fn ends_with_postcode(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some(last) = words.last() else { return false };
    let digits = (4..=6).contains(&last.len()) && last.bytes().all(|b| b.is_ascii_digit());
    let uk = words.len() >= 2 && {
        let (out, inw) = (words[words.len() - 2].as_bytes(), last.as_bytes());
        (2..=4).contains(&out.len()) && out[0].is_ascii_uppercase() && out.iter().any(u8::is_ascii_digit)
            && inw.len() == 3 && inw[0].is_ascii_digit() && inw[1..].iter().all(u8::is_ascii_uppercase)
    };
    (digits && words.len() >= 2) || uk
}

/// "sent to 31 Alt Reinickendorf 63": after an address cue, a short stretch that starts like an
/// address and has a house number.
fn cued_addresses(text: &str, runs: &[Run], sink: &mut Sink) {
    let Some(cue) = ADDRESS_CUE.as_ref() else { return };
    // A cue ends shortly before the house number (which is among the first tokens after it).
    let windows = address_windows(text, runs, 70, 2);
    let cue_matches: Vec<(usize, usize)> = windows.iter().flat_map(|&(ws, we)| cue.find_iter(&text[ws..we]).map(move |m| (ws + m.start(), ws + m.end()))).collect();
    for (m_start, m_end) in cue_matches {
        let rest_end = super::ceil_boundary(text, (m_end + 80).min(text.len()));
        let rest = &text[m_end..rest_end];
        let stop = rest.find(['?', '!', ';', '$', '%']).unwrap_or(rest.len());
        let mut from = 0;
        let mut to = rest[..stop].find(". ").unwrap_or(stop);
        // "address to the same: 55 Koidu 31" — the value follows a short lead-in and a colon.
        if let Some(colon) = rest[..to].find(':').filter(|&c| c <= 20) {
            from = colon + 1;
            from += rest[from..to].len() - rest[from..to].trim_start().len();
        }
        // Cut at the first function word: an address is a run of names and numbers.
        let mut offset = from;
        for w in rest[from..to].split(' ') {
            let lw = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            let function_word = STREET_STOPWORDS.contains(&lw.as_str())
                || ["where", "which", "who", "when", "but", "after", "before", "if", "because", "is", "are", "for", "last"].contains(&lw.as_str());
            if offset > from && function_word {
                to = offset - 1;
                break;
            }
            offset += w.len() + 1;
        }
        let stretch = &rest[from..to.max(from)];
        let first_word = stretch.split_whitespace().next().unwrap_or("");
        // Addresses start with a number or a capitalised name (or everything is lower case).
        let lowercase_text = !window(text, m_start, m_end, 100, 100).bytes().any(|b| b.is_ascii_uppercase());
        let starts_ok = first_word.chars().next().is_some_and(|c| c.is_ascii_digit() || c.is_uppercase() || (lowercase_text && c.is_alphabetic()))
            && !STREET_STOPWORDS.contains(&first_word.to_lowercase().as_str())
            && !stretch.split_whitespace().any(|w| MONTHS.contains(&w.to_lowercase().trim_matches(|c: char| !c.is_alphabetic())));
        // A house number among the first tokens: a bare integer (not "50th", "1,000", "7.30").
        let house_number = stretch.split_whitespace().take(3).any(|w| {
            let w = w.trim_end_matches([',', '.']);
            (1..=5).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit())
        });
        let has_word = stretch.split_whitespace().any(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic));
        let start = m_end + from;
        let end = start + stretch.trim_end_matches([' ', ',', '.', '\n', '\r']).len();
        if starts_ok && house_number && has_word && end > start && !sink.covered(start, end) {
            sink.add(text, StreetAddress, start, end, 0.6);
        }
    }
}

/// A street-shaped match counts when something says it is an address of someone: an address
/// cue before it, a unit / postcode / city line around it, an address block layout, or other
/// personal identifiers in the same text. A street named in an article ("the fire at 38 Bridge
/// Street") or a question stays public.
fn street_match_ok(text: &str, start: usize, end: usize, sink: &Sink) -> bool {
    let m = &text[start..end];
    let corner = contains_ci(m, "corner of");
    if !corner && m.split_whitespace().any(|w| STREET_STOPWORDS.contains(&w.to_lowercase().as_str()) || MONTHS.contains(&w.to_lowercase().as_str())) {
        return false;
    }
    // "Mount St. Helens", "St. Louis": St. before a capitalised word is Saint.
    let after = &text[end..];
    // A number that is a score, a percentage or a quantity ("3-2", "15%", "2 months") is not a
    // house number.
    let quantity = after.starts_with(['%', '-', '.', ':']) && after[1..].starts_with(|c: char| c.is_ascii_digit())
        || after.starts_with('%')
        || {
            let next = after.trim_start().split(|c: char| !c.is_alphabetic()).next().unwrap_or("").to_lowercase();
            ["months", "month", "years", "year", "days", "day", "weeks", "week", "hours", "minutes", "percent", "times", "units", "points"].contains(&next.as_str())
        };
    if quantity {
        return false;
    }
    if (m.ends_with("St") || m.ends_with("St.")) && after.trim_start_matches('.').trim_start().starts_with(char::is_uppercase) && !after.starts_with('\n') {
        return false;
    }
    // Exam items ("Which of the following is an absolute location? … D. 479 Elm Street")
    // use made-up addresses: there the shape alone is not enough.
    if self_evident(text, start, end) && !super::people::quiz(text) {
        return true;
    }
    let lower = m.to_lowercase();
    let strong_shape = ["box", "postfach", "apartado", "casilla", "apo ", "fpo ", "dpo ", "psc", "corner of"].iter().any(|w| lower.contains(w))
        || (lower.contains(char::is_numeric) && ["apt", "suite", "ste"].iter().any(|w| lower.contains(w)) && lower.split_whitespace().count() >= 4);
    let before = window(text, start, start, 60, 0).to_lowercase();
    let cue = ADDRESS_CONTEXT.iter().any(|c| before.contains(c)) || window(text, start, start, 100, 0).to_lowercase().contains("address");
    let around = window(text, start, end, 0, 40);
    let unit = ["Apt", "Suite", "Unit", "apt.", "Floor", "Flat "].iter().any(|u| around.contains(u));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_rest = after.split('\n').next().unwrap_or("");
    let block = text[line_start..start].trim_matches([' ', '\t', '>', '?', '*', '-']).is_empty() && (line_rest.len() <= 15 || after.starts_with(','));
    let other_pii = sink.found().iter().any(|f| f.entity.data_class() == sluice_domain::policy::DataClass::Pii);
    strong_shape || cue || unit || block || other_pii
}

/// English street types (and the German one, often written apart: "Augsburger Strasse"),
/// matched as whole words after trimming a trailing dot.
const STREET_TYPES: [&str; 36] = [
    "street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "court", "ct", "way", "place", "pl", "square",
    "sq", "terrace", "parkway", "pkwy", "highway", "hwy", "circle", "crescent", "close", "alley", "row", "isle", "gardens", "grove", "mews", "walk",
    "strasse", "straße",
];

/// Street words of other languages, written as a word of their own.
const STREET_WORDS_APART: [&str; 34] = [
    "rue", "av", "avda", "avenida", "calle", "c/", "ctra", "carrer", "rua", "rúa", "via", "viale", "piazza", "corso", "largo", "travessa", "praça",
    "plaza", "paseo", "chemin", "allée", "impasse", "quai", "ul", "str", "gasse", "weg", "platz", "vei", "vej", "plads", "utca", "út", "rakpart",
];

/// Endings of street names written in one word: Hochstrasse, Koskikatu, Nybyvägen, Höfðagata.
const STREET_SUFFIXES: [&str; 31] = [
    "strasse", "straße", "gasse", "weg", "allee", "platz", "laan", "straat", "gracht", "plein", "vej", "gade", "gata", "gatan", "vägen", "veien",
    "vei", "katu", "tie", "kuja", "polku", "utca", "útja", "ulica", "ulice", "kade", "singel", "stræde", "stræti", "rinne", "steenweg",
];

fn street_word(token: &str) -> bool {
    let t = token.trim_end_matches(['.', ',']).to_lowercase();
    STREET_TYPES.contains(&t.as_str()) || STREET_WORDS_APART.contains(&t.as_str()) || t == "u"
}

/// A street name glued to its street word ("Loorenstrasse"): the word is both name and type.
fn glued_street(token: &str) -> bool {
    let t = token.trim_end_matches(['.', ',']).to_lowercase();
    STREET_SUFFIXES.iter().any(|suf| t.len() > suf.len() + 2 && t.ends_with(suf))
}

fn house_number(token: &str) -> bool {
    let t = token.trim_end_matches(['.', ',']);
    let digits = t.trim_end_matches(|c: char| c.is_ascii_lowercase());
    (1..=5).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && t.len() - digits.len() <= 1
}

/// A street match that is an address by its shape alone, cue or not — which is how addresses
/// appear in prose ("The title refers to 22 Pollen Crescent street in ...", "a flat at
/// Gumpendorfer Strasse 44"): a house number at one end, a street word (or a name glued to one),
/// and a capitalised name word. "12 Street", "version 2 Drive" have no name word, "Route 66" and
/// "Highway 1" no street-word-plus-name shape, "Fifth Avenue" no number; "in 1995 Main Street"
/// is a year.
fn self_evident(text: &str, start: usize, end: usize) -> bool {
    let tokens: Vec<&str> = text[start..end].split_whitespace().collect();
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else { return false };
    if tokens.len() < 2 || !(house_number(first) || house_number(last)) {
        return false;
    }
    let lowercase_text = !window(text, start, end, 100, 100).bytes().any(|b| b.is_ascii_uppercase());
    let capitalised = |t: &str| t.chars().next().is_some_and(|c| c.is_uppercase() || (lowercase_text && c.is_alphabetic()));
    let name_word = |t: &&str| !house_number(t) && capitalised(t) && t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !street_word(t);
    let has_name = tokens.iter().any(name_word);
    // Every word between the ends is part of the name: capitalised, a street word or a particle
    // ("12 rue de la Paix"). A lower-case word means the regex ran into prose ("42 plants. Each
    // row"), as does a sentence break inside the match.
    let inner_ok = tokens.iter().enumerate().all(|(i, t)| {
        let sentence_break = i + 1 < tokens.len() && t.ends_with('.') && t.trim_end_matches('.').chars().count() > 3 && !street_word(t);
        !sentence_break && (house_number(t) || capitalised(t) || street_word(t) || NAME_PARTICLES.contains(&t.to_lowercase().as_str()))
    });
    let has_street = tokens.iter().any(|t| street_word(t) || glued_street(t));
    // "via Port 22", "connect via SSH 2": a leading lower-case "via" / "av" is a preposition.
    let lowercase_lead = street_word(first) && !capitalised(first) && !lowercase_text;
    let year = house_number(first) && first.len() == 4 && {
        let before = window(text, start, start, 12, 0).to_lowercase();
        let prev = before.split_whitespace().last().unwrap_or("");
        ["in", "since", "by", "from", "until", "of", "circa", "year", "before", "after", "c.", "ca."].contains(&prev)
    };
    has_name && has_street && inner_ok && !lowercase_lead && !year && !historical(text, start, end) && !building_range(text, start)
}

/// Particles inside street names of several languages.
const NAME_PARTICLES: [&str; 20] =
    ["de", "la", "le", "les", "du", "des", "del", "della", "di", "do", "da", "dos", "das", "van", "von", "der", "den", "el", "al", "y"];

/// A year before 1960 near the street ("In September 1930 ... a flat at 12a Tite Street", "38
/// Bridge Street (1897)"): a history or architecture text about a building or a long-dead
/// resident, not somebody's current address.
fn historical(text: &str, start: usize, end: usize) -> bool {
    // Around the match, not inside it: "1668 Glyn St" has a house number, not a year.
    old_year(window(text, start, start, 300, 0)) || old_year(window(text, end, end, 0, 24))
}

fn old_year(w: &str) -> bool {
    let w = w.as_bytes();
    w.windows(4).enumerate().any(|(i, q)| {
        let bounded = (i == 0 || !w[i - 1].is_ascii_alphanumeric()) && w.get(i + 4).is_none_or(|b| !b.is_ascii_alphanumeric());
        // 1000–1899 or 1900–1959.
        bounded && q.iter().all(u8::is_ascii_digit) && q[0] == b'1' && (q[1] < b'9' || q[2] < b'6')
    })
}

/// "Numbers one to 31 Caledonia Place", "Nos 2-8 High Street": a row of buildings.
fn building_range(text: &str, start: usize) -> bool {
    let before = window(text, start, start, 30, 0).to_lowercase();
    let words: Vec<&str> = before.split_whitespace().rev().take(3).collect();
    let joiner = words.first().is_some_and(|w| ["to", "and", "-", "–", "through"].contains(w)) || before.trim_end().ends_with(['-', '–']);
    joiner && (before.contains("number") || before.contains("nos") || words.get(1).is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()) || ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"].contains(w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::Finding;

    fn found(text: &str) -> Vec<(EntityType, String)> {
        let mut out: Vec<Finding> = Vec::new();
        let mut sink = Sink::new(text, 0, &mut out);
        scan(text, &mut sink);
        out.iter().map(|f| (f.entity, text[f.start..f.end].to_string())).collect()
    }

    fn has(text: &str, entity: EntityType, value: &str) -> bool {
        found(text).iter().any(|(e, v)| *e == entity && v == value)
    }

    fn none_of(text: &str, entity: EntityType) -> bool {
        !found(text).iter().any(|(e, _)| *e == entity)
    }

    #[test]
    fn regexes_compile() {
        assert!(IBAN.is_some() && NATIONAL_ID.is_some() && IPV6.is_some() && ADDRESS.is_some() && ADDRESS_CUE.is_some() && NAMED_STREET.is_some());
    }

    #[test]
    fn emails_but_not_documentation_or_role_addresses() {
        assert!(has("Write to LarsWiik@jourrapide.com.", Email, "LarsWiik@jourrapide.com"));
        assert!(none_of("see user@example.com or admin@corp.io", Email));
        assert!(none_of("npm i left-pad@1.3.0 and @Override", Email));
        assert!(none_of("git@github.com:org/repo.git", Email));
    }

    #[test]
    fn cards_need_luhn_and_a_prefix_or_a_cue() {
        assert!(has("My card 4539 1488 0343 6467 was lost", CreditCard, "4539 1488 0343 6467"));
        assert!(has("charge 5213406777030033 please", CreditCard, "5213406777030033"));
        assert!(has("card 630427373398 expires", CreditCard, "630427373398"), "12-digit Maestro with a cue");
        assert!(none_of("order 4539148803436468 shipped", CreditCard), "Luhn fails");
        assert!(none_of("id 630427373398 in the table", CreditCard), "short and no cue");
        assert!(none_of("tweet id 1234567890123456789", CreditCard));
    }

    #[test]
    fn ssn_shape_and_rules() {
        assert!(has("Here's my SSN: 364-21-3719", UsSsn, "364-21-3719"));
        assert!(none_of("SSN 666-21-3719", UsSsn));
        assert!(none_of("part 123-45-678", UsSsn));
        assert!(has("social security 364213719", UsSsn, "364213719"));
        assert!(none_of("count 364213719 rows", UsSsn));
    }

    #[test]
    fn ibans_validate_mod97() {
        assert!(has("My IBAN is GB82 WEST 1234 5698 7654 32 thanks", Iban, "GB82 WEST 1234 5698 7654 32"));
        assert!(has("from gb42nawi04454264788619 to", Iban, "gb42nawi04454264788619"));
        assert!(none_of("GB82WEST12345698765433", Iban));
    }

    #[test]
    fn phones_strong_formats_alone_weak_ones_with_a_cue() {
        assert!(has("ring +1-984-182-0190 now", Phone, "+1-984-182-0190"));
        assert!(has("(579)888-3058", Phone, "(579)888-3058"));
        assert!(has("They're not answering at 0680 298 70 63", Phone, "0680 298 70 63"));
        assert!(has("Call 481 7531", Phone, "481 7531"));
        assert!(none_of("Between 1990-1995 prices rose 12 34 56", Phone));
        assert!(none_of("The answer is 3.14159265358979", Phone));
        assert!(none_of("We sold 0680 298 70 63 units", Phone));
    }

    #[test]
    fn dates_only_in_birth_context() {
        assert!(has("DOB: 11/10/1967", DateOfBirth, "11/10/1967"));
        assert!(none_of("Released 2023-04-01 in Europe", DateOfBirth));
    }

    #[test]
    fn ip_addresses() {
        assert!(has("blocked address 172.61.42.192 again", IpAddress, "172.61.42.192"));
        assert!(has("from d80:e4b5:79da:6cf6:71f3:51f7:9161:c319", IpAddress, "d80:e4b5:79da:6cf6:71f3:51f7:9161:c319"));
        assert!(none_of("listen on 127.0.0.1 and 0.0.0.0", IpAddress));
        assert!(none_of("version 10.0.19041.1", IpAddress));
        assert!(none_of("at 12:30:45 on", IpAddress));
        assert!(none_of("std::vector<int>::iterator", IpAddress));
    }

    #[test]
    fn street_addresses() {
        assert!(!none_of("I live at 55 Halsey Road in town", StreetAddress));
        assert!(!none_of("Obere Bahnhofstrasse 9", StreetAddress));
        assert!(!none_of("PSC 4095, Box 8316\nAPO AE 85103", StreetAddress));
        assert!(!none_of("I'd like it to be sent to 31 Alt Reinickendorf 63", StreetAddress));
        assert!(none_of("The meeting is at 5 pm", StreetAddress));
        assert!(none_of("He walked 3 miles down the road.", StreetAddress));
    }

    #[test]
    fn national_ids() {
        assert!(has("NI number AB 12 34 56 C", NationalId, "AB 12 34 56 C"));
        assert!(has("passport number: X1234567", NationalId, "X1234567"));
        assert!(none_of("passport control was slow", NationalId));
    }

    #[test]
    fn windows_align_on_multibyte_whitespace() {
        // U+00A0 before the window start used to split a char.
        let text = format!("{}\u{a0}Policy Direction\u{a0}\u{a0}Multiplier 0.75 and 12 Main Street {}", "x".repeat(150), "y".repeat(20));
        let _ = found(&text);
        let text = "\u{a0}\u{a0}\u{a0}12 Baker Street\u{a0}lives at 221 Baker Street";
        assert!(!none_of(text, StreetAddress));
    }

    #[test]
    fn offsets_with_multibyte_neighbours() {
        let text = "Ünïcödé → LarsWiik@jourrapide.com ✓ 📞 +41 (0)96 471 07 95 ü";
        for (_, v) in found(text) {
            assert!(text.contains(&v));
        }
        assert!(has(text, Email, "LarsWiik@jourrapide.com"));
        assert!(has(text, Phone, "+41 (0)96 471 07 95"));
    }
}
