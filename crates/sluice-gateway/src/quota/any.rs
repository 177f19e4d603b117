//! The quota store the gateway runs with: Redis when `REDIS_URL` is set (shared by every
//! replica), in-process otherwise (`sluice up` on one machine).

use chrono::{DateTime, Utc};
use sluice_domain::ids::OrgId;
use sluice_quota::local::LocalQuota;
use std::sync::Arc;

use sluice_quota::redis_store::{RedisQuota, RedisQuotaConfig};
use sluice_quota::{AdmitRequest, BudgetCheck, BudgetState, Decision, QuotaError, QuotaStore, Reservation, SettleOutcome, Usage};
use sluice_domain::Money;

pub enum AnyQuota {
    /// Shared by every worker of the process.
    Local(Arc<LocalQuota>),
    Redis(RedisQuota),
}

/// Where the counters live. Each gateway worker thread connects its own `AnyQuota` from it, so a
/// Redis round trip never wakes another thread (the connection's driver runs on the worker that
/// uses it).
#[derive(Clone)]
pub enum QuotaSource {
    Local(Arc<LocalQuota>),
    Redis { url: String, config: RedisQuotaConfig },
}

impl QuotaSource {
    pub fn local() -> Self {
        Self::Local(Arc::new(LocalQuota::new()))
    }

    pub fn redis(url: impl Into<String>, config: RedisQuotaConfig) -> Result<Self, QuotaError> {
        let url = url.into();
        // Fails now on a malformed URL rather than in every worker later.
        RedisQuota::open(&url, config)?;
        Ok(Self::Redis { url, config })
    }

    pub fn is_shared(&self) -> bool {
        matches!(self, Self::Redis { .. })
    }

    /// A store handle for the calling thread (Redis: a new, lazily connected connection).
    pub fn connect(&self) -> Result<AnyQuota, QuotaError> {
        match self {
            Self::Local(q) => Ok(AnyQuota::Local(q.clone())),
            Self::Redis { url, config } => Ok(AnyQuota::Redis(RedisQuota::open(url, *config)?)),
        }
    }
}

impl AnyQuota {
    pub fn is_shared(&self) -> bool {
        matches!(self, Self::Redis(_))
    }

    /// Orgs whose counters are not known to be complete (a shared store that lost its data, or
    /// orgs it has never seen). The in-process store is always complete.
    pub async fn unsynced(&self, orgs: &[OrgId]) -> Result<Vec<OrgId>, QuotaError> {
        match self {
            Self::Local(_) => Ok(Vec::new()),
            Self::Redis(q) => q.unsynced(orgs).await,
        }
    }

    pub async fn mark_synced(&self, org: OrgId) -> Result<(), QuotaError> {
        match self {
            Self::Local(_) => Ok(()),
            Self::Redis(q) => q.mark_synced(org).await,
        }
    }
}

macro_rules! delegate {
    ($self:ident, $q:ident => $call:expr) => {
        match $self {
            AnyQuota::Local($q) => $call.await,
            AnyQuota::Redis($q) => $call.await,
        }
    };
}

impl QuotaStore for AnyQuota {
    async fn admit(&self, request: &AdmitRequest) -> Result<Decision, QuotaError> {
        delegate!(self, q => q.admit(request))
    }

    async fn settle(&self, reservation: &Reservation, usage: Usage) -> Result<SettleOutcome, QuotaError> {
        delegate!(self, q => q.settle(reservation, usage))
    }

    async fn release(&self, reservation: &Reservation) -> Result<SettleOutcome, QuotaError> {
        delegate!(self, q => q.release(reservation))
    }

    async fn budget_state(&self, org: OrgId, budget: &BudgetCheck) -> Result<BudgetState, QuotaError> {
        delegate!(self, q => q.budget_state(org, budget))
    }

    async fn expired_reservations(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Reservation>, QuotaError> {
        delegate!(self, q => q.expired_reservations(now, limit))
    }

    async fn restore_spent(&self, org: OrgId, budget: &BudgetCheck, spent: Money) -> Result<(), QuotaError> {
        delegate!(self, q => q.restore_spent(org, budget, spent))
    }

    async fn charge(&self, org: OrgId, budget: &BudgetCheck, amount: Money) -> Result<(), QuotaError> {
        delegate!(self, q => q.charge(org, budget, amount))
    }
}
