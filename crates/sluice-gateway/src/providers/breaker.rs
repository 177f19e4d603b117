//! Circuit breakers, one per (provider, model): after `threshold` consecutive failures the
//! breaker opens and calls fail fast — without touching the provider — for the cool-down; then
//! a single probe is let through (half-open). The probe's success closes the breaker; its failure
//! opens it for another cool-down.
//!
//! Failures are what says the provider cannot serve right now: 5xx, 408, 429, 401/403 (our
//! credential), timeouts, connection errors. A 400 is the request's fault and proves the provider
//! is alive, so it counts as a success. Outcomes that say nothing about the provider (the call was
//! refused before it left, or abandoned) leave the state as it was — except that an abandoned
//! probe frees the half-open slot for the next caller.
//!
//! Per model, not per provider: one overloaded model (or one missing deployment) must not take a
//! provider's other models down with it.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sluice_domain::ids::ProviderId;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BreakerKey {
    pub provider: ProviderId,
    /// The model's upstream name.
    pub model: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    /// One probe is in flight.
    HalfOpen,
}

pub struct Breakers {
    threshold: u32,
    cooldown: Duration,
    states: Mutex<HashMap<BreakerKey, State>>,
}

/// The breaker refused the call; it may be tried again after `retry_in`.
#[derive(Debug, Clone, Copy)]
pub struct BreakerOpen {
    pub retry_in: Duration,
}

impl Breakers {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self { threshold: threshold.max(1), cooldown, states: Mutex::default() }
    }

    fn states(&self) -> MutexGuard<'_, HashMap<BreakerKey, State>> {
        // The map holds plain values; a panic elsewhere cannot leave it half-updated.
        self.states.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Asks to call the model's provider; the permit must report how the call went.
    pub fn admit(&self, key: &BreakerKey) -> Result<Permit<'_>, BreakerOpen> {
        let mut states = self.states();
        let state = states.entry(key.clone()).or_insert(State::Closed { failures: 0 });
        let probe = match *state {
            State::Closed { .. } => false,
            State::Open { until } => {
                let now = Instant::now();
                if now < until {
                    return Err(BreakerOpen { retry_in: until - now });
                }
                *state = State::HalfOpen;
                true
            }
            // The probe has not reported yet; until it does, the breaker stays shut.
            State::HalfOpen => return Err(BreakerOpen { retry_in: self.cooldown }),
        };
        Ok(Permit { breakers: self, key: key.clone(), probe, reported: false })
    }

    fn report(&self, key: &BreakerKey, probe: bool, outcome: Outcome) {
        let mut states = self.states();
        let Some(state) = states.get_mut(key) else { return };
        let next = match (outcome, *state) {
            (Outcome::Success, _) => State::Closed { failures: 0 },
            (Outcome::Failure, State::Closed { failures }) if failures + 1 < self.threshold => State::Closed { failures: failures + 1 },
            (Outcome::Failure, State::Closed { .. } | State::HalfOpen) => {
                metrics::counter!("sluice_upstream_breaker_opened_total").increment(1);
                tracing::warn!(provider = %key.provider, model = %key.model, cooldown_s = self.cooldown.as_secs_f64(), "circuit breaker opened");
                State::Open { until: Instant::now() + self.cooldown }
            }
            // Calls admitted before the breaker opened report late; the cool-down stands.
            (Outcome::Failure, open @ State::Open { .. }) => open,
            // An abandoned probe: let the next caller probe instead.
            (Outcome::Abandoned, State::HalfOpen) if probe => State::Open { until: Instant::now() },
            (Outcome::Abandoned, other) => other,
        };
        *state = next;
    }

    #[cfg(test)]
    fn is_open(&self, key: &BreakerKey) -> bool {
        !matches!(self.states().get(key), None | Some(State::Closed { .. }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Failure,
    Abandoned,
}

/// Leave to call the provider once. Dropping it without a report counts as abandoned.
pub struct Permit<'a> {
    breakers: &'a Breakers,
    key: BreakerKey,
    probe: bool,
    reported: bool,
}

impl Permit<'_> {
    pub fn succeeded(mut self) {
        self.finish(Outcome::Success);
    }

    pub fn failed(mut self) {
        self.finish(Outcome::Failure);
    }

    fn finish(&mut self, outcome: Outcome) {
        self.reported = true;
        self.breakers.report(&self.key, self.probe, outcome);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.reported {
            self.finish(Outcome::Abandoned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> BreakerKey {
        BreakerKey { provider: ProviderId::from(uuid::Uuid::nil()), model: "m".into() }
    }

    #[test]
    fn opens_after_consecutive_failures_and_a_success_resets_the_count() {
        let breakers = Breakers::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            breakers.admit(&key()).unwrap().failed();
        }
        breakers.admit(&key()).unwrap().succeeded();
        for _ in 0..2 {
            breakers.admit(&key()).unwrap().failed();
        }
        assert!(!breakers.is_open(&key()), "the success broke the run of failures");
        breakers.admit(&key()).unwrap().failed();
        assert!(breakers.admit(&key()).is_err());
        let other = BreakerKey { model: "other".into(), ..key() };
        assert!(breakers.admit(&other).is_ok(), "breakers are per model");
    }

    #[test]
    fn one_probe_after_the_cooldown_closes_or_reopens() {
        let breakers = Breakers::new(1, Duration::from_millis(20));
        breakers.admit(&key()).unwrap().failed();
        assert!(breakers.admit(&key()).is_err());
        std::thread::sleep(Duration::from_millis(25));
        let probe = breakers.admit(&key()).unwrap();
        assert!(breakers.admit(&key()).is_err(), "only one probe at a time");
        probe.failed();
        assert!(breakers.admit(&key()).is_err(), "a failed probe reopens");
        std::thread::sleep(Duration::from_millis(25));
        drop(breakers.admit(&key()).unwrap());
        breakers.admit(&key()).unwrap().succeeded();
        assert!(!breakers.is_open(&key()), "an abandoned probe frees the slot; a successful one closes");
    }
}
