//! Rebuilding budget counters from the ledger: PostgreSQL is the source of truth for money, the
//! quota store only a fast cache. Run before serving when the store may have lost its counters
//! (always for the in-process store, which starts empty).

use chrono::Utc;
use sluice_domain::Money;
use sluice_domain::ids::OrgId;
use sluice_quota::{BudgetCheck, Level, QuotaStore};
use sluice_store::{Db, ledger};
use uuid::Uuid;

use crate::quota::AnyQuota;
use crate::snapshot::{Controls, Snapshot};

/// Where a set of budgets hangs, as the ledger filters it.
struct BudgetTarget<'a> {
    org: OrgId,
    team: Option<Uuid>,
    key: Option<Uuid>,
    level: Level,
    controls: &'a Controls,
}

fn targets(snapshot: &Snapshot) -> Vec<BudgetTarget<'_>> {
    let orgs = snapshot.org_controls.iter().map(|(org, controls)| BudgetTarget { org: *org, team: None, key: None, level: Level::Org, controls });
    let teams = snapshot.team_controls.iter().filter_map(|(team, controls)| {
        let org = *snapshot.team_orgs.get(team)?;
        Some(BudgetTarget { org, team: Some(team.as_uuid()), key: None, level: Level::Team, controls })
    });
    let keys = snapshot.key_controls.iter().filter_map(|(key, controls)| {
        let org = *snapshot.key_orgs.get(key)?;
        Some(BudgetTarget { org, team: None, key: Some(key.as_uuid()), level: Level::Key, controls })
    });
    orgs.chain(teams).chain(keys).collect()
}

pub async fn budgets_from_ledger(snapshot: &Snapshot, db: &Db, quota: &AnyQuota) -> anyhow::Result<usize> {
    let now = Utc::now();
    let mut conn = db.acquire().await?;
    let mut restored = 0;
    for target in targets(snapshot) {
        let zone = snapshot.zone(target.org);
        for budget in &target.controls.budgets {
            let window = budget.period.window(zone, now);
            let spent = ledger::spent(&mut conn, target.org.as_uuid(), target.team, target.key, window.start, window.end).await?;
            let check = BudgetCheck { level: target.level, budget_id: budget.id, period: window.label, amount: budget.amount, hard: budget.hard, period_end: window.end };
            quota.restore_spent(target.org, &check, Money::from_nanos(spent)).await?;
            restored += 1;
        }
    }
    Ok(restored)
}
