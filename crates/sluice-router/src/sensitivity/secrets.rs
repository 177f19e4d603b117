//! Credentials: vendor-prefixed API keys, private keys (PEM blocks and their bare base64 body
//! lines), JWTs, JWK private members, passwords in URLs / assignments / command lines, and
//! random-looking values under credential-named keys.
//!
//! Vendor prefixes (from each vendor's public documentation of its key format) are the precise
//! signal; everything else needs a credential word *and* a value that passes a shape test, because
//! the words alone ("password", "token", "key") are everywhere in ordinary prompts and code.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::entropy::{self, Classes};
use super::{checksums, is_word_byte, line_around, Sink};
use crate::entity::EntityType::{self, *};

pub fn scan(text: &str, sink: &mut Sink) {
    pem_blocks(text, sink);
    prefixed(text, sink);
    if text.contains("eyJ") {
        jwts(text, sink);
    }
    if text.contains("://") {
        url_credentials(text, sink);
    }
    assignments(text, sink);
    special_commands(text, sink);
    xml_elements(text, sink);
    jwk(text, sink);
    bare_lines(text, sink);
}

// ---- vendor-prefixed tokens ---------------------------------------------------------------

#[derive(Clone, Copy)]
enum Check {
    /// No run of six equal / consecutive characters and some variety: a made-up value otherwise.
    Shape,
    /// GitHub: a valid CRC32 suffix proves the format; otherwise as `Shape`.
    GitHub,
    /// age secret keys carry a bech32 checksum.
    Bech32,
    /// `akab-…-…` followed by `.host` is a hostname, not a client token.
    NotHost,
    /// NTLM messages are complete base64 (length a multiple of four) of binary data, which
    /// never spells "Example".
    Base64Blob,
    /// Atlassian PAT: base64 of `<12 digits>:<random>`.
    AtlassianPat,
    /// Base64 of a PEM text (`LS0tLS1CRUdJTi…` = `-----BEGIN`) that names a private key.
    Base64Pem,
}

struct Rule {
    pattern: &'static str,
    entity: EntityType,
    confidence: f32,
    check: Check,
}

const fn rule(pattern: &'static str, entity: EntityType, confidence: f32, check: Check) -> Rule {
    Rule { pattern, entity, confidence, check }
}

/// Each pattern's span is capture group 1 when it has one (patterns that need a left context
/// the regex crate cannot express as look-behind), the whole match otherwise.
const RULES: &[Rule] = &[
    // Cloud platforms.
    rule(r"\b((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16})\b", CloudKey, 0.95, Check::Shape),
    rule(r"\bamzn\.mws\.[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}\b", CloudKey, 0.95, Check::Shape),
    // A presigned S3 URL is a bearer credential for the object it names.
    rule(r"X-Amz-(?:Algorithm|Credential|Signature|Security-Token)=[^\s&\x22']+", CloudKey, 0.6, Check::Shape),
    rule(r"\bAIza[0-9A-Za-z_-]{35}", CloudKey, 0.95, Check::Shape),
    rule(r"\bGOCSPX-[0-9A-Za-z_-]{28}", CloudKey, 0.95, Check::Shape),
    rule(r"\bya29\.[0-9A-Za-z_-]{20,}", CloudKey, 0.9, Check::Shape),
    rule(r"\b1//0[0-9A-Za-z_-]{40,}", CloudKey, 0.8, Check::Shape),
    rule(r"\b\d{6,14}-[a-z0-9]{32}\.apps\.googleusercontent\.com\b", CloudKey, 0.5, Check::Shape),
    rule(r#""private_key_id"\s*:\s*"([a-f0-9]{40})""#, CloudKey, 0.8, Check::Shape),
    rule(r"(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)", CloudKey, 0.9, Check::Shape),
    rule(r"(?i:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,}={0,2})", CloudKey, 0.95, Check::Shape),
    rule(r"[?&]sig=([A-Za-z0-9%+/]{30,})", CloudKey, 0.8, Check::Shape),
    rule(r"\bLTAI[A-Za-z0-9]{12,20}\b", CloudKey, 0.9, Check::Shape),
    rule(r"\bAKID[A-Za-z0-9]{32}\b", CloudKey, 0.9, Check::Shape),
    rule(r"\bdo[opr]_v1_[a-f0-9]{64}\b", CloudKey, 0.95, Check::Shape),
    rule(r"\bcf(?:at|ut|k)_[A-Za-z0-9]{40,}\b", CloudKey, 0.9, Check::Shape),
    rule(r"\bdapi[a-f0-9]{32}(?:-\d)?\b", CloudKey, 0.95, Check::Shape),
    rule(r"\bakab-[a-z0-9]{16}-[a-z0-9]{16}\b", CloudKey, 0.8, Check::NotHost),
    // AI providers.
    rule(r"\bsk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_-]{32,}", ProviderKey, 0.99, Check::Shape),
    rule(r"\bsk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}", ProviderKey, 0.99, Check::Shape),
    rule(r"\bsk-[A-Za-z0-9]{20,}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\bhf_[A-Za-z]{30,40}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bapi_org_[A-Za-z]{34}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\btgp_v1_[A-Za-z0-9_-]{40,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bxai-[A-Za-z0-9]{60,}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bpplx-[A-Za-z0-9]{40,}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\btvly-(?:dev-|prod-)?[A-Za-z0-9]{32}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bgsk_[A-Za-z0-9]{48,}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\br8_[A-Za-z0-9]{37}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\blsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}\b", ProviderKey, 0.95, Check::Shape),
    // Code hosting, registries, CI.
    rule(r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b", ProviderKey, 0.95, Check::GitHub),
    rule(r"\bgithub_pat_[A-Za-z0-9_]{60,}", ProviderKey, 0.99, Check::Shape),
    rule(r"\bgl(?:pat|dt|rt|rtr|cbt|ptt|ft|imt|agent|oas|soat|ffct|wt)-[A-Za-z0-9_.-]{16,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bGR1348941[A-Za-z0-9_-]{20,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\b_gitlab_session=[a-f0-9]{32}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\bAT(?:ATT|CTT)3xFfG[A-Za-z0-9_=-]{40,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bnpm_[A-Za-z0-9]{36}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", ProviderKey, 0.99, Check::Shape),
    rule(r"\brubygems_[a-f0-9]{48}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\boy2[a-z0-9]{43}\b", ProviderKey, 0.8, Check::Shape),
    rule(r"\bCLOJARS_[a-z0-9]{60}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bSWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bSWMKEY-1-[A-Za-z0-9+/]{43}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bsq[pua]_[a-f0-9]{40}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bsntry[su]_[A-Za-z0-9+/=_-]{60,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bhv[sb]\.[A-Za-z0-9_-]{24,}", ProviderKey, 0.9, Check::Shape),
    rule(r"\bdp\.(?:pt|st|sa|ct)\.[A-Za-z0-9]{40,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bpul-[a-f0-9]{40}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bPMAT-[A-Z0-9]{26}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bNR(?:AK|JS|BR|II|RA|AA)-[A-Za-z0-9_-]{19,}", ProviderKey, 0.9, Check::Shape),
    rule(r"\b[a-z0-9]{36}NRAL\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\bglc_[A-Za-z0-9+/]{32,}={0,2}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bglsa_[A-Za-z0-9]{32}_[a-f0-9]{8}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bops_eyJ[A-Za-z0-9_-]{100,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b", PrivateKey, 0.99, Check::Bech32),
    // Payments and commerce.
    rule(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}", ProviderKey, 0.95, Check::Shape),
    // Publishable keys are meant for browsers, but mark the account; lower confidence.
    rule(r"\bpk_(?:live|test)_[A-Za-z0-9]{16,}", ProviderKey, 0.5, Check::Shape),
    rule(r"\bwhsec_[A-Za-z0-9]{24,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bEAAA[A-Za-z0-9_-]{60}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"sq0(?:csp|atp|idp)-[A-Za-z0-9_-]{22,43}", ProviderKey, 0.95, Check::Shape),
    rule(r"\baccess_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}\b", ProviderKey, 0.99, Check::Shape),
    rule(r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b", ProviderKey, 0.95, Check::Shape),
    // Messaging and SaaS.
    rule(r"\bxox[abposer]-[A-Za-z0-9-]{10,}", ProviderKey, 0.95, Check::Shape),
    rule(r"\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]+\b", ProviderKey, 0.95, Check::Shape),
    rule(r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,}", ProviderKey, 0.95, Check::Shape),
    rule(r"discord(?:app)?\.com/api/webhooks/\d{15,20}/[A-Za-z0-9_-]{68}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\b[MN][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}\b", ProviderKey, 0.7, Check::Shape),
    rule(r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\b(?:SK|AC)[0-9a-fA-F]{32}\b", ProviderKey, 0.8, Check::Shape),
    rule(r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bkey-[a-f0-9]{32}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\b[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}\b", ProviderKey, 0.8, Check::Shape),
    rule(r"\b[A-Za-z0-9]{32}-us\d{1,2}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\bsl\.[A-Za-z0-9_-]{100,}", ProviderKey, 0.9, Check::Shape),
    rule(r"\bEAA[A-Za-z0-9]{80,}", ProviderKey, 0.9, Check::Shape),
    rule(r"\b\d{15,16}\|[A-Za-z0-9_-]{27}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\bsbp_(?:v0_)?[a-f0-9]{40}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bcosmo_[a-f0-9]{32}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\bwx[a-f0-9]{16}\b", ProviderKey, 0.6, Check::Shape),
    rule(r"\blin_api_[A-Za-z0-9]{40}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bntn_[A-Za-z0-9]{40,}\b", ProviderKey, 0.9, Check::Shape),
    rule(r"\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b", ProviderKey, 0.95, Check::Shape),
    rule(r"\bTlRMTVNTUAA[A-Za-z0-9+/]{20,}={0,2}", ProviderKey, 0.8, Check::Base64Blob),
    rule(r"(?:^|[^A-Za-z0-9+])([MNO][A-Za-z0-9+/]{43})", ProviderKey, 0.8, Check::AtlassianPat),
    rule(r"\bLS0tLS1CRUdJTi[A-Za-z0-9+/]{10,}={0,2}", PrivateKey, 0.95, Check::Base64Pem),
];

struct Compiled {
    set: RegexSet,
    regexes: Vec<Regex>,
}

/// None if any pattern failed to compile (the unit test `every_rule_compiles` catches that):
/// a typo disables the rules instead of panicking on the request path.
static PREFIXED: LazyLock<Option<Compiled>> = LazyLock::new(|| {
    let patterns: Vec<String> = RULES.iter().map(|r| super::ascii_if_possible(r.pattern)).collect();
    let regexes = patterns.iter().map(|p| Regex::new(p)).collect::<Result<Vec<_>, _>>().ok()?;
    let set = RegexSet::new(&patterns).ok()?;
    Some(Compiled { set, regexes })
});

/// Every vendor pattern contains a run of at least 16 token characters with an upper-case
/// letter or a digit; ordinary prose has none, so most prompts skip the big RegexSet.
fn has_token_run(text: &[u8]) -> bool {
    const TOKEN: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let b = i as u8;
            t[i] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/' | b'=' | b'.' | b'~' | b'$' | b'|' | b':' | b'%');
            i += 1;
        }
        t
    };
    let mut len = 0;
    let mut strong = false;
    for &b in text {
        if TOKEN[b as usize] {
            len += 1;
            strong |= b.is_ascii_uppercase() || b.is_ascii_digit();
            if len >= 16 && strong {
                return true;
            }
        } else {
            len = 0;
            strong = false;
        }
    }
    false
}

fn prefixed(text: &str, sink: &mut Sink) {
    if !has_token_run(text.as_bytes()) {
        return;
    }
    let Some(compiled) = PREFIXED.as_ref() else { return };
    for i in compiled.set.matches(text).iter() {
        let rule = &RULES[i];
        for caps in compiled.regexes[i].captures_iter(text) {
            let Some(m) = caps.get(1).or_else(|| caps.get(0)) else { continue };
            let token = m.as_str();
            let confidence = match check(rule.check, token, text, m.end()) {
                Some(boost) => boost.unwrap_or(rule.confidence),
                None => continue,
            };
            sink.add(text, rule.entity, m.start(), m.end(), confidence);
        }
    }
}

/// None = rejected; Some(None) = accept at the rule's confidence; Some(Some(c)) = accept at c.
fn check(check: Check, token: &str, text: &str, end: usize) -> Option<Option<f32>> {
    let shape_ok = |t: &str| {
        let b = t.as_bytes();
        let mut seen = [false; 256];
        b.iter().for_each(|&c| seen[c as usize] = true);
        let distinct = seen.iter().filter(|&&s| s).count();
        !entropy::has_degenerate_run(b, 6) && distinct >= 6.min(b.len())
    };
    match check {
        Check::Shape => shape_ok(token).then_some(None),
        Check::GitHub => {
            let body = token.get(4..).unwrap_or("");
            if checksums::github_token_checksum(body) {
                Some(Some(1.0))
            } else {
                shape_ok(body).then_some(Some(0.8))
            }
        }
        Check::Bech32 => checksums::bech32(token).then_some(None),
        Check::NotHost => {
            let rest = &text.as_bytes()[end..];
            let host = rest.first() == Some(&b'.') && rest.get(1).is_some_and(u8::is_ascii_alphabetic);
            (!host && shape_ok(token)).then_some(None)
        }
        // Binary messages are full of zero bytes (`AAAA`), so only words count against them.
        Check::Base64Blob => (token.len().is_multiple_of(4) && !entropy::has_placeholder_word(token)).then_some(None),
        Check::AtlassianPat => {
            let decoded = entropy::base64_decode(token)?;
            let ok = decoded.len() >= 14 && decoded[..12].iter().all(u8::is_ascii_digit) && decoded[12] == b':';
            ok.then_some(None)
        }
        Check::Base64Pem => {
            let decoded = entropy::base64_decode(token)?;
            let text = String::from_utf8_lossy(&decoded);
            text.contains("PRIVATE").then_some(None)
        }
    }
}

// ---- PEM ----------------------------------------------------------------------------------

static PEM_MARKER: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(r"-----(BEGIN|END) ([A-Z0-9 ]{0,40}?)-----"));

fn pem_blocks(text: &str, sink: &mut Sink) {
    if memchr::memmem::find(text.as_bytes(), b"-----").is_none() {
        return;
    }
    let Some(re) = PEM_MARKER.as_ref() else { return };
    let mut open: Option<(usize, bool)> = None;
    for caps in re.captures_iter(text) {
        let (Some(all), Some(kind), Some(label)) = (caps.get(0), caps.get(1), caps.get(2)) else { continue };
        let private = label.as_str().contains("PRIVATE");
        match (kind.as_str(), open) {
            ("BEGIN", _) => {
                if let Some((start, true)) = open {
                    // A BEGIN without END: flag what we saw of it.
                    let (_, line_end) = line_around(text, start);
                    sink.add(text, PrivateKey, start, line_end.max(start + 1), 0.9);
                }
                open = Some((all.start(), private));
            }
            (_, Some((start, true))) if private => {
                sink.add(text, PrivateKey, start, all.end(), 1.0);
                open = None;
            }
            (_, Some((_, false))) if !private => open = None,
            _ if private => sink.add(text, PrivateKey, all.start(), all.end(), 0.9),
            _ => {}
        }
    }
    if let Some((start, true)) = open {
        let (_, line_end) = line_around(text, start);
        sink.add(text, PrivateKey, start, line_end.max(start + 1), 0.9);
    }
}

/// Spans of PEM blocks that are not private (certificates, public keys), whose base64 body
/// lines must not be mistaken for key material.
fn public_pem_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    if memchr::memmem::find(text.as_bytes(), b"-----").is_none() {
        return spans;
    }
    let Some(re) = PEM_MARKER.as_ref() else { return spans };
    let mut open = None;
    for caps in re.captures_iter(text) {
        let (Some(all), Some(kind), Some(label)) = (caps.get(0), caps.get(1), caps.get(2)) else { continue };
        if label.as_str().contains("PRIVATE") {
            continue;
        }
        match kind.as_str() {
            "BEGIN" => open = Some(all.start()),
            _ => {
                if let Some(s) = open.take() {
                    spans.push((s, all.end()));
                }
            }
        }
    }
    if let Some(s) = open {
        spans.push((s, text.len()));
    }
    spans
}

// ---- lines that are nothing but a token ---------------------------------------------------

static LOG_PREFIX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    // Docker BuildKit (`#6 0.245 `) and ISO timestamps (`2026-04-26 12:36:01 `), which is how
    // keys printed by `cat key.pem` in a build or a script show up in pasted logs.
    super::compile(r"^(?:#\d+ \d+(?:\.\d+)? |\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? +)")
});

/// A line that is only base64 (after indentation and a log prefix) is a line of a PEM body when
/// it decodes to binary: a private key split across lines (or pasted without its armour) must
/// not slip through line by line. Any other line that is a single random-looking token is most
/// likely a pasted credential.
fn bare_lines(text: &str, sink: &mut Sink) {
    let mut public_spans: Option<Vec<(usize, usize)>> = None;
    let bytes = text.as_bytes();
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |i| line_start + i);
        let next = line_end + 1;
        let raw = &text[line_start..line_end];
        // Cheap gate: a token line has no inner spaces after trimming (log prefix aside).
        let trimmed_start = line_start + (raw.len() - raw.trim_start().len());
        let mut s = trimmed_start;
        let e = line_start + raw.trim_end().len();
        if e > s && e - s >= 4 {
            if let Some(m) = LOG_PREFIX.as_ref().and_then(|re| re.find(&text[s..e])) {
                s += m.end();
            }
            let token = &text[s..e];
            if !token.bytes().any(|b| b == b' ' || b == b'\t') && !sink.covered(s, e) {
                let mut in_public_pem = || {
                    public_spans.get_or_insert_with(|| public_pem_spans(text)).iter().any(|&(a, b)| a <= s && e <= b)
                };
                if let Some((entity, confidence)) = classify_bare(token)
                    && !in_public_pem() {
                        sink.add(text, entity, s, e, confidence);
                    }
            }
        }
        line_start = next;
    }
}

fn classify_bare(token: &str) -> Option<(EntityType, f32)> {
    let b = token.as_bytes();
    let body_len = b.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    let padding = b.len() - body_len;
    let is_b64 = padding <= 2 && b[..body_len].iter().all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/');
    let c = Classes::of(&b[..body_len]);
    if is_b64 && c.upper > 0 && c.lower > 0 {
        // Full PEM/OpenSSH/MIME line widths, or the short last line of a body (whole quanta,
        // padded or clearly mixed). No run test: DER is full of zero bytes (`AAAAAAAA`).
        let full = (40..=76).contains(&b.len());
        let last = b.len() < 40 && b.len().is_multiple_of(4) && (padding > 0 || (b.len() >= 16 && c.digit > 0));
        if full || last {
            let decoded = entropy::base64_decode(token)?;
            if !entropy::is_printable_text(&decoded) && (b.len() < 16 || entropy::shannon(b) >= 3.5) {
                return Some((PrivateKey, if full { 0.7 } else { 0.5 }));
            }
        }
    }
    if is_b64 && b.len().is_multiple_of(4)
        && let Some(decoded) = entropy::base64_decode(token).filter(|d| entropy::is_printable_text(d)) {
            // Base64 of text is an encoding, not a credential — unless the text is a key
            // (a JWK with a private member, a PEM private key, a service-account file).
            let text = String::from_utf8_lossy(&decoded);
            let jwk_private = text.contains("\"kty\"") && (text.contains("\"d\"") || text.contains("\"k\""));
            let key_text = jwk_private || text.contains("PRIVATE KEY") || text.contains("\"private_key\"");
            return key_text.then_some((PrivateKey, 0.8));
        }
    // A single random token alone on its line (a pasted API key or client secret): mixed
    // classes, at most two separators, not a long data blob.
    let mixed = c.upper > 0 && c.lower > 0 && c.digit > 0;
    let separators = b.iter().filter(|&&c| !c.is_ascii_alphanumeric() && c != b'=').count();
    (mixed && b.len() <= 64 && separators <= 2 && entropy::looks_random(token, 20) && b.iter().all(|&c| c.is_ascii_alphanumeric() || b"_-+/=.~".contains(&c)))
        .then_some((HighEntropyToken, 0.4))
}

// ---- JWT ----------------------------------------------------------------------------------

static JWT: LazyLock<Option<Regex>> =
    LazyLock::new(|| super::compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"));

fn jwts(text: &str, sink: &mut Sink) {
    let Some(re) = JWT.as_ref() else { return };
    for m in re.find_iter(text) {
        let mut parts = m.as_str().splitn(3, '.');
        let (Some(header), Some(_), Some(signature)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let header_ok = entropy::base64_decode(header).is_some_and(|h| {
            let h = String::from_utf8_lossy(&h);
            h.contains("\"alg\"") || h.contains("\"typ\"")
        });
        // A signature containing "EXAMPLE" or "FAKE" was typed, not computed.
        let sig_real = !entropy::is_placeholder(signature) && !super::contains_ci(signature, "fake");
        if header_ok && sig_real {
            sink.add(text, Jwt, m.start(), m.end(), if signature.is_empty() { 0.7 } else { 0.95 });
        }
    }
}

// ---- passwords in URLs ----------------------------------------------------------------------

static URL_CREDS: LazyLock<Option<Regex>> =
    LazyLock::new(|| super::compile(r"\b[A-Za-z][A-Za-z0-9+.-]{1,20}://([[:graph:]--[/:'\x22<>]]+):([[:graph:]--[/@'\x22<>]]+)@[A-Za-z0-9_.-]+"));

fn url_credentials(text: &str, sink: &mut Sink) {
    let Some(re) = URL_CREDS.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let (Some(user), Some(pass)) = (caps.get(1), caps.get(2)) else { continue };
        if pass.as_str() != user.as_str() && url_password_ok(pass.as_str()) {
            sink.add(text, Password, pass.start(), pass.end(), 0.9);
        }
    }
}

/// In a URL the position already says "password"; only template syntax, variables and the
/// usual dummies are excluded.
fn url_password_ok(p: &str) -> bool {
    let lower = p.to_ascii_lowercase();
    const DUMMIES: [&str; 12] = ["password", "passwd", "pass", "pwd", "secret", "changeme", "root", "admin", "user", "username", "test", "xxx"];
    p.len() >= 3 && !p.starts_with('$') && !p.starts_with('%') && !p.starts_with('{') && !p.starts_with('*') && !DUMMIES.contains(&lower.as_str())
        && !entropy::is_placeholder(p) && !p.bytes().all(|b| b.is_ascii_digit() && p.len() <= 5)
}

// ---- key = value ----------------------------------------------------------------------------

/// Where a credential word may start inside an identifier. Matching is done on the raw bytes
/// (ASCII case-insensitive) and the identifier around each hit is then classified.
static KEY_WORDS: LazyLock<Option<Regex>> =
    LazyLock::new(|| super::compile(r"(?i)p(?:a?s{0,2})w|pass|secret|token|credential|auth|key|bearer|api"));

#[derive(Clone, Copy, PartialEq, Debug)]
enum KeyClass {
    /// Values are human-chosen: any non-word, non-placeholder string counts.
    Password,
    /// Values are machine-generated: they must look random.
    Token,
}

/// Splits an identifier into lowercase segments at `_ - .`, camelCase and letter/digit changes.
fn segments(ident: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let b = ident.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if i > 0 && !cur.is_empty() {
            let p = b[i - 1];
            let camel = p.is_ascii_lowercase() && c.is_ascii_uppercase();
            let digit_change = p.is_ascii_digit() != c.is_ascii_digit();
            if camel || digit_change {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase() as char);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn classify_key(ident: &str) -> Option<KeyClass> {
    let lower = ident.to_ascii_lowercase();
    static LONG_FORM: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(r"passwor|pa?s{1,2}w(?:o?r)?d|passphrase"));
    if LONG_FORM.as_ref().is_some_and(|re| re.is_match(&lower)) {
        return Some(KeyClass::Password);
    }
    let segs = segments(ident);
    let has = |words: &[&str]| segs.iter().any(|s| words.contains(&s.as_str()));
    if has(&["pw", "pwd", "pass", "pword", "secret", "secrets", "credential", "credentials", "creds"]) || lower.contains("secret") || lower.contains("credential") {
        return Some(KeyClass::Password);
    }
    // SHOUTING_CASE compounds like MYSQLPASS.
    if ident.bytes().all(|b| !b.is_ascii_lowercase()) && lower.ends_with("pass") {
        return Some(KeyClass::Password);
    }
    // `apiVersion`, `api_url`, `keyName`: the key names something about an API or key, not a secret.
    const DESCRIPTIVE: [&str; 14] = ["version", "url", "uri", "endpoint", "base", "host", "path", "name", "type", "docs", "group", "server", "id", "size"];
    if segs.iter().any(|s| DESCRIPTIVE.contains(&s.as_str())) {
        return None;
    }
    let tokenish = segs.iter().any(|s| {
        matches!(s.as_str(), "token" | "tokens" | "key" | "apikey" | "api" | "auth" | "bearer" | "authkey" | "accesskey" | "privatekey" | "signature" | "sig")
            || (s.len() <= 12 && (s.ends_with("key") || s.ends_with("token")) && !matches!(s.as_str(), "monkey" | "turkey" | "hockey" | "jockey" | "whiskey" | "donkey" | "keykey"))
    });
    tokenish.then_some(KeyClass::Token)
}

fn assignments(text: &str, sink: &mut Sink) {
    if !super::mentions!(sink, ["pw", "pass", "psw", "pssw", "pasw", "secret", "token", "credential", "auth", "key", "bearer", "api"]) {
        return;
    }
    let Some(re) = KEY_WORDS.as_ref() else { return };
    let bytes = text.as_bytes();
    let mut last_ident_end = 0;
    for m in re.find_iter(text) {
        if m.start() < last_ident_end {
            continue;
        }
        // Expand to the whole identifier (letters, digits, `_ - .`).
        let is_ident = |b: u8| is_word_byte(b) || b == b'-' || b == b'.';
        let mut s = m.start();
        while s > 0 && is_ident(bytes[s - 1]) {
            s -= 1;
        }
        let mut e = m.end();
        while e < bytes.len() && is_word_byte(bytes[e]) {
            e += 1;
        }
        last_ident_end = e;
        let ident = text[s..e].trim_start_matches(['-', '.']);
        let dashes = text[s..e].len() - ident.len();
        let Some(class) = classify_key(ident) else { continue };
        if let Some((vs, ve, conf)) = value_after(text, e, class, dashes > 0 && ident.eq_ignore_ascii_case("password")) {
            let entity = if class == KeyClass::Password { Password } else { HighEntropyToken };
            sink.add(text, entity, vs, ve, conf);
        }
    }
}

/// Parses `<sep> <value>` after a key ending at `pos`; returns the value's span if it passes the
/// class's test. `cli_flag`: `--password value` (space-separated) is accepted too.
fn value_after(text: &str, pos: usize, class: KeyClass, cli_flag: bool) -> Option<(usize, usize, f32)> {
    let bytes = text.as_bytes();
    let line_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
    let mut i = pos;
    // Closing quote / bracket of a quoted key: `"password":`, `['password'] =`, `\"pw\":`, `(PW):`.
    while i < line_end && i - pos < 4 {
        match bytes[i] {
            b'"' | b'\'' | b'`' | b']' | b')' => i += 1,
            b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'\'')) => i += 2,
            _ => break,
        }
    }
    // Spaces, tabs, and tabs written as `\t` inside an encoded string.
    let skip_ws = |mut i: usize| {
        loop {
            if i < line_end && (bytes[i] == b' ' || bytes[i] == b'\t') {
                i += 1;
            } else if i + 1 < line_end && bytes[i] == b'\\' && bytes[i + 1] == b't' {
                i += 2;
            } else {
                return i;
            }
        }
    };
    let quoted_key = i > pos;
    i = skip_ws(i);
    const SEPS: [&[u8]; 11] = [b"!==", b"===", b":=", b"=>", b"->", b"==", b"!=", b"%3D", b"%3d", b"=", b":"];
    let sep_at = |i: usize| SEPS.iter().find(|s| bytes[i..line_end].starts_with(s)).map(|s| s.len());
    let mut sep_len = sep_at(i);
    // A short qualifier between key and separator: `password for master:`, `password,default:`.
    if sep_len.is_none() && i < line_end && !cli_flag && !quoted_key {
        let mut j = i;
        while j < line_end && j - i <= 20 && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b' ' | b',' | b'_')) {
            j += 1;
        }
        if j > i && j < line_end && matches!(bytes[j], b':' | b'=') && text[i..j].split_whitespace().count() <= 3 {
            sep_len = sep_at(j);
            i = j;
        }
    }
    let had_sep = sep_len.is_some();
    let url_encoded = sep_len == Some(3);
    match sep_len {
        Some(n) => i += n,
        None if i == pos => return None,
        None => {}
    }
    i = skip_ws(i);
    // Type annotation: `password: String = "…"`, `passwd: str = "…"`.
    if had_sep && bytes.get(i - 1) == Some(&b':') || (had_sep && i >= 2 && bytes[..i].ends_with(b": ")) {
        let mut j = i;
        while j < line_end && (is_word_byte(bytes[j]) || bytes[j] == b'.') {
            j += 1;
        }
        let k = skip_ws(j);
        // `Type =` with a space: a base64 value's own `=` padding is not an assignment.
        if j > i && k > j && k < line_end && bytes[k] == b'=' && bytes.get(k + 1) != Some(&b'=') {
            i = skip_ws(k + 1);
        }
    }
    if i >= line_end {
        return None;
    }
    // Byte arrays: `{0x35, 0x34, …}`, `[]byte{…}`, `bytes([…])`.
    if let Some(numbers) = byte_array_len(&text[i..line_end]) {
        return (numbers >= 8).then_some((i, line_end, 0.6));
    }
    let (vs, mut ve, quoted) = read_value(text, i, line_end)?;
    if url_encoded {
        ve = vs + text[vs..ve].find('%').unwrap_or(ve - vs);
    }
    if !had_sep && !quoted && !cli_flag {
        return None;
    }
    let value = &text[vs..ve];
    if !quoted && looks_like_call(value) {
        return literal_in_call(text, i, line_end, class);
    }
    value_ok(value, class, quoted).then_some((vs, ve, if class == KeyClass::Password { 0.8 } else { 0.7 }))
}

/// Reads a quoted string (the content's span) or an unquoted run up to whitespace or a
/// delimiter.
fn read_value(text: &str, i: usize, line_end: usize) -> Option<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let mut i = i;
    // Python string prefixes: b"…", f'…', r"…".
    if i + 1 < line_end && matches!(bytes[i], b'b' | b'f' | b'r' | b'u') && matches!(bytes[i + 1], b'"' | b'\'') {
        i += 1;
    }
    let escaped = bytes[i] == b'\\' && i + 1 < line_end && matches!(bytes[i + 1], b'"' | b'\'');
    if escaped {
        i += 1;
    }
    let q = bytes[i];
    if matches!(q, b'"' | b'\'' | b'`') {
        let start = i + 1;
        let close = memchr::memchr(q, &bytes[start..line_end])? + start;
        let end = if escaped && close > start && bytes[close - 1] == b'\\' { close - 1 } else { close };
        return (end > start).then_some((start, end, true));
    }
    let mut e = i;
    while e < line_end && !matches!(bytes[e], b' ' | b'\t' | b',' | b';' | b'&' | b'"' | b'\'' | b'<') {
        e += 1;
    }
    while e > i && matches!(bytes[e - 1], b')' | b']' | b'}' | b'.') {
        e -= 1;
    }
    (e > i).then_some((i, e, false))
}

fn looks_like_call(v: &str) -> bool {
    let b = v.as_bytes();
    b.first().is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
        && b.iter().position(|&c| c == b'(').is_some_and(|p| b[..p].iter().all(|&c| is_word_byte(c) || c == b'.'))
}

/// `getenv("NAME", "default")`, `os.environ.get("X") or "default"`: the literal defaults are
/// the hard-coded credential (the first literal of a call is the variable's name).
fn literal_in_call(text: &str, from: usize, line_end: usize, class: KeyClass) -> Option<(usize, usize, f32)> {
    let bytes = text.as_bytes();
    let mut literals = Vec::new();
    let mut i = from;
    while i < line_end {
        let q = bytes[i];
        if matches!(q, b'"' | b'\'') {
            let close = memchr::memchr(q, &bytes[i + 1..line_end]).map(|c| c + i + 1)?;
            literals.push((i + 1, close));
            i = close + 1;
        } else {
            i += 1;
        }
    }
    literals.into_iter().skip(1).find(|&(s, e)| value_ok(&text[s..e], class, true)).map(|(s, e)| (s, e, 0.6))
}

/// Counts the numeric elements of a brace/bracket literal at the start of `v`, if it is one.
fn byte_array_len(v: &str) -> Option<usize> {
    let open = v.find(['{', '['])?;
    if !v[..open].bytes().all(|b| b.is_ascii_alphanumeric() || b"[]( _".contains(&b)) || open > 10 {
        return None;
    }
    let body = &v[open + 1..];
    let items: Vec<&str> = body.split([',', '}', ']', ')']).map(str::trim).filter(|s| !s.is_empty() && *s != "\\").collect();
    let numeric = items.iter().filter(|s| {
        let s = s.trim_start_matches("0x").trim_start_matches("0X");
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
    });
    let n = numeric.count();
    (n > 0 && n * 10 >= items.len() * 8).then_some(n)
}

fn value_ok(v: &str, class: KeyClass, quoted: bool) -> bool {
    match class {
        KeyClass::Token => entropy::token_value_ok(v) && !is_env_name(v),
        KeyClass::Password => password_ok(v, quoted),
    }
}

/// `DB_PASSWORD`, `$PASSWORD`: a reference to where the secret lives, not the secret.
fn is_env_name(v: &str) -> bool {
    v.contains('_') && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A human-chosen password: 4–128 chars, not a placeholder or reference, and not a plain word
/// (it has a digit or symbol, or mixed case beyond a capital first letter).
pub(super) fn password_ok(v: &str, quoted: bool) -> bool {
    let b = v.as_bytes();
    if b.len() < 4 || b.len() > 128 || entropy::is_placeholder(v) || is_env_name(v) {
        return false;
    }
    if matches!(b[0], b'$' | b'%' | b'{' | b'<' | b'*' | b'(' | b'[' | b'#') || v.starts_with("ENC(") || v.contains("**") || v.starts_with("//") {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    const WORDS: [&str; 16] =
        ["password", "passwd", "secret", "null", "none", "nil", "true", "false", "undefined", "string", "required", "optional", "empty", "token", "hidden", "default"];
    if WORDS.iter().any(|w| lower == *w) || lower.contains("password") {
        return false;
    }
    // Phrases are descriptions or code (`" + pass + "`), not passwords.
    if v.contains(' ') || v.starts_with(['"', '\'']) {
        return false;
    }
    // A dotted lowercase path is a config reference (`config.db.password`).
    if !quoted && v.contains('.') && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_') {
        return false;
    }
    let c = Classes::of(b);
    let only_word_chars = b.iter().all(|&x| x.is_ascii_alphabetic() || x == b'_');
    if only_word_chars {
        // snake_case and plain words are identifiers or prose; camel/mixed case may be a password.
        let inner_upper = b.iter().skip(1).any(u8::is_ascii_uppercase);
        return c.lower > 0 && inner_upper && !b.contains(&b'_') && entropy::transition_rate(b) >= 0.2;
    }
    if c.digit == b.len() {
        return b.len() >= 6;
    }
    true
}

// ---- command lines ----------------------------------------------------------------------------

static COMMANDS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(concat!(
        r"(?i)ConvertTo-SecureString(?:\s+-(?:String|AsPlainText|Force))*\s+\\?[\x22']?([[:graph:]--[\x22'\\]]+)",
        r#"|\bcurl\b[^\n]*?\s(?:-u|--user)\s*[\x22']?[[:graph:]--[\x22':]]+:([[:graph:]--[\x22']]+)"#,
        r"|\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p([[:graph:]--[\x22'-]][[:graph:]--[\x22']]{2,})",
        r"|\bauthorization\b[\x22']?\s*[:=]\s*[\x22']?(?:bearer|token|basic)\s+([A-Za-z0-9._~+/=-]{12,})",
    ))
});

/// Passwords given as command arguments: PowerShell `ConvertTo-SecureString`, `curl -u
/// user:pass`, `mysql -pSECRET`, and `Authorization: Bearer …` headers.
fn special_commands(text: &str, sink: &mut Sink) {
    if !super::mentions!(sink, ["convertto-securestring", "curl", "mysql", "mariadb", "authorization"]) {
        return;
    }
    let Some(re) = COMMANDS.as_ref() else { return };
    for caps in re.captures_iter(text) {
        for (group, bearer) in [(1, false), (2, false), (3, false), (4, true)] {
            let Some(m) = caps.get(group) else { continue };
            let v = m.as_str();
            let ok = if bearer { entropy::token_value_ok(v) } else { url_password_ok(v) && password_ok(v, true) };
            if ok {
                sink.add(text, if bearer { HighEntropyToken } else { Password }, m.start(), m.end(), 0.8);
            }
        }
    }
}

// ---- XML elements ------------------------------------------------------------------------------

static XML_CRED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r"(?i)<((?:[a-z]+[_:-]?)?(?:password|passwd|pwd|secret|token|api_?key|access_?key|secret_?key|private_?key|client_?secret|credential)s?)\b[^>/]*>")
});

/// `<password>…</password>` and its kin. When the tag ends the line and the text stops there
/// (a config pasted line by line), the value cannot be checked; the open tag is flagged with low
/// confidence because what follows it is, by name, a credential.
fn xml_elements(text: &str, sink: &mut Sink) {
    if !text.contains('<') {
        return;
    }
    let Some(re) = XML_CRED.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let (Some(all), Some(name)) = (caps.get(0), caps.get(1)) else { continue };
        let class = classify_key(name.as_str()).unwrap_or(KeyClass::Token);
        let (_, line_end) = line_around(text, all.end());
        let content = &text[all.end()..line_end];
        let inner = content.split("</").next().unwrap_or("").trim();
        if !inner.is_empty() {
            let start = all.end() + (content.len() - content.trim_start().len());
            if value_ok(inner, class, true) {
                sink.add(text, if class == KeyClass::Password { Password } else { HighEntropyToken }, start, start + inner.len(), 0.8);
            }
            continue;
        }
        // Value on the following line(s), if the text has them.
        let following = text[line_end..].trim_start();
        if following.is_empty() {
            sink.add(text, if class == KeyClass::Password { Password } else { HighEntropyToken }, all.start(), all.end(), 0.4);
        } else if !following.starts_with('<') {
            let next_line = following.lines().next().unwrap_or("").trim();
            let start = text.len() - following.len();
            if value_ok(next_line, class, true) {
                sink.add(text, if class == KeyClass::Password { Password } else { HighEntropyToken }, start, start + next_line.len(), 0.6);
            }
        }
    }
}

// ---- JSON Web Keys -------------------------------------------------------------------------------

static JWK_MEMBER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r#""(d|p|q|dp|dq|qi|k)"\s*:\s*"([A-Za-z0-9_-]{16,})"|"kty"\s*:\s*"\[?(RSA|EC|oct|OKP)\]?""#)
});

/// JWK private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, symmetric `k`). A `kty` whose object is
/// visibly public (closes without a private member) is not flagged; one whose object is cut off
/// (a key pasted line by line) is, with low confidence.
fn jwk(text: &str, sink: &mut Sink) {
    if !text.contains('"') {
        return;
    }
    let Some(re) = JWK_MEMBER.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let Some(all) = caps.get(0) else { continue };
        if let Some(value) = caps.get(2) {
            if entropy::looks_random(value.as_str(), 16) || value.as_str().len() >= 40 {
                sink.add(text, PrivateKey, value.start(), value.end(), 0.8);
            }
            continue;
        }
        let kty = caps.get(3).map_or("", |m| m.as_str());
        let object_start = text[..all.start()].rfind('{').unwrap_or(0);
        let confidence = match text[all.end()..].find('}') {
            _ if kty == "oct" => 0.8,
            Some(close) => {
                let object = &text[object_start..all.end() + close];
                if ["\"d\"", "\"p\"", "\"k\""].iter().any(|m| object.contains(m)) { 0.9 } else { continue }
            }
            None => 0.4,
        };
        sink.add(text, PrivateKey, all.start(), all.end(), confidence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::Finding;

    fn scan_types(text: &str) -> Vec<(EntityType, String)> {
        let mut out: Vec<Finding> = Vec::new();
        let mut sink = Sink::new(text, 0, &mut out);
        scan(text, &mut sink);
        out.iter().map(|f| (f.entity, text[f.start..f.end].to_string())).collect()
    }

    fn has(text: &str, entity: EntityType) -> bool {
        scan_types(text).iter().any(|(e, _)| *e == entity)
    }

    fn secret(text: &str) -> bool {
        scan_types(text).iter().any(|(e, _)| e.data_class() == sluice_domain::policy::DataClass::Secret)
    }

    #[test]
    fn every_rule_compiles() {
        for r in RULES {
            assert!(Regex::new(r.pattern).is_ok(), "{}", r.pattern);
        }
        assert!(PREFIXED.as_ref().is_some_and(|c| c.set.len() == RULES.len()));
        assert!(PEM_MARKER.is_some() && JWT.is_some() && URL_CREDS.is_some() && KEY_WORDS.is_some());
        assert!(COMMANDS.is_some() && XML_CRED.is_some() && JWK_MEMBER.is_some() && LOG_PREFIX.is_some());
    }

    #[test]
    fn vendor_keys_are_found_with_their_span() {
        let key = "sk-proj-qa25MV9c7Qu0EjDIEWdcT3BlbkFJ83uCF0K4yw7RzpY39bio";
        let text = format!("Use the key {key} for the call");
        assert_eq!(scan_types(&text), vec![(ProviderKey, key.to_string())]);
        assert!(has("AKIAIOSFODNN7Q2XJ5WB is our id", CloudKey));
        assert!(has("export ANTHROPIC_API_KEY=sk-ant-api03-gigCtxD_mMUnJuUOwVtpBmPFdG0-ybrcBb1EcgpJblpcwh7tpFu-DIChOfbCnT7NgKcobiQ5aQA1oxlu", ProviderKey));
        assert!(has("token ghp_00000000000000000000000000000004WZ4EQ", ProviderKey), "valid checksum beats a degenerate body");
        assert!(has("glpat-8d5ri2n9g85LAnC9YW85.01.cgpAsnEmP", ProviderKey));
        assert!(has("xoxb-391809548274-4236212766789-i8EoyACELx2FYnSOkRPEpePN", ProviderKey));
        assert!(has("AGE-SECRET-KEY-1KZYHJJGJ5DEC3RXGPEUA97WG99HU4Z3Z9ZK69GHAFZWJ08SFVF0QZ3WFSS", PrivateKey));
        assert!(has("Positive: TlRMTVNTUAADAAAAGAAYAFYAAAAYABgAbgAAAAAAAABIAAAADgAOAEgAAAAAAAAAVgAAAAAAAACGAAAARmFLZURhVGEAAAAPQwByAGUAZABTAHcAZQBlAHCgZQBy3wAAAAAAAAAAAAAAAAAAAAAph0MQmDQmCVaJEmhiOGSYIXNJMoc2KLo=", ProviderKey));
    }

    #[test]
    fn vendor_lookalikes_are_not_keys() {
        assert!(!secret("sk-1234567c7Qu0EjDIEWdcT3BlbkFJ83uCF0K4yw7RzpY39bio"), "sequence run");
        assert!(!secret("ghp_1010110010001010101001010101010101011001"), "bad checksum, two symbols");
        assert!(!secret("AGE-SECRET-KEY-1KZYHJJGJ5DEC3RXGPEUA97WG99HU4Z3Z9ZK69GHAFZWJ08SFVF0QZ3WFSX"), "bech32 fails");
        assert!(!secret("F: akab-h5stbzeswb3v4kj3-tblc7jkffv3wfxh3.drain.akamaiapis.net"), "hostname");
        assert!(!secret("the task-list and sk-learning are fine"));
        assert!(!secret("hf_3478658437658347638475687346587374"));
    }

    #[test]
    fn pem_blocks_and_bare_body_lines() {
        let pem = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END RSA PRIVATE KEY-----\n";
        let found = scan_types(pem);
        assert_eq!(found.iter().filter(|(e, _)| *e == PrivateKey).count(), 1, "{found:?}");
        assert!(found[0].1.starts_with("-----BEGIN") && found[0].1.ends_with("KEY-----"));
        assert!(has("#6 0.245 MIITXgIBADALBglghkgBZQMEAxMEghNKMIITRgQgD1HmdulwXADuIR7CZpjn+kQ0", PrivateKey));
        assert!(has("2026-04-26 12:36:01 qwI=", PrivateKey));
        assert!(has("-----END OPENSSH PRIVATE KEY-----", PrivateKey));
        // Certificates are public; their body lines too.
        let cert = "-----BEGIN CERTIFICATE-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END CERTIFICATE-----";
        assert!(!secret(cert));
        // Base64 of prose is not key material.
        assert!(!secret("cmVmdGtuOlRoZXJlIGFyZSBub3QgdGhlIHRva2VucyB5b3UncmUgbG9va2luZyA0"));
        assert!(!secret("True"));
        assert!(!secret("getElementsByClassName"));
    }

    #[test]
    fn jwt_needs_a_jwt_header_and_a_real_signature() {
        assert!(has("Authorization: eyJhbGciOiJSUzI1NiJ9Cg.eyJleHAiOjY1NTM2fQo.Ce7sh0ENPiBlE_dose0cBA", Jwt));
        assert!(!has("eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAidGVzdCIsICJleHAiOiAyMDI2MDgxMTE4NDV9.99l-EXAMPLEFAKESIG", Jwt));
        assert!(!has("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.NiIsInR5cCI6IkpXV.NiIsInR5cCI6IkpXV", Jwt));
    }

    #[test]
    fn passwords_in_urls_and_commands() {
        assert_eq!(scan_types("url: mongodb://jrfdeg42:p4Dsr8b@127.0.0.1:32768/db"), vec![(Password, "p4Dsr8b".to_string())]);
        assert!(!secret("postgresql://user:password@localhost/db"));
        assert!(!secret("redis://:${REDIS_PASSWORD}@cache:6379"));
        assert!(has(r#"curl -X PUT -u "admin:dG9rZW4g" https://127.0.0.1"#, Password));
        assert!(!secret(r#"curl -X PUT -u "$USER:$PASSWORD" https://127.0.0.1"#));
        assert!(has("ConvertTo-SecureString -String -Force dsjUE#$gds8s", Password));
        assert!(has("mysql -u root -pS3cr3tPw! -h db", Password));
        assert!(!secret("ssh -p 2222 host"));
    }

    #[test]
    fn password_assignments() {
        for text in [
            "password = \"cackle!\"",
            "Password:Prl23Db#@",
            "ANY_PW:Prl23Db#@",
            "MYSQL_DATABASE_USER=CRED;MYSQL_DATABASE_PASSWORD=2IWJD88FH4Y;",
            "val password: String = \"exord13Paw64\"",
            "def connect(passwd: str = \"cq2tPr1a2\"):",
            "if (password !== \"PaS5w0rD2#\"){",
            "#define password \"n84ASM54y4\"",
            "PSSWORD:=FlUgeGeHeImEn08",
            "-password \"Prl23Db#@\"",
            "PASSWORD = os.environ.get(\"PASSWORD\") or \"at5G6zi!m\"",
            "\"password\":\"Prl23Db#@\"",
            "MYSQLPASS: Ce7shE0ENPiBlE_EdEose0cBAA",
            "98.76.54.32(ID:master/PW:iPp10@GRq)",
        ] {
            assert!(has(text, Password), "{text}");
        }
        for text in [
            "the password is incorrect",
            "bypass = \"cackle!\"",
            "passed = \"cackle!\"",
            "mypw: KrAcMe12345,",
            "password: <PostgreSQL PW>",
            "masked_password = *****1*****2;",
            "\"PW\":\"Palau\",",
            "Password Prl23Db#@",
            "password = config.db.password",
            "password = DB_PASSWORD",
            "SECRET = getenv(\"GEHE1MN15\", '')",
            "# password: keep empty",
            "Enter your password: ",
        ] {
            assert!(!secret(text), "{text}");
        }
    }

    #[test]
    fn tokens_under_credential_keys() {
        assert!(has("gi_reo_gi_token = \"G1Re06G1BdgNseiJDN21Z094M\"", HighEntropyToken));
        assert!(has("https://example.com/api/js?key=dhd0lCQVFRZ0ViVnpmUGWxhQW9KQWwrLzZYdDJPNG1PQjYxMXNPaFJB&bug=true", HighEntropyToken));
        assert!(has("#define AESKEY {0x35, 0x34, 0x65, 0x9b, 0x1c, 0x2e, 023, 010, 041, 033, 043, 000, \\", HighEntropyToken));
        assert!(!secret("fp_tokenized_value=\"b035d48j9X2dfjF0hb9sd8Guf5hWu2ia\""));
        assert!(!secret("#define password {0x48, 0x65, 0x6C, 0x6C, 0x30}"));
        assert!(!secret("const token = getToken(user);"));
        assert!(!secret("apiVersion: bitnami.com/v1alpha1"));
        assert!(!secret("The key = \"value\" pairs are stored in a map."));
    }

    #[test]
    fn base64_padding_is_not_a_type_annotation() {
        assert!(has("Token-> DemoToken: Nxs094M3ed2s1Re0F4M3ed2GZ8M= <- for User : demo", HighEntropyToken));
    }

    #[test]
    fn xml_and_jwk() {
        assert!(has("<password name=\"password\">cackle!</password>", Password));
        assert!(!secret("<password name=\"password\">peace_for_ukraine</password>"));
        assert!(has("    <token name=\"token\">", HighEntropyToken));
        assert!(has(r#""d": "slaQqyHQPudOpq2mbDskum8rOu9IMkLGjINAFWwfqr-""#, PrivateKey));
        assert!(!secret(r#"{"kty": "RSA", "n": "0vx7agoebGcQSuu", "e": "AQAB"}"#), "public JWK");
        assert!(has(r#"{"kty": "oct", "k": "WrMwQfoNaHTgXU5fZvRGAD"}"#, PrivateKey));
    }

    #[test]
    fn offsets_stay_on_char_boundaries_next_to_multibyte_text() {
        let text = "비밀번호 password=Prl23Db#@ 끝 ключ sk-proj-qa25MV9c7Qu0EjDIEWdcT3BlbkFJ83uCF0K4yw7RzpY39bio ü";
        let found = scan_types(text);
        assert!(found.contains(&(Password, "Prl23Db#@".to_string())), "{found:?}");
        assert!(found.iter().any(|(e, _)| *e == ProviderKey));
    }
}
