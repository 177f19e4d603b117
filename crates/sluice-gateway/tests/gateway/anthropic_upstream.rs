//! The native Anthropic upstream client against a scripted mock on loopback: passthrough for
//! Anthropic callers, translation for OpenAI callers, and what the mock was sent.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_domain::credentials::PlainCredential;
use sluice_domain::ids::ProviderId;
use sluice_store::{models, providers};
use uuid::Uuid;

use crate::harness::*;

const MODEL: &str = "claude-mock";
const UPSTREAM_MODEL: &str = "claude-sonnet-4-5";
const PROVIDER_KEY: &str = "sk-ant-mock-key";

/// What the mock received: headers that matter and the body.
#[derive(Debug, Clone)]
struct Received {
    api_key: Option<String>,
    version: Option<String>,
    beta: Option<String>,
    body: Value,
}

type Log = Arc<Mutex<Vec<Received>>>;

fn message() -> Value {
    json!({
        "id": "msg_mock1", "type": "message", "role": "assistant", "model": UPSTREAM_MODEL,
        "content": [{"type": "text", "text": "Hello from the mock."}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 100, "cache_creation_input_tokens": 200, "cache_read_input_tokens": 1000, "output_tokens": 50}
    })
}

fn stream_events() -> Vec<Value> {
    vec![
        json!({"type": "message_start", "message": {"id": "msg_mock2", "type": "message", "role": "assistant", "model": UPSTREAM_MODEL, "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 100, "cache_creation_input_tokens": 200, "cache_read_input_tokens": 1000, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "ping"}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello from"}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " the mock."}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 50}}),
        json!({"type": "message_stop"}),
    ]
}

async fn mock_messages(req: HttpRequest, body: web::Json<Value>, log: web::Data<Log>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = body.into_inner();
    log.lock().unwrap().push(Received { api_key: header("x-api-key"), version: header("anthropic-version"), beta: header("anthropic-beta"), body: body.clone() });
    if body.pointer("/messages/0/content") == Some(&json!("overload")) {
        return HttpResponse::build(actix_web::http::StatusCode::from_u16(529).unwrap()).json(json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}));
    }
    if body["stream"] == true && body.pointer("/messages/0/content") == Some(&json!("cut")) {
        // Closes cleanly after the deltas, without message_delta and message_stop.
        let sse: String = stream_events()[..5].iter().map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap())).collect();
        return HttpResponse::Ok().content_type("text/event-stream").body(sse);
    }
    if body["stream"] == true {
        let sse: String = stream_events().iter().map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap())).collect();
        return HttpResponse::Ok().content_type("text/event-stream").body(sse);
    }
    HttpResponse::Ok().json(message())
}

/// Starts the mock and registers it as a `local` `anthropic` provider serving `claude-mock`.
async fn mock_provider(gw: &TestGateway, t: &Tenant) -> Log {
    mock_provider_in_tier(gw, t, "local").await
}

/// The same in another trust tier (loopback is only reachable from `local`).
async fn mock_provider_in_tier(gw: &TestGateway, t: &Tenant, trust_tier: &str) -> Log {
    let log: Log = Arc::default();
    let data = web::Data::new(log.clone());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || App::new().app_data(data.clone()).route("/v1/messages", web::post().to(mock_messages))).workers(1).listen(listener).unwrap().run();
    tokio::spawn(server);

    let mut conn = gw.db.acquire().await.unwrap();
    let provider_id = Uuid::now_v7();
    let cipher = cipher();
    let sealed = cipher.seal(ProviderId::from(provider_id), &PlainCredential::new(PROVIDER_KEY.to_owned()).unwrap()).unwrap();
    let base_url = format!("http://127.0.0.1:{port}");
    let provider = providers::NewProvider {
        id: provider_id,
        name: "anthropic-mock",
        kind: "anthropic",
        base_url: &base_url,
        trust_tier,
        region: None,
        retention_days: Some(30),
        trains_on_data: false,
        zero_data_retention: false,
        credentials: Some((&sealed, cipher.key_id())),
        enabled: true,
    };
    providers::insert(&mut conn, &provider).await.unwrap();
    let model = models::NewModel {
        id: Uuid::now_v7(),
        provider_id,
        name: MODEL,
        upstream_name: UPSTREAM_MODEL,
        capability_tier: "large",
        mode: "chat",
        context_window: Some(200_000),
        max_output_tokens: Some(64_000),
        enabled: true,
    };
    let model_id = models::insert(&mut conn, &model).await.unwrap().id;
    // $3 / $15 per million, cache reads $0.30: 3,000 / 15,000 / 300 nano-USD per token.
    let price = models::NewPrice {
        id: Uuid::now_v7(),
        model_id,
        effective_from: None,
        input_nano_per_mtok: 3_000_000_000,
        output_nano_per_mtok: 15_000_000_000,
        cached_input_nano_per_mtok: Some(300_000_000),
        cache_write_nano_per_mtok: Some(3_750_000_000),
    };
    models::insert_price(&mut conn, &price).await.unwrap();
    drop(conn);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let models: Value = gw.client.get(format!("{}/v1/models", gw.base)).bearer_auth(&t.secret).send().await.unwrap().json().await.unwrap();
        if models["data"].as_array().unwrap().iter().any(|m| m["id"] == MODEL) {
            return log;
        }
        assert!(Instant::now() < deadline, "the gateway did not pick up the mock provider");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// 100 uncached + 1,000 cached input tokens and 50 output tokens.
/// Input, cache reads, cache writes ($3.75 per million) and output, each at its own price.
const MOCK_COST_NANO: i64 = 100 * 3_000 + 1_000 * 300 + 200 * 3_750 + 50 * 15_000;

#[tokio::test]
async fn anthropic_callers_reach_an_anthropic_provider_unchanged() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let log = mock_provider(&gw, &t).await;
    let mut body = messages_body(MODEL, "Say hello");
    body["top_k"] = json!(5);
    let res = gw.client.post(format!("{}/v1/messages", gw.base)).header("x-api-key", &t.secret).header("anthropic-beta", "some-beta").json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), message(), "a same-dialect answer passes through as is");

    body["stream"] = json!(true);
    let text = gw.messages(&t.secret, body).await.text().await.unwrap();
    let expected: String = stream_events().iter().map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap())).collect();
    assert_eq!(text, expected);

    let received = log.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    for r in &received {
        assert_eq!((r.api_key.as_deref(), r.version.as_deref(), r.beta.as_deref()), (Some(PROVIDER_KEY), Some("2023-06-01"), None), "the provider's key and pinned version, never the caller's headers");
        assert_eq!((r.body["model"].as_str(), r.body["max_tokens"].as_u64(), r.body["top_k"].as_u64()), (Some(UPSTREAM_MODEL), Some(256), Some(5)));
    }
    let rows = gw.ledger_rows(t.key, 2).await;
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!((row.input_tokens, row.cached_input_tokens, row.cache_write_input_tokens, row.output_tokens, row.usage_estimated), (1_300, 1_000, 200, 50, false));
        assert_eq!((row.endpoint.as_str(), row.cost_nano), ("messages", MOCK_COST_NANO));
    }
}

#[tokio::test]
async fn openai_callers_reach_an_anthropic_provider_translated() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let log = mock_provider(&gw, &t).await;
    let body = json!({"model": MODEL, "max_tokens": 100, "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Say hello"}]});
    let completion: Value = gw.chat(&t.secret, body.clone()).await.json().await.unwrap();
    assert_eq!(completion["object"], "chat.completion");
    assert_eq!(completion["choices"][0]["message"]["content"], "Hello from the mock.");
    assert_eq!(completion["choices"][0]["finish_reason"], "stop");
    assert_eq!(completion["usage"], json!({"prompt_tokens": 1300, "completion_tokens": 50, "total_tokens": 1350, "prompt_tokens_details": {"cached_tokens": 1000}}));

    let mut streamed = body;
    streamed["stream"] = json!(true);
    streamed["stream_options"] = json!({"include_usage": true});
    let text = gw.chat(&t.secret, streamed).await.text().await.unwrap();
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    let chunks: Vec<Value> = text.split("\n\n").filter_map(|f| f.strip_prefix("data: ")).filter_map(|d| serde_json::from_str(d).ok()).collect();
    let content: String = chunks.iter().filter_map(|c| c.pointer("/choices/0/delta/content").and_then(Value::as_str)).collect();
    assert_eq!(content, "Hello from the mock.");
    assert!(chunks.iter().any(|c| c["usage"]["prompt_tokens"] == 1300), "the usage chunk the caller asked for: {text}");

    let received = log.lock().unwrap().clone();
    for r in &received {
        assert_eq!(r.body["system"], "Be terse.");
        assert_eq!(r.body["messages"], json!([{"role": "user", "content": [{"type": "text", "text": "Say hello"}]}]));
        assert_eq!(r.body["max_tokens"], 100);
        assert!(r.body.get("stream_options").is_none());
    }
    let rows = gw.ledger_rows(t.key, 2).await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.endpoint == "chat" && r.cost_nano == MOCK_COST_NANO && !r.usage_estimated), "{rows:?}");
}

#[tokio::test]
async fn a_provider_refusal_is_a_502_in_the_callers_shape_and_costs_nothing() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let log = mock_provider(&gw, &t).await;
    let res = gw.messages(&t.secret, messages_body(MODEL, "overload")).await;
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(log.lock().unwrap().len() > 1, "529 is retried before anything reached the caller (shared retry loop)");
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["type"], "error");
    assert!(err["error"]["message"].as_str().unwrap().contains("Overloaded"), "{err}");
    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!((rows[0].status.as_str(), rows[0].cost_nano), ("upstream_error", 0));
}

#[tokio::test]
async fn an_external_anthropic_provider_cannot_reach_a_loopback_address() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let log = mock_provider_in_tier(&gw, &t, "external").await;
    let res = gw.messages(&t.secret, messages_body(MODEL, "hello")).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let err: Value = res.json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("trust tier may not reach"), "{err}");
    assert!(log.lock().unwrap().is_empty(), "the shared client's resolver refused before connecting");
    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!((rows[0].status.as_str(), rows[0].cost_nano), ("upstream_error", 0));
}

#[tokio::test]
async fn a_stream_closed_before_message_stop_ends_with_an_error_event_not_a_clean_end() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    mock_provider(&gw, &t).await;
    let mut body = messages_body(MODEL, "cut");
    body["stream"] = json!(true);
    let text = gw.messages(&t.secret, body).await.text().await.unwrap();
    assert!(text.contains("Hello from") && text.contains("event: error"), "{text}");
    assert!(!text.contains("message_stop"), "a cut stream must not look whole: {text}");
    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "upstream_stream_broken");
}

#[tokio::test]
async fn a_request_the_provider_dialect_cannot_express_is_refused_and_costs_nothing() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let log = mock_provider(&gw, &t).await;
    let mut body = chat_body(MODEL, "hello");
    body["logprobs"] = json!(true);
    let res = gw.chat(&t.secret, body).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(log.lock().unwrap().is_empty(), "nothing reached the provider");
    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].status.as_str(), rows[0].cost_nano, rows[0].error_code.as_deref()), ("invalid_request", 0, Some("untranslatable_request")));
}
