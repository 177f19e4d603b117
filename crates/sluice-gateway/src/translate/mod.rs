//! Translation between dialects, so any surface can reach any provider: the request on the way
//! out, the response (or the stream of events) on the way back. Same dialect on both sides is a
//! passthrough, which keeps every provider-specific feature intact.
//!
//! Usage is read from the provider's events in its native dialect (`tap`), before translation,
//! so cache and reasoning token counts are not lost on the way.

pub mod tap;

use serde_json::{Map, Value};

use crate::api::errors::GatewayError;
use crate::dialect::Dialect;
use crate::providers::SseEvent;

/// The request body for a provider of dialect `to`.
pub fn request(body: Map<String, Value>, from: Dialect, to: Dialect) -> Result<Map<String, Value>, GatewayError> {
    if from == to {
        return Ok(body);
    }
    Err(GatewayError::invalid(format!("This gateway cannot yet translate {from:?} requests for a {to:?} provider."), Some("model")))
}

/// A complete response from a provider of dialect `from`, for a caller of dialect `to`.
pub fn response(body: Value, from: Dialect, to: Dialect) -> Value {
    debug_assert_eq!(from, to, "response translation is only reached after request translation succeeded");
    body
}

/// Turns a provider's events into the caller's. Stateful: a dialect's stream carries context
/// (message ids, content-block indexes) across events.
pub trait StreamTranslator: Send {
    /// Zero or more events for the caller per provider event.
    fn translate(&mut self, event: SseEvent) -> Vec<SseEvent>;
    /// Events owed at a clean end of the provider's stream.
    fn finish(&mut self) -> Vec<SseEvent>;
}

/// Passes events through; an OpenAI stream ends with `[DONE]`, which the gateway sends itself
/// after settling (the provider's own is dropped so it is never sent twice or too early).
struct Passthrough {
    dialect: Dialect,
}

impl StreamTranslator for Passthrough {
    fn translate(&mut self, event: SseEvent) -> Vec<SseEvent> {
        if self.dialect == Dialect::OpenAi && event.data.trim() == "[DONE]" {
            return Vec::new();
        }
        vec![event]
    }

    fn finish(&mut self) -> Vec<SseEvent> {
        match self.dialect {
            Dialect::OpenAi => vec![SseEvent { event: None, data: "[DONE]".to_owned() }],
            Dialect::Anthropic => Vec::new(),
        }
    }
}

pub fn stream_translator(from: Dialect, to: Dialect) -> Box<dyn StreamTranslator> {
    debug_assert_eq!(from, to, "stream translation is only reached after request translation succeeded");
    Box::new(Passthrough { dialect: to })
}
