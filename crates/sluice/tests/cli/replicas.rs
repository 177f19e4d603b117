//! Two `sluice gateway` processes sharing one Redis and one PostgreSQL: budgets, rate limits and
//! revocation hold across replicas, not per replica.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{Value, json};
use sluice_store::{Db, budgets, keys, models, rate_limits};
use uuid::Uuid;

use sluice_testkit::PrivateRedis;

use crate::harness::*;

/// The budget race of the acceptance suite (L1): $1.00 left, every request reserved and charged
/// exactly $0.05.
const BUDGET_NANO: i64 = 1_000_000_000;
const COST_USD: &str = "0.05";
const COST_NANO: i64 = 50_000_000;
const REQUESTS: usize = 100;

struct Replicas {
    gateways: Vec<(Running, u16)>,
    db: Db,
    redis: PrivateRedis,
    _data: tempfile::TempDir,
}

async fn two_gateways(redis: PrivateRedis) -> Replicas {
    let url = fresh_database().await;
    let data = tempfile::tempdir().unwrap();
    // One gateway migrates first so the two do not race on an empty database.
    let migrate = sluice(&["migrate"]).env("DATABASE_URL", &url).output().unwrap();
    assert!(migrate.status.success());
    let db = Db::connect(&url, 2).await.unwrap();
    // A model without a price on the demo provider: with the ceiling below, every request is
    // reserved and charged exactly $0.05.
    let mut conn = db.acquire().await.unwrap();
    let demo = sluice_store::snapshot::providers(&mut conn).await.unwrap().into_iter().find(|p| p.kind == "demo").unwrap();
    let model = models::NewModel {
        id: Uuid::now_v7(),
        provider_id: demo.id,
        name: "fixed-cost",
        upstream_name: "fixed-cost",
        capability_tier: "small",
        mode: "chat",
        context_window: None,
        max_output_tokens: Some(64),
        enabled: true,
    };
    models::insert(&mut conn, &model).await.unwrap();
    drop(conn);
    let mut gateways = Vec::new();
    for _ in 0..2 {
        let port = free_port();
        let mut cmd = sluice(&["gateway", "--gateway-addr", &format!("127.0.0.1:{port}"), "--data-dir", data.path().to_str().unwrap()]);
        cmd.env("DATABASE_URL", &url).env("REDIS_URL", redis.url()).env("SLUICE_UNPRICED_MODEL_CEILING_USD", COST_USD);
        gateways.push((Running::spawn(cmd), port));
    }
    let client = reqwest::Client::new();
    for (_, port) in &gateways {
        wait_until_ready(&client, &format!("http://127.0.0.1:{port}/readyz")).await;
    }
    Replicas { gateways, db, redis, _data: data }
}

impl Replicas {
    fn url(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}/v1/chat/completions", self.gateways[i].1)
    }

    /// Waits until every gateway answers `expected` for this key.
    async fn wait_until_all(&self, secret: &str, expected: u16) {
        for (_, port) in &self.gateways {
            wait_for_key_status(*port, secret, expected).await;
        }
    }

    fn stop(self) {
        for (running, _) in self.gateways {
            assert!(running.terminate().success());
        }
    }
}

fn chat() -> Value {
    json!({"model": "fixed-cost", "messages": [{"role": "user", "content": "race"}]})
}

#[tokio::test]
async fn budget_race_across_two_gateways_admits_exactly_what_fits() {
    let r = two_gateways(PrivateRedis::start()).await;
    let t = tenant(&r.db).await;
    let mut conn = r.db.acquire().await.unwrap();
    let budget = budgets::NewBudget {
        id: Uuid::now_v7(),
        org_id: t.org,
        team_id: None,
        key_id: Some(t.key),
        amount_nano: BUDGET_NANO,
        period: "total",
        hard: true,
        alert_thresholds: &[],
        on_exhaustion: "block",
    };
    budgets::insert(&mut conn, &budget).await.unwrap();
    drop(conn);
    r.wait_until_all(&t.secret, 200).await;
    // Budget changes reach the snapshot through the same notification as keys.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let client = reqwest::Client::new();
    let calls = (0..REQUESTS).map(|i| client.post(r.url(i % 2)).bearer_auth(&t.secret).json(&chat()).send());
    let statuses: Vec<u16> = join_all(calls).await.into_iter().map(|res| res.unwrap().status().as_u16()).collect();
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 402).count();
    assert_eq!((ok, refused), (20, 80), "statuses: {statuses:?}");

    // Exactly one ledger row per admitted request, summing to the budget, and no reservation
    // left open in Redis.
    let deadline = Instant::now() + Duration::from_secs(10);
    let rows = loop {
        let mut conn = r.db.acquire().await.unwrap();
        let rows = sluice_store::ledger::rows_of_key(&mut conn, t.key).await.unwrap();
        if rows.len() >= ok || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|row| row.cost_nano == COST_NANO));
    assert_eq!(rows.iter().map(|row| row.cost_nano).sum::<i64>(), BUDGET_NANO);
    let open = r.redis.command("KEYS sq1:*:r:*\r\n");
    assert!(open.starts_with("*0"), "open reservations left: {open}");
    r.stop();
}

#[tokio::test]
async fn rate_limits_and_revocation_hold_across_two_gateways() {
    let r = two_gateways(PrivateRedis::start()).await;
    let t = tenant(&r.db).await;
    let mut conn = r.db.acquire().await.unwrap();
    // 60 per minute with the default 10-second burst: 10 at once, then one per second.
    let limits = rate_limits::Limits { rpm: Some(60), tpm: None, max_parallel: None };
    rate_limits::insert(&mut conn, Uuid::now_v7(), t.org, None, Some(t.key), &limits).await.unwrap();
    drop(conn);
    r.wait_until_all(&t.secret, 200).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let client = reqwest::Client::new();
    let started = Instant::now();
    let calls = (0..40).map(|i| client.post(r.url(i % 2)).bearer_auth(&t.secret).json(&chat()).send());
    let statuses: Vec<u16> = join_all(calls).await.into_iter().map(|res| res.unwrap().status().as_u16()).collect();
    let elapsed = started.elapsed().as_secs() as usize;
    let ok = statuses.iter().filter(|s| **s == 200).count();
    // (The /v1/models probes are not rate limited.)
    assert!(ok >= 10 && ok <= 10 + elapsed + 1, "{ok} admitted in {elapsed} s: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 429));

    // Revocation reaches both replicas within 5 s.
    let mut conn = r.db.acquire().await.unwrap();
    keys::revoke(&mut conn, t.org, t.key).await.unwrap();
    let revoked = Instant::now();
    r.wait_until_all(&t.secret, 401).await;
    assert!(revoked.elapsed() < Duration::from_secs(5), "revocation took {:?}", revoked.elapsed());
    r.stop();
}
