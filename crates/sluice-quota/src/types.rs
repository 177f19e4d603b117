//! The quota interface: what an admission asks, what it gets back, and the store trait.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sluice_domain::Money;
use sluice_domain::PricePerMTok;
use sluice_domain::ids::{BudgetId, KeyId, OrgId, RequestId, TeamId};
use uuid::Uuid;

/// Who a request belongs to. Every counter of a request lives under its org (one Redis slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tenant {
    pub org: OrgId,
    pub team: TeamId,
    pub key: KeyId,
}

/// Where a limit or budget is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Key,
    Team,
    Org,
}

/// A GCRA rate: `per_minute` units per minute, at most `burst` units at once (burst ≥ 1).
/// Over any window of `t` seconds at most `burst + per_minute * t / 60` units are admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateSpec {
    pub per_minute: u32,
    pub burst: u32,
}

/// The limits set on one entity (key, team or org). `id` is that entity's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelLimits {
    pub level: Level,
    pub id: Uuid,
    /// Requests.
    pub rpm: Option<RateSpec>,
    /// Tokens (prompt + output).
    pub tpm: Option<RateSpec>,
    /// Requests in flight.
    pub max_parallel: Option<u32>,
}

/// One budget that applies to the request, with its current period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetCheck {
    pub level: Level,
    pub budget_id: BudgetId,
    /// The period's label from `BudgetPeriod::window` (`d2026-11-29`, `m2026-11`, `total`):
    /// part of the counter's name.
    pub period: String,
    pub amount: Money,
    /// Hard budgets refuse what does not fit; soft budgets only count (and alert).
    pub hard: bool,
    /// End of the period: counters may expire some time after it. None for `total`.
    pub period_end: Option<DateTime<Utc>>,
}

/// How much to reserve. The reservation is `fixed + output_price × granted_output_tokens`
/// (rounded up), where `granted_output_tokens` is the largest value in
/// `[min_output_tokens, max_output_tokens]` that fits every hard budget. If even
/// `min_output_tokens` does not fit, the request is refused. Set `min = max` to refuse rather
/// than clamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostPlan {
    /// Cost of the prompt (input tokens), known before the call.
    pub fixed: Money,
    pub output_price: PricePerMTok,
    pub max_output_tokens: u32,
    pub min_output_tokens: u32,
}

impl CostPlan {
    /// The reservation for a given number of output tokens (exact, rounded up).
    pub fn reservation_for(&self, output_tokens: u32) -> Money {
        Money::from_nanos(self.fixed.nanos().saturating_add(self.output_price.cost_of(u64::from(output_tokens)).nanos()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmitRequest {
    pub request_id: RequestId,
    pub tenant: Tenant,
    /// Limits of the key, its team and its org (absent levels have no limits).
    pub limits: Vec<LevelLimits>,
    /// Every budget on the key, its team and its org.
    pub budgets: Vec<BudgetCheck>,
    /// Prompt tokens; tpm is charged prompt + granted output tokens at admission and corrected
    /// to the actual total at settle.
    pub prompt_tokens: u32,
    pub cost: CostPlan,
    /// How long the reservation may stay open. Past it, `expired_reservations` reports it so a
    /// reconciler can settle it (the gateway holding it has presumably crashed).
    pub lease: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    Rpm,
    Tpm,
    MaxParallel,
}

/// The state of one rate limit after the decision, for `x-ratelimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateStatus {
    pub level: Level,
    pub kind: LimitKind,
    pub limit: u32,
    pub remaining: u32,
    /// Until the limit is fully replenished.
    pub reset_after: Duration,
}

/// Spend of one budget in its current period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetState {
    pub level: Level,
    pub budget_id: BudgetId,
    pub amount: Money,
    pub spent: Money,
    /// Reserved by requests in flight.
    pub reserved: Money,
}

/// The handle of an admitted request's reservation. Serializable, so a durable outbox can carry
/// it and a reconciler on another replica can settle it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    pub request_id: RequestId,
    pub tenant: Tenant,
    pub reserved: Money,
    pub granted_output_tokens: u32,
    pub lease_until: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub reservation: Reservation,
    pub rates: Vec<RateStatus>,
    /// After the reservation.
    pub budgets: Vec<BudgetState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Admitted(Grant),
    RateLimited { level: Level, kind: LimitKind, retry_after: Duration },
    BudgetExceeded { level: Level, budget_id: BudgetId, remaining: Money },
}

/// What a request really used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub cost: Money,
    pub tokens: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettleOutcome {
    /// The reservation was open and is now settled.
    Settled,
    /// It had already been settled or released (or expired and was settled by a reconciler):
    /// nothing changed.
    AlreadyClosed,
}

#[derive(Debug, thiserror::Error)]
pub enum QuotaError {
    /// The store could not be reached or did not answer in time. The caller applies the org's
    /// failure mode (deny, local fallback, allow).
    #[error("quota store unavailable: {0}")]
    Unavailable(String),
    /// A bug or corrupted state.
    #[error("quota store error: {0}")]
    Internal(String),
}

/// The quota interface both stores implement (and the conformance suite tests).
pub trait QuotaStore: Send + Sync {
    /// Decides and, if admitted, reserves — atomically across every limit and budget.
    fn admit(&self, request: &AdmitRequest) -> impl Future<Output = Result<Decision, QuotaError>> + Send;

    /// Replaces the reservation with what was really used: budgets are charged `usage.cost`
    /// (which may exceed the reservation only if the caller let it — the gateway never does),
    /// tpm is corrected to `usage.tokens`, the parallel slot is freed. Idempotent.
    fn settle(&self, reservation: &Reservation, usage: Usage) -> impl Future<Output = Result<SettleOutcome, QuotaError>> + Send;

    /// Gives the whole reservation back (the request never reached a provider). Idempotent.
    fn release(&self, reservation: &Reservation) -> impl Future<Output = Result<SettleOutcome, QuotaError>> + Send;

    /// Current spend of a budget in the given period.
    fn budget_state(&self, org: OrgId, budget: &BudgetCheck) -> impl Future<Output = Result<BudgetState, QuotaError>> + Send;

    /// Open reservations whose lease ended before `now` (for the crash reconciler), oldest first.
    fn expired_reservations(&self, now: DateTime<Utc>, limit: usize) -> impl Future<Output = Result<Vec<Reservation>, QuotaError>> + Send;

    /// Sets a budget's spent counter for a period (rebuilding from the ledger after Redis lost
    /// its data). Reserved amounts of open reservations are kept.
    fn restore_spent(&self, org: OrgId, budget: &BudgetCheck, spent: Money) -> impl Future<Output = Result<(), QuotaError>> + Send;

    /// Adds to a budget's spent counter for a period: spend that happened while this store could
    /// not be reached (the gateway's local fallback) is replayed into it once it is back. Not
    /// idempotent; the caller replays each amount once.
    fn charge(&self, org: OrgId, budget: &BudgetCheck, amount: Money) -> impl Future<Output = Result<(), QuotaError>> + Send;
}
