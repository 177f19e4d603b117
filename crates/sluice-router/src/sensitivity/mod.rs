//! Sensitivity: detectors over every piece of text in a request, each finding typed, placed and
//! scored; the request's data class is the highest class among its findings.
//!
//! Layout: [`secrets`] (vendor-prefixed keys, PEM, JWT, passwords, tokens in credential
//! context), [`pii`] (identifiers with a fixed shape: e-mail, phone, card, IBAN, SSN, IP, street
//! address, date of birth), [`names`] (person names, only where the text says it is talking about
//! a person's data), [`org_terms`] (the tenant's own keywords and patterns). [`checksums`] and
//! [`entropy`] hold the validators the detectors share.
//!
//! Cost model: this runs on every request. Every regex is compiled once (`LazyLock`), each
//! detector first checks a cheap byte-level precondition (is there an `@`, a digit, a `-----`),
//! and the expensive validators (checksums, entropy, base64 decoding) only run on candidates.

mod checksums;
mod entropy;
mod grammar_names;
mod lexicon;
mod names;
mod org_terms;
mod people;
mod pii;
mod secrets;
mod word_set;

pub use org_terms::OrgTerms;

use crate::entity::{EntityType, Finding};
use crate::request::RequestView;

/// Collects findings for one segment; drops (never panics on) spans that are not on char
/// boundaries, so a detector bug cannot take the request path down.
pub(crate) struct Sink<'o> {
    /// The text, ASCII-lowercased (same byte offsets): cheap keyword gates via `memmem`.
    pub(crate) lower: String,
    text_len: usize,
    segment: usize,
    first: usize,
    out: &'o mut Vec<Finding>,
}

impl<'o> Sink<'o> {
    fn new(text: &str, segment: usize, out: &'o mut Vec<Finding>) -> Self {
        Sink { lower: text.to_ascii_lowercase(), text_len: text.len(), segment, first: out.len(), out }
    }

    pub(crate) fn add(&mut self, text: &str, entity: EntityType, start: usize, end: usize, confidence: f32) {
        debug_assert_eq!(text.len(), self.text_len);
        if start >= end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            debug_assert!(false, "finding {entity:?} {start}..{end} is not a valid span");
            return;
        }
        self.out.push(Finding { entity, segment: self.segment, start, end, confidence });
    }

    /// Findings added for this segment so far.
    pub(crate) fn found(&self) -> &[Finding] {
        &self.out[self.first..]
    }

    /// Whether any finding so far overlaps `start..end`.
    pub(crate) fn covered(&self, start: usize, end: usize) -> bool {
        self.found().iter().any(|f| f.start < end && start < f.end)
    }
}

/// Built-in detectors over one text. Findings are appended to `out` with `segment` set, sorted
/// by position; a finding inside another finding of the same type is dropped.
pub fn scan_text(text: &str, segment: usize, out: &mut Vec<Finding>) {
    let mut sink = Sink::new(text, segment, out);
    secrets::scan(text, &mut sink);
    pii::scan(text, &mut sink);
    // Names last: a capitalised name right next to an e-mail or phone finding is a contact entry.
    names::scan(text, &mut sink);
    // Then names without a cue, in short messages only.
    people::scan(text, &mut sink);
    // And names that the sentence structure marks as people, in texts of any length.
    grammar_names::scan(text, &mut sink);
    let first = sink.first;
    if out.len() - first > 1 {
        out[first..].sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut kept: Vec<Finding> = Vec::with_capacity(out.len() - first);
        for f in out.drain(first..) {
            if !kept.iter().any(|k| k.entity == f.entity && k.start <= f.start && f.end <= k.end) {
                kept.push(f);
            }
        }
        out.extend(kept);
    }
}

/// Every finding in a request, built-in and (if given) the org's own terms.
pub fn scan(view: &RequestView, org: Option<&OrgTerms>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, segment) in view.segments.iter().enumerate() {
        scan_text(&segment.text, i, &mut out);
        if let Some(org) = org {
            org.scan(&segment.text, i, &mut out);
        }
    }
    out
}

// ---- small text helpers shared by the detectors -------------------------------------------

/// Keywords searched for in the lower-cased text, with their SIMD searchers built once.
pub(crate) struct Gate(Vec<memchr::memmem::Finder<'static>>);

impl Gate {
    pub(crate) fn new(needles: &[&'static str]) -> Gate {
        Gate(needles.iter().map(|n| memchr::memmem::Finder::new(n.as_bytes())).collect())
    }

    pub(crate) fn any(&self, haystack: &str) -> bool {
        self.0.iter().any(|f| f.find(haystack.as_bytes()).is_some())
    }
}

/// `mentions!(sink, ["a", "b"])`: whether the segment's lower-cased text contains any keyword.
macro_rules! mentions {
    ($sink:expr, [$($needle:literal),* $(,)?]) => {{
        static GATE: std::sync::LazyLock<$crate::sensitivity::Gate> = std::sync::LazyLock::new(|| $crate::sensitivity::Gate::new(&[$($needle),*]));
        GATE.any(&$sink.lower)
    }};
}
pub(crate) use mentions;

/// Compiles a detector pattern, ASCII-only when the pattern allows it (`(?-u)`: ASCII `\b`,
/// `\d`, `\s` and case folding give much smaller automata, which is most of the scan's cost);
/// patterns that need Unicode classes (`\p{L}`) or whose negated classes could split UTF-8
/// fall back to Unicode mode. None if the pattern does not compile at all (tests catch that).
pub(crate) fn compile(pattern: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!("(?-u){pattern}")).or_else(|_| regex::Regex::new(pattern)).ok()
}

/// The pattern text [`compile`] would use, for building a `RegexSet` the same way.
pub(crate) fn ascii_if_possible(pattern: &str) -> String {
    let ascii = format!("(?-u){pattern}");
    if regex::Regex::new(&ascii).is_ok() { ascii } else { pattern.to_string() }
}

/// Largest char boundary ≤ `i`.
pub(crate) fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Smallest char boundary ≥ `i`.
pub(crate) fn ceil_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The text of `start..end` widened by `before` / `after` bytes, on char boundaries.
pub(crate) fn window(text: &str, start: usize, end: usize, before: usize, after: usize) -> &str {
    let s = floor_boundary(text, start.saturating_sub(before));
    let e = ceil_boundary(text, end.saturating_add(after));
    &text[s..e]
}

/// Byte range of the line containing `pos` (without the newline).
pub(crate) fn line_around(text: &str, pos: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let start = memchr::memrchr(b'\n', &bytes[..pos]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
    (start, end)
}

/// ASCII case-insensitive substring test without allocating.
pub(crate) fn contains_ci(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests;
