//! Burn-rate forecasts: how fast a budget is being spent, what it will have spent by the end of
//! its period at that rate, and when it would run out.
//!
//! The velocity is the spend of the budget's target (org, team or key) over a trailing window —
//! [`TRAILING_WINDOW`], 24 hours, whatever the budget's period — divided by the window's length.
//! A day smooths out the hour-to-hour noise of interactive traffic and covers a whole working
//! day in every time zone; sudden jumps are the anomaly detector's job ([`crate::alerting`]), not
//! the forecast's. The window is always the full 24 hours, also for a tenant that started
//! spending an hour ago: the forecast then under-states the rate for that first day rather
//! than extrapolating one busy hour across a month.
//!
//! Everything is exact integer arithmetic on nano-USD and whole seconds (in `i128`, so no
//! product overflows): the projection is `spent + trailing × remaining / window` rounded down,
//! and the exhaustion instant is `now + ⌈(amount − spent) × window / trailing⌉` seconds.

use chrono::{DateTime, TimeDelta, Utc};
use sluice_domain::Money;

/// The trailing window the spend velocity is measured over.
pub const TRAILING_WINDOW: TimeDelta = TimeDelta::hours(24);

/// What a forecast is computed from. `spent` is the ledger's spend in the current period;
/// `trailing_spend` the ledger's spend of the same target in `[now − window, now)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastInput {
    pub now: DateTime<Utc>,
    /// End of the current period (exclusive); None for a `total` budget, which never resets.
    pub period_end: Option<DateTime<Utc>>,
    pub amount: Money,
    pub spent: Money,
    pub trailing_spend: Money,
    pub window: TimeDelta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forecast {
    /// Spend per hour over the trailing window, rounded down to the nano-USD.
    pub velocity_per_hour: Money,
    /// Spend at the end of the period at the current velocity; None for `total` budgets.
    pub projected_spend: Option<Money>,
    /// When the spend reaches the amount at the current velocity: `now` when it already has,
    /// None when nothing is being spent.
    pub projected_exhaustion_at: Option<DateTime<Utc>>,
    /// The exhaustion instant lies before the period's end (for `total` budgets, which have no
    /// end: whenever an exhaustion is projected at all).
    pub exhausts_before_period_end: bool,
    /// The period's spend has already reached the amount.
    pub already_exhausted: bool,
}

pub fn forecast(input: &ForecastInput) -> Forecast {
    let window_secs = i128::from(input.window.num_seconds().max(1));
    let trailing = i128::from(input.trailing_spend.nanos().max(0));
    let spent = i128::from(input.spent.nanos());
    let amount = i128::from(input.amount.nanos());
    let velocity_per_hour = clamp_money(trailing * 3600 / window_secs);

    let projected_spend = input.period_end.map(|end| {
        let remaining = i128::from((end - input.now).num_seconds().max(0));
        clamp_money(spent + trailing * remaining / window_secs)
    });

    let already_exhausted = spent >= amount;
    let projected_exhaustion_at = if already_exhausted {
        Some(input.now)
    } else if trailing == 0 {
        None
    } else {
        let seconds = ((amount - spent) * window_secs + trailing - 1) / trailing;
        i64::try_from(seconds).ok().and_then(TimeDelta::try_seconds).and_then(|d| input.now.checked_add_signed(d))
    };
    let exhausts_before_period_end = match (projected_exhaustion_at, input.period_end) {
        (Some(at), Some(end)) => at < end,
        (Some(_), None) => true,
        (None, _) => false,
    };
    Forecast { velocity_per_hour, projected_spend, projected_exhaustion_at, exhausts_before_period_end, already_exhausted }
}

/// Money out of an `i128` product; amounts beyond `i64` nano-USD (9.2 billion USD) saturate.
pub(crate) fn clamp_money(nanos: i128) -> Money {
    Money::from_nanos(i64::try_from(nanos).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn usd(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn input(spent: &str, trailing: &str) -> ForecastInput {
        ForecastInput {
            now: at("2026-11-10T00:00:00Z"),
            period_end: Some(at("2026-12-01T00:00:00Z")),
            amount: usd("100"),
            spent: usd(spent),
            trailing_spend: usd(trailing),
            window: TRAILING_WINDOW,
        }
    }

    #[test]
    fn projects_the_trailing_rate_to_the_period_end() {
        // $2.40 a day = $0.10 an hour; 21 days (504 h) remain: 30 + 50.40 = 80.40.
        let f = forecast(&input("30", "2.40"));
        assert_eq!(f.velocity_per_hour, usd("0.10"));
        assert_eq!(f.projected_spend, Some(usd("80.40")));
        // 70 USD left at $0.10/h = 700 h = 29 days 4 h, after the period's end.
        assert_eq!(f.projected_exhaustion_at, Some(at("2026-12-09T04:00:00Z")));
        assert!(!f.exhausts_before_period_end);
        assert!(!f.already_exhausted);
    }

    #[test]
    fn exhaustion_before_the_end_is_flagged() {
        // $12/day = $0.50/h; 40 USD left = 80 h.
        let f = forecast(&input("60", "12"));
        assert_eq!(f.projected_exhaustion_at, Some(at("2026-11-13T08:00:00Z")));
        assert!(f.exhausts_before_period_end);
        assert_eq!(f.projected_spend, Some(usd("312")));
    }

    #[test]
    fn exhaustion_rounds_up_to_the_next_whole_second() {
        // 1 nano-USD left at 3 nano-USD per day: 28800 s exactly; 2 left: 57600 s.
        let mut i = input("0", "0");
        i.amount = Money::from_nanos(10);
        i.spent = Money::from_nanos(9);
        i.trailing_spend = Money::from_nanos(3);
        assert_eq!(forecast(&i).projected_exhaustion_at, Some(at("2026-11-10T08:00:00Z")));
        // 7 nano-USD per day: ⌈86400 / 7⌉ = 12343 s for the last one; the hourly velocity rounds down to 0.
        i.trailing_spend = Money::from_nanos(7);
        let f = forecast(&i);
        assert_eq!(f.projected_exhaustion_at, Some(at("2026-11-10T00:00:00Z") + TimeDelta::seconds(12343)));
        assert_eq!(f.velocity_per_hour, Money::ZERO);
    }

    #[test]
    fn idle_budgets_never_exhaust() {
        let f = forecast(&input("30", "0"));
        assert_eq!((f.velocity_per_hour, f.projected_spend, f.projected_exhaustion_at), (Money::ZERO, Some(usd("30")), None));
        assert!(!f.exhausts_before_period_end);
    }

    #[test]
    fn a_spent_budget_is_exhausted_now() {
        let f = forecast(&input("100", "0"));
        assert!(f.already_exhausted && f.exhausts_before_period_end);
        assert_eq!(f.projected_exhaustion_at, Some(at("2026-11-10T00:00:00Z")));
    }

    #[test]
    fn total_budgets_have_no_end_to_project_to() {
        let mut i = input("50", "24");
        i.period_end = None;
        let f = forecast(&i);
        assert_eq!(f.projected_spend, None);
        assert_eq!(f.projected_exhaustion_at, Some(at("2026-11-12T02:00:00Z")));
        assert!(f.exhausts_before_period_end);
    }

    #[test]
    fn huge_amounts_do_not_overflow() {
        let mut i = input("0", "0");
        i.amount = Money::from_nanos(i64::MAX);
        i.trailing_spend = Money::from_nanos(1);
        let f = forecast(&i);
        // i64::MAX × 86400 seconds is far beyond chrono's range: no instant, no panic.
        assert_eq!(f.projected_exhaustion_at, None);
        assert!(!f.exhausts_before_period_end);
    }
}
