//! `LocalQuota`: the quota store inside one process, for a single node (`sluice up` without
//! `REDIS_URL`) and as the base of a local fallback while Redis is unreachable.
//!
//! Design: all state sits behind one `std::sync::Mutex`, taken for the whole of one decision and
//! never across an `.await` (the futures do all their work before their first poll returns), so
//! an admission is exactly as atomic as the Redis script. The semantics — checking order, the
//! exact clamp, GCRA, idempotent close, period counters that lapse some time after their period —
//! are the Redis store's (see `redis_store`), and the conformance suite runs against both.
//!
//! Time comes from an injectable clock so tests can move through leases, rate windows and
//! period boundaries without sleeping. Nothing here survives a restart: after one, the ledger is
//! the source of truth and `restore_spent` rebuilds the counters.

mod state;

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use sluice_domain::Money;
use sluice_domain::ids::OrgId;

use crate::{AdmitRequest, BudgetCheck, BudgetState, Decision, QuotaError, QuotaStore, Reservation, SettleOutcome, Usage};
use state::State;

/// The source of "now" for the in-process store.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub struct LocalQuota {
    clock: Clock,
    state: Mutex<State>,
}

impl LocalQuota {
    /// A store on the system clock.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(Utc::now))
    }

    /// A store on the given clock (tests move it by hand).
    pub fn with_clock(clock: Clock) -> Self {
        Self { clock, state: Mutex::new(State::default()) }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, QuotaError> {
        // A poisoned lock means a transition panicked halfway: the counters can no longer be
        // trusted, so every later call reports it rather than deciding on broken state.
        self.state.lock().map_err(|_| QuotaError::Internal("the local quota state was poisoned by a panic".to_owned()))
    }
}

impl Default for LocalQuota {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for LocalQuota {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalQuota").finish_non_exhaustive()
    }
}

impl QuotaStore for LocalQuota {
    async fn admit(&self, request: &AdmitRequest) -> Result<Decision, QuotaError> {
        let now = (self.clock)();
        self.lock()?.admit(request, now)
    }

    async fn settle(&self, reservation: &Reservation, usage: Usage) -> Result<SettleOutcome, QuotaError> {
        let now = (self.clock)();
        Ok(self.lock()?.close(reservation, usage, now))
    }

    async fn release(&self, reservation: &Reservation) -> Result<SettleOutcome, QuotaError> {
        let now = (self.clock)();
        Ok(self.lock()?.close(reservation, Usage { cost: Money::ZERO, tokens: 0 }, now))
    }

    async fn budget_state(&self, org: OrgId, budget: &BudgetCheck) -> Result<BudgetState, QuotaError> {
        let now = (self.clock)();
        Ok(self.lock()?.budget_state(org, budget, now))
    }

    async fn expired_reservations(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Reservation>, QuotaError> {
        Ok(self.lock()?.expired(now, limit))
    }

    async fn restore_spent(&self, org: OrgId, budget: &BudgetCheck, spent: Money) -> Result<(), QuotaError> {
        let now = (self.clock)();
        self.lock()?.restore_spent(org, budget, spent, now);
        Ok(())
    }

    async fn charge(&self, org: OrgId, budget: &BudgetCheck, amount: Money) -> Result<(), QuotaError> {
        let now = (self.clock)();
        self.lock()?.charge(org, budget, amount, now);
        Ok(())
    }
}
