//! Rebuilding budget counters from the ledger: PostgreSQL is the source of truth for money, the
//! quota store only a fast cache. The in-process store is rebuilt before serving (it starts
//! empty). A shared store is checked every second: an org whose `synced` marker is missing —
//! Redis lost its data, or the org is new — is refused there (fail closed) until a gateway has
//! rebuilt its counters from the ledger and set the marker.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use sluice_domain::Money;
use sluice_domain::ids::OrgId;
use sluice_quota::{BudgetCheck, Level, QuotaStore};
use sluice_store::{Db, ledger};
use uuid::Uuid;

use crate::quota::{AnyQuota, Quotas};
use crate::usage::Outbox;
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

pub async fn budgets_from_ledger(snapshot: &Snapshot, db: &Db, quota: &AnyQuota, only: Option<&HashSet<OrgId>>) -> anyhow::Result<usize> {
    let now = Utc::now();
    let mut conn = db.acquire().await?;
    let mut restored = 0;
    for target in targets(snapshot).into_iter().filter(|t| only.is_none_or(|orgs| orgs.contains(&t.org))) {
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

/// Rebuilds and marks every org of the snapshot whose counters the shared store does not
/// vouch for. Returns how many orgs were rebuilt.
pub async fn sync_shared(snapshot: &Snapshot, db: &Db, quotas: &Quotas, outbox: &Outbox) -> anyhow::Result<usize> {
    let orgs: Vec<OrgId> = snapshot.org_zones.keys().copied().collect();
    let missing = quotas.primary().unsynced(&orgs).await?;
    if missing.is_empty() {
        return Ok(0);
    }
    // Requests this replica finished count only once their rows are in the ledger.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while outbox.unshipped() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let set: HashSet<OrgId> = missing.iter().copied().collect();
    budgets_from_ledger(snapshot, db, quotas.primary(), Some(&set)).await?;
    quotas.forget_pending(&set);
    for org in &missing {
        quotas.primary().mark_synced(*org).await?;
    }
    tracing::info!(orgs = missing.len(), "quota counters rebuilt from the ledger");
    Ok(missing.len())
}

/// Every second: replay offline spend, then rebuild orgs the shared store does not vouch for.
pub fn spawn_sync(snapshot: crate::snapshot::SnapshotHandle, db: Db, quotas: std::sync::Arc<Quotas>, outbox: Outbox) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            quotas.replay().await;
            let current = snapshot.load_full();
            if let Err(err) = sync_shared(&current, &db, &quotas, &outbox).await {
                tracing::debug!(error = %err, "quota sync failed; retrying");
            }
        }
    })
}
