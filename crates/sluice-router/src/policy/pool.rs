//! Which matrix cell serves a (data class, tier) when the policy does not set that exact cell.
//!
//! Tiers: the request's own tier, then higher tiers (more capable, never a quality loss), then
//! lower ones. Classes: the request's own row, then rows of MORE sensitive classes — their
//! models were chosen for data at least this sensitive — never a less sensitive row. Trust is
//! checked afterwards on every model whatever row it came from.

use sluice_domain::policy::{DataClass, Matrix, TaskTier};

const TIERS: [TaskTier; 4] = [TaskTier::Simple, TaskTier::Medium, TaskTier::Complex, TaskTier::Reasoning];
const CLASSES: [DataClass; 4] = [DataClass::Public, DataClass::Confidential, DataClass::Pii, DataClass::Secret];

pub(super) fn cell(matrix: &Matrix, class: DataClass, tier: TaskTier) -> Option<(DataClass, TaskTier, &[String])> {
    for row_class in CLASSES.into_iter().filter(|c| *c >= class) {
        let Some(row) = matrix.get(&row_class) else { continue };
        let higher = TIERS.into_iter().filter(|t| *t >= tier);
        let lower = TIERS.into_iter().rev().filter(|t| *t < tier);
        for t in higher.chain(lower) {
            if let Some(pool) = row.get(&t) {
                return Some((row_class, t, pool.as_slice()));
            }
        }
    }
    None
}
