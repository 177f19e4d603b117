//! Sensitivity: detectors over every piece of text in a request, each finding typed, placed and
//! scored; the request's data class is the highest class among its findings.
//!
//! SCAFFOLD: the detectors are being written; until then nothing is found.

use sluice_domain::policy::ConfidentialTerms;

use crate::entity::Finding;
use crate::request::RequestView;

/// Built-in detectors over one text. Findings are appended to `out` with `segment` set.
pub fn scan_text(_text: &str, _segment: usize, _out: &mut Vec<Finding>) {}

/// An org's confidential keywords and patterns, compiled once when its policy is loaded.
#[derive(Debug, Clone)]
pub struct OrgTerms {}

impl OrgTerms {
    pub fn compile(_terms: &ConfidentialTerms) -> Result<OrgTerms, regex::Error> {
        Ok(OrgTerms {})
    }

    pub fn scan(&self, _text: &str, _segment: usize, _out: &mut Vec<Finding>) {}
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
