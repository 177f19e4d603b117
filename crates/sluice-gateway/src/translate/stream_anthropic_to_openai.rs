//! Anthropic Messages stream events → OpenAI chat completion chunks.
//!
//! `message_start` becomes the chunk that announces the assistant role; text deltas become
//! `content` deltas; each `tool_use` block becomes one entry of `tool_calls` (numbered from 0 in
//! the order the blocks start, as OpenAI numbers them) whose `input_json_delta`s become argument
//! fragments; `message_delta` carries the finish reason. Thinking, signature and citation deltas
//! have no place in a chat completion chunk and are dropped; so are `ping`s.
//!
//! Usage is gathered from `message_start` (input and cache counts) and `message_delta` (the
//! cumulative output count, and input counts when the provider repeats them there); at the clean
//! end the translator emits the usage-only chunk and `[DONE]`. The usage chunk goes to the
//! caller only if it asked (`stream_options.include_usage`); the pipeline filters it otherwise.
//! An Anthropic `error` event becomes an OpenAI error chunk, after which nothing — in
//! particular no `[DONE]` — is sent, so a failure never looks like a complete answer.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::{StreamTranslator, fields};
use crate::providers::{SseEvent, TokenUsage};

pub struct AnthropicToOpenAi {
    id: String,
    model: Value,
    created: i64,
    /// Anthropic content block index → OpenAI `tool_calls[].index`.
    tools: HashMap<u64, usize>,
    usage: Map<String, Value>,
    failed: bool,
}

impl Default for AnthropicToOpenAi {
    fn default() -> Self {
        Self { id: fields::completion_id(""), model: Value::Null, created: chrono::Utc::now().timestamp(), tools: HashMap::new(), usage: Map::new(), failed: false }
    }
}

impl AnthropicToOpenAi {
    fn chunk(&self, delta: Value, finish_reason: Option<&str>) -> SseEvent {
        let data = json!({
            "id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": null}],
        });
        SseEvent { event: None, data: data.to_string() }
    }

    fn merge_usage(&mut self, usage: Option<&Value>) {
        for (k, v) in usage.and_then(Value::as_object).into_iter().flatten() {
            if !v.is_null() {
                self.usage.insert(k.clone(), v.clone());
            }
        }
    }

    fn on_block_start(&mut self, index: u64, block: &Value) -> Option<SseEvent> {
        match block.get("type").and_then(Value::as_str) {
            Some("tool_use") => {
                let position = self.tools.len();
                self.tools.insert(index, position);
                let call = json!({"index": position, "id": block.get("id"), "type": "function", "function": {"name": block.get("name"), "arguments": ""}});
                Some(self.chunk(json!({"tool_calls": [call]}), None))
            }
            Some("text") => block.get("text").and_then(Value::as_str).filter(|t| !t.is_empty()).map(|t| self.chunk(json!({"content": t}), None)),
            _ => None,
        }
    }

    fn on_block_delta(&self, index: u64, delta: &Value) -> Option<SseEvent> {
        match delta.get("type").and_then(Value::as_str) {
            Some("text_delta") => delta.get("text").and_then(Value::as_str).map(|t| self.chunk(json!({"content": t}), None)),
            Some("input_json_delta") => {
                let position = self.tools.get(&index)?;
                let fragment = delta.get("partial_json").and_then(Value::as_str).filter(|f| !f.is_empty())?;
                Some(self.chunk(json!({"tool_calls": [{"index": position, "function": {"arguments": fragment}}]}), None))
            }
            _ => None,
        }
    }
}

impl StreamTranslator for AnthropicToOpenAi {
    fn translate(&mut self, event: SseEvent) -> Vec<SseEvent> {
        if self.failed {
            return Vec::new();
        }
        let Ok(data) = serde_json::from_str::<Value>(&event.data) else { return Vec::new() };
        let kind = data.get("type").and_then(Value::as_str).or(event.event.as_deref()).unwrap_or("");
        let index = data.get("index").and_then(Value::as_u64).unwrap_or(0);
        let out = match kind {
            "message_start" => {
                let message = data.get("message").unwrap_or(&Value::Null);
                if let Some(id) = message.get("id").and_then(Value::as_str) {
                    self.id = fields::completion_id(id);
                }
                self.model = message.get("model").cloned().unwrap_or(Value::Null);
                self.merge_usage(message.get("usage"));
                Some(self.chunk(json!({"role": "assistant", "content": ""}), None))
            }
            "content_block_start" => self.on_block_start(index, data.get("content_block").unwrap_or(&Value::Null)),
            "content_block_delta" => self.on_block_delta(index, data.get("delta").unwrap_or(&Value::Null)),
            "message_delta" => {
                self.merge_usage(data.get("usage"));
                let stop_reason = data.pointer("/delta/stop_reason").and_then(Value::as_str);
                stop_reason.map(|r| self.chunk(json!({}), Some(fields::finish_reason_from_anthropic(Some(r)))))
            }
            "error" => {
                self.failed = true;
                let error = data.get("error").unwrap_or(&Value::Null);
                let message = error.get("message").and_then(Value::as_str).unwrap_or("The provider reported an error.");
                let kind = error.get("type").and_then(Value::as_str).unwrap_or("api_error");
                let body = json!({"error": {"message": message, "type": kind, "param": null, "code": "upstream_error"}});
                Some(SseEvent { event: None, data: body.to_string() })
            }
            _ => None,
        };
        out.into_iter().collect()
    }

    fn finish(&mut self) -> Vec<SseEvent> {
        if self.failed {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let Some(usage) = TokenUsage::from_anthropic(&Value::Object(self.usage.clone())) {
            let data = json!({"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model, "choices": [], "usage": fields::openai_usage(usage)});
            out.push(SseEvent { event: None, data: data.to_string() });
        }
        out.push(SseEvent { event: None, data: "[DONE]".to_owned() });
        out
    }
}
