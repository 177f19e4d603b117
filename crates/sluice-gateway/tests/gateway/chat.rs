use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;

#[tokio::test]
async fn a_chat_completion_is_answered_priced_and_recorded_once() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let res = gw.chat(&t.secret, chat_body("demo-small", "Summarise the plot of Hamlet")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    assert_eq!(headers["x-sluice-model"], "demo-small");
    assert_eq!(headers["x-sluice-provider"], "demo");
    assert!(headers.contains_key("x-request-id"));
    assert!(headers["x-sluice-overhead-us"].to_str().unwrap().parse::<u64>().is_ok());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert!(body["choices"][0]["message"]["content"].as_str().unwrap().contains("Hamlet"));
    let usage = &body["usage"];
    let (prompt, completion) = (usage["prompt_tokens"].as_i64().unwrap(), usage["completion_tokens"].as_i64().unwrap());

    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.request_id.to_string(), headers["x-request-id"].to_str().unwrap());
    assert_eq!((row.input_tokens, row.output_tokens, row.status.as_str()), (prompt, completion, "ok"));
    // demo-small: $0.15 / $0.60 per million tokens = 150 / 600 nano-USD per token.
    assert_eq!(row.cost_nano, prompt * 150 + completion * 600);
    assert_eq!(headers["x-sluice-cost-usd"].to_str().unwrap(), sluice_domain::Money::from_nanos(row.cost_nano).to_string());
    assert!(!row.usage_estimated);
}

#[tokio::test]
async fn streaming_passes_chunks_through_and_records_usage() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let mut body = chat_body("demo-frontier", "Write a haiku about rivers");
    body["stream"] = json!(true);
    let res = gw.chat(&t.secret, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut text = String::new();
    let mut stream = res.bytes_stream();
    while let Some(chunk) = stream.next().await {
        text.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
    }
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    assert!(!text.contains("\"usage\":{"), "the usage chunk is not forwarded unless asked for");
    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].output_tokens > 0 && !rows[0].usage_estimated, "{:?}", rows[0]);

    // Asked for: the usage chunk is forwarded.
    let mut body = chat_body("demo-frontier", "again");
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true});
    let text = gw.chat(&t.secret, body).await.text().await.unwrap();
    assert!(text.contains("\"usage\":{"), "{text}");
}

#[tokio::test]
async fn invalid_requests_are_refused_in_openai_shape_and_cost_nothing() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let cases = [
        (json!({"model": "demo-small", "messages": [{"role": "user", "content": "x"}], "api_base": "http://evil"}), StatusCode::BAD_REQUEST, "invalid_request"),
        (json!({"model": "demo-small", "messages": [{"role": "user", "content": "x"}], "n": 99}), StatusCode::BAD_REQUEST, "invalid_request"),
        (json!({"model": "demo-small", "messages": []}), StatusCode::BAD_REQUEST, "invalid_request"),
        (json!({"model": "no-such-model", "messages": [{"role": "user", "content": "x"}]}), StatusCode::NOT_FOUND, "model_not_found"),
        (json!({"model": "demo-embed", "messages": [{"role": "user", "content": "x"}]}), StatusCode::NOT_FOUND, "model_not_found"),
    ];
    for (body, status, code) in cases {
        let res = gw.chat(&t.secret, body.clone()).await;
        assert_eq!(res.status(), status, "{body}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["code"], code, "{err}");
        assert!(err["error"]["message"].is_string() && err["error"]["type"].is_string());
    }
    let big = "x".repeat(5 << 20);
    let res = gw.chat(&t.secret, chat_body("demo-small", &big)).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // None of these was admitted: no ledger row.
    assert!(gw.ledger_rows(t.key, 0).await.is_empty());
}

#[tokio::test]
async fn embeddings_and_models() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let res = gw.client.post(format!("{}/v1/embeddings", gw.base)).bearer_auth(&t.secret).json(&json!({"model": "demo-embed", "input": ["a", "b"]})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    assert_eq!(gw.ledger_rows(t.key, 1).await[0].endpoint, "embeddings");

    let models: Value = gw.client.get(format!("{}/v1/models", gw.base)).bearer_auth(&t.secret).send().await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = models["data"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"demo-small") && ids.contains(&"demo-embed"), "{ids:?}");
    assert!(!ids.contains(&"gpt-4o"), "models of providers without an API key are not offered: {ids:?}");
    // A key scoped to one model sees only that one and may use only that one.
    let (scoped_key, scoped) = gw.key_in(t.org, t.team, &["demo-small".to_owned()]).await;
    gw.settle_config().await;
    let models: Value = gw.client.get(format!("{}/v1/models", gw.base)).bearer_auth(&scoped).send().await.unwrap().json().await.unwrap();
    assert_eq!(models["data"].as_array().unwrap().len(), 1);
    let res = gw.chat(&scoped, chat_body("demo-frontier", "x")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(gw.ledger_rows(scoped_key, 0).await.is_empty());
}

#[tokio::test]
async fn metrics_expose_requests_overhead_and_quota_decisions() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "measure me")).await.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let text = gw.client.get(format!("{}/metrics", gw.base)).send().await.unwrap().text().await.unwrap();
    for name in ["sluice_requests_total", "sluice_gateway_overhead_seconds_bucket", "sluice_ledger_rows_written_total", "sluice_snapshot_loaded_timestamp_seconds"] {
        assert!(text.contains(name), "{name} missing from /metrics:\n{text}");
    }
    // Requests by route and status (a bad key is a 401), quota decisions, and the state gauges.
    let ok = r#"sluice_gateway_http_requests_total{route="/v1/chat/completions",status="200"}"#;
    let refused = r#"sluice_gateway_http_requests_total{route="/v1/chat/completions",status="401"}"#;
    let admitted = r#"sluice_quota_decisions_total{outcome="admitted"}"#;
    let (ok_before, refused_before, admitted_before) = (metric(&gw, ok).await, metric(&gw, refused).await, metric(&gw, admitted).await);
    assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "again")).await.status(), StatusCode::OK);
    assert_eq!(gw.chat("sk-sluice-not-a-key", chat_body("demo-small", "x")).await.status(), StatusCode::UNAUTHORIZED);
    assert!(metric(&gw, ok).await > ok_before);
    assert!(metric(&gw, refused).await > refused_before);
    assert!(metric(&gw, admitted).await > admitted_before);
    let text = gw.client.get(format!("{}/metrics", gw.base)).send().await.unwrap().text().await.unwrap();
    for name in ["sluice_snapshot_age_seconds ", "sluice_outbox_depth ", "sluice_ledger_lag_seconds ", "sluice_requests_in_flight ", "sluice_upstream_errors_total{"] {
        assert!(text.contains(name), "{name} missing from /metrics");
    }
    assert!(!text.contains(&t.secret) && !text.contains(&t.org.to_string()), "no key or org in any label");
}
