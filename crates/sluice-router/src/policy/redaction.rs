//! Redaction: masking detected entities so a request may go to a provider that could not
//! receive it unmasked. The policy decides which entity types are masked; a request whose
//! remaining (unmasked) findings still exceed a provider's trust never goes there.

use sluice_domain::policy::{DataClass, Redaction};

use crate::entity::{EntityType, Finding};

/// The entity types a policy masks.
#[derive(Debug, Clone)]
pub struct MaskSet {
    /// Empty = every type.
    only: Vec<EntityType>,
}

impl MaskSet {
    pub fn of(redaction: Option<&Redaction>) -> Option<MaskSet> {
        let r = redaction.filter(|r| r.enabled)?;
        // Unknown names were refused when the policy was saved; ignore them defensively here.
        Some(MaskSet { only: r.entities.iter().filter_map(|n| EntityType::parse(n)).collect() })
    }

    pub fn masks(&self, entity: EntityType) -> bool {
        self.only.is_empty() || self.only.contains(&entity)
    }

    /// The data class of what is left after masking.
    pub fn residual_class(&self, findings: &[Finding]) -> DataClass {
        findings.iter().filter(|f| !self.masks(f.entity)).map(|f| f.entity.data_class()).max().unwrap_or(DataClass::Public)
    }
}

/// `text` with every finding of a masked type replaced by `[TYPE]`. Findings must be for this
/// text (one segment); overlapping findings are merged.
pub fn mask_text(text: &str, findings: &[Finding], mask: &MaskSet) -> String {
    let mut spans: Vec<(usize, usize, EntityType)> = findings.iter().filter(|f| mask.masks(f.entity)).map(|f| (f.start, f.end, f.entity)).collect();
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, entity) in spans {
        if end <= at || start >= text.len() || end > text.len() {
            continue;
        }
        let start = start.max(at);
        out.push_str(text.get(at..start).unwrap_or(""));
        out.push('[');
        out.push_str(&entity.as_str().to_ascii_uppercase());
        out.push(']');
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// Keys whose string values are structure, not content: never scanned or rewritten.
const STRUCTURAL_KEYS: [&str; 12] = ["role", "type", "id", "tool_call_id", "tool_use_id", "name", "model", "url", "image_url", "media_type", "cache_control", "signature"];

/// Masks, in place, every detected entity of a masked type in the content of a request body
/// (`messages`, `system`, `input`, `prompt`), whatever its dialect. Returns how many strings
/// changed.
pub fn mask_body(body: &mut serde_json::Map<String, serde_json::Value>, mask: &MaskSet, org_terms: Option<&crate::sensitivity::OrgTerms>) -> usize {
    let mut changed = 0;
    for field in ["messages", "system", "input", "prompt"] {
        if let Some(value) = body.get_mut(field) {
            changed += mask_value(value, mask, org_terms);
        }
    }
    changed
}

fn mask_value(value: &mut serde_json::Value, mask: &MaskSet, org_terms: Option<&crate::sensitivity::OrgTerms>) -> usize {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            let mut findings = Vec::new();
            crate::sensitivity::scan_text(text, 0, &mut findings);
            if let Some(org) = org_terms {
                org.scan(text, 0, &mut findings);
            }
            if findings.iter().any(|f| mask.masks(f.entity)) {
                *text = mask_text(text, &findings, mask);
                1
            } else {
                0
            }
        }
        Value::Array(items) => items.iter_mut().map(|v| mask_value(v, mask, org_terms)).sum(),
        Value::Object(map) => map.iter_mut().filter(|(k, _)| !STRUCTURAL_KEYS.contains(&k.as_str())).map(|(_, v)| mask_value(v, mask, org_terms)).sum(),
        _ => 0,
    }
}
