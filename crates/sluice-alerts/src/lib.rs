//! Alerting over the ledger: burn-rate forecasts per budget, the alerts billing raises
//! (`forecast_exhaustion`, `spend_anomaly`, `counter_drift`), and delivering every alert — the
//! gateway's threshold alerts included — to the org's webhook endpoints, signed, with retries.
//!
//! The rules are pure and live in `sluice-billing` (`forecast`, `alerting`); this crate is the
//! glue that reads their inputs through `sluice-store` (and, for drift, the quota store), stores
//! what they decide, and runs the two background loops. [`run`] is what a process calls to host
//! the jobs (`sluice up` today, a dedicated worker later); every step is safe to run in several
//! processes at once: alerts are unique per budget, period and kind, and deliveries are claimed
//! with `FOR UPDATE SKIP LOCKED` leases.
//!
//! Invariant: no SQL here (only `sluice-store`); webhook requests go only to addresses the
//! configured target rules allow, checked again at connect time, and never follow redirects;
//! a webhook secret is opened only to sign, never logged or stored in the clear.

pub mod delivery;
pub mod drift;
pub mod error;
pub mod evaluate;
pub mod forecast;
pub mod sign;

use std::time::Duration;

use sluice_domain::credentials::CredentialCipher;
use sluice_quota::redis_store::RedisQuota;
use sluice_store::Db;

pub use delivery::{DeliveryConfig, Deliverer};
pub use error::AlertsError;
pub use evaluate::{Evaluator, Rules};

/// What the background jobs need.
pub struct JobsConfig {
    pub rules: Rules,
    pub delivery: DeliveryConfig,
    /// How often budgets are evaluated.
    pub evaluate_every: Duration,
    /// How often due deliveries are looked for.
    pub deliver_every: Duration,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self { rules: Rules::default(), delivery: DeliveryConfig::default(), evaluate_every: Duration::from_secs(60), deliver_every: Duration::from_secs(2) }
    }
}

/// Runs alert evaluation and webhook delivery until the task is dropped. `quota` is the shared
/// quota store when there is one (counter drift is only checked against Redis: the in-process
/// store of another process cannot be read).
pub async fn run(db: Db, cipher: CredentialCipher, config: JobsConfig, quota: Option<RedisQuota>) {
    let deliverer = match Deliverer::new(cipher, config.delivery) {
        Ok(d) => d,
        Err(err) => {
            tracing::error!(error = %err, "webhook delivery cannot start");
            return;
        }
    };
    let evaluation = async {
        let mut evaluator = Evaluator::new(config.rules);
        let mut tick = tokio::time::interval(config.evaluate_every);
        loop {
            tick.tick().await;
            match evaluator.evaluate_all(&db, chrono::Utc::now(), quota.as_ref()).await {
                Ok(raised) if raised > 0 => tracing::info!(raised, "alerts raised"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "alert evaluation failed"),
            }
        }
    };
    let delivery = async {
        let mut tick = tokio::time::interval(config.deliver_every);
        loop {
            tick.tick().await;
            if let Err(err) = deliverer.deliver_due(&db).await {
                tracing::warn!(error = %err, "webhook delivery failed");
            }
        }
    };
    tokio::join!(evaluation, delivery);
}
