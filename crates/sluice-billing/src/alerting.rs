//! The rules behind the alerts billing raises besides the gateway's thresholds: a spend anomaly
//! (the last hour's spend is many times the trailing hourly average) and counter drift (the
//! quota store's `spent` counter disagrees with the ledger). Pure decisions on amounts the
//! caller read; the forecast-exhaustion rule is [`crate::forecast::Forecast::exhausts_before_period_end`].

use chrono::TimeDelta;
use sluice_domain::Money;

use crate::forecast::clamp_money;

/// When a jump in spend velocity is an anomaly: the last hour's spend is at least `factor` times
/// the trailing average hourly spend, and at least `floor` in absolute terms — without the floor
/// an idle org spending two cents after a day of one cent would alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnomalyRule {
    pub factor: u32,
    pub floor: Money,
}

impl Default for AnomalyRule {
    fn default() -> Self {
        Self { factor: 10, floor: Money::from_nanos(1_000_000_000) }
    }
}

/// Spend of one budget target: in the last hour, and in the rest of the trailing window before
/// it (`[now − window, now − 1 h)`), so the baseline does not include the spike it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnomalyInput {
    pub last_hour: Money,
    pub before_last_hour: Money,
    pub window: TimeDelta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anomaly {
    pub last_hour: Money,
    /// The trailing average per hour the last hour was compared with (rounded down).
    pub baseline_per_hour: Money,
}

pub fn detect_anomaly(rule: AnomalyRule, input: &AnomalyInput) -> Option<Anomaly> {
    let baseline_secs = i128::from((input.window - TimeDelta::hours(1)).num_seconds().max(1));
    let last_hour = i128::from(input.last_hour.nanos());
    let before = i128::from(input.before_last_hour.nanos().max(0));
    if input.last_hour < rule.floor || last_hour <= 0 {
        return None;
    }
    // last_hour / 1 h ≥ factor × before / baseline, without dividing.
    if last_hour * baseline_secs < i128::from(rule.factor) * before * 3600 {
        return None;
    }
    Some(Anomaly { last_hour: input.last_hour, baseline_per_hour: clamp_money(before * 3600 / baseline_secs) })
}

/// The quota store's counter against the ledger for one budget and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drift {
    pub counter: Money,
    pub ledger: Money,
    /// `counter − ledger`: positive when the counter runs ahead (it blocks requests too early),
    /// negative when it lags (it lets through spend the budget does not cover).
    pub difference: Money,
    /// `|difference|` is above the tolerance.
    pub exceeds_tolerance: bool,
}

pub fn drift(counter: Money, ledger: Money, tolerance: Money) -> Drift {
    let difference = clamp_money(i128::from(counter.nanos()) - i128::from(ledger.nanos()));
    let exceeds_tolerance = i128::from(difference.nanos()).abs() > i128::from(tolerance.nanos());
    Drift { counter, ledger, difference, exceeds_tolerance }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn input(last: &str, before: &str) -> AnomalyInput {
        AnomalyInput { last_hour: usd(last), before_last_hour: usd(before), window: TimeDelta::hours(24) }
    }

    #[test]
    fn ten_times_the_trailing_hourly_average_is_an_anomaly() {
        // 23 USD over the 23 hours before: 1 USD an hour.
        let rule = AnomalyRule::default();
        assert_eq!(detect_anomaly(rule, &input("10", "23")), Some(Anomaly { last_hour: usd("10"), baseline_per_hour: usd("1") }));
        assert_eq!(detect_anomaly(rule, &input("9.999999999", "23")), None);
    }

    #[test]
    fn the_floor_keeps_idle_orgs_quiet() {
        let rule = AnomalyRule::default();
        assert_eq!(detect_anomaly(rule, &input("0.99", "0")), None);
        // From nothing to the floor is an anomaly.
        assert!(detect_anomaly(rule, &input("1", "0")).is_some());
        let strict = AnomalyRule { factor: 3, floor: usd("50") };
        assert_eq!(detect_anomaly(strict, &input("40", "0")), None);
        assert!(detect_anomaly(strict, &input("69", "529")).is_some());
        assert_eq!(detect_anomaly(strict, &input("68.99", "529")), None);
    }

    #[test]
    fn drift_is_signed_and_exact() {
        let d = drift(usd("10.000000001"), usd("10"), Money::ZERO);
        assert_eq!(d.difference, Money::from_nanos(1));
        assert!(d.exceeds_tolerance);
        let d = drift(usd("9.99"), usd("10"), usd("0.01"));
        assert_eq!(d.difference, usd("-0.01"));
        assert!(!d.exceeds_tolerance);
        assert!(drift(usd("9.98"), usd("10"), usd("0.01")).exceeds_tolerance);
    }
}
