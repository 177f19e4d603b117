//! Admission over Redis: lays the normalised plan out as the `KEYS`/`ARGV` of
//! `scripts/admit.lua` (the script's header documents the order), makes the one script call, and
//! turns its integer reply back into a `Decision`.
//!
//! The org must be listed in `sq1:lease-orgs` for the reconciler to find its leases. That set
//! lives in another cluster slot, so listing is a command of its own, sent at most every
//! [`LISTING_REFRESH`] per org and process (the set only grows, and `mark_synced` lists an org
//! before the marker every admission requires). It is sent and answered *before* the script: on
//! a cluster the two go to different nodes and could fail independently, and a reservation whose
//! org is not listed would never be found by the reconciler if its gateway died. If the script
//! then refuses, the org is merely listed with no leases, which costs the reconciler one empty
//! range query. The extra round trip happens once per five minutes per org, not per request.

use std::time::Duration;

use chrono::DateTime;
use sluice_domain::Money;

use super::{QuotaConnection, RedisQuota, keys, millis};
use crate::plan::{self, Plan};
use crate::{AdmitRequest, BudgetState, Decision, Grant, LimitKind, QuotaError, RateStatus, Reservation};

const PRICE_SPLIT: i64 = 1_000_000;
/// How often a process re-lists an org it already listed (in case the set was lost while the
/// org's marker survived, e.g. under an eviction policy that should not be used).
pub(super) const LISTING_REFRESH: std::time::Duration = std::time::Duration::from_secs(300);

impl<C: QuotaConnection> RedisQuota<C> {
    pub(super) async fn admit_request(&self, request: &AdmitRequest) -> Result<Decision, QuotaError> {
        let plan = plan::plan(request)?;
        let org = request.tenant.org;
        let lease_ms = millis(request.lease);
        let record_ttl_ms = lease_ms + millis(self.config.record_grace);

        let mut invocation = self.admit_script.prepare_invoke();
        invocation.key(keys::record(org, request.request_id)).key(keys::leases(org));
        for p in &plan.parallel {
            invocation.key(keys::in_flight(org, p.level, p.id));
        }
        for r in &plan.rates {
            invocation.key(keys::tat(org, r.level, r.id, r.kind));
        }
        for b in &plan.budgets {
            invocation.key(keys::budget(org, b.check.budget_id, &b.check.period));
        }
        invocation.key(keys::synced(org));
        let price = request.cost.output_price.nanos();
        invocation
            .arg(request.request_id.to_string())
            .arg(request.tenant.team.to_string())
            .arg(request.tenant.key.to_string())
            .arg(lease_ms)
            .arg(record_ttl_ms)
            .arg(request.prompt_tokens)
            .arg(request.cost.fixed.nanos())
            .arg(price / PRICE_SPLIT)
            .arg(price % PRICE_SPLIT)
            .arg(plan.lo)
            .arg(plan.hi)
            .arg(plan.parallel.len())
            .arg(plan.rates.len())
            .arg(plan.budgets.len());
        for p in &plan.parallel {
            invocation.arg(p.max);
        }
        for r in &plan.rates {
            invocation.arg(r.spec.per_minute).arg(r.spec.burst).arg(u8::from(r.kind == LimitKind::Tpm));
        }
        for b in &plan.budgets {
            let expire_at = plan::counter_expiry(b.check.period_end, self.config.period_grace).map_or(0, |at| at.timestamp().max(1));
            invocation.arg(b.effective_amount).arg(u8::from(b.check.hard)).arg(expire_at);
        }
        invocation.arg(u8::from(self.config.require_sync_marker));

        let mut conn = self.conn.clone();
        if self.listing_due(org) {
            let mut sadd = redis::cmd("SADD");
            sadd.arg(keys::lease_orgs()).arg(org.to_string());
            self.within(sadd.exec_async(&mut conn)).await?;
            self.mark_listed(org);
        }
        let reply: Vec<i64> = self.within(invocation.invoke_async(&mut conn)).await?;
        decode(request, &plan, reply)
    }
}

impl<C> RedisQuota<C> {
    fn listing_due(&self, org: sluice_domain::ids::OrgId) -> bool {
        let listed = self.listed.lock().unwrap_or_else(|p| p.into_inner());
        listed.get(&org).is_none_or(|at| at.elapsed() >= LISTING_REFRESH)
    }

    fn mark_listed(&self, org: sluice_domain::ids::OrgId) {
        self.listed.lock().unwrap_or_else(|p| p.into_inner()).insert(org, std::time::Instant::now());
    }
}

/// Reads the script's reply in order.
struct Reply {
    values: std::vec::IntoIter<i64>,
}

impl Reply {
    fn next(&mut self) -> Result<i64, QuotaError> {
        self.values.next().ok_or_else(|| QuotaError::Internal("the admission script's reply is too short".to_owned()))
    }

    fn index(&mut self, len: usize) -> Result<usize, QuotaError> {
        let index = usize::try_from(self.next()?).ok().filter(|i| *i < len);
        index.ok_or_else(|| QuotaError::Internal("admission reply index out of range".to_owned()))
    }
}

fn micros(us: i64) -> Duration {
    Duration::from_micros(u64::try_from(us).unwrap_or(0))
}

fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

fn decode(request: &AdmitRequest, plan: &Plan<'_>, reply: Vec<i64>) -> Result<Decision, QuotaError> {
    let mut reply = Reply { values: reply.into_iter() };
    match reply.next()? {
        0 => refusal(plan, &mut reply),
        1 => grant(request, plan, &mut reply).map(Decision::Admitted),
        2 => Err(QuotaError::Internal("this request id already holds an open reservation".to_owned())),
        3 => Err(QuotaError::Unavailable("this org's counters are being rebuilt from the ledger".to_owned())),
        other => Err(QuotaError::Internal(format!("unexpected admission reply {other}"))),
    }
}

fn refusal(plan: &Plan<'_>, reply: &mut Reply) -> Result<Decision, QuotaError> {
    match reply.next()? {
        1 => {
            let p = plan.parallel[reply.index(plan.parallel.len())?];
            Ok(Decision::RateLimited { level: p.level, kind: LimitKind::MaxParallel, retry_after: plan::PARALLEL_RETRY_AFTER })
        }
        2 => {
            let r = plan.rates[reply.index(plan.rates.len())?];
            Ok(Decision::RateLimited { level: r.level, kind: r.kind, retry_after: micros(reply.next()?) })
        }
        3 => {
            let b = &plan.budgets[reply.index(plan.budgets.len())?];
            let remaining = Money::from_nanos(reply.next()?.max(0));
            Ok(Decision::BudgetExceeded { level: b.check.level, budget_id: b.check.budget_id, remaining })
        }
        other => Err(QuotaError::Internal(format!("unexpected refusal kind {other}"))),
    }
}

fn grant(request: &AdmitRequest, plan: &Plan<'_>, reply: &mut Reply) -> Result<Grant, QuotaError> {
    let granted = to_u32(reply.next()?);
    let reserved = Money::from_nanos(reply.next()?);
    let lease_until =
        DateTime::from_timestamp_millis(reply.next()?).ok_or_else(|| QuotaError::Internal("lease deadline out of range".to_owned()))?;
    let mut rates = Vec::with_capacity(plan.parallel.len() + plan.rates.len());
    for p in &plan.parallel {
        let in_flight = to_u32(reply.next()?);
        let remaining = p.max.saturating_sub(in_flight);
        rates.push(RateStatus { level: p.level, kind: LimitKind::MaxParallel, limit: p.max, remaining, reset_after: Duration::ZERO });
    }
    for r in &plan.rates {
        let (remaining, reset_after) = (to_u32(reply.next()?), micros(reply.next()?));
        rates.push(RateStatus { level: r.level, kind: r.kind, limit: r.spec.per_minute, remaining, reset_after });
    }
    let mut budgets = Vec::with_capacity(plan.budgets.len());
    for b in &plan.budgets {
        let (spent, reserved) = (Money::from_nanos(reply.next()?), Money::from_nanos(reply.next()?));
        budgets.push(BudgetState { level: b.check.level, budget_id: b.check.budget_id, amount: b.check.amount, spent, reserved });
    }
    let reservation =
        Reservation { request_id: request.request_id, tenant: request.tenant, reserved, granted_output_tokens: granted, lease_until };
    Ok(Grant { reservation, rates, budgets })
}
