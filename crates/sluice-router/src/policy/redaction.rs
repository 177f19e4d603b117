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
