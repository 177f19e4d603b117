//! Rebuilding budget counters from the ledger: PostgreSQL is the source of truth for money, the
//! quota store only a fast cache. Run before serving when the store may have lost its counters
//! (always for the in-process store, which starts empty).

use chrono::Utc;
use sluice_quota::{BudgetCheck, Level, QuotaStore};
use sluice_store::{Db, ledger};

use crate::quota::AnyQuota;
use crate::snapshot::{Controls, Snapshot};

pub async fn budgets_from_ledger(snapshot: &Snapshot, db: &Db, quota: &AnyQuota) -> anyhow::Result<usize> {
    let now = Utc::now();
    let mut conn = db.acquire().await?;
    let mut restored = 0;
    let targets = snapshot
        .org_controls
        .iter()
        .map(|(org, c)| (*org, None, None, Level::Org, c))
        .chain(snapshot.team_controls.iter().filter_map(|(team, c)| org_of_team(snapshot, *team).map(|org| (org, Some(team.as_uuid()), None, Level::Team, c))))
        .chain(snapshot.key_controls.iter().filter_map(|(key, c)| org_of_key(snapshot, *key).map(|org| (org, None, Some(key.as_uuid()), Level::Key, c))));
    let targets: Vec<(sluice_domain::ids::OrgId, Option<uuid::Uuid>, Option<uuid::Uuid>, Level, &Controls)> = targets.collect();
    for (org, team, key, level, controls) in targets {
        let zone = snapshot.zone(org);
        for budget in &controls.budgets {
            let window = budget.period.window(zone, now);
            let spent = ledger::spent(&mut conn, org.as_uuid(), team, key, window.start, window.end).await?;
            let check = BudgetCheck { level, budget_id: budget.id, period: window.label, amount: budget.amount, hard: budget.hard, period_end: window.end };
            quota.restore_spent(org, &check, sluice_domain::Money::from_nanos(spent)).await?;
            restored += 1;
        }
    }
    Ok(restored)
}

fn org_of_team(snapshot: &Snapshot, team: sluice_domain::ids::TeamId) -> Option<sluice_domain::ids::OrgId> {
    snapshot.team_orgs.get(&team).copied()
}

fn org_of_key(snapshot: &Snapshot, key: sluice_domain::ids::KeyId) -> Option<sluice_domain::ids::OrgId> {
    snapshot.key_orgs.get(&key).copied()
}
