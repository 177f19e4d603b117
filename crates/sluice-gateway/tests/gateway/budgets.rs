use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_store::{budgets, rate_limits};
use uuid::Uuid;

use crate::harness::*;

const BUDGET_NANO: i64 = 1_000_000; // $0.001

async fn key_budget(gw: &TestGateway, t: &Tenant, amount: i64) {
    let mut conn = gw.db.acquire().await.unwrap();
    let b = budgets::NewBudget {
        id: Uuid::now_v7(),
        org_id: t.org,
        team_id: None,
        key_id: Some(t.key),
        amount_nano: amount,
        period: "monthly",
        hard: true,
        alert_thresholds: &[],
        on_exhaustion: "block",
    };
    budgets::insert(&mut conn, &b).await.unwrap();
}

#[tokio::test]
async fn concurrent_requests_never_spend_more_than_the_budget() {
    let gw = start(fresh_db().await, tempfile::tempdir().unwrap(), |c| c.clamp_max_tokens_to_budget = false).await;
    let t = gw.tenant().await;
    key_budget(&gw, &t, BUDGET_NANO).await;
    gw.settle_config().await;
    let body = json!({"model": "demo-small", "max_tokens": 60, "messages": [{"role": "user", "content": "Name three rivers"}]});
    let responses = join_all((0..60).map(|_| gw.chat(&t.secret, body.clone()))).await;
    let ok = responses.iter().filter(|r| r.status() == StatusCode::OK).count();
    let refused: Vec<_> = responses.into_iter().filter(|r| r.status() != StatusCode::OK).collect();
    assert!(ok > 0 && !refused.is_empty(), "the budget admits some and refuses the rest ({ok} admitted)");
    for res in refused {
        assert_eq!(res.status(), StatusCode::PAYMENT_REQUIRED);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["code"], "budget_exceeded");
    }
    let rows = gw.ledger_rows(t.key, ok).await;
    assert_eq!(rows.len(), ok, "exactly one ledger row per admitted request");
    let spent: i64 = rows.iter().map(|r| r.cost_nano).sum();
    assert!(spent <= BUDGET_NANO, "spent {spent} > budget {BUDGET_NANO}");
}

#[tokio::test]
async fn max_tokens_is_clamped_to_what_the_budget_covers() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    key_budget(&gw, &t, 200_000).await;
    gw.settle_config().await;
    // 200,000 nano covers about 330 output tokens at 600 nano each, far below 999,999,999.
    let body = json!({"model": "demo-small", "max_tokens": 999_999_999u64, "messages": [{"role": "user", "content": "Tell me everything"}]});
    let res = gw.chat(&t.secret, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let rows = gw.ledger_rows(t.key, 1).await;
    assert!(rows[0].reserved_nano <= 200_000, "reserved {}", rows[0].reserved_nano);
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let mut conn = gw.db.acquire().await.unwrap();
    let limits = rate_limits::Limits { rpm: Some(6), tpm: None, max_parallel: None };
    rate_limits::insert(&mut conn, Uuid::now_v7(), t.org, None, Some(t.key), &limits).await.unwrap();
    drop(conn);
    gw.settle_config().await;
    // rpm 6 with the default 10 s burst: one request at once, then one every 10 s.
    let first = gw.chat(&t.secret, chat_body("demo-small", "one")).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["x-ratelimit-limit-requests"], "6");
    let second = gw.chat(&t.secret, chat_body("demo-small", "two")).await;
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = second.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&retry), "retry-after {retry}");
    let err: Value = second.json().await.unwrap();
    assert_eq!(err["error"]["code"], "rate_limit_exceeded");
    assert_eq!(gw.ledger_rows(t.key, 1).await.len(), 1);
}

#[tokio::test]
async fn crossing_a_threshold_raises_one_alert() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let mut conn = gw.db.acquire().await.unwrap();
    // A soft budget of 20,000 nano-USD with an alert at 50 %: each demo request costs ~18,000.
    let b = budgets::NewBudget {
        id: Uuid::now_v7(),
        org_id: t.org,
        team_id: None,
        key_id: Some(t.key),
        amount_nano: 20_000,
        period: "daily",
        hard: false,
        alert_thresholds: &[50],
        on_exhaustion: "block",
    };
    let budget = budgets::insert(&mut conn, &b).await.unwrap().id;
    drop(conn);
    gw.settle_config().await;
    // Soft: every request is admitted; the alerts are raised from the second one on, once each.
    for _ in 0..4 {
        assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "hello there")).await.status(), StatusCode::OK);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let alerts = loop {
        let mut conn = gw.db.acquire().await.unwrap();
        let page = sluice_store::Page { after: None, limit: 10 };
        let alerts = sluice_store::alerts::list(&mut conn, t.org, Some(budget), None, page).await.unwrap();
        if alerts.len() >= 2 || std::time::Instant::now() > deadline {
            break alerts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let mut thresholds: Vec<i16> = alerts.iter().filter_map(|a| a.threshold_percent).collect();
    thresholds.sort();
    assert_eq!(thresholds, vec![50, 100], "one alert per threshold, soft budget spent");
    assert!(alerts.iter().all(|a| a.amount_nano == 20_000 && a.spent_nano >= 10_000 && a.kind == "threshold"));
}
