//! Chat through the pipeline, for every surface (OpenAI chat completions, Anthropic messages)
//! and every provider dialect, JSON and streaming.

use std::sync::Arc;
use std::time::Instant;

use actix_web::HttpResponse;
use actix_web::http::header::HeaderMap;
use serde_json::{Map, Value, json};
use sluice_domain::provider::ModelMode;
use sluice_domain::virtual_key::Endpoint;
use sluice_store::ledger::LedgerRow;

use super::admission::{self, TokenAsk};
use super::guard::{End, ReservationGuard};
use super::{RequestMeta, admit, fresh_snapshot, resolve_model, stream};
use crate::api::errors::GatewayError;
use crate::api::headers;
use crate::auth;
use crate::dialect::Dialect;
use crate::providers::{self, ChatCall, ChatOutcome, TokenUsage, UpstreamError};
use crate::translate;
use crate::snapshot::{KeyEntry, ModelEntry};
use crate::state::GatewayState;
use crate::tokens;

/// A chat request as a surface parsed it: its body stays in the caller's dialect until it is
/// translated for the provider.
#[derive(Debug)]
pub struct ChatRequest {
    /// The caller's dialect.
    pub dialect: Dialect,
    pub body: Map<String, Value>,
    pub model: String,
    pub stream: bool,
    /// OpenAI: the caller asked for the usage chunk in a stream.
    pub wants_stream_usage: bool,
    pub n: u32,
    pub max_tokens: Option<u32>,
    pub prompt_tokens: u32,
}

impl ChatRequest {
    /// Caps the output per choice, in the field the caller's dialect uses.
    pub fn set_max_tokens(&mut self, per_choice: u32) {
        let field = match self.dialect {
            Dialect::OpenAi if self.body.contains_key("max_completion_tokens") => "max_completion_tokens",
            _ => "max_tokens",
        };
        self.body.insert(field.to_owned(), Value::from(per_choice));
    }

    /// The body for a provider of dialect `native` serving the model as `upstream_model`.
    /// OpenAI-dialect providers are always asked for usage in streams.
    pub fn for_provider(self, native: Dialect, upstream_model: &str) -> Result<Map<String, Value>, GatewayError> {
        let stream = self.stream;
        let mut body = translate::request(self.body, self.dialect, native)?;
        body.insert("model".to_owned(), Value::from(upstream_model));
        if stream && native == Dialect::OpenAi {
            let options = body.entry("stream_options").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(o) = options {
                o.insert("include_usage".to_owned(), Value::Bool(true));
            }
        }
        Ok(body)
    }
}

pub async fn chat(state: &GatewayState, request_headers: &HeaderMap, mut request: ChatRequest, meta: &RequestMeta) -> Result<HttpResponse, GatewayError> {
    let endpoint = match request.dialect {
        Dialect::OpenAi => Endpoint::Chat,
        Dialect::Anthropic => Endpoint::Messages,
    };
    let snapshot = fresh_snapshot(state)?;
    let key = auth::authenticate(request_headers, &snapshot, endpoint)?;
    let model = resolve_model(&snapshot, &key, &request.model, ModelMode::Chat)?;

    // A hostile or careless max_tokens is clamped to what the model can produce.
    let model_max = model.max_output_tokens.unwrap_or(state.config.default_max_tokens);
    let per_choice = request.max_tokens.unwrap_or(model_max).min(model_max);
    let ask = TokenAsk { prompt: request.prompt_tokens, max_output_per_choice: per_choice, explicit_max: request.max_tokens.is_some(), choices: request.n };
    let admission = admission::build(&snapshot, &state.config, &key, &model, ask, meta.request_id, meta.occurred_at)?;
    drop(snapshot);
    let grant = admit(state, &admission).await?;

    // What the reservation covers is what the provider may produce.
    request.set_max_tokens((grant.reservation.granted_output_tokens / request.n.max(1)).max(1));
    let (stream, surface, wants_usage) = (request.stream, request.dialect, request.wants_stream_usage);
    let requested_model = request.model.clone();
    let prompt_estimate = request.prompt_tokens;
    let native = Dialect::native_to(model.provider.kind);
    let upstream_body = request.for_provider(native, &model.upstream_name)?;
    let endpoint_name = match surface {
        Dialect::OpenAi => "chat",
        Dialect::Anthropic => "messages",
    };

    let row = row_template(meta, &key, &model, endpoint_name, &requested_model, prompt_estimate, grant.reservation.reserved.nanos());
    let mut guard = ReservationGuard::arm(state.quota.clone(), state.outbox.clone(), grant.reservation.clone(), row, model.clone(), state.config.unpriced_ceiling, meta.started);

    let before_upstream = meta.started.elapsed();
    let upstream_started = Instant::now();
    let outcome = providers::chat(&state.upstream, ChatCall { model: &model, body: upstream_body, stream, dialect: native }).await;
    let upstream_elapsed = upstream_started.elapsed();

    let request_id = meta.request_id.to_string();
    match outcome {
        Err(err) => {
            guard.finish(End::Released { status: "upstream_error", error_code: upstream_code(&err).to_owned() });
            Err(upstream_error(err))
        }
        Ok(ChatOutcome::Complete { body, usage }) => {
            let (usage, estimated) = match usage {
                Some(u) => (u, false),
                None => (estimate_completion(&body, prompt_estimate), true),
            };
            let body = translate::response(body, native, surface);
            let overhead_us = (meta.started.elapsed().saturating_sub(upstream_elapsed)).as_micros() as u64;
            guard.set_overhead(overhead_us);
            let cost = guard.cost_of(&usage);
            let mut response = HttpResponse::Ok();
            headers::routing(&mut response, &request_id, &model);
            headers::cost(&mut response, cost, overhead_us);
            headers::rate_limits(&mut response, &grant.rates);
            guard.finish(End::Completed { usage, estimated, status: "ok", error_code: None });
            metrics::histogram!("sluice_gateway_overhead_seconds").record(overhead_us as f64 / 1e6);
            Ok(response.json(body))
        }
        Ok(ChatOutcome::Stream(events)) => {
            let overhead_us = before_upstream.as_micros() as u64;
            guard.set_overhead(overhead_us);
            let mut response = HttpResponse::Ok();
            headers::routing(&mut response, &request_id, &model);
            headers::rate_limits(&mut response, &grant.rates);
            response.insert_header(("x-sluice-overhead-us", overhead_us.to_string()));
            response.insert_header(("content-type", "text/event-stream"));
            response.insert_header(("cache-control", "no-cache"));
            let forward_usage_chunk = surface == Dialect::OpenAi && wants_usage;
            Ok(response.streaming(stream::ChatStream::new(events, guard, prompt_estimate, native, surface, forward_usage_chunk)))
        }
    }
}

/// The ledger row as far as it is known at admission.
pub fn row_template(meta: &RequestMeta, key: &KeyEntry, model: &Arc<ModelEntry>, endpoint: &str, requested_model: &str, prompt_estimate: u32, reserved_nano: i64) -> LedgerRow {
    let terms = &model.provider.data_terms;
    LedgerRow {
        request_id: meta.request_id.as_uuid(),
        occurred_at: meta.occurred_at,
        org_id: key.org_id.as_uuid(),
        team_id: key.team_id.as_uuid(),
        key_id: key.key_id.as_uuid(),
        user_id: key.user_id.map(|u| u.as_uuid()),
        endpoint: endpoint.to_owned(),
        requested_model: requested_model.to_owned(),
        routed_model: Some(model.name.clone()),
        provider_id: Some(model.provider.id.as_uuid()),
        // Classification arrives with the router; until then requests are routed as named.
        data_class: "unclassified".to_owned(),
        task_tier: "unclassified".to_owned(),
        decision_reasons: json!(["model_requested_explicitly"]),
        input_tokens: i64::from(prompt_estimate),
        output_tokens: 0,
        cached_input_tokens: 0,
        usage_estimated: false,
        cost_nano: 0,
        counterfactual_model: None,
        counterfactual_cost_nano: None,
        reserved_nano,
        latency_ms: None,
        overhead_us: None,
        status: "admitted".to_owned(),
        error_code: None,
        data_terms: Some(json!({
            "provider": model.provider.name,
            "trust_tier": model.provider.trust_tier,
            "region": model.provider.region,
            "retention_days": terms.retention_days,
            "trains_on_data": terms.trains_on_data,
            "zero_data_retention": terms.zero_data_retention,
        })),
        prompt: None,
    }
}

/// When a provider omits usage: our count of the prompt and of the output text (OpenAI
/// `choices[].message.content`, Anthropic `content[]`).
fn estimate_completion(body: &Value, prompt: u32) -> TokenUsage {
    let openai = body.get("choices").and_then(Value::as_array).map(|choices| choices.iter().map(|c| c.pointer("/message/content").map_or(0, tokens::count_strings)).sum::<u32>());
    let anthropic = body.get("content").map(tokens::count_strings);
    TokenUsage { prompt, completion: openai.or(anthropic).unwrap_or(0), cached: 0 }
}

pub fn upstream_code(err: &UpstreamError) -> &'static str {
    match err {
        UpstreamError::Status { .. } => "upstream_status",
        UpstreamError::Timeout => "upstream_timeout",
        UpstreamError::Connect(_) => "upstream_connect",
        UpstreamError::Broken(_) => "upstream_broken",
        UpstreamError::Unavailable(_) => "provider_unavailable",
    }
}

pub fn upstream_error(err: UpstreamError) -> GatewayError {
    match err {
        UpstreamError::Status { status, message, .. } => GatewayError::Upstream { status, message },
        UpstreamError::Timeout => GatewayError::UpstreamTimeout,
        UpstreamError::Connect(m) | UpstreamError::Broken(m) => GatewayError::Upstream { status: 502, message: m },
        UpstreamError::Unavailable(m) => GatewayError::ProviderUnavailable(m),
    }
}
