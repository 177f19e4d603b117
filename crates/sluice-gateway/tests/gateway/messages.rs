//! The Anthropic-compatible surface, end to end against the demo provider (which speaks the
//! OpenAI dialect, so every request here is translated both ways).

use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_store::budgets;
use uuid::Uuid;

use crate::harness::*;

/// demo-small: $0.15 / $0.60 per million tokens = 150 / 600 nano-USD per token.
fn demo_small_cost(input: i64, output: i64) -> i64 {
    input * 150 + output * 600
}

#[tokio::test]
async fn a_message_is_answered_in_anthropic_shape_priced_and_recorded_once_per_request() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let url = format!("{}/v1/messages", gw.base);
    let body = json!({
        "model": "demo-small",
        "max_tokens": 200,
        "system": [{"type": "text", "text": "You summarise plays.", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Summarise the plot of Hamlet"}]}],
        "metadata": {"user_id": "reader-1"},
        "temperature": 0.3,
    });
    let with_x_api_key = gw.client.post(&url).header("x-api-key", &t.secret).header("anthropic-version", "2023-06-01").header("anthropic-beta", "prompt-caching-2024-07-31");
    let with_bearer = gw.client.post(&url).bearer_auth(&t.secret).header("anthropic-version", "2023-06-01");
    let mut answers = Vec::new();
    for request in [with_x_api_key, with_bearer] {
        let res = request.json(&body).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(res.headers()["x-sluice-model"], "demo-small");
        let message: Value = res.json().await.unwrap();
        assert_eq!((message["type"].as_str(), message["role"].as_str()), (Some("message"), Some("assistant")), "{message}");
        assert!(message["id"].as_str().unwrap().starts_with("msg_"));
        assert_eq!(message["content"][0]["type"], "text");
        assert!(message["content"][0]["text"].as_str().unwrap().contains("Hamlet"));
        assert_eq!(message["stop_reason"], "end_turn");
        let usage = &message["usage"];
        let (input, output) = (usage["input_tokens"].as_i64().unwrap(), usage["output_tokens"].as_i64().unwrap());
        assert!(input > 0 && output > 0, "{usage}");
        assert_eq!(usage["cache_read_input_tokens"], 0);
        answers.push((request_id, input, output));
    }
    let rows = gw.ledger_rows(t.key, 2).await;
    assert_eq!(rows.len(), 2);
    for (request_id, input, output) in answers {
        let row = rows.iter().find(|r| r.request_id.to_string() == request_id).expect("a row per request");
        assert_eq!((row.endpoint.as_str(), row.status.as_str(), row.usage_estimated), ("messages", "ok", false));
        assert_eq!((row.input_tokens, row.output_tokens), (input, output));
        assert_eq!(row.cost_nano, demo_small_cost(input, output));
    }
}

/// `(event name, payload)` of every server-sent event in a response body.
fn sse_events(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter(|frame| !frame.trim().is_empty())
        .map(|frame| {
            let name = frame.lines().find_map(|l| l.strip_prefix("event: ")).unwrap_or("").to_owned();
            let data: String = frame.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
            (name, serde_json::from_str(&data).unwrap_or(Value::String(data)))
        })
        .collect()
}

#[tokio::test]
async fn a_streamed_message_is_the_full_anthropic_event_sequence_and_is_recorded() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let mut body = messages_body("demo-frontier", "Write a haiku about rivers");
    body["stream"] = json!(true);
    let res = gw.messages(&t.secret, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let text = res.text().await.unwrap();
    let events = sse_events(&text);
    for (name, data) in &events {
        assert_eq!(Some(name.as_str()), data["type"].as_str(), "event name and payload type agree: {text}");
    }
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    let deltas = names.iter().filter(|n| **n == "content_block_delta").count();
    assert!(deltas >= 1, "{text}");
    let mut expected = vec!["message_start", "content_block_start"];
    expected.extend(std::iter::repeat_n("content_block_delta", deltas));
    expected.extend(["content_block_stop", "message_delta", "message_stop"]);
    assert_eq!(names, expected, "{text}");
    assert!(!text.contains("[DONE]"), "Anthropic streams have no [DONE]");

    let (_, start) = &events[0];
    assert_eq!((start["message"]["role"].as_str(), start["message"]["type"].as_str()), (Some("assistant"), Some("message")));
    assert_eq!(events[1].1["content_block"], json!({"type": "text", "text": ""}));
    let streamed: String = events.iter().filter_map(|(_, d)| d.pointer("/delta/text").and_then(Value::as_str)).collect();
    assert!(streamed.contains("rivers"), "{streamed}");
    assert!(events[2..2 + deltas].iter().all(|(_, d)| d["index"] == 0 && d["delta"]["type"] == "text_delta"));
    let message_delta = &events[events.len() - 2].1;
    assert_eq!(message_delta["delta"]["stop_reason"], "end_turn");
    let (input, output) = (message_delta["usage"]["input_tokens"].as_i64().unwrap(), message_delta["usage"]["output_tokens"].as_i64().unwrap());
    assert!(input > 0 && output > 0, "{message_delta}");

    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!((row.endpoint.as_str(), row.status.as_str(), row.usage_estimated), ("messages", "ok", false));
    assert_eq!((row.input_tokens, row.output_tokens), (input, output));
    // demo-frontier: $2.50 / $10.00 per million tokens.
    assert_eq!(row.cost_nano, input * 2_500 + output * 10_000);
}

async fn assert_anthropic_error(res: reqwest::Response, status: StatusCode, kind: &str) {
    assert_eq!(res.status(), status);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["type"], "error", "{err}");
    assert_eq!(err["error"]["type"], kind, "{err}");
    assert!(err["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{err}");
}

#[tokio::test]
async fn errors_are_answered_in_anthropic_shape_and_cost_nothing() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let url = format!("{}/v1/messages", gw.base);
    let body = messages_body("demo-small", "hi");

    let res = gw.client.post(&url).header("anthropic-version", "2023-06-01").json(&body).send().await.unwrap();
    assert_anthropic_error(res, StatusCode::UNAUTHORIZED, "authentication_error").await;
    let res = gw.client.post(&url).header("x-api-key", "sk-sluice-not-a-real-key").json(&body).send().await.unwrap();
    assert_anthropic_error(res, StatusCode::UNAUTHORIZED, "authentication_error").await;

    assert_anthropic_error(gw.messages(&t.secret, messages_body("claude-nonexistent", "hi")).await, StatusCode::NOT_FOUND, "not_found_error").await;
    let no_max_tokens = json!({"model": "demo-small", "messages": [{"role": "user", "content": "hi"}]});
    assert_anthropic_error(gw.messages(&t.secret, no_max_tokens).await, StatusCode::BAD_REQUEST, "invalid_request_error").await;
    let mut redirected = messages_body("demo-small", "hi");
    redirected["base_url"] = json!("http://169.254.169.254");
    assert_anthropic_error(gw.messages(&t.secret, redirected).await, StatusCode::BAD_REQUEST, "invalid_request_error").await;
    let res = gw.client.post(format!("{url}/count_tokens")).header("x-api-key", &t.secret).json(&body).send().await.unwrap();
    assert_anthropic_error(res, StatusCode::NOT_FOUND, "invalid_request_error").await;
    assert!(gw.ledger_rows(t.key, 0).await.is_empty(), "refused requests have no ledger row");

    // A spent budget: 402, which the Anthropic SDKs do not retry.
    let mut conn = gw.db.acquire().await.unwrap();
    let budget = budgets::NewBudget {
        id: Uuid::now_v7(),
        org_id: t.org,
        team_id: None,
        key_id: Some(t.key),
        amount_nano: 1,
        period: "monthly",
        hard: true,
        alert_thresholds: &[],
        on_exhaustion: "block",
    };
    budgets::insert(&mut conn, &budget).await.unwrap();
    drop(conn);
    gw.settle_config().await;
    assert_anthropic_error(gw.messages(&t.secret, body).await, StatusCode::PAYMENT_REQUIRED, "billing_error").await;
    assert!(gw.ledger_rows(t.key, 0).await.is_empty());
}

#[tokio::test]
async fn a_key_scoped_to_chat_may_not_call_messages() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let (chat_only, secret) = gw.scoped_key(t.org, t.team, &[], &["chat".to_owned()]).await;
    assert_anthropic_error(gw.messages(&secret, messages_body("demo-small", "hi")).await, StatusCode::FORBIDDEN, "permission_error").await;
    assert_eq!(gw.chat(&secret, chat_body("demo-small", "hi")).await.status(), StatusCode::OK);
    let rows = gw.ledger_rows(chat_only, 1).await;
    assert_eq!(rows.iter().map(|r| r.endpoint.as_str()).collect::<Vec<_>>(), ["chat"]);

    // And the other way round: a messages-only key is refused on chat completions, in OpenAI's shape.
    let (_, messages_only) = gw.scoped_key(t.org, t.team, &[], &["messages".to_owned()]).await;
    assert_eq!(gw.messages(&messages_only, messages_body("demo-small", "hi")).await.status(), StatusCode::OK);
    let res = gw.chat(&messages_only, chat_body("demo-small", "hi")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "endpoint_not_allowed");
}
