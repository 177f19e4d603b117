//! Translation between dialects, so any surface can reach any provider: the request on the way
//! out, the response (or the stream of events) on the way back. Same dialect on both sides is a
//! passthrough, which keeps every provider-specific feature intact.
//!
//! Across dialects, fields with an equivalent are mapped; what cannot be honoured and would
//! change the answer (several choices, logprobs, server tools, documents…) is refused before the
//! provider is called, with an error naming it; pure sampling hints without an equivalent are
//! dropped. Each direction lives in its own file, and each file's header lists what it maps.
//!
//! Usage is read from the provider's events in its native dialect (`tap`), before translation,
//! so cache and reasoning token counts are not lost on the way.

mod fields;
mod request_to_anthropic;
mod request_to_openai;
mod responses;
mod stream_anthropic_to_openai;
mod stream_openai_to_anthropic;
pub mod tap;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use crate::api::errors::GatewayError;
use crate::dialect::Dialect;
use crate::providers::SseEvent;

/// The request body for a provider of dialect `to`.
pub fn request(body: Map<String, Value>, from: Dialect, to: Dialect) -> Result<Map<String, Value>, GatewayError> {
    match (from, to) {
        (Dialect::Anthropic, Dialect::OpenAi) => request_to_openai::request(body),
        (Dialect::OpenAi, Dialect::Anthropic) => request_to_anthropic::request(body),
        (Dialect::OpenAi, Dialect::OpenAi) | (Dialect::Anthropic, Dialect::Anthropic) => Ok(body),
    }
}

/// A complete response from a provider of dialect `from`, for a caller of dialect `to`.
pub fn response(body: Value, from: Dialect, to: Dialect) -> Value {
    match (from, to) {
        (Dialect::OpenAi, Dialect::Anthropic) => responses::openai_to_anthropic(body),
        (Dialect::Anthropic, Dialect::OpenAi) => responses::anthropic_to_openai(body),
        (Dialect::OpenAi, Dialect::OpenAi) | (Dialect::Anthropic, Dialect::Anthropic) => body,
    }
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
    match (from, to) {
        (Dialect::OpenAi, Dialect::Anthropic) => Box::new(stream_openai_to_anthropic::OpenAiToAnthropic::default()),
        (Dialect::Anthropic, Dialect::OpenAi) => Box::new(stream_anthropic_to_openai::AnthropicToOpenAi::default()),
        (Dialect::OpenAi, Dialect::OpenAi) | (Dialect::Anthropic, Dialect::Anthropic) => Box::new(Passthrough { dialect: to }),
    }
}
