//! Counter drift against a private redis-server: the counter and the ledger made to disagree,
//! the difference reported exactly, and a `counter_drift` alert once it persists.

use chrono::Utc;
use sluice_alerts::drift::budget_drift;
use sluice_alerts::{Evaluator, Rules};
use sluice_domain::Money;
use sluice_domain::ids::{BudgetId, OrgId};
use sluice_quota::redis_store::{RedisQuota, RedisQuotaConfig};
use sluice_quota::{BudgetCheck, Level, QuotaStore};
use sluice_store::{Page, alerts};
use sluice_testkit::PrivateRedis;

use crate::support::*;

#[tokio::test]
async fn drift_between_the_redis_counter_and_the_ledger_is_reported_exactly() {
    let redis = PrivateRedis::start();
    let quota = RedisQuota::open(&redis.url(), RedisQuotaConfig { timeout: std::time::Duration::from_secs(2), ..RedisQuotaConfig::default() }).unwrap();
    let db = db().await;
    let acme = org(&db, "acme").await;
    let b = budget(&db, acme, "100", "monthly").await;
    let now = Utc::now();
    let window = sluice_domain::budget::BudgetPeriod::Monthly.window(sluice_domain::period::OrgTimeZone::UTC, now);
    // Ledger: 3.25 USD this period (two requests).
    let just_now = (now - chrono::TimeDelta::seconds(5)).to_rfc3339();
    spend(&db, acme, &just_now, "3").await;
    spend(&db, acme, &just_now, "0.25").await;
    // The counter says 5.000000007 USD.
    let check = BudgetCheck {
        level: Level::Org,
        budget_id: BudgetId::from_uuid(b.budget.id),
        period: window.label.clone(),
        amount: Money::from_nanos(usd("100")),
        hard: true,
        period_end: window.end,
    };
    quota.restore_spent(OrgId::from_uuid(acme), &check, Money::from_nanos(usd("5.000000007"))).await.unwrap();

    let tolerance = Money::from_nanos(usd("0.01"));
    let mut conn = db.acquire().await.unwrap();
    let d = budget_drift(&mut conn, &quota, &b, now, tolerance).await.unwrap();
    assert_eq!((d.drift.counter, d.drift.ledger), (Money::from_nanos(usd("5.000000007")), Money::from_nanos(usd("3.25"))));
    assert_eq!(d.drift.difference, Money::from_nanos(usd("1.750000007")));
    assert!(d.drift.exceeds_tolerance);
    assert_eq!(d.period, window.label);
    drop(conn);

    // Raised only when it persists over two evaluations, then once.
    let mut evaluator = Evaluator::new(Rules { drift_tolerance: tolerance, ..Rules::default() });
    evaluator.evaluate_all(&db, now, Some(&quota)).await.unwrap();
    assert_eq!(drift_alerts(&db, acme).await, 0, "a single reading may be outbox lag");
    evaluator.evaluate_all(&db, now, Some(&quota)).await.unwrap();
    evaluator.evaluate_all(&db, now, Some(&quota)).await.unwrap();
    assert_eq!(drift_alerts(&db, acme).await, 1);
    let mut conn = db.acquire().await.unwrap();
    let alert = &alerts::list(&mut conn, acme, None, Some("counter_drift"), Page { after: None, limit: 10 }).await.unwrap()[0];
    assert_eq!(alert.details["difference_usd"], "1.750000007");
    assert_eq!(alert.details["counter_usd"], "5.000000007");
    assert_eq!(alert.details["ledger_usd"], "3.25");

    // Counter and ledger agree: no drift.
    quota.restore_spent(OrgId::from_uuid(acme), &check, Money::from_nanos(usd("3.25"))).await.unwrap();
    let d = budget_drift(&mut conn, &quota, &b, now, Money::ZERO).await.unwrap();
    assert_eq!(d.drift.difference, Money::ZERO);
    assert!(!d.drift.exceeds_tolerance);
}

async fn drift_alerts(db: &sluice_store::Db, org: uuid::Uuid) -> usize {
    let mut conn = db.acquire().await.unwrap();
    alerts::list(&mut conn, org, None, Some("counter_drift"), Page { after: None, limit: 10 }).await.unwrap().len()
}
