//! Reading budgets, rebuilding and replaying `spent`, and listing expired leases for the reconciler.
//!
//! `expired_reservations` walks `sq1:lease-orgs`, takes at most `limit` expired leases from each
//! org's zset, merges them oldest first and reads their records. A lease whose record has already
//! expired (its reservation outlived lease + record grace) is removed from the zset on the way.
//! Each Redis call has its own timeout here: the walk is a background job, not a request.
//!
//! Cluster: every command here names one key (the `MULTI` blocks of `write_spent` and
//! `add_spent` name one budget key twice), so each goes to the node that owns it.

use chrono::{DateTime, Utc};
use sluice_domain::Money;
use sluice_domain::ids::{KeyId, OrgId, RequestId, TeamId};

use super::{QuotaConnection, RedisQuota, keys};
use crate::plan::counter_expiry;
use crate::{BudgetCheck, BudgetState, QuotaError, Reservation, Tenant};

/// `team, key, reserved, granted, lease` of a reservation record.
type RecordFields = (Option<String>, Option<String>, Option<i64>, Option<i64>, Option<i64>);

impl<C: QuotaConnection> RedisQuota<C> {
    pub(super) async fn read_budget(&self, org: OrgId, check: &BudgetCheck) -> Result<BudgetState, QuotaError> {
        let mut conn = self.conn.clone();
        let key = keys::budget(org, check.budget_id, &check.period);
        let (spent, reserved): (Option<i64>, Option<i64>) =
            self.within(redis::cmd("HMGET").arg(&key).arg("spent").arg("reserved").query_async(&mut conn)).await?;
        Ok(BudgetState {
            level: check.level,
            budget_id: check.budget_id,
            amount: check.amount,
            spent: Money::from_nanos(spent.unwrap_or(0)),
            reserved: Money::from_nanos(reserved.unwrap_or(0)),
        })
    }

    pub(super) async fn write_spent(&self, org: OrgId, check: &BudgetCheck, spent: Money) -> Result<(), QuotaError> {
        let mut conn = self.conn.clone();
        let key = keys::budget(org, check.budget_id, &check.period);
        let mut pipe = redis::pipe();
        pipe.atomic().cmd("HSET").arg(&key).arg("spent").arg(spent.nanos()).ignore();
        if let Some(at) = counter_expiry(check.period_end, self.config.period_grace) {
            pipe.cmd("EXPIREAT").arg(&key).arg(at.timestamp().max(1)).ignore();
        }
        self.within(pipe.exec_async(&mut conn)).await
    }

    pub(super) async fn add_spent(&self, org: OrgId, check: &BudgetCheck, amount: Money) -> Result<(), QuotaError> {
        let mut conn = self.conn.clone();
        let key = keys::budget(org, check.budget_id, &check.period);
        let mut pipe = redis::pipe();
        pipe.atomic().cmd("HINCRBY").arg(&key).arg("spent").arg(amount.nanos().max(0)).ignore();
        if let Some(at) = counter_expiry(check.period_end, self.config.period_grace) {
            pipe.cmd("EXPIREAT").arg(&key).arg(at.timestamp().max(1)).ignore();
        }
        self.within(pipe.exec_async(&mut conn)).await
    }

    /// The orgs among `orgs` whose counters are not marked as rebuilt. One `EXISTS` per org, sent
    /// concurrently (the multiplexed connection pipelines them per node): each marker lives in its
    /// org's slot, so neither a multi-key `EXISTS` nor a pipeline over orgs would work on a cluster.
    pub async fn unsynced(&self, orgs: &[OrgId]) -> Result<Vec<OrgId>, QuotaError> {
        let mut missing = Vec::new();
        for chunk in orgs.chunks(500) {
            let checks = chunk.iter().map(|org| {
                let mut conn = self.conn.clone();
                async move {
                    let present: bool = redis::cmd("EXISTS").arg(keys::synced(*org)).query_async(&mut conn).await?;
                    Ok::<_, redis::RedisError>((*org, present))
                }
            });
            let present = self.within(futures_util::future::try_join_all(checks)).await?;
            missing.extend(present.into_iter().filter(|(_, p)| !p).map(|(o, _)| o));
        }
        Ok(missing)
    }

    /// Marks an org's counters as complete (after rebuilding them from the ledger). The org is
    /// listed for the reconciler first, so wherever the marker exists the listing does too —
    /// admissions (which need the marker) can then skip listing it most of the time.
    pub async fn mark_synced(&self, org: OrgId) -> Result<(), QuotaError> {
        let mut conn = self.conn.clone();
        self.within(async {
            redis::cmd("SADD").arg(keys::lease_orgs()).arg(org.to_string()).exec_async(&mut conn).await?;
            redis::cmd("SET").arg(keys::synced(org)).arg(1).exec_async(&mut conn).await
        })
        .await
    }

    pub(super) async fn expired(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Reservation>, QuotaError> {
        let mut conn = self.conn.clone();
        let mut candidates: Vec<(i64, RequestId, OrgId)> = Vec::new();
        let mut cursor = 0u64;
        loop {
            let (next, orgs): (u64, Vec<String>) =
                self.within(redis::cmd("SSCAN").arg(keys::lease_orgs()).arg(cursor).arg("COUNT").arg(500).query_async(&mut conn)).await?;
            for org in orgs.iter().filter_map(|o| o.parse::<OrgId>().ok()) {
                let leases: Vec<(String, f64)> = self
                    .within(
                        redis::cmd("ZRANGE")
                            .arg(keys::leases(org))
                            .arg("-inf")
                            .arg(format!("({}", now.timestamp_millis()))
                            .arg("BYSCORE")
                            .arg("LIMIT")
                            .arg(0)
                            .arg(limit)
                            .arg("WITHSCORES")
                            .query_async(&mut conn),
                    )
                    .await?;
                // Scores are whole milliseconds, exact in a double.
                candidates.extend(leases.into_iter().filter_map(|(id, score)| Some((score as i64, id.parse().ok()?, org))));
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        candidates.sort();

        let mut expired = Vec::new();
        for (_, request_id, org) in candidates {
            if expired.len() == limit {
                break;
            }
            let record = keys::record(org, request_id);
            let mut read = redis::cmd("HMGET");
            read.arg(&record).arg("team").arg("key").arg("reserved").arg("granted").arg("lease");
            let fields: RecordFields = self.within(read.query_async(&mut conn)).await?;
            let missing = fields.0.is_none() && fields.1.is_none() && fields.2.is_none();
            match parse_record(org, request_id, fields) {
                Some(reservation) => expired.push(reservation),
                None if missing => {
                    let mut stale = redis::cmd("ZREM");
                    stale.arg(keys::leases(org)).arg(request_id.to_string());
                    self.within(stale.exec_async(&mut conn)).await?;
                }
                None => tracing::warn!(%org, %request_id, "unreadable reservation record left for inspection"),
            }
        }
        Ok(expired)
    }
}

fn parse_record(org: OrgId, request_id: RequestId, fields: RecordFields) -> Option<Reservation> {
    let (Some(team), Some(key), Some(reserved), Some(granted), Some(lease)) = fields else { return None };
    Some(Reservation {
        request_id,
        tenant: Tenant { org, team: team.parse::<TeamId>().ok()?, key: key.parse::<KeyId>().ok()? },
        reserved: Money::from_nanos(reserved),
        granted_output_tokens: u32::try_from(granted).ok()?,
        lease_until: DateTime::from_timestamp_millis(lease)?,
    })
}
