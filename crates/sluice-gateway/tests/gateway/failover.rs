//! Redis unreachable: each org's failure mode applies, and offline spend is replayed once Redis
//! answers again.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use sluice_domain::Money;
use sluice_domain::ids::{BudgetId, OrgId};
use sluice_gateway::QuotaSource;
use sluice_quota::redis_store::{RedisQuota, RedisQuotaConfig};
use sluice_quota::{BudgetCheck, Level, QuotaStore};
use sluice_store::{budgets, orgs};
use sluice_testkit::PrivateRedis;
use uuid::Uuid;

use crate::harness::*;

async fn gateway_on(redis: &PrivateRedis) -> TestGateway {
    // The production timeout: a decision never waits longer than 50 ms for Redis.
    let quota = QuotaSource::redis(redis.url(), RedisQuotaConfig::default()).unwrap();
    start_with_quota(fresh_db().await, tempfile::tempdir().unwrap(), quota, |_| {}).await
}

async fn set_mode(gw: &TestGateway, org: Uuid, mode: &str) {
    let mut conn = gw.db.acquire().await.unwrap();
    let patch = orgs::OrgPatch { name: None, time_zone: None, quota_failure_mode: Some(mode), prompt_logging: None };
    orgs::update(&mut conn, org, &patch).await.unwrap().unwrap();
    drop(conn);
    gw.settle_config().await;
}

async fn key_budget(gw: &TestGateway, t: &Tenant, nanos: i64) -> BudgetId {
    let mut conn = gw.db.acquire().await.unwrap();
    let b = budgets::NewBudget { id: Uuid::now_v7(), org_id: t.org, team_id: None, key_id: Some(t.key), amount_nano: nanos, period: "total", hard: true, alert_thresholds: &[], on_exhaustion: "block" };
    let id = budgets::insert(&mut conn, &b).await.unwrap().id;
    drop(conn);
    gw.settle_config().await;
    BudgetId::from(id)
}

async fn redis_spent(redis: &PrivateRedis, org: Uuid, budget: BudgetId) -> i64 {
    let store = RedisQuota::open(&redis.url(), RedisQuotaConfig { timeout: Duration::from_secs(2), ..RedisQuotaConfig::default() }).unwrap();
    let check = BudgetCheck { level: Level::Key, budget_id: budget, period: "total".into(), amount: Money::from_nanos(1), hard: true, period_end: None };
    store.budget_state(OrgId::from(org), &check).await.unwrap().spent.nanos()
}

#[tokio::test]
async fn deny_refuses_fast_and_calls_no_provider() {
    let mut redis = PrivateRedis::start();
    let gw = gateway_on(&redis).await;
    let t = gw.tenant().await;
    assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "hi")).await.status(), StatusCode::OK);
    redis.kill();
    for _ in 0..5 {
        let started = Instant::now();
        let res = gw.chat(&t.secret, chat_body("demo-small", "hi")).await;
        assert!(started.elapsed() < Duration::from_millis(500), "a decision took {:?}", started.elapsed());
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["code"], "limiter_unavailable");
    }
    assert_eq!(gw.ledger_rows(t.key, 1).await.len(), 1, "refused requests were not admitted");
}

#[tokio::test]
async fn allow_admits_and_replays_the_spend_when_redis_returns() {
    let mut redis = PrivateRedis::start();
    let gw = gateway_on(&redis).await;
    let t = gw.tenant().await;
    set_mode(&gw, t.org, "allow").await;
    let budget = key_budget(&gw, &t, 1_000_000_000).await;
    assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "online")).await.status(), StatusCode::OK);
    redis.kill();
    for _ in 0..3 {
        assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "offline")).await.status(), StatusCode::OK);
    }
    let rows = gw.ledger_rows(t.key, 4).await;
    assert_eq!(rows.len(), 4);
    let offline: i64 = rows.iter().skip(1).map(|r| r.cost_nano).sum();
    // Redis comes back empty; the next decision replays the three offline costs into it.
    redis.restart();
    assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "back")).await.status(), StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let spent = redis_spent(&redis, t.org, budget).await;
        if spent >= offline {
            break;
        }
        assert!(Instant::now() < deadline, "offline spend {offline} not replayed (redis has {spent})");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn local_admits_at_most_the_remaining_budget() {
    let mut redis = PrivateRedis::start();
    let gw = gateway_on(&redis).await;
    let t = gw.tenant().await;
    set_mode(&gw, t.org, "local").await;
    let amount = 120_000;
    key_budget(&gw, &t, amount).await;
    // One decision with Redis up tells the gateway what remains.
    let first = gw.chat(&t.secret, serde_json::json!({"model": "demo-small", "max_tokens": 40, "messages": [{"role": "user", "content": "sync"}]})).await;
    assert_eq!(first.status(), StatusCode::OK);
    redis.kill();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let body = serde_json::json!({"model": "demo-small", "max_tokens": 40, "messages": [{"role": "user", "content": "offline"}]});
        statuses.push(gw.chat(&t.secret, body).await.status().as_u16());
    }
    assert!(statuses.contains(&200) && statuses.contains(&402), "some admitted, then the local share ran out: {statuses:?}");
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let rows = gw.ledger_rows(t.key, 1 + ok).await;
    let spent: i64 = rows.iter().map(|r| r.cost_nano).sum();
    assert!(spent <= amount, "spent {spent} of {amount} across the outage");
}

/// Redis restarted empty: nothing is admitted against blank counters; within a moment the
/// gateway rebuilds them from the ledger, and the budget still counts what was spent.
#[tokio::test]
async fn redis_coming_back_empty_is_rebuilt_from_the_ledger_before_admitting() {
    let mut redis = PrivateRedis::start();
    let gw = gateway_on(&redis).await;
    let t = gw.tenant().await;
    let budget = key_budget(&gw, &t, 1_000_000_000).await;
    for _ in 0..3 {
        assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "before")).await.status(), StatusCode::OK);
    }
    let spent_before: i64 = gw.ledger_rows(t.key, 3).await.iter().map(|r| r.cost_nano).sum();
    redis.restart();
    // The first decisions after the wipe fail closed (deny) until the rebuild has run.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match gw.chat(&t.secret, chat_body("demo-small", "after")).await.status() {
            StatusCode::OK => break,
            StatusCode::SERVICE_UNAVAILABLE => {}
            other => panic!("unexpected {other}"),
        }
        assert!(Instant::now() < deadline, "counters were never rebuilt");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rows = gw.ledger_rows(t.key, 4).await;
    let total: i64 = rows.iter().map(|r| r.cost_nano).sum();
    let deadline = Instant::now() + Duration::from_secs(5);
    while redis_spent(&redis, t.org, budget).await < total {
        assert!(Instant::now() < deadline, "Redis counter below the ledger");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(redis_spent(&redis, t.org, budget).await >= spent_before);
}
