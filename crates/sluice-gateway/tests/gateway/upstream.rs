//! Chat and embeddings through a real HTTP provider (the mock upstream): what it is sent, and
//! what the ledger records from what it answers.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_mock_upstream::{Behaviour, MockUpstream, Script};

use crate::harness::chat_body;
use crate::mock_provider::*;

#[tokio::test]
async fn json_chat_reaches_the_mock_with_our_credential_and_is_billed_from_its_usage() {
    let mock = MockUpstream::start(Script::always(Behaviour::ok().with_usage(11, 7))).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let mut body = chat_body(MODEL, "What is a sluice?");
    let extras = json!({
        "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}],
        "response_format": {"type": "json_object"},
        "seed": 42,
        "logit_bias": {"50256": -100},
    });
    for (k, v) in extras.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = gw.chat(&t.secret, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cost_header = res.headers()["x-sluice-cost-usd"].to_str().unwrap().to_owned();
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["choices"][0]["message"]["content"], "Hello from the mock upstream.");
    assert_eq!(answer["usage"]["prompt_tokens"], 11);

    let calls = mock.calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!((call.method.as_str(), call.path.as_str()), ("POST", "/v1/chat/completions"));
    assert_eq!(call.authorization(), Some(format!("Bearer {CREDENTIAL}").as_str()));
    assert!(call.headers.iter().all(|(_, v)| !v.contains(&t.secret)), "the virtual key never reaches the provider");
    assert_eq!(call.body["model"], UPSTREAM_MODEL);
    for (k, v) in extras.as_object().unwrap() {
        assert_eq!(&call.body[k], v, "`{k}` reaches the provider unchanged");
    }

    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!((row.input_tokens, row.output_tokens, row.cost_nano, row.usage_estimated), (11, 7, cost(11, 7), false));
    assert_eq!((row.status.as_str(), row.routed_model.as_deref()), ("ok", Some(MODEL)));
    assert_eq!(cost_header, sluice_domain::Money::from_nanos(cost(11, 7)).to_string());
}

#[tokio::test]
async fn streaming_forces_the_usage_chunk_upstream_and_bills_it() {
    let mock = MockUpstream::start(Script::always(Behaviour::ok().with_usage(5, 9))).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let mut body = chat_body(MODEL, "Stream me");
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": false});
    let res = gw.chat(&t.secret, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let text = stream_text(res).await;
    assert!(text.contains("\"content\":\"mock \""), "{text}");
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    assert!(!text.contains("\"usage\":{"), "the caller did not ask for the usage chunk: {text}");
    assert_eq!(mock.calls()[0].body["stream_options"]["include_usage"], true, "the gateway always asks for usage");

    let row = &gw.ledger_rows(t.key, 1).await[0];
    assert_eq!((row.input_tokens, row.output_tokens, row.cost_nano, row.usage_estimated), (5, 9, cost(5, 9), false));
}

#[tokio::test]
async fn missing_usage_is_estimated_and_flagged() {
    let mock = MockUpstream::start(Script::always(Behaviour::ok().without_usage())).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    assert_eq!(gw.chat(&t.secret, chat_body(MODEL, "json please")).await.status(), StatusCode::OK);
    let mut body = chat_body(MODEL, "stream please");
    body["stream"] = json!(true);
    let text = stream_text(gw.chat(&t.secret, body).await).await;
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    let rows = gw.ledger_rows(t.key, 2).await;
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert!(row.usage_estimated, "{row:?}");
        assert!(row.input_tokens > 0 && row.output_tokens > 0 && row.cost_nano > 0, "{row:?}");
        assert_eq!(row.status, "ok");
    }
}

#[tokio::test]
async fn explicit_zero_usage_costs_nothing_and_is_not_an_estimate() {
    let mock = MockUpstream::start(Script::always(Behaviour::ok().with_usage(0, 0))).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    assert_eq!(gw.chat(&t.secret, chat_body(MODEL, "free?")).await.status(), StatusCode::OK);
    let mut body = chat_body(MODEL, "free stream?");
    body["stream"] = json!(true);
    stream_text(gw.chat(&t.secret, body).await).await;
    let rows = gw.ledger_rows(t.key, 2).await;
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!((row.input_tokens, row.output_tokens, row.cost_nano, row.usage_estimated), (0, 0, 0, false), "{row:?}");
    }
}

#[tokio::test]
async fn embeddings_reach_the_mock_with_their_fields_and_are_billed() {
    let mock = MockUpstream::start(Script::sequence([Behaviour::ok().with_usage(6, 0), Behaviour::ok().without_usage()])).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    gw.mock_models(&mock, &t.secret).await;
    let url = format!("{}/v1/embeddings", gw.base);
    let request = json!({"model": "mock-embed", "input": ["alpha", "beta"], "dimensions": 8, "encoding_format": "float"});
    for _ in 0..2 {
        let res = gw.client.post(&url).bearer_auth(&t.secret).json(&request).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.json::<Value>().await.unwrap()["data"].as_array().unwrap().len(), 2);
    }
    let call = &mock.calls()[0];
    assert_eq!(call.path, "/v1/embeddings");
    assert_eq!(call.authorization(), Some(format!("Bearer {CREDENTIAL}").as_str()));
    assert_eq!(call.body, json!({"model": "upstream-embed-v1", "input": ["alpha", "beta"], "dimensions": 8, "encoding_format": "float"}));
    let mut rows = gw.ledger_rows(t.key, 2).await;
    rows.sort_by_key(|r| r.occurred_at);
    assert_eq!((rows[0].input_tokens, rows[0].cost_nano, rows[0].usage_estimated), (6, cost(6, 0), false));
    assert!(rows[1].usage_estimated && rows[1].input_tokens > 0, "no usage reported: estimated from the inputs");
}

#[tokio::test]
async fn credentials_are_sent_only_when_set_and_openai_requires_one() {
    let mock = MockUpstream::start(Script::default()).await.unwrap();
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    // A local server without a key (Ollama, llama.cpp) gets no Authorization header at all.
    let keyless = gw.provider(NewProvider { kind: "openai_compatible", trust_tier: "local", base_url: mock.base_url(), credential: None }).await;
    gw.model(keyless, "keyless", "llama3", "chat").await;
    // OpenAI itself without a credential is refused before any call.
    let openai = gw.provider(NewProvider { kind: "openai", trust_tier: "local", base_url: mock.base_url(), credential: None }).await;
    gw.model(openai, "no-credential", "gpt-4o-mini", "chat").await;
    gw.wait_for_models(&t.secret, &["keyless"]).await;
    let listed: serde_json::Value = gw.client.get(format!("{}/v1/models", gw.base)).bearer_auth(&t.secret).send().await.unwrap().json().await.unwrap();
    assert!(!listed.to_string().contains("no-credential"), "a model that cannot be called is not offered");

    assert_eq!(gw.chat(&t.secret, chat_body("keyless", "hi")).await.status(), StatusCode::OK);
    let calls = mock.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].authorization(), None);
    // (Until the snapshot has the model it is unknown: 404.)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let status = loop {
        let status = gw.chat(&t.secret, chat_body("no-credential", "hi")).await.status();
        if status != StatusCode::NOT_FOUND || std::time::Instant::now() > deadline {
            break status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(mock.call_count(), 1, "not called without a credential");
}
