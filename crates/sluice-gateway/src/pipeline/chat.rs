//! Chat through the pipeline, for every surface (OpenAI chat completions, Anthropic messages)
//! and every provider dialect, JSON and streaming.

use std::sync::Arc;
use std::time::Instant;

use actix_web::HttpResponse;
use actix_web::http::header::HeaderMap;
use serde_json::{Map, Value};
use sluice_domain::provider::ModelMode;
use sluice_domain::virtual_key::Endpoint;
use sluice_router::policy::AUTO;

use super::admission::{self, TokenAsk};
use super::guard::{End, Pricing, ReservationGuard};
use super::ledger_row::{RowStart, logged_prompt, row_template};
use super::{RequestMeta, admit, fresh_snapshot, resolve_model, stream};
use crate::api::errors::GatewayError;
use crate::api::headers;
use crate::auth;
use crate::dialect::Dialect;
use crate::providers::{self, ChatCall, ChatOutcome, TokenUsage, UpstreamError};
use crate::translate;
use crate::routing;
use crate::snapshot::ModelEntry;
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

    /// The same request with another body (a failover attempt, a masked copy).
    pub fn with_body(&self, body: Map<String, Value>) -> ChatRequest {
        ChatRequest { dialect: self.dialect, body, model: self.model.clone(), ..*self }
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

pub async fn chat(state: &GatewayState, request_headers: &HeaderMap, request: ChatRequest, meta: &RequestMeta) -> Result<HttpResponse, GatewayError> {
    let endpoint = match request.dialect {
        Dialect::OpenAi => Endpoint::Chat,
        Dialect::Anthropic => Endpoint::Messages,
    };
    super::trace::record_request(&meta.span, "chat", &request.model);
    let snapshot = fresh_snapshot(state)?;
    let key = auth::authenticate(request_headers, &snapshot, endpoint)?;
    if request.model != AUTO {
        // A named model must exist, serve chat and be allowed for the key (those errors first).
        resolve_model(&snapshot, &key, &request.model, ModelMode::Chat)?;
    }
    let routing = routing::route_chat(state, &snapshot, &key, &request)?;
    let mut pool: Vec<Arc<ModelEntry>> = routing.pool.iter().map(|t| t.model.clone()).collect();
    // One masked copy of the body serves every pool entry that needs masking.
    let policy = snapshot.policies.for_key(&key);
    let redacted = routing.pool.iter().find(|t| t.redact).map(|t| {
        let mut body = request.body.clone();
        routing::redact_for(t, policy, &mut body);
        body
    });

    // A hostile or careless max_tokens is clamped to what each model can produce.
    let per_choice = |m: &ModelEntry| {
        let model_max = m.max_output_tokens.unwrap_or(state.config.default_max_tokens);
        request.max_tokens.unwrap_or(model_max).min(model_max)
    };
    let ask = |m: &ModelEntry| TokenAsk { prompt: request.prompt_tokens, max_output_per_choice: per_choice(m), explicit_max: request.max_tokens.is_some(), choices: request.n };
    let admission = admission::build_for_pool(&snapshot, &state.config, &key, &mut pool, ask, meta.request_id, meta.occurred_at)?;
    let counterfactual = routing.decision.counterfactual_model.as_deref().and_then(|m| snapshot.model(m)).cloned();
    let log_prompts = snapshot.logs_prompts(key.org_id);
    let org_prices = snapshot.org_prices(key.org_id).cloned();
    drop(snapshot);
    // What a pool entry is sent: the masked copy where its policy cell says so.
    let body_for = |model: &Arc<ModelEntry>| {
        let redact = routing.pool.iter().find(|t| Arc::ptr_eq(&t.model, model)).is_some_and(|t| t.redact);
        match (&redacted, redact) {
            (Some(masked), true) => masked.clone(),
            _ => request.body.clone(),
        }
    };
    let grant = admit(state, &admission).await?;

    let endpoint_name = match request.dialect {
        Dialect::OpenAi => "chat",
        Dialect::Anthropic => "messages",
    };
    let row = row_template(RowStart {
        meta,
        key: &key,
        model: &pool[0],
        endpoint: endpoint_name,
        requested_model: &request.model,
        prompt_estimate: request.prompt_tokens,
        reserved_nano: grant.reservation.reserved.nanos(),
        routing: &routing,
        with_complexity: true,
        prompt: log_prompts.then(|| logged_prompt(&body_for(&pool[0]))),
    });
    let mut guard = ReservationGuard::arm(state.quota.clone(), state.outbox.clone(), grant.reservation.clone(), row, pool[0].clone(), Pricing { org_prices, unpriced_ceiling: state.config.unpriced_ceiling }, meta.started);
    guard.set_counterfactual(counterfactual);

    // What the reservation covers is what the provider may produce.
    let granted_per_choice = (grant.reservation.granted_output_tokens / request.n.max(1)).max(1);
    let before_upstream = meta.started.elapsed();
    let upstream_started = Instant::now();
    let mut attempt = 0;
    let (model, outcome) = loop {
        let model = pool[attempt].clone();
        let body = body_for(&model);
        if log_prompts && attempt > 0 {
            guard.set_prompt(logged_prompt(&body));
        }
        let mut call_request = request.with_body(body);
        call_request.set_max_tokens(granted_per_choice.min(per_choice(&model)));
        let native = Dialect::native_to(model.provider.kind);
        let upstream_body = match call_request.for_provider(native, &model.upstream_name) {
            Ok(body) => body,
            Err(err) => {
                // The request cannot be put into this provider's dialect: nothing was sent, so
                // the reservation goes back whole (dropping the guard would charge it).
                guard.finish(End::Released { status: "invalid_request", error_code: "untranslatable_request".to_owned() });
                return Err(err);
            }
        };
        let outcome = providers::chat(&state.upstream, ChatCall { model: &model, body: upstream_body, stream: request.stream, dialect: native }).await;
        match outcome {
            Err(err) if attempt + 1 < pool.len() && worth_failing_over(&err) => {
                super::trace::record_upstream_error(&meta.span, upstream_code(&err));
                metrics::counter!("sluice_failovers_total", "code" => upstream_code(&err)).increment(1);
                tracing::info!(request_id = %meta.request_id, from = %model.name, to = %pool[attempt + 1].name, error = %upstream_code(&err), "failing over within the policy's pool");
                attempt += 1;
                guard.switch_model(pool[attempt].clone());
            }
            other => break (model, other),
        }
    };
    let upstream_elapsed = upstream_started.elapsed();
    super::trace::record_model(&meta.span, &model);
    let native = Dialect::native_to(model.provider.kind);
    let (surface, wants_usage, prompt_estimate) = (request.dialect, request.wants_stream_usage, request.prompt_tokens);

    let request_id = meta.request_id.to_string();
    match outcome {
        Err(err) => {
            guard.finish(End::Released { status: "upstream_error", error_code: upstream_code(&err).to_owned() });
            Err(upstream_error(err))
        }
        Ok(ChatOutcome::Complete { body, usage }) => {
            let (body, usage, estimated) = match usage {
                // The common case costs no JSON work: the provider's bytes go out as they came.
                Some(usage) if native == surface => (body, usage, false),
                _ => {
                    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                        // Unreachable in practice (the provider layer checked it is a JSON object).
                        guard.finish(End::Released { status: "upstream_error", error_code: "upstream_broken".to_owned() });
                        return Err(upstream_error(UpstreamError::Broken("the provider's response is not valid JSON".into())));
                    };
                    let (usage, estimated) = match usage {
                        Some(u) => (u, false),
                        None => (estimate_completion(&value, prompt_estimate), true),
                    };
                    (bytes::Bytes::from(translate::response(value, native, surface).to_string()), usage, estimated)
                }
            };
            let overhead_us = (meta.started.elapsed().saturating_sub(upstream_elapsed)).as_micros() as u64;
            guard.set_overhead(overhead_us);
            let cost = guard.cost_of(&usage);
            let mut response = HttpResponse::Ok();
            headers::routing(&mut response, &request_id, &model);
            headers::decision(&mut response, &routing.decision);
            headers::cost(&mut response, cost, overhead_us);
            headers::rate_limits(&mut response, &grant.rates);
            guard.finish(End::Completed { usage, estimated, status: "ok", error_code: None });
            crate::metrics_endpoint::handles().overhead(std::time::Duration::from_micros(overhead_us));
            Ok(response.content_type("application/json").body(body))
        }
        Ok(ChatOutcome::Stream(events)) => {
            let overhead_us = before_upstream.as_micros() as u64;
            guard.set_overhead(overhead_us);
            crate::metrics_endpoint::handles().overhead(before_upstream);
            let mut response = HttpResponse::Ok();
            headers::routing(&mut response, &request_id, &model);
            headers::decision(&mut response, &routing.decision);
            headers::rate_limits(&mut response, &grant.rates);
            response.insert_header(("x-sluice-overhead-us", overhead_us.to_string()));
            response.insert_header(("content-type", "text/event-stream"));
            response.insert_header(("cache-control", "no-cache"));
            let forward_usage_chunk = surface == Dialect::OpenAi && wants_usage;
            Ok(response.streaming(stream::ChatStream::new(events, guard, prompt_estimate, native, surface, forward_usage_chunk)))
        }
    }
}

/// Failures another model of the pool may not share: the provider is down, slow, overloaded or
/// refusing for capacity. A 4xx about the request itself would fail everywhere.
fn worth_failing_over(err: &UpstreamError) -> bool {
    match err {
        UpstreamError::Status { status, .. } => *status == 429 || *status >= 500,
        UpstreamError::Timeout | UpstreamError::Connect(_) | UpstreamError::Unavailable(_) => true,
        UpstreamError::Broken(_) => true,
    }
}

/// When a provider omits usage: our count of the prompt and of the output text (OpenAI
/// `choices[].message.content`, Anthropic `content[]`).
fn estimate_completion(body: &Value, prompt: u32) -> TokenUsage {
    let openai = body.get("choices").and_then(Value::as_array).map(|choices| choices.iter().map(|c| c.pointer("/message/content").map_or(0, tokens::count_strings)).sum::<u32>());
    let anthropic = body.get("content").map(tokens::count_strings);
    TokenUsage { prompt, completion: openai.or(anthropic).unwrap_or(0), ..TokenUsage::default() }
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
