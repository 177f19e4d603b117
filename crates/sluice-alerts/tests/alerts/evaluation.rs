//! Alert evaluation over a real ledger at fixed instants: forecast exhaustion and spend anomaly,
//! each raised once per budget, period and kind, and queued for delivery.

use sluice_alerts::evaluate::evaluate_budget;
use sluice_alerts::forecast::budget_forecast;
use sluice_alerts::{Evaluator, Rules};
use sluice_billing::alerting::AnomalyRule;
use sluice_domain::Money;
use sluice_quota::redis_store::RedisQuota;
use sluice_store::Page;
use sluice_store::alerts;

use crate::support::*;

const NO_QUOTA: Option<&RedisQuota> = None;

#[tokio::test]
async fn the_forecast_reads_the_period_and_the_trailing_day_from_the_ledger() {
    let db = db().await;
    let (acme, globex) = (org(&db, "acme").await, org(&db, "globex").await);
    let b = budget(&db, acme, "100", "monthly").await;
    spend(&db, acme, "2026-10-31T23:59:59Z", "500").await; // last period: not counted
    spend(&db, acme, "2026-11-05T00:00:00Z", "60").await; // this period, before the trailing day
    spend(&db, acme, "2026-11-09T12:00:00Z", "7").await; // trailing day
    spend(&db, acme, "2026-11-09T23:30:00Z", "5").await; // trailing day, last hour
    spend(&db, acme, "2026-11-10T00:00:00Z", "1000").await; // at `now`: not yet
    spend(&db, globex, "2026-11-09T12:00:00Z", "999").await; // another tenant
    let mut conn = db.acquire().await.unwrap();
    let f = budget_forecast(&mut conn, &b, at("2026-11-10T00:00:00Z")).await.unwrap();
    assert_eq!(f.spent, Money::from_nanos(usd("72")));
    assert_eq!((f.spend.trailing, f.spend.last_hour), (usd("12"), usd("5")));
    // $12 a day = $0.50 an hour; 28 USD left = 56 h; 21 days remain: 72 + 252 = 324.
    assert_eq!(f.forecast.velocity_per_hour, Money::from_nanos(usd("0.5")));
    assert_eq!(f.forecast.projected_spend, Some(Money::from_nanos(usd("324"))));
    assert_eq!(f.forecast.projected_exhaustion_at, Some(at("2026-11-12T08:00:00Z")));
    assert!(f.forecast.exhausts_before_period_end);
    assert_eq!((f.window.start, f.window.end), (Some(at("2026-11-01T00:00:00Z")), Some(at("2026-12-01T00:00:00Z"))));
    assert_eq!(f.scope_id, acme);
}

#[tokio::test]
async fn forecast_exhaustion_is_raised_once_per_period() {
    let db = db().await;
    let acme = org(&db, "acme").await;
    let b = budget(&db, acme, "100", "monthly").await;
    let quiet = budget(&db, acme, "1000", "weekly").await;
    spend(&db, acme, "2026-11-05T00:00:00Z", "60").await;
    spend(&db, acme, "2026-11-09T12:00:00Z", "12").await;
    let now = at("2026-11-10T00:00:00Z");
    let mut evaluator = Evaluator::new(Rules::default());
    assert_eq!(evaluator.evaluate_all(&db, now, NO_QUOTA).await.unwrap(), 1);
    assert_eq!(evaluator.evaluate_all(&db, now + chrono::TimeDelta::minutes(1), NO_QUOTA).await.unwrap(), 0, "raised once");
    let mut conn = db.acquire().await.unwrap();
    let raised = alerts::list(&mut conn, acme, None, None, Page { after: None, limit: 10 }).await.unwrap();
    assert_eq!(raised.len(), 1);
    let a = &raised[0];
    assert_eq!((a.budget_id, a.kind.as_str(), a.period.as_str(), a.threshold_percent), (b.budget.id, "forecast_exhaustion", "m2026-11", None));
    assert_eq!((a.spent_nano, a.amount_nano), (usd("72"), usd("100")));
    assert_eq!(a.details["velocity_usd_per_hour"], "0.50");
    assert_eq!(a.details["projected_exhaustion_at"], "2026-11-12T08:00:00Z");
    // The weekly $1000 budget (12 USD this week) lasts beyond the week at $0.50 an hour.
    assert!(raised.iter().all(|a| a.budget_id != quiet.budget.id));
    // A new period is a new alert.
    spend(&db, acme, "2026-12-01T12:00:00Z", "90").await;
    assert_eq!(evaluator.evaluate_all(&db, at("2026-12-01T13:00:00Z"), NO_QUOTA).await.unwrap(), 3, "the monthly budget's forecast and anomaly, the weekly's anomaly");
}

#[tokio::test]
async fn a_jump_to_ten_times_the_trailing_hourly_spend_is_an_anomaly() {
    let db = db().await;
    let acme = org(&db, "acme").await;
    let b = budget(&db, acme, "100000", "monthly").await;
    // 23 USD over the 23 hours before the last one: 1 USD an hour.
    for hour in 1..=23 {
        spend(&db, acme, &format!("2026-11-09T{:02}:00:00Z", hour), "1").await;
    }
    spend(&db, acme, "2026-11-10T00:30:00Z", "9.999999999").await;
    let mut conn = db.acquire().await.unwrap();
    let rules = Rules::default();
    let found = evaluate_budget(&mut conn, &b, at("2026-11-10T01:00:00Z"), &rules, NO_QUOTA).await.unwrap();
    assert!(found.is_empty(), "{found:?}");
    spend(&db, acme, "2026-11-10T00:45:00Z", "0.000000001").await;
    let found = evaluate_budget(&mut conn, &b, at("2026-11-10T01:00:00Z"), &rules, NO_QUOTA).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, "spend_anomaly");
    assert_eq!((found[0].details["last_hour_usd"].as_str(), found[0].details["baseline_usd_per_hour"].as_str()), (Some("10.00"), Some("1.00")));
    // The factor and the floor are configurable.
    let strict = Rules { anomaly: AnomalyRule { factor: 20, floor: Money::ZERO }, ..Rules::default() };
    assert!(evaluate_budget(&mut conn, &b, at("2026-11-10T01:00:00Z"), &strict, NO_QUOTA).await.unwrap().is_empty());
    let high_floor = Rules { anomaly: AnomalyRule { factor: 10, floor: Money::from_nanos(usd("10.01")) }, ..Rules::default() };
    assert!(evaluate_budget(&mut conn, &b, at("2026-11-10T01:00:00Z"), &high_floor, NO_QUOTA).await.unwrap().is_empty());
}
