//! Provider faults through the mock upstream: retries before the first byte only, Retry-After,
//! the three timeouts, mid-stream cuts, passing on request errors, the circuit breaker, and SSRF
//! refusals at connect time. Each admitted request still yields exactly one ledger row.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_mock_upstream::{Behaviour, MockUpstream, Script};

use crate::harness::{TestGateway, chat_body};
use crate::mock_provider::*;

fn streaming(text: &str) -> Value {
    let mut body = chat_body(MODEL, text);
    body["stream"] = json!(true);
    body
}

async fn error_of(res: reqwest::Response) -> (StatusCode, Value) {
    (res.status(), res.json().await.unwrap())
}

/// The one ledger row of a request that was refused upstream: released, nothing charged.
async fn assert_released(gw: &TestGateway, key: uuid::Uuid) {
    let rows = gw.ledger_rows(key, 1).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].status.as_str(), rows[0].cost_nano, rows[0].output_tokens), ("upstream_error", 0, 0), "{:?}", rows[0]);
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once_and_billed_once() {
    let mock = MockUpstream::start(Script::sequence([Behaviour::status(429).with_retry_after("1")])).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let started = Instant::now();
    assert_eq!(gw.chat(&t.secret, chat_body(MODEL, "retry me")).await.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured");
    assert_eq!(mock.call_count(), 2);
    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].status.as_str(), rows[0].cost_nano), ("ok", cost(10, 20)));
}

#[tokio::test]
async fn three_500s_are_a_502_and_the_reservation_is_released() {
    let mock = MockUpstream::start(Script::always(Behaviour::status(500))).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    // The registry is shared by every test of this binary: compare before and after.
    let series = r#"sluice_upstream_errors_total{provider="openai_compatible",kind="upstream_status"}"#;
    let errors_before = crate::harness::metric(&gw, series).await;
    let (status, err) = error_of(gw.chat(&t.secret, chat_body(MODEL, "fail")).await).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::BAD_GATEWAY, Some("upstream_error")));
    assert_eq!(mock.call_count(), 3, "at most three attempts");
    assert_released(&gw, t.key).await;
    assert!(crate::harness::metric(&gw, series).await >= errors_before + 1.0, "one failed call (after its retries) counted");
}

#[tokio::test]
async fn a_hang_before_the_first_byte_is_a_504_after_the_first_byte_timeout() {
    let mock = MockUpstream::start(Script::always(Behaviour::hang())).await.unwrap();
    let gw = spawn_with(|c| c.upstream.first_byte_timeout = Duration::from_millis(300)).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let started = Instant::now();
    let (status, err) = error_of(gw.chat(&t.secret, streaming("hang")).await).await;
    let elapsed = started.elapsed();
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::GATEWAY_TIMEOUT, Some("upstream_timeout")));
    assert_eq!(mock.call_count(), 3, "a first-byte timeout is retried");
    // Three attempts of 300 ms plus two backoffs of at most 40 ms; the rest is slack for a busy machine.
    assert!(elapsed >= Duration::from_millis(900) && elapsed < Duration::from_millis(2000), "took {elapsed:?}");
    assert_released(&gw, t.key).await;
}

#[tokio::test]
async fn a_cut_mid_stream_ends_in_an_error_event_is_not_retried_and_is_estimated() {
    let mock = MockUpstream::start(Script::always(Behaviour::cut_after(3))).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let res = gw.chat(&t.secret, streaming("cut me")).await;
    assert_eq!(res.status(), StatusCode::OK, "headers went out with the first event");
    let text = stream_text(res).await;
    assert!(text.contains("\"content\":\"Hello \"") && text.contains("\"content\":\"from \""), "{text}");
    assert!(text.contains("event: error\n"), "{text}");
    assert!(!text.contains("[DONE]"), "never a fake end: {text}");
    assert_eq!(mock.call_count(), 1, "no retry once events went out");
    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.status, "upstream_stream_broken");
    assert!(row.usage_estimated && row.output_tokens > 0 && row.cost_nano > 0, "{row:?}");
}

#[tokio::test]
async fn a_stall_mid_stream_hits_the_idle_timeout() {
    let mock = MockUpstream::start(Script::always(Behaviour::stall_after(2))).await.unwrap();
    let gw = spawn_with(|c| c.upstream.idle_timeout = Duration::from_millis(300)).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let started = Instant::now();
    let text = stream_text(gw.chat(&t.secret, streaming("stall")).await).await;
    assert!(text.contains("event: error\n") && !text.contains("[DONE]"), "{text}");
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(mock.call_count(), 1);
    let row = &gw.ledger_rows(t.key, 1).await[0];
    assert!(row.usage_estimated && row.status == "upstream_stream_broken", "{row:?}");
}

#[tokio::test]
async fn a_stream_that_breaks_before_its_first_event_is_retried() {
    let mock = MockUpstream::start(Script::sequence([Behaviour::cut_after(0)])).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let text = stream_text(gw.chat(&t.secret, streaming("again")).await).await;
    assert!(text.ends_with("data: [DONE]\n\n") && !text.contains("event: error"), "{text}");
    assert_eq!(mock.call_count(), 2);
    let row = &gw.ledger_rows(t.key, 1).await[0];
    assert_eq!((row.status.as_str(), row.usage_estimated, row.cost_nano), ("ok", false, cost(10, 20)));
}

#[tokio::test]
async fn an_upstream_400_is_passed_on_with_its_message_and_not_retried() {
    let message = "Invalid schema for function 'lookup': 'object' is not valid under any of the given schemas.";
    let mock = MockUpstream::start(Script::always(Behaviour::status(400).with_message(message))).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let (status, err) = error_of(gw.chat(&t.secret, chat_body(MODEL, "bad tools")).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["error"]["message"].as_str().unwrap().contains(message), "{err}");
    assert_eq!(err["error"]["type"], "invalid_request_error");
    assert_eq!(mock.call_count(), 1);
    assert_released(&gw, t.key).await;
}

#[tokio::test]
async fn an_upstream_401_is_a_502_that_does_not_echo_the_provider_message() {
    let mock = MockUpstream::start(Script::always(Behaviour::status(401).with_message("Incorrect API key provided: sk-upstr*****6789"))).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let (status, err) = error_of(gw.chat(&t.secret, chat_body(MODEL, "who am i")).await).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::BAD_GATEWAY, Some("upstream_error")));
    assert!(!err.to_string().contains("sk-upstr"), "{err}");
    assert_eq!(mock.call_count(), 1, "our credential problem: retrying would not help");
}

#[tokio::test]
async fn the_breaker_opens_after_five_failures_then_probes_after_the_cooldown() {
    let mock = MockUpstream::start(Script::always(Behaviour::status(503))).await.unwrap();
    let gw = spawn_with(|c| {
        c.upstream.max_attempts = 1;
        c.upstream.breaker_cooldown = Duration::from_millis(400);
    })
    .await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    for _ in 0..5 {
        assert_eq!(gw.chat(&t.secret, chat_body(MODEL, "x")).await.status(), StatusCode::BAD_GATEWAY);
    }
    let started = Instant::now();
    let (status, err) = error_of(gw.chat(&t.secret, chat_body(MODEL, "x")).await).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("provider_unavailable")));
    assert!(started.elapsed() < Duration::from_millis(200), "fails fast");
    assert_eq!(mock.call_count(), 5, "the sixth call never reached the provider");

    tokio::time::sleep(Duration::from_millis(450)).await;
    mock.set_script(Script::always(Behaviour::ok()));
    assert_eq!(gw.chat(&t.secret, chat_body(MODEL, "probe")).await.status(), StatusCode::OK);
    assert_eq!(gw.chat(&t.secret, chat_body(MODEL, "closed")).await.status(), StatusCode::OK);
    assert_eq!(mock.call_count(), 7);
    assert_eq!(gw.ledger_rows(t.key, 8).await.len(), 8, "one row per admitted request, refused ones included");
}

#[tokio::test]
async fn an_external_provider_resolving_to_loopback_is_refused_at_connect_time() {
    let mock = MockUpstream::start(Script::default()).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    let port = mock.addr().port();
    // Inserted straight into the store: the admin API would have refused these URLs.
    for (name, base_url) in [("by-name", format!("https://localhost:{port}/v1")), ("by-ip", format!("https://127.0.0.1:{port}/v1"))] {
        let provider = gw.provider(NewProvider { kind: "openai", trust_tier: "external", base_url, credential: Some(CREDENTIAL) }).await;
        gw.model(provider, name, "gpt-4o-mini", "chat").await;
    }
    gw.wait_for_models(&t.secret, &["by-name", "by-ip"]).await;
    for name in ["by-name", "by-ip"] {
        let (status, err) = error_of(gw.chat(&t.secret, chat_body(name, "exfiltrate")).await).await;
        assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("provider_unavailable")), "{name}: {err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("trust tier"), "{err}");
    }
    assert_eq!(mock.call_count(), 0, "no connection was made");
    let rows = gw.ledger_rows(t.key, 2).await;
    assert!(rows.len() == 2 && rows.iter().all(|r| r.status == "upstream_error" && r.cost_nano == 0), "{rows:?}");
}
