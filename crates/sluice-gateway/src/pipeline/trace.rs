//! The request span: one `tracing` span per gateway request, carrying the request id (so every
//! log line inside a request names it, and it is the id the ledger row and `x-request-id` carry)
//! and — when traces are exported — the OpenTelemetry GenAI semantic-convention attributes.
//!
//! Attributes follow the GenAI client-span conventions: the span is named
//! `{gen_ai.operation.name} {gen_ai.request.model}` (`chat demo-small`, `embeddings …`) and has
//! `gen_ai.operation.name`, `gen_ai.provider.name` (and the older `gen_ai.system`, which
//! consumers on earlier versions of the conventions read), `gen_ai.request.model` (what the caller
//! asked for, e.g. `auto`), `gen_ai.response.model` (the upstream model that served it),
//! `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`, plus `http.route`,
//! `http.response.status_code` and `error.type` on failures. Never a prompt, a completion, a key
//! or a tenant's name: only model names, counts and codes.
//!
//! Integers are recorded as `i64`: the exporter turns `u64` values into strings.
//!
//! Cost: the span itself is created for every request (the request id must reach the logs). The
//! GenAI attributes are only recorded when an exporter is on ([`enable_genai_attributes`], set
//! by the binary when `SLUICE_OTLP_ENDPOINT` is configured), because each record formats a value
//! for every subscriber layer; without export nobody would read them.

use std::sync::atomic::{AtomicBool, Ordering};

use sluice_domain::ids::RequestId;
use sluice_domain::provider::ProviderKind;
use opentelemetry::trace::TraceContextExt as _;
use tracing::Span;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::metrics_endpoint::Route;
use crate::providers::TokenUsage;
use crate::snapshot::ModelEntry;

static GENAI: AtomicBool = AtomicBool::new(false);

/// Turns on recording of the GenAI attributes (once, at start, when traces are exported).
pub fn enable_genai_attributes() {
    GENAI.store(true, Ordering::Relaxed);
}

fn genai() -> bool {
    GENAI.load(Ordering::Relaxed)
}

/// The span of one request. Fields are declared up front (a `tracing` span cannot gain fields
/// later) and filled as the request learns them.
pub fn request_span(route: Route, request_id: RequestId) -> Span {
    tracing::info_span!(
        "gateway_request",
        request_id = %request_id,
        http.route = route.path(),
        otel.kind = "client",
        otel.status_code = Empty,
        http.response.status_code = Empty,
        "error.type" = Empty,
        gen_ai.operation.name = Empty,
        gen_ai.provider.name = Empty,
        gen_ai.system = Empty,
        gen_ai.request.model = Empty,
        gen_ai.response.model = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
    )
}

/// What was asked: `operation` is `chat` or `embeddings`.
pub fn record_request(span: &Span, operation: &'static str, requested_model: &str) {
    if genai() {
        // The exporter starts its span when the request span is first entered, after which a
        // recorded `otel.name` no longer renames it; rename the started span directly.
        span.context().span().update_name(format!("{operation} {requested_model}"));
        span.record("gen_ai.operation.name", operation);
        span.record("gen_ai.request.model", requested_model);
    }
}

/// The model (and so the provider) that serves the request; recorded again after a failover.
pub fn record_model(span: &Span, model: &ModelEntry) {
    if genai() {
        let provider = provider_name(model.provider.kind);
        span.record("gen_ai.provider.name", provider);
        span.record("gen_ai.system", provider);
        span.record("gen_ai.response.model", model.upstream_name.as_str());
    }
}

/// The provider's token counts (or the gateway's estimate when it reported none).
pub fn record_usage(span: &Span, usage: &TokenUsage) {
    if genai() {
        span.record("gen_ai.usage.input_tokens", i64::from(usage.prompt));
        span.record("gen_ai.usage.output_tokens", i64::from(usage.completion));
    }
}

/// The status the caller got, and for a failed request the error code it got (`budget_exceeded`,
/// `upstream_timeout`, …), which also marks the span as failed.
pub fn record_outcome(span: &Span, status: u16, error_code: Option<&'static str>) {
    if genai() {
        span.record("http.response.status_code", i64::from(status));
        if let Some(code) = error_code {
            span.record("otel.status_code", "ERROR");
            span.record("error.type", code);
        }
    }
}

/// A provider failure (the span may still end well after a failover).
pub fn record_upstream_error(span: &Span, kind: &'static str) {
    if genai() {
        span.record("error.type", kind);
    }
}

/// `gen_ai.provider.name` values: the conventions' well-known names where they apply; an
/// OpenAI-compatible server and the demo provider get names of their own.
fn provider_name(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::Openai => "openai",
        ProviderKind::Anthropic => "anthropic",
        ProviderKind::OpenaiCompatible => "openai_compatible",
        ProviderKind::Demo => "sluice.demo",
    }
}
