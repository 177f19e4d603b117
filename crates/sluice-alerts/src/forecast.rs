//! A budget's burn-rate forecast from the ledger: the glue between `sluice-store` (the budget,
//! its org's time zone, the spend windows) and `sluice_billing::forecast` (the arithmetic). The
//! admin API, the `sluice billing forecast` command and the alert evaluation all call
//! [`budget_forecast`], so they cannot disagree.

use chrono::{DateTime, TimeDelta, Utc};
use sluice_billing::forecast::{Forecast, ForecastInput, TRAILING_WINDOW, forecast};
use sluice_domain::Money;
use sluice_domain::budget::BudgetPeriod;
use sluice_domain::period::{OrgTimeZone, PeriodWindow};
use sluice_store::Conn;
use sluice_store::budgets::ZonedBudget;
use sluice_store::spend::{self, SpendCuts, SpendTarget, SpendWindows};
use uuid::Uuid;

use crate::AlertsError;

/// What a budget applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Org,
    Team,
    Key,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Org => "org",
            Self::Team => "team",
            Self::Key => "key",
        }
    }
}

#[derive(Debug, Clone)]
pub struct BudgetForecast {
    pub budget_id: Uuid,
    pub org_id: Uuid,
    pub scope: Scope,
    /// The org, team or key id.
    pub scope_id: Uuid,
    pub period: BudgetPeriod,
    pub window: PeriodWindow,
    pub amount: Money,
    pub spent: Money,
    pub forecast: Forecast,
    /// The raw sums the forecast came from (the anomaly rule reuses them).
    pub spend: SpendWindows,
    pub trailing_window: TimeDelta,
}

/// The budget's period and zone, parsed from the stored text.
pub fn period_window(zoned: &ZonedBudget, now: DateTime<Utc>) -> Result<(BudgetPeriod, PeriodWindow), AlertsError> {
    let b = &zoned.budget;
    let period: BudgetPeriod = b.period.parse().map_err(|_| AlertsError::Corrupt(format!("budget {} has period {:?}", b.id, b.period)))?;
    let zone: OrgTimeZone =
        zoned.time_zone.parse().map_err(|_| AlertsError::Corrupt(format!("org {} has time zone {:?}", b.org_id, zoned.time_zone)))?;
    Ok((period, period.window(zone, now)))
}

pub fn spend_target(zoned: &ZonedBudget) -> (Scope, SpendTarget) {
    let b = &zoned.budget;
    let target = SpendTarget { org_id: b.org_id, team_id: b.team_id, key_id: b.key_id };
    let scope = match (b.team_id, b.key_id) {
        (Some(_), _) => Scope::Team,
        (None, Some(_)) => Scope::Key,
        (None, None) => Scope::Org,
    };
    (scope, target)
}

pub async fn budget_forecast(conn: &mut Conn, zoned: &ZonedBudget, now: DateTime<Utc>) -> Result<BudgetForecast, AlertsError> {
    let (period, window) = period_window(zoned, now)?;
    let (scope, target) = spend_target(zoned);
    let cuts = SpendCuts { period_start: window.start, trailing_from: now - TRAILING_WINDOW, last_hour_from: now - TimeDelta::hours(1), until: now };
    let spend = spend::windows(conn, target, cuts).await?;
    let b = &zoned.budget;
    let amount = Money::from_nanos(b.amount_nano);
    let spent = Money::from_nanos(spend.period);
    let input = ForecastInput { now, period_end: window.end, amount, spent, trailing_spend: Money::from_nanos(spend.trailing), window: TRAILING_WINDOW };
    Ok(BudgetForecast {
        budget_id: b.id,
        org_id: b.org_id,
        scope,
        scope_id: b.key_id.or(b.team_id).unwrap_or(b.org_id),
        period,
        window,
        amount,
        spent,
        forecast: forecast(&input),
        spend,
        trailing_window: TRAILING_WINDOW,
    })
}
