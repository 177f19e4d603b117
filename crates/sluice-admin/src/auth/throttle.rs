//! Failed-login throttling per account and per client address, checked before any password is
//! hashed so that guessing costs the attacker time and costs us nothing.
//!
//! Sliding window of failure timestamps in memory. With several admin replicas each keeps its
//! own window, which multiplies the allowance by the replica count but never lets a single
//! replica be used for fast guessing; the admin API is not a high-fan-out service.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_account: usize,
    pub per_address: usize,
    pub window: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self { per_account: 5, per_address: 20, window: Duration::from_secs(15 * 60) }
    }
}

#[derive(Debug)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Upper bound on tracked keys; past it, the oldest-looking entries are dropped so the map
/// cannot be used to exhaust memory.
const MAX_TRACKED: usize = 100_000;

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self { limits, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(seconds)` if either the account or the address is locked out right now.
    pub fn check(&self, account: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let checks = [(account_key(account), self.limits.per_account), (address_key(address), self.limits.per_address)];
        let mut wait = None;
        for (key, limit) in checks {
            if let Some(times) = map.get_mut(&key) {
                prune(times, now, self.limits.window);
                if times.len() >= limit {
                    let oldest = times.front().copied().unwrap_or(now);
                    let remaining = self.limits.window.saturating_sub(now.duration_since(oldest));
                    wait = Some(wait.unwrap_or(0).max(remaining.as_secs().max(1)));
                }
            }
        }
        match wait {
            Some(secs) => Err(secs),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_TRACKED {
            let window = self.limits.window;
            map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        for key in [account_key(account), address_key(address)] {
            let times = map.entry(key).or_default();
            prune(times, now, self.limits.window);
            times.push_back(now);
        }
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn record_success(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(account));
    }
}

fn account_key(account: &str) -> String {
    format!("account:{}", account.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_an_account_after_its_limit_and_success_resets_it() {
        let t = LoginThrottle::new(ThrottleLimits { per_account: 3, per_address: 100, window: Duration::from_secs(60) });
        for _ in 0..3 {
            assert!(t.check("Ana@x.io", "1.2.3.4").is_ok());
            t.record_failure("ana@x.io", "1.2.3.4");
        }
        assert!(t.check("ana@x.io", "5.6.7.8").is_err(), "the account is locked from any address");
        assert!(t.check("bob@x.io", "1.2.3.4").is_ok());
        t.record_success("ana@x.io");
        assert!(t.check("ana@x.io", "1.2.3.4").is_ok());
    }

    #[test]
    fn locks_an_address_across_accounts() {
        let t = LoginThrottle::new(ThrottleLimits { per_account: 100, per_address: 2, window: Duration::from_secs(60) });
        t.record_failure("a@x.io", "9.9.9.9");
        t.record_failure("b@x.io", "9.9.9.9");
        assert!(t.check("c@x.io", "9.9.9.9").is_err());
        assert!(t.check("c@x.io", "8.8.8.8").is_ok());
    }
}
