//! Budget periods aligned to an organization's time zone.
//!
//! A period is identified by a label derived from the instant and the zone (`d2026-11-29`,
//! `w2026-W48`, `m2026-11`, `total`). Counters are named after that label, so a new period
//! simply starts new counters: there is no reset job that could fail or run twice.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetPeriod {
    Daily,
    Weekly,
    Monthly,
    /// Never resets: a lifetime allowance.
    Total,
}

impl BudgetPeriod {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
            Self::Total => "total",
        }
    }
}

impl fmt::Display for BudgetPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BudgetPeriod {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "daily" => Ok(Self::Daily),
            "weekly" => Ok(Self::Weekly),
            "monthly" => Ok(Self::Monthly),
            "total" => Ok(Self::Total),
            _ => Err(DomainError::new("must be one of daily, weekly, monthly, total")),
        }
    }
}

/// An IANA time-zone name that exists in the bundled zone database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgTimeZone(Tz);

impl OrgTimeZone {
    pub const UTC: OrgTimeZone = OrgTimeZone(Tz::UTC);

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl FromStr for OrgTimeZone {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse::<Tz>()
            .map(Self)
            .map_err(|_| DomainError::new("must be an IANA time zone such as \"Europe/Berlin\" or \"UTC\""))
    }
}

impl fmt::Display for OrgTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The period that contains a given instant: `[start, end)` in UTC and its counter label.
/// `Total` has neither start nor end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodWindow {
    pub label: String,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl BudgetPeriod {
    /// The window of this period containing `at`, with boundaries at local midnight in `zone`
    /// (weeks start on Monday, ISO 8601).
    pub fn window(self, zone: OrgTimeZone, at: DateTime<Utc>) -> PeriodWindow {
        let local = at.with_timezone(&zone.0).date_naive();
        let (first_day, next_first_day, label) = match self {
            Self::Total => {
                return PeriodWindow { label: "total".to_owned(), start: None, end: None };
            }
            Self::Daily => (local, local + Duration::days(1), format!("d{}", local.format("%Y-%m-%d"))),
            Self::Weekly => {
                let monday = local - Duration::days(i64::from(local.weekday().num_days_from_monday()));
                let iso = local.iso_week();
                (monday, monday + Duration::days(7), format!("w{}-W{:02}", iso.year(), iso.week()))
            }
            Self::Monthly => {
                let first = local.with_day(1).unwrap_or(local);
                let next = if first.month() == 12 {
                    NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
                }
                .unwrap_or(first + Duration::days(31));
                (first, next, format!("m{}", first.format("%Y-%m")))
            }
        };
        PeriodWindow {
            label,
            start: Some(local_midnight(zone.0, first_day)),
            end: Some(local_midnight(zone.0, next_first_day)),
        }
    }
}

/// The first instant of `day` in `zone`. Midnight can fall into a DST gap (some zones switch at
/// 00:00); then the day starts at the first valid local time after it.
fn local_midnight(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let mut candidate = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..=24 * 4 {
        match zone.from_local_datetime(&candidate) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(earliest, _) => return earliest.with_timezone(&Utc),
            LocalResult::None => candidate += Duration::minutes(15),
        }
    }
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn zone(name: &str) -> OrgTimeZone {
        name.parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn daily_window_follows_the_org_zone() {
        // 23:30 UTC on the 28th is already the 29th in Berlin.
        let w = BudgetPeriod::Daily.window(zone("Europe/Berlin"), utc("2026-11-28T23:30:00Z"));
        assert_eq!(w.label, "d2026-11-29");
        assert_eq!(w.start, Some(utc("2026-11-28T23:00:00Z")));
        assert_eq!(w.end, Some(utc("2026-11-29T23:00:00Z")));
    }

    #[test]
    fn weekly_window_starts_monday_and_uses_iso_weeks() {
        let w = BudgetPeriod::Weekly.window(OrgTimeZone::UTC, utc("2027-01-01T12:00:00Z"));
        assert_eq!(w.label, "w2026-W53");
        assert_eq!(w.start, Some(utc("2026-12-28T00:00:00Z")));
        assert_eq!(w.end, Some(utc("2027-01-04T00:00:00Z")));
    }

    #[test]
    fn monthly_window_spans_a_dst_change() {
        let w = BudgetPeriod::Monthly.window(zone("America/New_York"), utc("2026-03-15T12:00:00Z"));
        assert_eq!(w.label, "m2026-03");
        assert_eq!(w.start, Some(utc("2026-03-01T05:00:00Z")));
        assert_eq!(w.end, Some(utc("2026-04-01T04:00:00Z")));
    }

    #[test]
    fn total_has_no_boundaries() {
        let w = BudgetPeriod::Total.window(OrgTimeZone::UTC, Utc::now());
        assert_eq!((w.label.as_str(), w.start, w.end), ("total", None, None));
    }

    #[test]
    fn unknown_zones_are_rejected() {
        assert!("Mars/Olympus".parse::<OrgTimeZone>().is_err());
    }

    const ZONES: &[&str] = &["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/Santiago", "Asia/Tehran"];

    proptest! {
        #[test]
        fn every_instant_lies_in_its_window_and_windows_abut(
            secs in 1_600_000_000i64..2_200_000_000,
            zone_index in 0..ZONES.len(),
            period in prop_oneof![Just(BudgetPeriod::Daily), Just(BudgetPeriod::Weekly), Just(BudgetPeriod::Monthly)],
        ) {
            let zone = zone(ZONES[zone_index]);
            let at = DateTime::from_timestamp(secs, 0).unwrap();
            let w = period.window(zone, at);
            let (start, end) = (w.start.unwrap(), w.end.unwrap());
            prop_assert!(start <= at && at < end, "{at} not in [{start}, {end})");
            // The next window starts exactly where this one ends, with a different label.
            let next = period.window(zone, end);
            prop_assert_eq!(next.start, Some(end));
            prop_assert_ne!(next.label, w.label.clone());
            // The instant just before the end still belongs to this window.
            let last = period.window(zone, end - Duration::seconds(1));
            prop_assert_eq!(last.label, w.label);
        }
    }
}
