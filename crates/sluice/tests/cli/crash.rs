//! A gateway killed with SIGKILL while streams are in flight: after a restart, every admitted
//! request has exactly one ledger row and the shared counters equal the ledger.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;
use sluice_domain::virtual_key::VirtualKeySecret;
use sluice_mock_upstream::{Behaviour, MockUpstream, Script};
use sluice_store::{Db, budgets, keys, ledger, models, orgs, providers, teams};
use sluice_testkit::PrivateRedis;
use uuid::Uuid;

use crate::harness::*;

const STREAMS: usize = 5;
const BUDGET_NANO: i64 = 1_000_000_000;

fn gateway(url: &str, redis: &PrivateRedis, data: &std::path::Path, port: u16) -> Running {
    let mut cmd = sluice(&["gateway", "--gateway-addr", &format!("127.0.0.1:{port}"), "--data-dir", data.to_str().unwrap()]);
    cmd.env("DATABASE_URL", url).env("REDIS_URL", redis.url());
    Running::spawn(cmd)
}

async fn setup(db: &Db, mock: &MockUpstream) -> (Uuid, String) {
    let mut conn = db.acquire().await.unwrap();
    let provider = providers::NewProvider {
        id: Uuid::now_v7(),
        name: "mock",
        kind: "openai_compatible",
        base_url: &mock.base_url(),
        trust_tier: "local",
        region: None,
        retention_days: None,
        trains_on_data: false,
        zero_data_retention: true,
        credentials: None,
        enabled: true,
    };
    let provider = providers::insert(&mut conn, &provider).await.unwrap().id;
    let model = models::NewModel {
        id: Uuid::now_v7(),
        provider_id: provider,
        name: "slow",
        upstream_name: "slow-v1",
        capability_tier: "small",
        mode: "chat",
        context_window: None,
        max_output_tokens: Some(200),
        enabled: true,
    };
    let model = models::insert(&mut conn, &model).await.unwrap().id;
    let price = models::NewPrice {
        id: Uuid::now_v7(),
        model_id: model,
        effective_from: None,
        input_nano_per_mtok: 1_000_000_000,
        output_nano_per_mtok: 2_000_000_000,
        cached_input_nano_per_mtok: None,
        cache_write_nano_per_mtok: None,
    };
    models::insert_price(&mut conn, &price).await.unwrap();
    let org = orgs::insert(&mut conn, &orgs::NewOrg { id: Uuid::now_v7(), name: "Acme", slug: "acme", time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false }).await.unwrap().id;
    let team = teams::insert(&mut conn, Uuid::now_v7(), org, "core", "core").await.unwrap().id;
    let secret = VirtualKeySecret::generate().unwrap();
    let metadata = json!({});
    let new = keys::NewKey { id: Uuid::now_v7(), org_id: org, team_id: team, user_id: None, name: "crash", allowed_models: &[], allowed_endpoints: &[], metadata: &metadata, expires_at: None, created_by: None };
    let stored = keys::NewSecret { id: Uuid::now_v7(), hash: &secret.hash().0, display_prefix: &secret.display_prefix(), last4: &secret.last4() };
    let key = keys::insert(&mut conn, &new, &stored).await.unwrap().id;
    let budget = budgets::NewBudget { id: Uuid::now_v7(), org_id: org, team_id: None, key_id: Some(key), amount_nano: BUDGET_NANO, period: "total", hard: true, alert_thresholds: &[], on_exhaustion: "block" };
    budgets::insert(&mut conn, &budget).await.unwrap();
    (key, secret.expose().to_owned())
}

#[tokio::test]
async fn sigkill_with_streams_in_flight_leaves_one_row_per_request_after_restart() {
    let redis = PrivateRedis::start();
    let url = fresh_database().await;
    assert!(sluice(&["migrate"]).env("DATABASE_URL", &url).output().unwrap().status.success());
    let db = Db::connect(&url, 2).await.unwrap();
    // Each stream would take 3 s: a word every 100 ms.
    let reply = (0..30).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    let mock = MockUpstream::start(Script::always(Behaviour { chunk_interval_ms: 100, reply, ..Behaviour::ok() })).await.unwrap();
    let (key, secret) = setup(&db, &mock).await;
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let first = gateway(&url, &redis, data.path(), port);
    let client = reqwest::Client::new();
    wait_until_ready(&client, &format!("http://127.0.0.1:{port}/readyz")).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !client.get(format!("http://127.0.0.1:{port}/v1/models")).bearer_auth(&secret).send().await.unwrap().text().await.unwrap().contains("slow") {
        assert!(Instant::now() < deadline, "model never visible");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let body = json!({"model": "slow", "stream": true, "messages": [{"role": "user", "content": "go"}]});
    let mut streams = Vec::new();
    for _ in 0..STREAMS {
        let res = client.post(format!("http://127.0.0.1:{port}/v1/chat/completions")).bearer_auth(&secret).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let mut stream = res.bytes_stream();
        stream.next().await.unwrap().unwrap();
        streams.push(stream);
    }
    first.kill9();
    drop(streams);
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(ledger::rows_of_key(&mut conn, key).await.unwrap().len(), 0, "the killed gateway wrote no rows");

    // Restart on the same data directory: recovery replays the outbox.
    let second = gateway(&url, &redis, data.path(), port);
    wait_until_ready(&client, &format!("http://127.0.0.1:{port}/readyz")).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let rows = loop {
        let rows = ledger::rows_of_key(&mut conn, key).await.unwrap();
        if rows.len() >= STREAMS || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(rows.len(), STREAMS, "exactly one row per admitted request");
    assert!(rows.iter().all(|r| r.status == "interrupted" && r.cost_nano == r.reserved_nano && r.cost_nano > 0), "{rows:?}");
    // The reservations are closed in Redis and its counter equals the ledger.
    let open = redis.command("KEYS sq1:*:r:*\r\n");
    assert!(open.starts_with("*0"), "open reservations: {open}");
    let spent_keys = redis.command("KEYS sq1:*:b:*\r\n");
    assert!(!spent_keys.starts_with("*0"), "the budget counter exists");
    let ledger_sum: i64 = rows.iter().map(|r| r.cost_nano).sum();
    let budget_key = spent_keys.lines().find(|l| l.starts_with("sq1:")).unwrap().to_owned();
    let spent = redis.command(&format!("HGET {budget_key} spent\r\n"));
    assert_eq!(spent.lines().nth(1).unwrap().parse::<i64>().unwrap(), ledger_sum, "counter == ledger");
    assert!(second.terminate().success());
}
