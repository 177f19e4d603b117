//! The router's sensitivity detectors (personal data, names, credentials, checksums, entropy)
//! and the tenant's own confidential terms, on arbitrary text. The first input line, if it
//! parses, is a list of org keywords (split on `|`); the rest is the prompt.
//! Must hold: no panic, bounded time and memory on any text; findings lie inside the text on
//! character boundaries; keywords are compiled safely whatever they contain.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sluice_domain::policy::ConfidentialTerms;
use sluice_router::classify::classify;
use sluice_router::request::RequestView;
use sluice_router::sensitivity::OrgTerms;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (first, prompt) = text.split_once('\n').unwrap_or(("", text));
    let terms = ConfidentialTerms { keywords: first.split('|').map(str::to_owned).collect(), patterns: Vec::new() };
    let org_terms = OrgTerms::compile(&terms).ok();
    let view = RequestView::from_prompt(prompt);
    let classification = classify(&view, org_terms.as_ref());
    for f in &classification.findings {
        let segment: &str = view.segments[f.segment].text.as_ref();
        assert!(f.start < f.end && segment.get(f.start..f.end).is_some(), "finding {f:?} outside its text");
    }
});
