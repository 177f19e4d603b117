//! OpenAI and OpenAI-compatible providers (vLLM, Ollama, llama.cpp, LM Studio, TGI…):
//! `POST {base_url}/chat/completions` and `POST {base_url}/embeddings`, JSON and SSE, with
//! `Authorization: Bearer <credential>` when the provider has one (`openai` must; a local
//! `openai_compatible` server often has none).
//!
//! The body is already in the OpenAI dialect with the upstream model name and, for streams,
//! `stream_options.include_usage` set, so everything the caller sent — tools, response_format,
//! seed, logprobs, fields newer than this code — reaches the provider unchanged. Usage comes from
//! the provider's `usage` object: an explicit zero stays zero; no usage at all is None, and the
//! pipeline estimates it and flags the ledger row.
//!
//! One call here is one attempt; retries and the circuit breaker wrap it (`providers::retry`).

use serde_json::{Map, Value};

use super::http::{self, Prepared};
use super::stream;
use super::upstream::Upstream;
use super::{ChatOutcome, TokenUsage, UpstreamError};
use crate::snapshot::ProviderEntry;

pub fn prepare_chat<'a>(provider: &'a ProviderEntry, body: &Map<String, Value>, stream: bool) -> Result<Prepared<'a>, UpstreamError> {
    Prepared::new(provider, "chat/completions", body, stream)
}

pub fn prepare_embeddings<'a>(provider: &'a ProviderEntry, body: &Map<String, Value>) -> Result<Prepared<'a>, UpstreamError> {
    Prepared::new(provider, "embeddings", body, false)
}

fn usage_of(body: &Value) -> Option<TokenUsage> {
    body.get("usage").filter(|u| !u.is_null()).and_then(TokenUsage::from_openai)
}

/// One chat attempt: the complete response, or the stream once its first event arrived.
pub async fn chat(upstream: &Upstream, prepared: &Prepared<'_>, streaming: bool) -> Result<ChatOutcome, UpstreamError> {
    if streaming {
        let response = http::send(upstream, prepared).await?;
        let events = stream::first_event(stream::events(response, upstream.settings.idle_timeout, None)).await?;
        return Ok(ChatOutcome::Stream(events));
    }
    let (body, usage) = http::json_with_usage(upstream, prepared).await?;
    Ok(ChatOutcome::Complete { body, usage: usage.as_ref().and_then(TokenUsage::from_openai) })
}

/// One embeddings attempt: the provider's body as is, and its usage if it reported one.
pub async fn embeddings(upstream: &Upstream, prepared: &Prepared<'_>) -> Result<(Value, Option<TokenUsage>), UpstreamError> {
    let body = http::json(upstream, prepared).await?;
    let usage = usage_of(&body);
    Ok((body, usage))
}
