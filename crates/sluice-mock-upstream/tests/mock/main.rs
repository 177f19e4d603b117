//! The mock upstream over real HTTP: what it answers for each scripted behaviour, and what it
//! records.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use sluice_mock_upstream::{Behaviour, MockUpstream, Script};

fn chat(stream: bool) -> Value {
    json!({"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": stream, "stream_options": {"include_usage": true}})
}

async fn post(mock: &MockUpstream, path: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new().post(format!("{}{path}", mock.base_url())).bearer_auth("sk-upstream").json(body).send().await.unwrap()
}

/// The SSE `data:` payloads of a body, and whether the body ended cleanly.
async fn events(res: reqwest::Response) -> (Vec<String>, bool) {
    let mut text = String::new();
    let mut stream = res.bytes_stream();
    let mut clean = true;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => text.push_str(std::str::from_utf8(&bytes).unwrap()),
            Err(_) => {
                clean = false;
                break;
            }
        }
    }
    (text.split("\n\n").filter_map(|e| e.strip_prefix("data: ")).map(str::to_owned).collect(), clean)
}

#[tokio::test]
async fn json_chat_reports_the_scripted_usage_and_records_the_call() {
    let mock = MockUpstream::start(Script::always(Behaviour::ok().with_usage(7, 0))).await.unwrap();
    let res = post(&mock, "/chat/completions", &chat(false)).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["usage"]["prompt_tokens"], 7);
    assert_eq!(body["usage"]["completion_tokens"], 0, "an explicit zero is sent as zero");
    let calls = mock.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].method.as_str(), calls[0].path.as_str()), ("POST", "/v1/chat/completions"));
    assert_eq!(calls[0].authorization(), Some("Bearer sk-upstream"));
    assert_eq!(calls[0].body, chat(false));
}

#[tokio::test]
async fn streams_end_with_usage_then_done_or_lose_the_usage_chunk() {
    let mock = MockUpstream::start(Script::sequence([Behaviour::ok(), Behaviour::ok().without_usage()])).await.unwrap();
    let (data, clean) = events(post(&mock, "/chat/completions", &chat(true)).await).await;
    assert!(clean);
    assert_eq!(data.last().unwrap(), "[DONE]");
    let usage: Value = serde_json::from_str(&data[data.len() - 2]).unwrap();
    assert_eq!(usage["usage"]["completion_tokens"], 20);
    let (data, _) = events(post(&mock, "/chat/completions", &chat(true)).await).await;
    assert!(data.iter().all(|d| !d.contains("\"usage\":{")), "{data:?}");
}

#[tokio::test]
async fn a_cut_drops_the_connection_after_n_chunks() {
    let mock = MockUpstream::start(Script::always(Behaviour::cut_after(3))).await.unwrap();
    let (data, clean) = events(post(&mock, "/chat/completions", &chat(true)).await).await;
    assert_eq!(data.len(), 3, "{data:?}");
    assert!(!clean, "the body must end in an error, not a clean end");
}

#[tokio::test]
async fn sequences_answer_successive_calls_with_retry_after() {
    let script = Script::sequence([Behaviour::status(429).with_retry_after("1"), Behaviour::status(500).with_message("boom")]);
    let mock = MockUpstream::start(script).await.unwrap();
    let first = post(&mock, "/chat/completions", &chat(false)).await;
    assert_eq!((first.status().as_u16(), first.headers()["retry-after"].to_str().unwrap()), (429, "1"));
    let second = post(&mock, "/chat/completions", &chat(false)).await;
    assert_eq!(second.status(), 500);
    assert_eq!(second.json::<Value>().await.unwrap()["error"]["message"], "boom");
    assert_eq!(post(&mock, "/chat/completions", &chat(false)).await.status(), 200);
}

#[tokio::test]
async fn hangs_and_latency_delay_the_headers() {
    let mock = MockUpstream::start(Script::sequence([Behaviour::hang(), Behaviour { latency_ms: 150, ..Behaviour::ok() }])).await.unwrap();
    let client = reqwest::Client::builder().timeout(Duration::from_millis(200)).build().unwrap();
    let url = format!("{}/chat/completions", mock.base_url());
    let hung = client.post(&url).json(&chat(false)).send().await;
    assert!(hung.unwrap_err().is_timeout());
    let started = Instant::now();
    assert_eq!(client.post(&url).json(&chat(false)).send().await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn embeddings_and_the_control_endpoints() {
    let mock = MockUpstream::start(Script::default()).await.unwrap();
    let control = reqwest::Client::new();
    let base = format!("http://{}", mock.addr());
    let res = control.post(format!("{base}/_mock/script")).json(&json!({"then": {"usage": {"report": {"prompt_tokens": 4, "completion_tokens": 0}}}})).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let body: Value = post(&mock, "/embeddings", &json!({"model": "e", "input": ["a", "b"]})).await.json().await.unwrap();
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    assert_eq!(body["usage"], json!({"prompt_tokens": 4, "total_tokens": 4}));
    let calls: Value = control.get(format!("{base}/_mock/calls")).send().await.unwrap().json().await.unwrap();
    assert_eq!(calls[0]["path"], "/v1/embeddings");
    let res = control.post(format!("{base}/_mock/script")).json(&json!({"steps": [{"statuss": 1}]})).send().await.unwrap();
    assert_eq!(res.status(), 400, "unknown fields are refused");
    control.post(format!("{base}/_mock/reset")).send().await.unwrap();
    assert_eq!(mock.call_count(), 0);
}
