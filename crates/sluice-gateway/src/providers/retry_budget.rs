//! The global retry budget: retries may add at most `percent` % to the requests of the last
//! `window` (with a floor of `min` retries per window, so a quiet gateway can still retry).
//! When a provider degrades, per-request retries alone would multiply its load by the number of
//! attempts just when it can least take it; the budget turns that into fail-fast instead.
//!
//! The window is ten buckets of a tenth of it each, so old traffic ages out smoothly and the
//! bookkeeping is a few integers under a mutex held for nanoseconds.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const BUCKETS: usize = 10;

#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    /// Which bucket-length period since `origin` this bucket currently counts.
    period: u64,
    requests: u32,
    retries: u32,
}

pub struct RetryBudget {
    percent: u32,
    min: u32,
    bucket_len: Duration,
    origin: Instant,
    buckets: Mutex<[Bucket; BUCKETS]>,
}

impl RetryBudget {
    pub fn new(percent: u32, min: u32, window: Duration) -> Self {
        let bucket_len = (window / BUCKETS as u32).max(Duration::from_millis(1));
        Self { percent, min, bucket_len, origin: Instant::now(), buckets: Mutex::new([Bucket::default(); BUCKETS]) }
    }

    fn with_current<R>(&self, f: impl FnOnce(&mut [Bucket; BUCKETS], usize, u64) -> R) -> R {
        let period = u64::try_from(self.origin.elapsed().as_nanos() / self.bucket_len.as_nanos()).unwrap_or(u64::MAX);
        let slot = (period % BUCKETS as u64) as usize;
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets[slot].period != period {
            buckets[slot] = Bucket { period, requests: 0, retries: 0 };
        }
        f(&mut buckets, slot, period)
    }

    /// Counts a request (its first attempt).
    pub fn record_request(&self) {
        self.with_current(|buckets, slot, _| buckets[slot].requests = buckets[slot].requests.saturating_add(1));
    }

    /// Takes one retry from the budget, or says there is none left.
    pub fn try_retry(&self) -> bool {
        let (percent, min) = (u64::from(self.percent), u64::from(self.min));
        self.with_current(|buckets, slot, period| {
            let live = buckets.iter().filter(|b| period.saturating_sub(b.period) < BUCKETS as u64);
            let (requests, retries) = live.fold((0u64, 0u64), |(q, r), b| (q + u64::from(b.requests), r + u64::from(b.retries)));
            let allowed = (requests * percent / 100).max(min);
            if retries < allowed {
                buckets[slot].retries = buckets[slot].retries.saturating_add(1);
                true
            } else {
                false
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_a_share_of_requests_with_a_floor() {
        let budget = RetryBudget::new(20, 2, Duration::from_secs(60));
        assert!(budget.try_retry() && budget.try_retry(), "the floor allows retries before any traffic");
        assert!(!budget.try_retry());
        for _ in 0..50 {
            budget.record_request();
        }
        let granted = (0..100).filter(|_| budget.try_retry()).count();
        assert_eq!(granted, 8, "20 % of 50 requests is 10 retries, 2 of them already used");
    }

    #[test]
    fn old_traffic_ages_out() {
        let budget = RetryBudget::new(0, 1, Duration::from_millis(50));
        assert!(budget.try_retry());
        assert!(!budget.try_retry());
        std::thread::sleep(Duration::from_millis(60));
        assert!(budget.try_retry(), "the window moved on");
    }
}
