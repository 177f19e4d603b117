//! The admission plan both stores execute: the request's limits in checking order, its budgets,
//! and the output-token range after the exact-range cap.
//!
//! Both stores must reach the same decision for the same state, so everything that does not
//! depend on state is decided here, once, in Rust: the order limits are checked in (key, team,
//! org; rpm before tpm), degenerate rate specs (a zero rate or burst means one unit per minute,
//! at once), and the cap that keeps every amount the Redis script handles below 2^53, where Lua's
//! doubles are still exact integers. Budgets above that cap ($9 million) are treated as exactly
//! that much, which can only refuse earlier, never later.
//!
//! [`grant_output_tokens`] is the exact clamp the in-process store uses (the Lua script reaches
//! the same number by a binary search over the exact cost): the largest `g` in `[lo, hi]` with
//! `fixed + ceil(price × g / 10^6) ≤ headroom`. Because the headroom is an integer,
//! `ceil(x) ≤ a ⟺ x ≤ a`, so the condition is `price × g ≤ (headroom − fixed) × 10^6`, which
//! `i128` evaluates without rounding.

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{AdmitRequest, BudgetCheck, CostPlan, Level, LimitKind, QuotaError, RateSpec};

/// The largest integer a Lua number (a double) represents exactly.
pub(crate) const MAX_EXACT_NANOS: i64 = (1 << 53) - 1;

/// How long a period's counters outlive the period's end (reservations admitted just before the
/// boundary settle into them, and reports read them).
pub(crate) const PERIOD_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);

pub(crate) const TOKENS_PER_MTOK: i128 = 1_000_000;

/// What a request refused by a concurrency limit is told to wait: a slot frees when some request
/// in flight ends, which no store can predict.
pub(crate) const PARALLEL_RETRY_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy)]
pub(crate) struct ParallelLimit {
    pub level: Level,
    pub id: Uuid,
    pub max: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct RateLimit {
    pub level: Level,
    pub id: Uuid,
    pub kind: LimitKind,
    pub spec: RateSpec,
}

#[derive(Debug, Clone)]
pub(crate) struct BudgetLimit<'a> {
    pub check: &'a BudgetCheck,
    /// The amount the decision uses: the budget's amount, capped at `MAX_EXACT_NANOS`.
    pub effective_amount: i64,
}

/// One admission, normalised.
#[derive(Debug, Clone)]
pub(crate) struct Plan<'a> {
    pub parallel: Vec<ParallelLimit>,
    pub rates: Vec<RateLimit>,
    pub budgets: Vec<BudgetLimit<'a>>,
    /// The output-token range: `lo = min(min, max)`, `hi` capped so the reservation stays exact.
    pub lo: u32,
    pub hi: u32,
}

pub(crate) fn level_rank(level: Level) -> u8 {
    match level {
        Level::Key => 0,
        Level::Team => 1,
        Level::Org => 2,
    }
}

pub(crate) fn plan(request: &AdmitRequest) -> Result<Plan<'_>, QuotaError> {
    let mut levels: Vec<_> = request.limits.iter().collect();
    levels.sort_by_key(|l| level_rank(l.level));
    let parallel = levels.iter().filter_map(|l| l.max_parallel.map(|max| ParallelLimit { level: l.level, id: l.id, max })).collect();
    let mut rates = Vec::new();
    for l in &levels {
        for (kind, spec) in [(LimitKind::Rpm, l.rpm), (LimitKind::Tpm, l.tpm)] {
            if let Some(spec) = spec {
                let spec = RateSpec { per_minute: spec.per_minute.max(1), burst: spec.burst.max(1) };
                rates.push(RateLimit { level: l.level, id: l.id, kind, spec });
            }
        }
    }
    let budgets =
        request.budgets.iter().map(|check| BudgetLimit { check, effective_amount: check.amount.nanos().min(MAX_EXACT_NANOS) }).collect();
    let (lo, hi) = token_range(&request.cost)?;
    Ok(Plan { parallel, rates, budgets, lo, hi })
}

/// The output-token range of a cost plan, with `hi` lowered so that the reservation stays below
/// 2^53 nano-USD. A plan whose minimum alone exceeds that is refused as malformed.
fn token_range(cost: &CostPlan) -> Result<(u32, u32), QuotaError> {
    let fixed = cost.fixed.nanos();
    if fixed < 0 {
        return Err(QuotaError::Internal("the fixed cost of an admission must not be negative".to_owned()));
    }
    let lo = cost.min_output_tokens.min(cost.max_output_tokens);
    if cost.reservation_for(lo).nanos() > MAX_EXACT_NANOS {
        return Err(QuotaError::Internal("the minimum reservation exceeds 2^53 nano-USD".to_owned()));
    }
    let hi = affordable_tokens(cost, MAX_EXACT_NANOS).map_or(cost.max_output_tokens, |a| a.min(cost.max_output_tokens));
    Ok((lo, hi.max(lo)))
}

/// The largest token count whose reservation fits in `headroom`, ignoring the plan's range
/// (0 if not even the fixed part fits: callers check that first); None when output is free.
fn affordable_tokens(cost: &CostPlan, headroom: i64) -> Option<u32> {
    let price = i128::from(cost.output_price.nanos());
    if price == 0 {
        return None;
    }
    let allowance = (i128::from(headroom) - i128::from(cost.fixed.nanos())).max(0);
    Some(u32::try_from(allowance * TOKENS_PER_MTOK / price).unwrap_or(u32::MAX))
}

/// The largest output-token count in `[lo, hi]` whose reservation fits `headroom` (the smallest
/// remaining amount among hard budgets; None when there is no hard budget). None = refused.
pub(crate) fn grant_output_tokens(cost: &CostPlan, lo: u32, hi: u32, headroom: Option<i64>) -> Option<u32> {
    let Some(headroom) = headroom else { return Some(hi) };
    if headroom < cost.fixed.nanos() {
        return None;
    }
    let granted = affordable_tokens(cost, headroom).map_or(hi, |a| a.min(hi));
    (granted >= lo && cost.reservation_for(granted).nanos() <= headroom).then_some(granted)
}

/// `EXPIREAT` seconds of a period's counters (None for `total`).
pub(crate) fn counter_expiry(period_end: Option<DateTime<Utc>>, grace: Duration) -> Option<DateTime<Utc>> {
    period_end.map(|end| end + chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::days(7)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sluice_domain::{Money, PricePerMTok};

    fn cost(fixed: i64, price: i64, min: u32, max: u32) -> CostPlan {
        CostPlan {
            fixed: Money::from_nanos(fixed),
            output_price: PricePerMTok::from_nanos(price).unwrap(),
            min_output_tokens: min,
            max_output_tokens: max,
        }
    }

    #[test]
    fn clamps_to_what_the_headroom_pays_for() {
        // 1000 nano per token; 10_000 fixed; 60_000 headroom leaves 50 tokens.
        let plan = cost(10_000, 1_000_000_000, 1, 4096);
        assert_eq!(grant_output_tokens(&plan, 1, 4096, Some(60_000)), Some(50));
        assert_eq!(grant_output_tokens(&plan, 51, 4096, Some(60_000)), None);
        assert_eq!(grant_output_tokens(&plan, 1, 4096, Some(9_999)), None);
        assert_eq!(grant_output_tokens(&plan, 1, 4096, None), Some(4096));
        assert_eq!(grant_output_tokens(&cost(5, 0, 1, 9), 1, 9, Some(5)), Some(9));
    }

    #[test]
    fn huge_plans_are_capped_into_the_exact_range() {
        let (lo, hi) = token_range(&cost(0, i64::MAX / 2, 0, u32::MAX)).unwrap();
        assert_eq!(lo, 0);
        assert!(cost(0, i64::MAX / 2, 0, u32::MAX).reservation_for(hi).nanos() <= MAX_EXACT_NANOS);
        assert!(token_range(&cost(MAX_EXACT_NANOS, 1_000_000, 1, 1)).is_err());
    }

    proptest! {
        #[test]
        fn the_grant_is_the_largest_that_fits(
            fixed in 0i64..1_000_000, price in 0i64..200_000_000_000, lo in 0u32..5000, span in 0u32..100_000,
            headroom in -10i64..5_000_000_000,
        ) {
            let plan = cost(fixed, price, lo, lo + span);
            match grant_output_tokens(&plan, lo, lo + span, Some(headroom)) {
                Some(g) => {
                    prop_assert!(g >= lo && g <= lo + span);
                    prop_assert!(plan.reservation_for(g).nanos() <= headroom);
                    prop_assert!(g == lo + span || plan.reservation_for(g + 1).nanos() > headroom);
                }
                None => prop_assert!(plan.reservation_for(lo).nanos() > headroom),
            }
        }
    }
}
