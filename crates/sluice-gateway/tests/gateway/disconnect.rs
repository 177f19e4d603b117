//! Callers that go away mid-stream: each admitted request still ends as exactly one ledger row,
//! and its concurrency slot is free again.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::json;
use sluice_mock_upstream::{Behaviour, MockUpstream, Script};
use sluice_store::rate_limits;
use uuid::Uuid;

use crate::harness::*;
use crate::mock_provider::*;

/// Streams that would take seconds: one word every 50 ms.
fn slow_stream() -> Script {
    let reply = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen".to_owned();
    Script::always(Behaviour { chunk_interval_ms: 50, reply, ..Behaviour::ok() })
}

#[tokio::test]
async fn disconnects_mid_stream_leave_one_row_each_and_free_their_slots() {
    const PARALLEL: u32 = 3;
    let mock = MockUpstream::start(slow_stream()).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let mut conn = gw.db.acquire().await.unwrap();
    let limits = rate_limits::Limits { rpm: None, tpm: None, max_parallel: Some(PARALLEL as i32) };
    rate_limits::insert(&mut conn, Uuid::now_v7(), t.org, None, Some(t.key), &limits).await.unwrap();
    drop(conn);
    gw.settle_config().await;

    let body = json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": "count"}]});
    for round in 0..3 {
        // Fill every slot, read two chunks of each stream, then hang up.
        let mut streams = Vec::new();
        for _ in 0..PARALLEL {
            let res = gw.chat(&t.secret, body.clone()).await;
            assert_eq!(res.status(), StatusCode::OK, "round {round}: a slot was still taken");
            streams.push(res.bytes_stream());
        }
        assert_eq!(gw.chat(&t.secret, body.clone()).await.status(), StatusCode::TOO_MANY_REQUESTS, "the limit holds");
        for s in &mut streams {
            s.next().await.unwrap().unwrap();
            s.next().await.unwrap().unwrap();
        }
        drop(streams);
        // The guards settle asynchronously once the server notices.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let rows = gw.ledger_rows(t.key, 9).await;
    assert_eq!(rows.len(), 9, "one row per admitted stream");
    for row in &rows {
        assert_eq!(row.status, "client_disconnected", "{row:?}");
        assert!(row.usage_estimated && row.output_tokens >= 1, "billed what was delivered: {row:?}");
    }
}

#[tokio::test]
async fn concurrent_streams_never_spend_more_than_the_budget() {
    // The demo provider honours max_tokens, so every stream's cost is bounded by what it was
    // granted; with and without max_tokens, and with an absurd one.
    let gw = spawn().await;
    let t = gw.tenant().await;
    let mut conn = gw.db.acquire().await.unwrap();
    let budget = 300_000;
    let b = sluice_store::budgets::NewBudget {
        id: Uuid::now_v7(),
        org_id: t.org,
        team_id: None,
        key_id: Some(t.key),
        amount_nano: budget,
        period: "total",
        hard: true,
        alert_thresholds: &[],
        on_exhaustion: "block",
    };
    sluice_store::budgets::insert(&mut conn, &b).await.unwrap();
    drop(conn);
    gw.settle_config().await;
    let bodies = (0..30).map(|i| {
        let mut body = json!({"model": "demo-small", "stream": true, "messages": [{"role": "user", "content": format!("story {i}")}]});
        match i % 3 {
            0 => body["max_tokens"] = json!(50),
            1 => body["max_tokens"] = json!(999_999_999u64),
            _ => {}
        }
        body
    });
    let responses = futures_util::future::join_all(bodies.map(|b| gw.chat(&t.secret, b))).await;
    let mut ok = 0;
    for res in responses {
        if res.status() == StatusCode::OK {
            ok += 1;
            let _ = res.text().await.unwrap();
        } else {
            assert_eq!(res.status(), StatusCode::PAYMENT_REQUIRED);
        }
    }
    let rows = gw.ledger_rows(t.key, ok).await;
    assert_eq!(rows.len(), ok);
    let spent: i64 = rows.iter().map(|r| r.cost_nano).sum();
    assert!(ok > 0 && spent <= budget, "{ok} streams spent {spent} of {budget}");
}
