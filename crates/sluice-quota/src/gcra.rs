//! GCRA (the generic cell rate algorithm) in integer microseconds, for the in-process store.
//! `scripts/admit.lua` and `scripts/close.lua` implement the same arithmetic in Lua.
//!
//! A limit of `per_minute` units per minute with burst `b` stores one instant per entity, the
//! theoretical arrival time (TAT). A unit costs the interval `T = 60 s / per_minute`; a request
//! of `n` units moves the TAT to `max(TAT, now) + n·T` and is admitted if the new TAT lies at
//! most `b·T` ahead of now. Over any window of `t` seconds that admits at most
//! `b + per_minute · t / 60` units, and a refused request learns exactly when it would fit.
//! Intervals are rounded up to the microsecond, which can only make a limit stricter.
//!
//! A stored TAT at or before now means the same as no TAT (the full burst is available), so
//! stores may forget it then (the Redis key expires).

use crate::RateSpec;

const MICROS_PER_MINUTE: i128 = 60_000_000;

/// The time `units` occupy at `per_minute` units per minute, in µs, rounded up.
pub(crate) fn interval_us(units: u64, per_minute: u32) -> i64 {
    let per_minute = i128::from(per_minute.max(1));
    let micros = (i128::from(units) * MICROS_PER_MINUTE + per_minute - 1) / per_minute;
    i64::try_from(micros).unwrap_or(i64::MAX)
}

/// The state of a limit right after an admitted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    pub new_tat: i64,
    /// Units that could still be admitted now.
    pub remaining: u32,
    /// Until the full burst is available again.
    pub reset_after_us: i64,
}

/// Decides `units` at `now` against the stored TAT: the new state, or how long to wait (µs).
pub(crate) fn step(tat: Option<i64>, now: i64, spec: RateSpec, units: u64) -> Result<Step, i64> {
    let new_tat = tat.unwrap_or(now).max(now).saturating_add(interval_us(units, spec.per_minute));
    let tolerance = interval_us(u64::from(spec.burst), spec.per_minute);
    let wait = new_tat.saturating_sub(tolerance).saturating_sub(now);
    if wait > 0 {
        return Err(wait);
    }
    let free = i128::from(now) + i128::from(tolerance) - i128::from(new_tat);
    let remaining = free * i128::from(spec.per_minute.max(1)) / MICROS_PER_MINUTE;
    Ok(Step { new_tat, remaining: u32::try_from(remaining).unwrap_or(u32::MAX), reset_after_us: new_tat - now })
}

/// The TAT after correcting an earlier charge by `delta_us` (negative = a refund); None when
/// the result is no longer in the future. An extra charge starts from now if the TAT has passed.
pub(crate) fn corrected(tat: Option<i64>, now: i64, delta_us: i64) -> Option<i64> {
    let new_tat = tat.unwrap_or(now).max(now).saturating_add(delta_us);
    (new_tat > now).then_some(new_tat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECOND: i64 = 1_000_000;

    #[test]
    fn burst_then_one_per_interval() {
        let spec = RateSpec { per_minute: 60, burst: 5 };
        let mut tat = None;
        for expected_remaining in (0..5).rev() {
            let s = step(tat, 0, spec, 1).unwrap();
            assert_eq!(s.remaining, expected_remaining);
            tat = Some(s.new_tat);
        }
        assert_eq!(step(tat, 0, spec, 1), Err(SECOND));
        assert!(step(tat, SECOND, spec, 1).is_ok());
    }

    #[test]
    fn refunds_move_the_tat_back() {
        assert_eq!(corrected(Some(10 * SECOND), 0, -4 * SECOND), Some(6 * SECOND));
        assert_eq!(corrected(Some(SECOND), 0, -4 * SECOND), None);
        assert_eq!(corrected(None, 5, 3), Some(8));
    }

    proptest! {
        /// Whatever the arrival pattern, a window of t seconds admits at most burst + rate·t/60 units.
        #[test]
        fn never_more_than_burst_plus_rate(
            per_minute in 1u32..10_000, burst in 1u32..50, arrivals in proptest::collection::vec((0i64..2 * SECOND, 1u64..5), 1..200),
        ) {
            let spec = RateSpec { per_minute, burst };
            let (mut tat, mut now, mut admitted) = (None, 0i64, Vec::new());
            for (gap, units) in arrivals {
                now += gap;
                if let Ok(s) = step(tat, now, spec, units) {
                    tat = Some(s.new_tat);
                    admitted.push((now, units));
                }
            }
            for (i, (start, _)) in admitted.iter().enumerate() {
                let mut total = 0u64;
                for (at, units) in &admitted[i..] {
                    total += units;
                    let allowed = i128::from(burst) + i128::from(per_minute) * i128::from(at - start) / 60_000_000;
                    prop_assert!(i128::from(total) <= allowed, "{total} units in {} µs", at - start);
                }
            }
        }
    }
}
