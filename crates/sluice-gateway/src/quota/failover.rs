//! Quotas with a failure mode. With a shared store (Redis), an outage must not decide alone
//! whether budgets hold: each org chooses (`QuotaFailureMode`):
//!
//! - `deny`: refuse (503, no provider call). The default.
//! - `local`: decide in process. Each replica takes its share — rate limits and max-parallel
//!   divided by the configured replica count, and each hard budget limited to its share of what
//!   remained at the last decision the shared store made (a budget never seen is not admitted).
//! - `allow`: admit without limits.
//!
//! Spend of requests admitted offline is queued and replayed into the shared store with
//! `charge` once it answers again, exactly once per request. The in-process fallback starts
//! empty at every outage, so an earlier outage's counters never count twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use chrono::Utc;
use sluice_domain::Money;
use sluice_domain::budget::QuotaFailureMode;
use sluice_domain::ids::{BudgetId, OrgId, RequestId};
use sluice_quota::local::LocalQuota;
use sluice_quota::{AdmitRequest, BudgetCheck, Decision, Grant, QuotaError, QuotaStore, RateSpec, Reservation, SettleOutcome, Usage};

use super::AnyQuota;

/// How a request was admitted while the shared store was unreachable.
struct Offline {
    org: OrgId,
    budgets: Vec<BudgetCheck>,
    local: bool,
}

/// What every worker shares during an outage (one per process).
pub struct Fallback {
    local: RwLock<Arc<LocalQuota>>,
    replicas: u32,
    /// Remaining (amount − spent − reserved) per (budget, period) at the last shared decision.
    last_remaining: Mutex<HashMap<(BudgetId, String), Money>>,
    offline: Mutex<HashMap<RequestId, Offline>>,
    /// Spend to replay into the shared store.
    pending: Mutex<Vec<(OrgId, BudgetCheck, Money)>>,
    in_outage: Mutex<bool>,
}

/// One worker's quotas: its own connection to the store and the process's shared fallback.
pub struct Quotas {
    primary: AnyQuota,
    fallback: Option<Arc<Fallback>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Fallback {
    /// `replicas`: how many gateway replicas share the store (each takes 1/replicas offline).
    pub fn new(replicas: u32) -> Self {
        Self {
            local: RwLock::new(Arc::new(LocalQuota::new())),
            replicas: replicas.max(1),
            last_remaining: Mutex::new(HashMap::new()),
            offline: Mutex::new(HashMap::new()),
            pending: Mutex::new(Vec::new()),
            in_outage: Mutex::new(false),
        }
    }
}

impl Quotas {
    /// `fallback` is the process's shared one (None without a shared store).
    pub fn new(primary: AnyQuota, fallback: Option<Arc<Fallback>>) -> Self {
        Self { primary, fallback }
    }

    pub fn primary(&self) -> &AnyQuota {
        &self.primary
    }

    pub fn is_shared(&self) -> bool {
        self.primary.is_shared()
    }

    pub async fn admit(&self, request: &AdmitRequest, mode: QuotaFailureMode) -> Result<Decision, QuotaError> {
        let result = self.primary.admit(request).await;
        let Some(fallback) = self.fallback.as_deref() else { return result };
        match result {
            Ok(decision) => {
                *lock(&fallback.in_outage) = false;
                if let Decision::Admitted(grant) = &decision {
                    let mut last = lock(&fallback.last_remaining);
                    for (state, check) in grant.budgets.iter().filter_map(|s| request.budgets.iter().find(|c| c.budget_id == s.budget_id).map(|c| (s, c))) {
                        let remaining = state.amount.nanos() - state.spent.nanos() - state.reserved.nanos();
                        last.insert((check.budget_id, check.period.clone()), Money::from_nanos(remaining.max(0)));
                    }
                }
                self.replay().await;
                Ok(decision)
            }
            Err(QuotaError::Unavailable(why)) => {
                metrics::counter!("limiter_fail_mode_total", "mode" => mode.as_str()).increment(1);
                self.admit_offline(fallback, request, mode, why).await
            }
            Err(other) => Err(other),
        }
    }

    async fn admit_offline(&self, fallback: &Fallback, request: &AdmitRequest, mode: QuotaFailureMode, why: String) -> Result<Decision, QuotaError> {
        {
            let mut outage = lock(&fallback.in_outage);
            if !*outage {
                // A new outage starts from an empty in-process store.
                *outage = true;
                *fallback.local.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(LocalQuota::new());
                tracing::warn!(reason = %why, "quota store unreachable; applying each org's failure mode");
            }
        }
        let decision = match mode {
            QuotaFailureMode::Deny => return Err(QuotaError::Unavailable(why)),
            QuotaFailureMode::Allow => Decision::Admitted(unmetered_grant(request)),
            QuotaFailureMode::Local => {
                let local = fallback.local.read().unwrap_or_else(|p| p.into_inner()).clone();
                local.admit(&self.share(fallback, request)).await?
            }
        };
        if let Decision::Admitted(_) = &decision {
            let offline = Offline { org: request.tenant.org, budgets: request.budgets.clone(), local: mode == QuotaFailureMode::Local };
            lock(&fallback.offline).insert(request.request_id, offline);
        }
        Ok(decision)
    }

    /// This replica's share of the limits and of what each budget had left.
    fn share(&self, fallback: &Fallback, request: &AdmitRequest) -> AdmitRequest {
        let n = fallback.replicas;
        let part = |v: u32| (v / n).max(1);
        let rate = |r: Option<RateSpec>| r.map(|r| RateSpec { per_minute: part(r.per_minute), burst: part(r.burst) });
        let mut shared = request.clone();
        for l in &mut shared.limits {
            l.rpm = rate(l.rpm);
            l.tpm = rate(l.tpm);
            l.max_parallel = l.max_parallel.map(part);
        }
        let last = lock(&fallback.last_remaining);
        for b in &mut shared.budgets {
            let remaining = last.get(&(b.budget_id, b.period.clone())).copied();
            b.amount = match (remaining, b.hard) {
                (Some(r), _) => Money::from_nanos(r.nanos() / i64::from(n)),
                // Never decided by the shared store: nothing is known to be left.
                (None, true) => Money::ZERO,
                (None, false) => b.amount,
            };
        }
        shared
    }

    pub async fn settle(&self, reservation: &Reservation, usage: Usage) -> Result<SettleOutcome, QuotaError> {
        if let Some(fallback) = &self.fallback {
            let offline = lock(&fallback.offline).remove(&reservation.request_id);
            if let Some(off) = offline {
                if off.local {
                    let local = fallback.local.read().unwrap_or_else(|p| p.into_inner()).clone();
                    local.settle(reservation, usage).await?;
                }
                lock(&fallback.pending).extend(off.budgets.into_iter().map(|b| (off.org, b, usage.cost)));
                self.replay().await;
                return Ok(SettleOutcome::Settled);
            }
        }
        self.primary.settle(reservation, usage).await
    }

    pub async fn release(&self, reservation: &Reservation) -> Result<SettleOutcome, QuotaError> {
        if let Some(fallback) = &self.fallback {
            let offline = lock(&fallback.offline).remove(&reservation.request_id);
            if let Some(off) = offline {
                if off.local {
                    let local = fallback.local.read().unwrap_or_else(|p| p.into_inner()).clone();
                    local.release(reservation).await?;
                }
                return Ok(SettleOutcome::Settled);
            }
        }
        self.primary.release(reservation).await
    }

    /// Drops queued offline spend of these orgs: their counters were just rebuilt from the
    /// ledger, which already holds it.
    pub fn forget_pending(&self, orgs: &std::collections::HashSet<OrgId>) {
        if let Some(fallback) = &self.fallback {
            lock(&fallback.pending).retain(|(org, _, _)| !orgs.contains(org));
        }
    }

    /// Replays queued offline spend into the shared store, stopping at the first failure (the
    /// rest waits for the next successful call).
    pub async fn replay(&self) {
        let Some(fallback) = &self.fallback else { return };
        loop {
            let next = lock(&fallback.pending).pop();
            let Some((org, check, amount)) = next else { return };
            if let Err(err) = self.primary.charge(org, &check, amount).await {
                tracing::debug!(error = %err, "replaying offline spend failed; will retry");
                lock(&fallback.pending).push((org, check, amount));
                return;
            }
            metrics::counter!("sluice_offline_spend_replayed_total").increment(1);
        }
    }

    /// Offline spend still waiting for the shared store (metrics, tests).
    pub fn pending_replays(&self) -> usize {
        self.fallback.as_ref().map_or(0, |f| lock(&f.pending).len())
    }
}

/// A grant that reserves nothing anywhere (`allow` mode during an outage).
fn unmetered_grant(request: &AdmitRequest) -> Grant {
    Grant {
        reservation: Reservation {
            request_id: request.request_id,
            tenant: request.tenant,
            reserved: request.cost.reservation_for(request.cost.max_output_tokens),
            granted_output_tokens: request.cost.max_output_tokens,
            lease_until: Utc::now() + chrono::Duration::from_std(request.lease).unwrap_or_default(),
        },
        rates: Vec::new(),
        budgets: Vec::new(),
    }
}
