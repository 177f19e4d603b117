//! Reading usage and delivered text from a provider's stream, in its native dialect.

use serde_json::Value;

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

pub fn for_dialect(dialect: Dialect) -> Box<dyn UsageTap> {
    match dialect {
        Dialect::OpenAi => Box::new(OpenAiTap::default()),
        // Until the Anthropic stream reader lands, count text like OpenAI's deltas would.
        Dialect::Anthropic => Box::new(OpenAiTap::default()),
    }
}

/// True for an OpenAI chunk that only carries usage (empty `choices`): the gateway asked for it,
/// so it is dropped unless the caller asked too.
pub fn is_openai_usage_only(event: &SseEvent) -> bool {
    serde_json::from_str::<Value>(&event.data).is_ok_and(|chunk| {
        chunk.get("choices").and_then(Value::as_array).is_some_and(Vec::is_empty) && chunk.get("usage").is_some_and(|u| !u.is_null())
    })
}
