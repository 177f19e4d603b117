//! Upstream providers, one folder each. A provider turns a chat or embeddings request (already
//! routed, priced and admitted) into a complete response or a stream of SSE events, and reports
//! the usage the provider counted, if any.
//!
//! Every real provider call goes through the shared [`upstream::Upstream`] (pooled clients with
//! SSRF-filtering resolvers, timeouts, per-model circuit breakers, the global retry budget) and
//! the retry loop in [`retry`], which only ever repeats an attempt before anything reached the
//! caller.

pub mod anthropic;
pub mod breaker;
pub mod demo;
mod http;
pub mod openai;
pub mod retry;
pub mod retry_budget;
pub mod sse;
pub mod sse_parse;
pub mod ssrf;
mod stream;
pub mod upstream;
pub mod usage;

pub use sse_parse::SseEvent;
pub use usage::TokenUsage;

use std::pin::Pin;

use futures_util::Stream;
use serde_json::{Map, Value};

use crate::snapshot::ModelEntry;

pub type EventStream = Pin<Box<dyn Stream<Item = Result<SseEvent, UpstreamError>> + Send>>;

/// A provider's answer, in its native dialect.
pub enum ChatOutcome {
    /// A complete response — the provider's JSON bytes, parsed only if they must be translated or
    /// counted — and the usage the provider reported (None if it reported none).
    Complete { body: bytes::Bytes, usage: Option<TokenUsage> },
    /// The provider's events as they arrive.
    Stream(EventStream),
}

/// Why an upstream call failed, and whether it may be retried on another attempt.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UpstreamError {
    #[error("provider answered {status}")]
    Status { status: u16, message: String, retry_after: Option<std::time::Duration> },
    #[error("provider timed out")]
    Timeout,
    #[error("provider connection failed: {0}")]
    Connect(String),
    #[error("provider stream broke: {0}")]
    Broken(String),
    #[error("provider unavailable: {0}")]
    Unavailable(String),
}

/// A routed request to one model.
pub struct ChatCall<'a> {
    pub model: &'a ModelEntry,
    /// The body in the provider's native dialect, with `model` already set to the upstream name.
    pub body: Map<String, Value>,
    pub stream: bool,
    /// The provider's native dialect (the body's, and the response's).
    pub dialect: crate::dialect::Dialect,
}

/// An embeddings request routed to one model.
pub struct EmbeddingsCall<'a> {
    pub model: &'a ModelEntry,
    /// The caller's body with `model` already set to the upstream name.
    pub body: Map<String, Value>,
    pub inputs: &'a [String],
}

/// The breaker that guards calls to this model.
pub fn breaker_key(model: &ModelEntry) -> breaker::BreakerKey {
    breaker::BreakerKey { provider: model.provider.id, model: model.upstream_name.clone() }
}

/// Counts a failed call (after its retries) by provider kind and error kind.
fn count_failure<T>(kind: sluice_domain::provider::ProviderKind, result: Result<T, UpstreamError>) -> Result<T, UpstreamError> {
    if let Err(err) = &result {
        crate::metrics_endpoint::handles().upstream_error(kind, crate::pipeline::chat::upstream_code(err));
    }
    result
}

/// Dispatches to the provider that serves the model.
pub async fn chat(upstream: &upstream::Upstream, call: ChatCall<'_>) -> Result<ChatOutcome, UpstreamError> {
    let kind = call.model.provider.kind;
    count_failure(kind, dispatch_chat(upstream, call).await)
}

async fn dispatch_chat(upstream: &upstream::Upstream, call: ChatCall<'_>) -> Result<ChatOutcome, UpstreamError> {
    match call.model.provider.kind {
        sluice_domain::provider::ProviderKind::Demo => Ok(demo::chat(&call)),
        sluice_domain::provider::ProviderKind::Anthropic => {
            let prepared = anthropic::prepare_chat(&call.model.provider, &call.body, call.stream)?;
            retry::with_retries(upstream, &breaker_key(call.model), |_| anthropic::chat(upstream, &prepared, call.stream)).await
        }
        sluice_domain::provider::ProviderKind::Openai | sluice_domain::provider::ProviderKind::OpenaiCompatible => {
            let prepared = openai::prepare_chat(&call.model.provider, &call.body, call.stream)?;
            retry::with_retries(upstream, &breaker_key(call.model), |_| openai::chat(upstream, &prepared, call.stream)).await
        }
    }
}

/// Embeddings: the provider's (OpenAI-shaped) body and the usage it reported, if any.
pub async fn embeddings(upstream: &upstream::Upstream, call: EmbeddingsCall<'_>) -> Result<(Value, Option<TokenUsage>), UpstreamError> {
    let kind = call.model.provider.kind;
    count_failure(kind, dispatch_embeddings(upstream, call).await)
}

async fn dispatch_embeddings(upstream: &upstream::Upstream, call: EmbeddingsCall<'_>) -> Result<(Value, Option<TokenUsage>), UpstreamError> {
    match call.model.provider.kind {
        sluice_domain::provider::ProviderKind::Demo => {
            let (body, usage) = demo::embeddings(call.model, call.inputs);
            Ok((body, Some(usage)))
        }
        sluice_domain::provider::ProviderKind::Openai | sluice_domain::provider::ProviderKind::OpenaiCompatible => {
            let prepared = openai::prepare_embeddings(&call.model.provider, &call.body)?;
            retry::with_retries(upstream, &breaker_key(call.model), |_| openai::embeddings(upstream, &prepared)).await
        }
        sluice_domain::provider::ProviderKind::Anthropic => {
            Err(UpstreamError::Unavailable("Anthropic does not offer an embeddings API; use an OpenAI-compatible embedding model".to_owned()))
        }
    }
}
