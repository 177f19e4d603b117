//! Embeddings through the pipeline: same authentication, admission, guard and ledger as chat.

use std::time::Instant;

use actix_web::HttpResponse;
use actix_web::http::header::HeaderMap;
use sluice_domain::provider::ModelMode;
use sluice_domain::virtual_key::Endpoint;

use super::admission::{self, TokenAsk};
use super::chat::{upstream_code, upstream_error};
use super::ledger_row::{RowStart, logged_prompt, row_template};
use super::guard::{End, Pricing, ReservationGuard};
use super::{RequestMeta, admit, fresh_snapshot, resolve_model};
use crate::api::errors::GatewayError;
use crate::api::headers;
use crate::api::openai::embeddings::EmbeddingsRequest;
use crate::auth;
use crate::providers::{self, EmbeddingsCall, TokenUsage};
use crate::routing;
use crate::state::GatewayState;
use crate::tokens;

pub async fn embeddings(state: &GatewayState, request_headers: &HeaderMap, body: &[u8], meta: &RequestMeta) -> Result<HttpResponse, GatewayError> {
    let snapshot = fresh_snapshot(state)?;
    let key = auth::authenticate(request_headers, &snapshot, Endpoint::Embeddings)?;
    let request = EmbeddingsRequest::parse(body)?;
    super::trace::record_request(&meta.span, "embeddings", &request.model);
    let model = resolve_model(&snapshot, &key, &request.model, ModelMode::Embedding)?;
    // Inputs are data too: the named model must be allowed to receive their class.
    let routing = routing::route_embeddings(&snapshot, &key, &request.model, &request.inputs)?;
    let mut upstream_body = request.body;
    routing::redact_for(routing.primary(), snapshot.policies.for_key(&key), &mut upstream_body);
    let prompt: u32 = request.inputs.iter().map(|t| tokens::count_text(t)).fold(0u32, u32::saturating_add);
    let ask = TokenAsk { prompt, max_output_per_choice: 0, explicit_max: true, choices: 1 };
    let admission = admission::build(&snapshot, &state.config, &key, &model, ask, meta.request_id, meta.occurred_at)?;
    let log_prompts = snapshot.logs_prompts(key.org_id);
    let org_prices = snapshot.org_prices(key.org_id).cloned();
    drop(snapshot);
    let grant = admit(state, &admission).await?;
    let row = row_template(RowStart {
        meta,
        key: &key,
        model: &model,
        endpoint: "embeddings",
        requested_model: &request.model,
        prompt_estimate: prompt,
        reserved_nano: grant.reservation.reserved.nanos(),
        routing: &routing,
        with_complexity: false,
        prompt: log_prompts.then(|| logged_prompt(&upstream_body)),
    });
    let mut guard = ReservationGuard::arm(state.quota.clone(), state.outbox.clone(), grant.reservation.clone(), row, model.clone(), Pricing { org_prices, unpriced_ceiling: state.config.unpriced_ceiling }, meta.started);
    let upstream_started = Instant::now();
    upstream_body.insert("model".to_owned(), serde_json::Value::from(model.upstream_name.as_str()));
    let outcome = providers::embeddings(&state.upstream, EmbeddingsCall { model: &model, body: upstream_body, inputs: &request.inputs }).await;
    let upstream_elapsed = upstream_started.elapsed();
    super::trace::record_model(&meta.span, &model);
    let request_id = meta.request_id.to_string();
    match outcome {
        Err(err) => {
            guard.finish(End::Released { status: "upstream_error", error_code: upstream_code(&err).to_owned() });
            Err(upstream_error(err))
        }
        Ok((body, reported)) => {
            // No usage from the provider: our count of the inputs, flagged as an estimate.
            let (usage, estimated) = match reported {
                Some(usage) => (usage, false),
                None => (TokenUsage { prompt, ..TokenUsage::default() }, true),
            };
            let overhead = meta.started.elapsed().saturating_sub(upstream_elapsed);
            crate::metrics_endpoint::handles().overhead(overhead);
            let overhead_us = overhead.as_micros() as u64;
            guard.set_overhead(overhead_us);
            let cost = guard.cost_of(&usage);
            let mut response = HttpResponse::Ok();
            headers::routing(&mut response, &request_id, &model);
            headers::decision(&mut response, &routing.decision);
            headers::cost(&mut response, cost, overhead_us);
            headers::rate_limits(&mut response, &grant.rates);
            guard.finish(End::Completed { usage, estimated, status: "ok", error_code: None });
            Ok(response.json(body))
        }
    }
}
