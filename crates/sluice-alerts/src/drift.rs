//! Counter drift: the quota store's `spent` counter of a budget's current period against the
//! ledger's sum for the same target and period. They should agree — the counter is a cache the
//! gateway rebuilds from the ledger — except for spend settled in the last seconds whose ledger
//! rows are still in a gateway's outbox; a lasting difference means lost counters (a Redis
//! failover without persistence), a replay gone wrong, or spend that bypassed settlement.

use chrono::{DateTime, Utc};
use sluice_billing::alerting::{Drift, drift};
use sluice_domain::Money;
use sluice_domain::ids::{BudgetId, OrgId};
use sluice_quota::{BudgetCheck, Level, QuotaStore};
use sluice_store::budgets::ZonedBudget;
use sluice_store::{Conn, ledger};
use uuid::Uuid;

use crate::AlertsError;
use crate::forecast::{Scope, period_window, spend_target};

#[derive(Debug, Clone)]
pub struct BudgetDrift {
    pub budget_id: Uuid,
    pub org_id: Uuid,
    pub scope: Scope,
    pub scope_id: Uuid,
    /// The period's label (the counter's name).
    pub period: String,
    pub amount: Money,
    /// Reservations of requests in flight (not part of `spent`, shown for context).
    pub reserved: Money,
    pub drift: Drift,
}

pub async fn budget_drift<Q: QuotaStore>(
    conn: &mut Conn,
    quota: &Q,
    zoned: &ZonedBudget,
    now: DateTime<Utc>,
    tolerance: Money,
) -> Result<BudgetDrift, AlertsError> {
    let (_, window) = period_window(zoned, now)?;
    let (scope, target) = spend_target(zoned);
    let b = &zoned.budget;
    let level = match scope {
        Scope::Org => Level::Org,
        Scope::Team => Level::Team,
        Scope::Key => Level::Key,
    };
    let amount = Money::from_nanos(b.amount_nano);
    let check = BudgetCheck { level, budget_id: BudgetId::from_uuid(b.id), period: window.label.clone(), amount, hard: b.hard, period_end: window.end };
    let state = quota.budget_state(OrgId::from_uuid(b.org_id), &check).await?;
    let ledger = ledger::spent(conn, target.org_id, target.team_id, target.key_id, window.start, window.end).await?;
    Ok(BudgetDrift {
        budget_id: b.id,
        org_id: b.org_id,
        scope,
        scope_id: b.key_id.or(b.team_id).unwrap_or(b.org_id),
        period: window.label,
        amount,
        reserved: state.reserved,
        drift: drift(state.spent, Money::from_nanos(ledger), tolerance),
    })
}
