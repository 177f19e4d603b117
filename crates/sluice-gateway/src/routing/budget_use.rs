//! The share of each budget last seen spent (or reserved), for the policy's budget-aware
//! degradation. Updated from every admission's result on this replica, read before routing:
//! one request behind at worst, which is fine for choosing a cheaper tier (the budget itself is
//! enforced exactly, atomically, by the admission).

use std::collections::HashMap;
use std::sync::RwLock;

use sluice_domain::ids::BudgetId;
use sluice_quota::BudgetState;

use crate::snapshot::{KeyEntry, Snapshot};

#[derive(Debug, Default)]
pub struct BudgetUse {
    percent: RwLock<HashMap<BudgetId, u8>>,
}

impl BudgetUse {
    pub fn observe(&self, states: &[BudgetState]) {
        for state in states {
            let amount = state.amount.nanos();
            if amount <= 0 {
                continue;
            }
            let used = state.spent.nanos().saturating_add(state.reserved.nanos());
            let percent = u8::try_from((i128::from(used) * 100 / i128::from(amount)).clamp(0, 255)).unwrap_or(u8::MAX);
            let unchanged = self.percent.read().map(|m| m.get(&state.budget_id) == Some(&percent)).unwrap_or(false);
            if !unchanged && let Ok(mut map) = self.percent.write() {
                map.insert(state.budget_id, percent);
            }
        }
    }

    /// The highest share used among the budgets of a key, its team and its org; `None` when
    /// none of them has been seen yet.
    pub fn percent_for(&self, snapshot: &Snapshot, key: &KeyEntry) -> Option<u8> {
        let map = self.percent.read().ok()?;
        let controls = [snapshot.key_controls.get(&key.key_id), snapshot.team_controls.get(&key.team_id), snapshot.org_controls.get(&key.org_id)];
        controls.into_iter().flatten().flat_map(|c| c.budgets.iter()).filter_map(|b| map.get(&b.id).copied()).max()
    }
}
