//! The in-process store's state and its transitions. Each function runs under the store's mutex
//! with the instant read once from the clock, so a transition is atomic exactly like one Lua
//! script call, and mirrors `scripts/admit.lua` and `scripts/close.lua` step for step.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sluice_domain::Money;
use sluice_domain::ids::{BudgetId, OrgId, RequestId};
use uuid::Uuid;

use crate::gcra;
use crate::plan::{self, Plan, grant_output_tokens};
use crate::{
    AdmitRequest, BudgetCheck, BudgetState, Decision, Grant, Level, LimitKind, QuotaError, RateStatus, Reservation, SettleOutcome, Usage,
};

/// (level, entity, is_tpm): one GCRA TAT.
type RateKey = (Level, Uuid, bool);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BudgetKey {
    org: OrgId,
    budget: BudgetId,
    period: String,
}

impl BudgetKey {
    fn new(org: OrgId, check: &BudgetCheck) -> Self {
        Self { org, budget: check.budget_id, period: check.period.clone() }
    }
}

/// A budget's counters in one period; forgotten after `expires_at` like the Redis key.
#[derive(Debug, Clone, Copy, Default)]
struct Counter {
    spent: i64,
    reserved: i64,
    expires_at: Option<DateTime<Utc>>,
}

/// Exactly what one open reservation holds, so closing it gives back exactly that.
#[derive(Debug, Clone)]
struct Open {
    reservation: Reservation,
    budgets: Vec<(BudgetKey, i64, Option<DateTime<Utc>>)>,
    /// (TAT, µs charged at admission, per_minute) of every tpm limit.
    tpm: Vec<(RateKey, i64, u32)>,
    parallel: Vec<(Level, Uuid)>,
}

#[derive(Debug, Default)]
pub(super) struct State {
    tats: HashMap<RateKey, i64>,
    in_flight: HashMap<(Level, Uuid), u32>,
    budgets: HashMap<BudgetKey, Counter>,
    open: HashMap<(OrgId, RequestId), Open>,
    leases: BTreeSet<(DateTime<Utc>, RequestId, OrgId)>,
}

fn micros(us: i64) -> Duration {
    Duration::from_micros(u64::try_from(us).unwrap_or(0))
}

impl State {
    /// The live counter of a budget period (a zero one once it has expired).
    fn counter(&self, key: &BudgetKey, now: DateTime<Utc>) -> Counter {
        match self.budgets.get(key) {
            Some(c) if c.expires_at.is_none_or(|at| at > now) => *c,
            _ => Counter::default(),
        }
    }

    fn store_counter(&mut self, key: BudgetKey, counter: Counter, now: DateTime<Utc>) {
        if counter.expires_at.is_some_and(|at| at <= now) {
            self.budgets.remove(&key);
        } else {
            self.budgets.insert(key, counter);
        }
    }

    pub(super) fn admit(&mut self, request: &AdmitRequest, now: DateTime<Utc>) -> Result<Decision, QuotaError> {
        let plan = plan::plan(request)?;
        let org = request.tenant.org;
        if self.open.contains_key(&(org, request.request_id)) {
            return Err(QuotaError::Internal("this request id already holds an open reservation".to_owned()));
        }
        let now_us = now.timestamp_micros();

        // The tightest hard budget decides how many output tokens can be granted.
        let mut tightest: Option<(i64, usize)> = None;
        for (i, b) in plan.budgets.iter().enumerate().filter(|(_, b)| b.check.hard) {
            let c = self.counter(&BudgetKey::new(org, b.check), now);
            let room = b.effective_amount.saturating_sub(c.spent).saturating_sub(c.reserved);
            if tightest.is_none_or(|(r, _)| room < r) {
                tightest = Some((room, i));
            }
        }
        let granted = grant_output_tokens(&request.cost, plan.lo, plan.hi, tightest.map(|t| t.0));

        for p in &plan.parallel {
            if self.in_flight.get(&(p.level, p.id)).copied().unwrap_or(0) >= p.max {
                let retry_after = plan::PARALLEL_RETRY_AFTER;
                return Ok(Decision::RateLimited { level: p.level, kind: LimitKind::MaxParallel, retry_after });
            }
        }
        let tpm_units = u64::from(request.prompt_tokens) + u64::from(granted.unwrap_or(plan.lo));
        // Every rate limit is evaluated: a refusal names the first that refused and waits for the
        // longest, so that a retry at `retry_after` passes all of them.
        let mut steps = Vec::with_capacity(plan.rates.len());
        let mut refused: Option<(usize, i64)> = None;
        for (i, r) in plan.rates.iter().enumerate() {
            let units = if r.kind == LimitKind::Tpm { tpm_units } else { 1 };
            let key = (r.level, r.id, r.kind == LimitKind::Tpm);
            match gcra::step(self.tats.get(&key).copied(), now_us, r.spec, units) {
                Ok(step) => steps.push((key, step, units)),
                Err(wait) => refused = Some(refused.map_or((i, wait), |(first, w)| (first, w.max(wait)))),
            }
        }
        if let Some((i, wait)) = refused {
            return Ok(Decision::RateLimited { level: plan.rates[i].level, kind: plan.rates[i].kind, retry_after: micros(wait) });
        }
        let granted = match (granted, tightest) {
            (Some(granted), _) => granted,
            (None, Some((room, i))) => {
                let b = &plan.budgets[i];
                let remaining = Money::from_nanos(room.max(0));
                return Ok(Decision::BudgetExceeded { level: b.check.level, budget_id: b.check.budget_id, remaining });
            }
            (None, None) => return Err(QuotaError::Internal("a grant was refused without any hard budget".to_owned())),
        };
        Ok(Decision::Admitted(self.reserve(request, &plan, granted, steps, now)))
    }

    /// Takes everything an admitted request holds and records it.
    fn reserve(
        &mut self,
        request: &AdmitRequest,
        plan: &Plan<'_>,
        granted: u32,
        steps: Vec<(RateKey, gcra::Step, u64)>,
        now: DateTime<Utc>,
    ) -> Grant {
        let org = request.tenant.org;
        let reserved = request.cost.reservation_for(granted).nanos();
        let lease = chrono::Duration::from_std(request.lease).unwrap_or(chrono::Duration::MAX);
        let lease_until = now.checked_add_signed(lease).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let reservation = Reservation {
            request_id: request.request_id,
            tenant: request.tenant,
            reserved: Money::from_nanos(reserved),
            granted_output_tokens: granted,
            lease_until,
        };
        let mut open = Open { reservation: reservation.clone(), budgets: Vec::new(), tpm: Vec::new(), parallel: Vec::new() };
        let mut rates = Vec::new();

        for p in &plan.parallel {
            let in_flight = self.in_flight.entry((p.level, p.id)).or_insert(0);
            *in_flight += 1;
            open.parallel.push((p.level, p.id));
            let remaining = p.max.saturating_sub(*in_flight);
            rates.push(RateStatus { level: p.level, kind: LimitKind::MaxParallel, limit: p.max, remaining, reset_after: Duration::ZERO });
        }
        for (r, (key, step, units)) in plan.rates.iter().zip(steps) {
            self.tats.insert(key, step.new_tat);
            if key.2 {
                open.tpm.push((key, gcra::interval_us(units, r.spec.per_minute), r.spec.per_minute));
            }
            let remaining = step.remaining.min(r.spec.per_minute);
            let reset_after = micros(step.reset_after_us);
            rates.push(RateStatus { level: r.level, kind: r.kind, limit: r.spec.per_minute, remaining, reset_after });
        }
        let mut budgets = Vec::new();
        for b in &plan.budgets {
            let key = BudgetKey::new(org, b.check);
            let expires_at = plan::counter_expiry(b.check.period_end, plan::PERIOD_GRACE);
            let mut c = self.counter(&key, now);
            c.reserved = c.reserved.saturating_add(reserved);
            c.expires_at = expires_at;
            self.store_counter(key.clone(), c, now);
            open.budgets.push((key, reserved, expires_at));
            budgets.push(BudgetState {
                level: b.check.level,
                budget_id: b.check.budget_id,
                amount: b.check.amount,
                spent: Money::from_nanos(c.spent),
                reserved: Money::from_nanos(c.reserved),
            });
        }
        self.leases.insert((lease_until, request.request_id, org));
        self.open.insert((org, request.request_id), open);
        Grant { reservation, rates, budgets }
    }

    /// Settles (with usage) or releases (without) an open reservation; a closed one is left alone.
    pub(super) fn close(&mut self, reservation: &Reservation, usage: Usage, now: DateTime<Utc>) -> SettleOutcome {
        let org = reservation.tenant.org;
        let Some(open) = self.open.remove(&(org, reservation.request_id)) else {
            return SettleOutcome::AlreadyClosed;
        };
        self.leases.remove(&(open.reservation.lease_until, reservation.request_id, org));
        let cost = usage.cost.nanos().max(0);
        for (key, amount, expires_at) in open.budgets {
            let mut c = self.counter(&key, now);
            c.reserved = c.reserved.saturating_sub(amount).max(0);
            c.spent = c.spent.saturating_add(cost);
            c.expires_at = expires_at;
            self.store_counter(key, c, now);
        }
        for slot in open.parallel {
            match self.in_flight.get(&slot).copied().unwrap_or(0) {
                0 | 1 => self.in_flight.remove(&slot),
                n => self.in_flight.insert(slot, n - 1),
            };
        }
        let now_us = now.timestamp_micros();
        for (key, charged, per_minute) in open.tpm {
            let delta = gcra::interval_us(u64::from(usage.tokens), per_minute) - charged;
            match gcra::corrected(self.tats.get(&key).copied(), now_us, delta) {
                Some(tat) => self.tats.insert(key, tat),
                None => self.tats.remove(&key),
            };
        }
        SettleOutcome::Settled
    }

    pub(super) fn budget_state(&self, org: OrgId, check: &BudgetCheck, now: DateTime<Utc>) -> BudgetState {
        let c = self.counter(&BudgetKey::new(org, check), now);
        let (spent, reserved) = (Money::from_nanos(c.spent), Money::from_nanos(c.reserved));
        BudgetState { level: check.level, budget_id: check.budget_id, amount: check.amount, spent, reserved }
    }

    pub(super) fn restore_spent(&mut self, org: OrgId, check: &BudgetCheck, spent: Money, now: DateTime<Utc>) {
        let key = BudgetKey::new(org, check);
        let mut c = self.counter(&key, now);
        c.spent = spent.nanos();
        c.expires_at = plan::counter_expiry(check.period_end, plan::PERIOD_GRACE);
        self.store_counter(key, c, now);
    }

    pub(super) fn charge(&mut self, org: OrgId, check: &BudgetCheck, amount: Money, now: DateTime<Utc>) {
        let key = BudgetKey::new(org, check);
        let mut c = self.counter(&key, now);
        c.spent = c.spent.saturating_add(amount.nanos().max(0));
        c.expires_at = plan::counter_expiry(check.period_end, plan::PERIOD_GRACE);
        self.store_counter(key, c, now);
    }

    pub(super) fn expired(&self, now: DateTime<Utc>, limit: usize) -> Vec<Reservation> {
        self.leases
            .iter()
            .take_while(|(until, _, _)| *until < now)
            .filter_map(|(_, id, org)| self.open.get(&(*org, *id)).map(|o| o.reservation.clone()))
            .take(limit)
            .collect()
    }
}
