//! Webhook delivery: every due (alert, endpoint) pair is POSTed as JSON, signed, and retried with
//! exponential backoff until it gets a 2xx or runs out of attempts.
//!
//! Claims come from `sluice_store::webhooks::claim_due` (`FOR UPDATE SKIP LOCKED` with a lease
//! longer than one attempt can take), so several workers never send the same attempt and a
//! crashed worker's claim is retried when its lease ends: delivery is at-least-once, and
//! receivers dedupe on `Sluice-Event-Id` (the alert id, the same on every attempt and endpoint).
//! Any response other than 2xx — a redirect included, which is never followed — counts as a
//! failure. Only the first [`EXCERPT_CHARS`] characters of a response body are read and kept.

mod client;

use std::time::Duration;

use chrono::Utc;
use futures_util::future::join_all;
use serde_json::json;
use sluice_domain::Money;
use sluice_domain::credentials::CredentialCipher;
use sluice_domain::provider::TrustTier;
use sluice_store::Db;
use sluice_store::alerts::{self, AlertRow};
use sluice_store::webhooks::{self, AttemptOutcome, ClaimedDelivery};

use crate::AlertsError;
use crate::sign::signature_header;

/// Characters of a response body kept with a delivery.
pub const EXCERPT_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryConfig {
    /// Attempts before a delivery is given up.
    pub max_attempts: i32,
    /// Wait before the second attempt; doubled after each failure, up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// Whole-request timeout of one attempt (connect included).
    pub timeout: Duration,
    /// Deliveries claimed per round (sent concurrently).
    pub batch: i64,
    /// Which addresses endpoints may reach, with the provider URL rules: `External` (public
    /// only) or `Local` (loopback and private networks too).
    pub targets: TrustTier,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            first_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            timeout: Duration::from_secs(10),
            batch: 20,
            targets: TrustTier::External,
        }
    }
}

impl DeliveryConfig {
    /// The wait after failed attempt number `attempt` (1-based).
    pub fn backoff(&self, attempt: i32) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(20);
        self.first_backoff.saturating_mul(1 << doublings).min(self.max_backoff)
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryStats {
    pub attempted: usize,
    pub delivered: usize,
}

pub struct Deliverer {
    client: reqwest::Client,
    cipher: CredentialCipher,
    config: DeliveryConfig,
}

impl Deliverer {
    pub fn new(cipher: CredentialCipher, config: DeliveryConfig) -> Result<Self, AlertsError> {
        Ok(Self { client: client::build(config.targets, config.timeout)?, cipher, config })
    }

    /// Claims the due deliveries and attempts each once.
    pub async fn deliver_due(&self, db: &Db) -> Result<DeliveryStats, AlertsError> {
        // The lease outlasts the attempt's timeout with room for recording the outcome.
        let lease = i64::try_from(self.config.timeout.as_secs()).unwrap_or(60).saturating_add(30);
        let claimed = {
            let mut conn = db.acquire().await?;
            webhooks::claim_due(&mut conn, self.config.batch, lease).await?
        };
        let outcomes = join_all(claimed.iter().map(|d| self.attempt(db, d))).await;
        let mut stats = DeliveryStats { attempted: claimed.len(), delivered: 0 };
        for (delivery, outcome) in claimed.iter().zip(outcomes) {
            let outcome = match outcome {
                Ok(o) => o,
                Err(err) => {
                    tracing::warn!(delivery_id = %delivery.id, error = %err, "webhook not sent");
                    self.failure(delivery.attempts, None, "internal", None)
                }
            };
            stats.delivered += usize::from(outcome.delivered);
            let mut conn = db.acquire().await?;
            if !webhooks::record_attempt(&mut conn, delivery.id, delivery.attempts, &outcome).await? {
                tracing::info!(delivery_id = %delivery.id, "webhook outcome not recorded: the claim was superseded");
            }
        }
        metrics::counter!("sluice_webhook_deliveries_total", "outcome" => "delivered").increment(stats.delivered as u64);
        metrics::counter!("sluice_webhook_deliveries_total", "outcome" => "failed").increment((stats.attempted - stats.delivered) as u64);
        Ok(stats)
    }

    async fn attempt(&self, db: &Db, d: &ClaimedDelivery) -> Result<AttemptOutcome, AlertsError> {
        let alert = {
            let mut conn = db.acquire().await?;
            alerts::get(&mut conn, d.org_id, d.alert_id).await?
        };
        let Some(alert) = alert else { return Ok(self.failure(d.attempts, None, "alert_missing", None)) };
        // A key id naming another key means the configured key was rotated away from this one.
        let secret = self.cipher.open_bound(d.endpoint_id, &d.secret_sealed).map_err(|_| {
            AlertsError::Corrupt(format!("webhook secret of endpoint {} (key {}) cannot be opened", d.endpoint_id, d.secret_key_id))
        })?;
        let body = serde_json::to_vec(&payload(&alert)).map_err(|e| AlertsError::Corrupt(e.to_string()))?;
        let url = reqwest::Url::parse(&d.url).map_err(|_| AlertsError::Corrupt(format!("endpoint {} has an invalid URL", d.endpoint_id)))?;
        if !client::literal_host_allowed(&url, self.config.targets) {
            return Ok(self.failure(d.attempts, None, "address_refused", None));
        }
        let timestamp = Utc::now().timestamp();
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("sluice-signature", signature_header(secret.expose(), timestamp, &body))
            .header("sluice-event-id", alert.id.to_string())
            .body(body)
            .send()
            .await;
        let mut response = match sent {
            Ok(r) => r,
            Err(err) => {
                let kind = if err.is_timeout() { "timeout" } else if err.is_connect() { "connect" } else { "request" };
                return Ok(self.failure(d.attempts, None, kind, None));
            }
        };
        let status = response.status();
        let excerpt = read_excerpt(&mut response).await;
        let code = i16::try_from(status.as_u16()).ok();
        if status.is_success() {
            return Ok(AttemptOutcome { status: code, error: None, response_excerpt: excerpt, delivered: true, retry_in_secs: None });
        }
        let error = if status.is_redirection() { "redirect_not_followed" } else { "http_status" };
        Ok(self.failure(d.attempts, code, error, excerpt))
    }

    fn failure(&self, attempt: i32, status: Option<i16>, error: &str, excerpt: Option<String>) -> AttemptOutcome {
        let retry_in_secs = (attempt < self.config.max_attempts).then(|| i64::try_from(self.config.backoff(attempt).as_secs()).unwrap_or(i64::MAX));
        AttemptOutcome { status, error: Some(error.to_owned()), response_excerpt: excerpt, delivered: false, retry_in_secs }
    }
}

/// The first [`EXCERPT_CHARS`] characters of the body; the rest is never read.
async fn read_excerpt(response: &mut reqwest::Response) -> Option<String> {
    let mut bytes = Vec::new();
    while bytes.len() < EXCERPT_CHARS * 4 {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text: String = String::from_utf8_lossy(&bytes).chars().take(EXCERPT_CHARS).collect();
    (!text.is_empty()).then_some(text)
}

/// The JSON body of an alert's webhook.
pub fn payload(a: &AlertRow) -> serde_json::Value {
    json!({
        "id": a.id,
        "type": format!("budget_alert.{}", a.kind),
        "created_at": a.occurred_at,
        "org_id": a.org_id,
        "alert": {
            "id": a.id,
            "kind": a.kind,
            "budget_id": a.budget_id,
            "period": a.period,
            "threshold_percent": a.threshold_percent,
            "spent_usd": Money::from_nanos(a.spent_nano),
            "amount_usd": Money::from_nanos(a.amount_nano),
            "details": a.details,
            "occurred_at": a.occurred_at,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let c = DeliveryConfig { first_backoff: Duration::from_secs(30), max_backoff: Duration::from_secs(300), ..DeliveryConfig::default() };
        let waits: Vec<u64> = (1..=6).map(|a| c.backoff(a).as_secs()).collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 300, 300]);
    }
}
