//! The built-in demo provider: deterministic, offline, instant. It answers every chat request
//! with a short text derived from the last user message, honours `max_tokens`, `n` and
//! streaming, and reports usage like OpenAI does — so budgets, rate limits, the ledger and the
//! SDKs can all be exercised without a provider account.

use futures_util::stream;
use serde_json::{Value, json};

use super::{ChatCall, ChatOutcome, SseEvent, TokenUsage};
use crate::snapshot::ModelEntry;
use crate::tokens;

/// The reply's words, cut to `max_tokens` tokens.
fn reply_words(call: &ChatCall<'_>, max_tokens: u32) -> Vec<String> {
    let last_user = call
        .body
        .get("messages")
        .and_then(Value::as_array)
        .and_then(|ms| ms.iter().rev().find(|m| m.get("role").and_then(Value::as_str) == Some("user")))
        .map(|m| match m.get("content") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.as_array().map(|parts| parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect::<Vec<_>>().join(" ")).unwrap_or_default(),
            None => String::new(),
        })
        .unwrap_or_default();
    let topic: String = last_user.split_whitespace().take(12).collect::<Vec<_>>().join(" ");
    let text = format!(
        "This is {} from the Sluice demo provider. You asked about: \"{}\". Connect a real provider to get real answers.",
        call.model.name, topic
    );
    let mut words = Vec::new();
    let mut used = 0u32;
    for word in text.split_inclusive(' ') {
        let cost = tokens::count_text(word).max(1);
        if used + cost > max_tokens {
            break;
        }
        used += cost;
        words.push(word.to_owned());
    }
    words
}

fn max_tokens(call: &ChatCall<'_>) -> u32 {
    ["max_completion_tokens", "max_tokens"]
        .iter()
        .find_map(|k| call.body.get(*k).and_then(Value::as_u64))
        .map_or(256, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

pub fn chat(call: &ChatCall<'_>) -> ChatOutcome {
    let n = call.body.get("n").and_then(Value::as_u64).unwrap_or(1).max(1);
    let words = reply_words(call, max_tokens(call));
    let text: String = words.concat();
    let messages = call.body.get("messages").and_then(Value::as_array).cloned().unwrap_or_default();
    let prompt = tokens::count_chat_prompt(&messages, call.body.get("tools"));
    let completion_each = tokens::count_text(&text);
    let completion = completion_each.saturating_mul(u32::try_from(n).unwrap_or(1));
    let usage = TokenUsage { prompt, completion, ..TokenUsage::default() };
    let usage_json = json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion});
    let id = format!("chatcmpl-demo-{}", uuid::Uuid::now_v7().simple());
    let created = chrono::Utc::now().timestamp();
    let model = call.model.name.clone();
    let finish = if completion_each > 0 && words.len() < text.split_inclusive(' ').count() { "length" } else { "stop" };
    if !call.stream {
        let choices: Vec<Value> = (0..n)
            .map(|i| json!({"index": i, "message": {"role": "assistant", "content": text}, "finish_reason": finish, "logprobs": null}))
            .collect();
        let body = json!({"id": id, "object": "chat.completion", "created": created, "model": model, "choices": choices, "usage": usage_json});
        return ChatOutcome::Complete { body: bytes::Bytes::from(body.to_string()), usage: Some(usage) };
    }
    let mut events = Vec::new();
    let chunk = |choices: Value, usage: Value| {
        json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": choices, "usage": usage}).to_string()
    };
    for i in 0..n {
        events.push(chunk(json!([{"index": i, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]), Value::Null));
        for word in &words {
            events.push(chunk(json!([{"index": i, "delta": {"content": word}, "finish_reason": null}]), Value::Null));
        }
        events.push(chunk(json!([{"index": i, "delta": {}, "finish_reason": finish}]), Value::Null));
    }
    events.push(chunk(json!([]), usage_json));
    let stream = stream::iter(events.into_iter().map(|data| Ok(SseEvent { event: None, data })));
    ChatOutcome::Stream(Box::pin(stream))
}

/// Deterministic 16-dimensional vectors derived from the text's bytes.
pub fn embeddings(model: &ModelEntry, inputs: &[String]) -> (Value, TokenUsage) {
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut v = [0f64; 16];
            for (j, b) in text.bytes().enumerate() {
                v[j % 16] += f64::from(b) / 255.0;
            }
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-9);
            json!({"object": "embedding", "index": i, "embedding": v.iter().map(|x| x / norm).collect::<Vec<_>>()})
        })
        .collect();
    let prompt: u32 = inputs.iter().map(|t| tokens::count_text(t)).sum();
    let body = json!({"object": "list", "data": data, "model": model.name, "usage": {"prompt_tokens": prompt, "total_tokens": prompt}});
    (body, TokenUsage { prompt, ..TokenUsage::default() })
}
