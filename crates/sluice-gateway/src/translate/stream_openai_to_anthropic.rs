//! OpenAI chat completion chunks → Anthropic Messages stream events.
//!
//! Anthropic streams a message as numbered content blocks: `message_start`, then per block
//! `content_block_start`, its deltas and `content_block_stop`, then `message_delta` (stop reason
//! and usage) and `message_stop`. OpenAI streams one flat delta per chunk, so this translator
//! keeps the block that is open: text opens a text block, `reasoning_content` (vLLM, DeepSeek
//! and other OpenAI-compatible servers) a thinking block, and every new `tool_calls[].index` a
//! `tool_use` block whose argument fragments become `input_json_delta`s. A change of kind closes
//! the open block, so indexes rise strictly and each block is closed once.
//!
//! OpenAI sends usage in a last chunk after the finish reason (the gateway always asks for it),
//! so `message_delta` is emitted at the clean end of the stream, with the full usage — input
//! tokens included, which the Anthropic SDKs read from there. `message_start` carries zeros: the
//! provider has not counted anything yet at that point. An OpenAI error chunk becomes an
//! Anthropic `error` event and ends the translation: no `message_stop` follows a failure.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{StreamTranslator, fields};
use crate::providers::{SseEvent, TokenUsage};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Text(u32),
    Thinking(u32),
    Tool(u32),
}

impl Block {
    fn index(self) -> u32 {
        match self {
            Self::Text(i) | Self::Thinking(i) | Self::Tool(i) => i,
        }
    }
}

#[derive(Default)]
pub struct OpenAiToAnthropic {
    started: bool,
    open: Option<Block>,
    next_index: u32,
    /// OpenAI `tool_calls[].index` → Anthropic content block index.
    tools: HashMap<u64, u32>,
    finish_reason: Option<String>,
    usage: Option<TokenUsage>,
    /// The model answered with a refusal (OpenAI `delta.refusal`) instead of content.
    refused: bool,
    failed: bool,
}

fn event(kind: &str, data: Value) -> SseEvent {
    SseEvent { event: Some(kind.to_owned()), data: data.to_string() }
}

impl OpenAiToAnthropic {
    fn start(&mut self, chunk: &Value, out: &mut Vec<SseEvent>) {
        if self.started {
            return;
        }
        self.started = true;
        let id = fields::message_id(chunk.get("id").and_then(Value::as_str).unwrap_or(""));
        let message = json!({
            "id": id, "type": "message", "role": "assistant", "model": chunk.get("model").cloned().unwrap_or(Value::Null),
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        });
        out.push(event("message_start", json!({"type": "message_start", "message": message})));
    }

    fn close(&mut self, out: &mut Vec<SseEvent>) {
        if let Some(block) = self.open.take() {
            out.push(event("content_block_stop", json!({"type": "content_block_stop", "index": block.index()})));
        }
    }

    /// Opens a new block (closing the open one) and returns its index.
    fn open(&mut self, content_block: Value, kind: fn(u32) -> Block, out: &mut Vec<SseEvent>) -> u32 {
        self.close(out);
        let index = self.next_index;
        self.next_index += 1;
        self.open = Some(kind(index));
        out.push(event("content_block_start", json!({"type": "content_block_start", "index": index, "content_block": content_block})));
        index
    }

    fn delta(index: u32, delta: Value, out: &mut Vec<SseEvent>) {
        out.push(event("content_block_delta", json!({"type": "content_block_delta", "index": index, "delta": delta})));
    }

    fn on_text(&mut self, text: &str, out: &mut Vec<SseEvent>) {
        let index = match self.open {
            Some(Block::Text(i)) => i,
            _ => self.open(json!({"type": "text", "text": ""}), Block::Text, out),
        };
        Self::delta(index, json!({"type": "text_delta", "text": text}), out);
    }

    fn on_reasoning(&mut self, text: &str, out: &mut Vec<SseEvent>) {
        let index = match self.open {
            Some(Block::Thinking(i)) => i,
            _ => self.open(json!({"type": "thinking", "thinking": "", "signature": ""}), Block::Thinking, out),
        };
        Self::delta(index, json!({"type": "thinking_delta", "thinking": text}), out);
    }

    fn on_tool_call(&mut self, call: &Value, out: &mut Vec<SseEvent>) {
        let key = call.get("index").and_then(Value::as_u64).unwrap_or(0);
        let index = match self.tools.get(&key) {
            Some(i) => *i,
            None => {
                let id = call.get("id").and_then(Value::as_str).map_or_else(|| format!("toolu_{}", self.next_index), str::to_owned);
                let name = call.pointer("/function/name").and_then(Value::as_str).unwrap_or("");
                let index = self.open(json!({"type": "tool_use", "id": id, "name": name, "input": {}}), Block::Tool, out);
                self.tools.insert(key, index);
                index
            }
        };
        // Providers send one call's fragments together; were they to interleave, the fragment
        // still names its own block, which SDKs accumulate by index.
        if let Some(fragment) = call.pointer("/function/arguments").and_then(Value::as_str).filter(|f| !f.is_empty()) {
            Self::delta(index, json!({"type": "input_json_delta", "partial_json": fragment}), out);
        }
    }

    fn on_choice(&mut self, choice: &Value, out: &mut Vec<SseEvent>) {
        let delta = choice.get("delta").unwrap_or(&Value::Null);
        let reasoning = delta.get("reasoning_content").or_else(|| delta.get("reasoning")).and_then(Value::as_str);
        if let Some(text) = reasoning.filter(|t| !t.is_empty()) {
            self.on_reasoning(text, out);
        }
        if let Some(text) = delta.get("content").and_then(Value::as_str).filter(|t| !t.is_empty()) {
            self.on_text(text, out);
        }
        if let Some(text) = delta.get("refusal").and_then(Value::as_str).filter(|t| !t.is_empty()) {
            self.refused = true;
            self.on_text(text, out);
        }
        for call in delta.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
            self.on_tool_call(call, out);
        }
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.finish_reason = Some(reason.to_owned());
            self.close(out);
        }
    }
}

impl StreamTranslator for OpenAiToAnthropic {
    fn translate(&mut self, incoming: SseEvent) -> Vec<SseEvent> {
        let data = incoming.data.trim();
        if self.failed || data == "[DONE]" {
            return Vec::new();
        }
        // Anything that is not a JSON chunk (a keep-alive, a comment) carries nothing to translate.
        let Ok(chunk) = serde_json::from_str::<Value>(data) else { return Vec::new() };
        let mut out = Vec::new();
        if let Some(error) = chunk.get("error").filter(|e| !e.is_null()) {
            self.failed = true;
            let message = error.get("message").and_then(Value::as_str).unwrap_or("The provider reported an error.");
            out.push(event("error", json!({"type": "error", "error": {"type": "api_error", "message": message}})));
            return out;
        }
        self.start(&chunk, &mut out);
        if let Some(usage) = chunk.get("usage").filter(|u| !u.is_null()).and_then(TokenUsage::from_openai) {
            self.usage = Some(usage);
        }
        // Anthropic callers always ask for one choice.
        let first = chunk.get("choices").and_then(Value::as_array).and_then(|c| c.iter().find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0));
        if let Some(choice) = first {
            self.on_choice(choice, &mut out);
        }
        out
    }

    fn finish(&mut self) -> Vec<SseEvent> {
        if self.failed {
            return Vec::new();
        }
        let mut out = Vec::new();
        self.start(&Value::Null, &mut out);
        self.close(&mut out);
        let stop_reason = if self.refused { "refusal" } else { fields::stop_reason_from_openai(self.finish_reason.as_deref()) };
        let usage = fields::anthropic_usage(self.usage.unwrap_or_default());
        out.push(event("message_delta", json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null}, "usage": usage})));
        out.push(event("message_stop", json!({"type": "message_stop"})));
        out
    }
}
