//! The OpenAI API as the mock speaks it: chat completions (JSON and SSE, with the usage chunk
//! only when the request asks for it through `stream_options.include_usage`, as OpenAI does)
//! and embeddings.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::HttpResponse;
use serde_json::{Value, json};

use crate::respond;
use crate::script::Behaviour;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn model_of(request: &Value) -> String {
    request.get("model").and_then(Value::as_str).unwrap_or("mock-model").to_owned()
}

pub fn chat(behaviour: &Behaviour, request: &Value) -> HttpResponse {
    let id = format!("chatcmpl-mock-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let model = model_of(request);
    let created = now();
    let usage = respond::usage_json(behaviour.usage);
    if request.get("stream").and_then(Value::as_bool) != Some(true) {
        let mut body = json!({
            "id": id, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": behaviour.reply}, "finish_reason": "stop", "logprobs": null}],
        });
        if let Some(usage) = usage {
            body["usage"] = usage;
        }
        return respond::json_body(behaviour, &body);
    }
    let include_usage = request.pointer("/stream_options/include_usage").and_then(Value::as_bool) == Some(true);
    let chunk = |choices: Value| {
        let mut c = json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": choices});
        if include_usage {
            c["usage"] = Value::Null;
        }
        c.to_string()
    };
    let mut events = vec![chunk(json!([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]))];
    for word in behaviour.reply.split_inclusive(' ') {
        events.push(chunk(json!([{"index": 0, "delta": {"content": word}, "finish_reason": null}])));
    }
    events.push(chunk(json!([{"index": 0, "delta": {}, "finish_reason": "stop"}])));
    if let (true, Some(usage)) = (include_usage, usage) {
        let usage_chunk = json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": [], "usage": usage});
        events.push(usage_chunk.to_string());
    }
    respond::event_stream(behaviour, events)
}

/// Deterministic 8-dimensional vectors, one per input.
pub fn embeddings(behaviour: &Behaviour, request: &Value) -> HttpResponse {
    let inputs: Vec<String> = match request.get("input") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect(),
        _ => Vec::new(),
    };
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut v = [0f64; 8];
            for (j, b) in text.bytes().enumerate() {
                v[j % 8] += f64::from(b) / 255.0;
            }
            json!({"object": "embedding", "index": i, "embedding": v})
        })
        .collect();
    let mut body = json!({"object": "list", "data": data, "model": model_of(request)});
    if let Some(mut usage) = respond::usage_json(behaviour.usage) {
        // Embeddings report input tokens only.
        if let Some(o) = usage.as_object_mut() {
            o.remove("completion_tokens");
            o.remove("prompt_tokens_details");
            o.insert("total_tokens".to_owned(), o.get("prompt_tokens").cloned().unwrap_or(Value::from(0)));
        }
        body["usage"] = usage;
    }
    respond::json_body(behaviour, &body)
}
