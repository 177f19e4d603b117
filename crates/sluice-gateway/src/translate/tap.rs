//! Reading usage and delivered text from a provider's stream, in its native dialect.
//!
//! OpenAI reports usage once, in a last chunk. Anthropic reports it in two halves: input (and
//! cache) counts in `message_start`, the cumulative output count in `message_delta` — which
//! newer API versions also use to repeat or correct the input counts. The usage is final only
//! once `message_delta` arrived; before that, the delivered text is the estimate.

use serde_json::{Map, Value};

use crate::dialect::Dialect;
use crate::providers::{SseEvent, TokenUsage};
use crate::tokens;

pub trait UsageTap: Send {
    fn observe(&mut self, event: &SseEvent);
    /// The provider's own count, once its usage event has been seen.
    fn usage(&self) -> Option<TokenUsage>;
    /// Our count of the output text delivered so far (for estimates when the stream breaks).
    fn delivered_tokens(&self) -> u32;
}

#[derive(Default)]
struct OpenAiTap {
    usage: Option<TokenUsage>,
    delivered: u32,
}

impl UsageTap for OpenAiTap {
    fn observe(&mut self, event: &SseEvent) {
        let Ok(chunk) = serde_json::from_str::<Value>(&event.data) else { return };
        if let Some(usage) = chunk.get("usage").filter(|u| !u.is_null()).and_then(TokenUsage::from_openai) {
            self.usage = Some(usage);
        }
        for choice in chunk.get("choices").and_then(Value::as_array).into_iter().flatten() {
            if let Some(delta) = choice.get("delta") {
                self.delivered = self.delivered.saturating_add(tokens::count_strings(delta));
            }
        }
    }

    fn usage(&self) -> Option<TokenUsage> {
        self.usage
    }

    fn delivered_tokens(&self) -> u32 {
        self.delivered
    }
}

#[derive(Default)]
struct AnthropicTap {
    /// The usage fields seen so far, later events overriding earlier ones.
    usage: Map<String, Value>,
    final_seen: bool,
    delivered: u32,
}

impl AnthropicTap {
    fn merge(&mut self, usage: Option<&Value>) {
        for (k, v) in usage.and_then(Value::as_object).into_iter().flatten() {
            if !v.is_null() {
                self.usage.insert(k.clone(), v.clone());
            }
        }
    }
}

impl UsageTap for AnthropicTap {
    fn observe(&mut self, event: &SseEvent) {
        let Ok(data) = serde_json::from_str::<Value>(&event.data) else { return };
        match data.get("type").and_then(Value::as_str) {
            Some("message_start") => self.merge(data.pointer("/message/usage")),
            Some("message_delta") => {
                self.merge(data.get("usage"));
                self.final_seen = true;
            }
            Some("content_block_delta") => {
                // Text, thinking and tool arguments are all output the provider bills.
                let delta = data.get("delta").unwrap_or(&Value::Null);
                for field in ["text", "thinking", "partial_json"] {
                    if let Some(text) = delta.get(field).and_then(Value::as_str) {
                        self.delivered = self.delivered.saturating_add(tokens::count_text(text));
                    }
                }
            }
            _ => {}
        }
    }

    fn usage(&self) -> Option<TokenUsage> {
        if !self.final_seen {
            return None;
        }
        TokenUsage::from_anthropic(&Value::Object(self.usage.clone()))
    }

    fn delivered_tokens(&self) -> u32 {
        self.delivered
    }
}

pub fn for_dialect(dialect: Dialect) -> Box<dyn UsageTap> {
    match dialect {
        Dialect::OpenAi => Box::new(OpenAiTap::default()),
        Dialect::Anthropic => Box::new(AnthropicTap::default()),
    }
}

/// True for an OpenAI chunk that only carries usage (empty `choices`): the gateway asked for it,
/// so it is dropped unless the caller asked too.
pub fn is_openai_usage_only(event: &SseEvent) -> bool {
    serde_json::from_str::<Value>(&event.data).is_ok_and(|chunk| {
        chunk.get("choices").and_then(Value::as_array).is_some_and(Vec::is_empty) && chunk.get("usage").is_some_and(|u| !u.is_null())
    })
}
