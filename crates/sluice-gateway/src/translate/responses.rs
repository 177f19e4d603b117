//! Complete (non-streaming) responses across dialects.
//!
//! OpenAI `chat.completion` → Anthropic `message`: the first choice's text becomes a text block
//! (a refusal too, with `stop_reason: refusal`), its `tool_calls` become `tool_use` blocks, the
//! finish reason and usage are mapped (see `fields`). Only the first choice is read: a request
//! for several choices is refused before it reaches the provider.
//!
//! Anthropic `message` → OpenAI `chat.completion`: text blocks are joined into `content`,
//! `tool_use` blocks become `tool_calls` (input as a JSON string). Thinking blocks are dropped —
//! chat completions has no field for them.
//!
//! A response is translated after the provider did (and billed) the work, so translation here
//! never fails: an unexpected shape yields the closest valid response rather than an error.

use serde_json::{Value, json};

use super::fields;
use crate::providers::TokenUsage;

pub fn openai_to_anthropic(body: Value) -> Value {
    let choice = body.pointer("/choices/0").cloned().unwrap_or(Value::Null);
    let message = choice.get("message").unwrap_or(&Value::Null);
    let mut content = Vec::new();
    let text = message.get("content").and_then(Value::as_str).filter(|t| !t.is_empty());
    let refusal = message.get("refusal").and_then(Value::as_str).filter(|t| !t.is_empty());
    if let Some(text) = text.or(refusal) {
        content.push(json!({"type": "text", "text": text}));
    }
    for call in message.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
        let input = fields::tool_input(call.pointer("/function/arguments").and_then(Value::as_str));
        content.push(json!({"type": "tool_use", "id": call.get("id"), "name": call.pointer("/function/name"), "input": input}));
    }
    let stop_reason = if text.is_none() && refusal.is_some() {
        "refusal"
    } else {
        fields::stop_reason_from_openai(choice.get("finish_reason").and_then(Value::as_str))
    };
    let usage = body.get("usage").and_then(TokenUsage::from_openai).unwrap_or_default();
    json!({
        "id": fields::message_id(body.get("id").and_then(Value::as_str).unwrap_or("")),
        "type": "message",
        "role": "assistant",
        "model": body.get("model"),
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": fields::anthropic_usage(usage),
    })
}

pub fn anthropic_to_openai(body: Value) -> Value {
    let mut text = String::new();
    let mut calls = Vec::new();
    for block in body.get("content").and_then(Value::as_array).into_iter().flatten() {
        match block.get("type").and_then(Value::as_str) {
            Some("text") => text.push_str(block.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("tool_use") => {
                let arguments = block.get("input").map_or_else(|| "{}".to_owned(), Value::to_string);
                calls.push(json!({"id": block.get("id"), "type": "function", "function": {"name": block.get("name"), "arguments": arguments}}));
            }
            _ => {}
        }
    }
    let mut message = json!({"role": "assistant", "content": if text.is_empty() && !calls.is_empty() { Value::Null } else { Value::from(text) }});
    if !calls.is_empty() {
        message["tool_calls"] = Value::Array(calls);
    }
    let finish_reason = fields::finish_reason_from_anthropic(body.get("stop_reason").and_then(Value::as_str));
    let usage = body.get("usage").and_then(TokenUsage::from_anthropic).unwrap_or_default();
    json!({
        "id": fields::completion_id(body.get("id").and_then(Value::as_str).unwrap_or("")),
        "object": "chat.completion",
        "created": chrono::Utc::now().timestamp(),
        "model": body.get("model"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": null}],
        "usage": fields::openai_usage(usage),
    })
}
