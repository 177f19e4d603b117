//! Anthropic's Messages API as an upstream (provider kind `anthropic`): `POST
//! {base_url}/v1/messages` with the provider's key in `x-api-key` and a pinned
//! `anthropic-version` (see [`http`]).
//!
//! It shares everything else with the OpenAI-shaped providers: the pooled clients with their
//! SSRF-filtering resolvers, the first-byte and idle timeouts, the retry loop with its budget and
//! `Retry-After`, the circuit breakers, the bounded SSE parser. What stays here is Anthropic's
//! own: the path, `stream` in the body, where usage is found, and how a stream ends.
//!
//! One call here is one attempt; retries and the circuit breaker wrap it (`providers::retry`).

use serde_json::{Map, Value};

use super::http::{self, Prepared};
use super::stream;
use super::upstream::Upstream;
use super::{ChatOutcome, SseEvent, TokenUsage, UpstreamError};
use crate::snapshot::ProviderEntry;

pub fn prepare_chat<'a>(provider: &'a ProviderEntry, body: &Map<String, Value>, streaming: bool) -> Result<Prepared<'a>, UpstreamError> {
    let mut body = body.clone();
    body.insert("stream".to_owned(), Value::Bool(streaming));
    Prepared::new(provider, "v1/messages", &body, streaming)
}

/// Anthropic ends every complete stream with `message_stop` (or reports an `error` event).
fn is_terminal(event: &SseEvent) -> bool {
    matches!(event.event.as_deref(), Some("message_stop" | "error"))
}

/// One chat attempt: the complete response, or the stream once its first event arrived.
pub async fn chat(upstream: &Upstream, prepared: &Prepared<'_>, streaming: bool) -> Result<ChatOutcome, UpstreamError> {
    if streaming {
        let response = http::send(upstream, prepared).await?;
        let events = stream::first_event(stream::events(response, upstream.settings.idle_timeout, Some(is_terminal))).await?;
        return Ok(ChatOutcome::Stream(events));
    }
    let (body, usage) = http::json_with_usage(upstream, prepared).await?;
    Ok(ChatOutcome::Complete { body, usage: usage.as_ref().and_then(TokenUsage::from_anthropic) })
}
