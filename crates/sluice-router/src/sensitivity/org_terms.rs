//! The tenant's own confidential terms: case-insensitive keywords (whole words or phrases) and
//! regular expressions, compiled once when the policy is loaded.

use regex::{Regex, RegexBuilder};
use sluice_domain::policy::ConfidentialTerms;

use crate::entity::{EntityType, Finding};

/// Compiled-size cap per pattern: a policy author cannot make the request path allocate or scan
/// without bound with a pathological regex.
const SIZE_LIMIT: usize = 1 << 20;

/// An org's confidential keywords and patterns, compiled once when its policy is loaded.
#[derive(Debug, Clone)]
pub struct OrgTerms {
    /// All keywords in one alternation (leftmost-first, longest phrases first).
    keywords: Option<Regex>,
    patterns: Vec<Regex>,
}

impl OrgTerms {
    pub fn compile(terms: &ConfidentialTerms) -> Result<OrgTerms, regex::Error> {
        let mut words: Vec<&str> = terms.keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty()).collect();
        // Longer phrases first, so "project apollo x" wins over "project apollo".
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        words.dedup();
        let keywords = if words.is_empty() {
            None
        } else {
            // Word boundaries only where the keyword itself starts/ends with a word character,
            // so "C++" or ".net" still match.
            let alts: Vec<String> = words
                .iter()
                .map(|w| {
                    let escaped = w.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+");
                    let lead = if w.starts_with(|c: char| c.is_alphanumeric() || c == '_') { r"\b" } else { "" };
                    let trail = if w.ends_with(|c: char| c.is_alphanumeric() || c == '_') { r"\b" } else { "" };
                    format!("{lead}{escaped}{trail}")
                })
                .collect();
            Some(RegexBuilder::new(&alts.join("|")).case_insensitive(true).size_limit(SIZE_LIMIT * 4).build()?)
        };
        let patterns = terms.patterns.iter().map(|p| RegexBuilder::new(p).size_limit(SIZE_LIMIT).dfa_size_limit(SIZE_LIMIT).build()).collect::<Result<_, _>>()?;
        Ok(OrgTerms { keywords, patterns })
    }

    pub fn scan(&self, text: &str, segment: usize, out: &mut Vec<Finding>) {
        let mut push = |start: usize, end: usize, confidence: f32| {
            if start < end {
                out.push(Finding { entity: EntityType::OrgTerm, segment, start, end, confidence });
            }
        };
        if let Some(re) = &self.keywords {
            for m in re.find_iter(text) {
                push(m.start(), m.end(), 0.9);
            }
        }
        for re in &self.patterns {
            for m in re.find_iter(text) {
                push(m.start(), m.end(), 0.8);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(keywords: &[&str], patterns: &[&str]) -> ConfidentialTerms {
        ConfidentialTerms { keywords: keywords.iter().map(|s| s.to_string()).collect(), patterns: patterns.iter().map(|s| s.to_string()).collect() }
    }

    fn spans(org: &OrgTerms, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        org.scan(text, 3, &mut out);
        assert!(out.iter().all(|f| f.segment == 3 && f.entity == EntityType::OrgTerm));
        out.iter().map(|f| text[f.start..f.end].to_string()).collect()
    }

    #[test]
    fn keywords_are_case_insensitive_whole_words() {
        let org = OrgTerms::compile(&terms(&["Apollo", "project  x", "C++"], &[])).unwrap();
        assert_eq!(spans(&org, "The APOLLO launch; Project X and c++ code"), vec!["APOLLO", "Project X", "c++"]);
        assert!(spans(&org, "apollonian projects").is_empty());
    }

    #[test]
    fn patterns_and_errors() {
        let org = OrgTerms::compile(&terms(&[], &[r"ACME-\d{4}"])).unwrap();
        assert_eq!(spans(&org, "ticket ACME-1234 and ACME-12"), vec!["ACME-1234"]);
        assert!(OrgTerms::compile(&terms(&[], &["(unclosed"])).is_err());
        assert!(OrgTerms::compile(&terms(&[], &[r"\w{1000}{1000}"])).is_err(), "size-limited");
        assert!(spans(&OrgTerms::compile(&ConfidentialTerms::default()).unwrap(), "anything").is_empty());
    }

    #[test]
    fn offsets_with_multibyte_text() {
        let org = OrgTerms::compile(&terms(&["Ärger"], &[])).unwrap();
        assert_eq!(spans(&org, "kein ärger hier — Ärger"), vec!["ärger", "Ärger"]);
    }
}
