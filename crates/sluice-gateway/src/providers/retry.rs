//! Retries of one provider call, before anything reached the client: the non-streaming response
//! has not been returned yet, or the stream has not produced its first event (both are decided
//! inside the attempt, so whatever this loop sees is still safe to repeat).
//!
//! Retried: 408, 429, 5xx, connection errors, timeouts, a stream that broke before its first
//! event. Not retried: other 4xx (the request itself is wrong, or our credential — repeating it
//! changes nothing) and refusals that never left the gateway. At most `max_attempts` attempts;
//! a provider's `Retry-After` is honoured when it is no longer than `retry_after_cap` (asked to
//! wait longer, we give up rather than hold the caller), otherwise the delay is exponential with
//! jitter so synchronised clients spread out. Every retry takes one from the global
//! [`RetryBudget`](super::retry_budget::RetryBudget); every attempt asks the (provider, model)
//! circuit breaker first and reports its outcome to it.
//!
//! Fallbacks to other models (from the router's ordered pool) will wrap this loop, one call per
//! candidate, sharing the retry budget; the loop itself stays per model.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::UpstreamError;
use super::breaker::BreakerKey;
use super::upstream::Upstream;
use crate::config::UpstreamSettings;

/// May another attempt succeed where this one failed?
pub fn is_retryable(err: &UpstreamError) -> bool {
    match err {
        UpstreamError::Status { status, .. } => matches!(status, 408 | 429) || *status >= 500,
        UpstreamError::Timeout | UpstreamError::Connect(_) | UpstreamError::Broken(_) => true,
        UpstreamError::Unavailable(_) => false,
    }
}

/// Does this failure say the provider cannot serve right now (as opposed to a bad request)?
fn is_provider_failure(err: &UpstreamError) -> bool {
    match err {
        UpstreamError::Status { status, .. } => matches!(status, 401 | 403 | 408 | 429) || *status >= 500,
        UpstreamError::Timeout | UpstreamError::Connect(_) | UpstreamError::Broken(_) => true,
        UpstreamError::Unavailable(_) => false,
    }
}

/// How long to wait before attempt `failed + 1`, or None to give up.
pub fn delay_before_retry(settings: &UpstreamSettings, failed: u32, retry_after: Option<Duration>) -> Option<Duration> {
    if let Some(asked) = retry_after {
        return (asked <= settings.retry_after_cap).then_some(asked);
    }
    let exponential = settings.backoff_base.saturating_mul(1u32 << failed.saturating_sub(1).min(16)).min(settings.backoff_max);
    // Equal jitter: at least half the backoff, so retries never collapse to zero delay.
    let half = exponential / 2;
    Some(half + half.mul_f64(unit_random()))
}

/// A number in [0, 1) that differs per call; jitter needs spread, not cryptographic quality.
fn unit_random() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

fn retry_after_of(err: &UpstreamError) -> Option<Duration> {
    match err {
        UpstreamError::Status { retry_after, .. } => *retry_after,
        _ => None,
    }
}

/// Runs `attempt` until it succeeds, fails for good, or the attempts, the breaker or the budget
/// run out. Returns the last attempt's error.
pub async fn with_retries<T, F, Fut>(upstream: &Upstream, key: &BreakerKey, mut attempt: F) -> Result<T, UpstreamError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, UpstreamError>>,
{
    let settings = &upstream.settings;
    upstream.retry_budget.record_request();
    let mut last_error: Option<UpstreamError> = None;
    for number in 1..=settings.max_attempts.max(1) {
        let permit = match upstream.breakers.admit(key) {
            Ok(permit) => permit,
            Err(open) => {
                metrics::counter!("sluice_upstream_breaker_rejections_total").increment(1);
                // A retry refused by a breaker that just opened: the caller learns why the
                // provider failed, not merely that we stopped trying.
                return Err(last_error.unwrap_or_else(|| {
                    UpstreamError::Unavailable(format!(
                        "the model's provider failed repeatedly and is paused for {} s",
                        open.retry_in.as_secs().max(1)
                    ))
                }));
            }
        };
        let err = match attempt(number).await {
            Ok(value) => {
                permit.succeeded();
                return Ok(value);
            }
            Err(err) => err,
        };
        match (&err, is_provider_failure(&err)) {
            (_, true) => permit.failed(),
            (UpstreamError::Status { .. }, false) => permit.succeeded(),
            (_, false) => drop(permit),
        }
        tracing::debug!(attempt = number, error = %err, provider = %key.provider, model = %key.model, "provider attempt failed");
        if !is_retryable(&err) || number >= settings.max_attempts {
            return Err(err);
        }
        let Some(delay) = delay_before_retry(settings, number, retry_after_of(&err)) else {
            metrics::counter!("sluice_upstream_retries_skipped_total", "reason" => "retry_after_too_long").increment(1);
            return Err(err);
        };
        if !upstream.retry_budget.try_retry() {
            metrics::counter!("sluice_upstream_retries_skipped_total", "reason" => "budget").increment(1);
            return Err(err);
        }
        metrics::counter!("sluice_upstream_retries_total").increment(1);
        tokio::time::sleep(delay).await;
        last_error = Some(err);
    }
    Err(last_error.unwrap_or_else(|| UpstreamError::Unavailable("no attempt was made".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let settings = UpstreamSettings::default();
        assert_eq!(delay_before_retry(&settings, 1, Some(Duration::from_secs(2))), Some(Duration::from_secs(2)));
        assert_eq!(delay_before_retry(&settings, 1, Some(Duration::from_secs(60))), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let (backoff_base, backoff_max) = (Duration::from_millis(100), Duration::from_millis(300));
        let settings = UpstreamSettings { backoff_base, backoff_max, ..UpstreamSettings::default() };
        let delays: Vec<Duration> = (0..50).map(|_| delay_before_retry(&settings, 1, None).unwrap()).collect();
        assert!(delays.iter().all(|d| *d >= Duration::from_millis(50) && *d <= Duration::from_millis(100)));
        assert!(delays.iter().any(|d| *d != delays[0]), "jittered");
        let third = delay_before_retry(&settings, 3, None).unwrap();
        assert!(third >= Duration::from_millis(150) && third <= Duration::from_millis(300), "{third:?}");
    }

    #[test]
    fn what_is_retried() {
        let status = |status| UpstreamError::Status { status, message: String::new(), retry_after: None };
        for retried in [status(429), status(408), status(500), status(503), UpstreamError::Timeout, UpstreamError::Connect(String::new())] {
            assert!(is_retryable(&retried), "{retried:?}");
        }
        for final_ in [status(400), status(401), status(404), status(422), UpstreamError::Unavailable(String::new())] {
            assert!(!is_retryable(&final_), "{final_:?}");
        }
    }
}
