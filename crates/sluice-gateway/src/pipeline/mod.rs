//! The one request pipeline every API surface goes through:
//!
//! authenticate (snapshot lookup) → resolve the model (scope, mode, price) → admission (rate
//! limits, concurrency and worst-case budget reservation in one atomic quota call) → intent to
//! the outbox → forward to the provider → settle (actual cost replaces the reservation) →
//! completion to the outbox → ledger.
//!
//! The reservation is owned by a [`guard::ReservationGuard`] from admission on: however the
//! request ends — success, provider error, client disconnect, panic — the guard settles or
//! releases it exactly once and writes exactly one ledger row.

pub mod admission;
pub mod chat;
pub mod embeddings;
pub mod guard;
pub mod ledger_row;
pub mod models;
mod stream;
pub mod trace;

use std::sync::Arc;
use std::time::Instant;

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use sluice_domain::ids::RequestId;
use sluice_domain::provider::ModelMode;
use sluice_quota::{Decision, Grant, LimitKind};

use crate::api::errors::{Dialect, GatewayError};
use crate::metrics_endpoint::{self, QuotaOutcome, Route};
use crate::snapshot::{KeyEntry, ModelEntry, Snapshot};
use crate::state::GatewayState;

/// Identity, clocks and span of one request.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub request_id: RequestId,
    /// Fixed at admission; part of the ledger row's identity.
    pub occurred_at: DateTime<Utc>,
    pub started: Instant,
    pub route: Route,
    /// Every log line and trace of the request happens inside it (see `trace`).
    pub span: tracing::Span,
}

impl RequestMeta {
    pub fn start(route: Route) -> Self {
        let request_id = RequestId::new();
        let span = trace::request_span(route, request_id);
        Self { request_id, occurred_at: request_id.admitted_at(), started: Instant::now(), route, span }
    }

    /// The response for the pipeline's result — an error in the caller's dialect — counted in
    /// the request metrics and recorded on the span.
    pub fn respond(&self, result: Result<HttpResponse, GatewayError>, dialect: Dialect) -> HttpResponse {
        // An internal error is logged while responding: inside the request's span.
        let _entered = self.span.enter();
        let (response, error_code) = match result {
            Ok(response) => (response, None),
            Err(err) => (err.respond(dialect, &self.request_id.to_string()), Some(err.code())),
        };
        let status = response.status().as_u16();
        trace::record_outcome(&self.span, status, error_code);
        metrics_endpoint::handles().request(self.route, status, self.started.elapsed());
        response
    }
}

/// Fails closed when the configuration could not be refreshed for too long.
pub fn fresh_snapshot(state: &GatewayState) -> Result<arc_swap::Guard<Arc<Snapshot>>, GatewayError> {
    let snapshot = state.snapshot.load();
    let age_ok = snapshot.loaded_at.is_some_and(|at| {
        Utc::now().signed_duration_since(at).to_std().map_or(true, |age| age <= state.config.snapshot_max_staleness)
    });
    if age_ok { Ok(snapshot) } else { Err(GatewayError::ConfigurationStale) }
}

/// The model a request names, if it exists, serves `mode` and the key may use it.
pub fn resolve_model(snapshot: &Snapshot, key: &KeyEntry, name: &str, mode: ModelMode) -> Result<Arc<ModelEntry>, GatewayError> {
    let model = snapshot.model(name).filter(|m| m.mode == mode).ok_or_else(|| GatewayError::ModelNotFound(name.to_owned()))?;
    if !key.may_use_model(name) {
        return Err(GatewayError::ModelNotAllowed(name.to_owned()));
    }
    if !model.servable() {
        return Err(GatewayError::ProviderUnavailable(format!("provider `{}` has no API key configured", model.provider.name)));
    }
    Ok(model.clone())
}

/// Runs the admission and turns a refusal into the caller's error.
pub async fn admit(state: &GatewayState, request: &sluice_quota::AdmitRequest) -> Result<Grant, GatewayError> {
    let mode = state.snapshot.load().failure_mode(request.tenant.org);
    let metrics = metrics_endpoint::handles();
    let decision = state.quota.admit(request, mode).await.map_err(|err| {
        metrics.quota(QuotaOutcome::Unavailable);
        tracing::warn!(error = %err, "quota store unavailable; failing closed");
        GatewayError::LimiterUnavailable
    })?;
    match decision {
        Decision::Admitted(grant) => {
            metrics.quota(QuotaOutcome::Admitted);
            state.budget_use.observe(&grant.budgets);
            state.alerts.observe(&state.snapshot.load(), request.tenant.org, &request.budgets, &grant.budgets);
            Ok(grant)
        }
        Decision::RateLimited { level, kind, retry_after } => {
            metrics.quota(QuotaOutcome::RateLimited);
            let what = match kind {
                LimitKind::Rpm => "requests per minute",
                LimitKind::Tpm => "tokens per minute",
                LimitKind::MaxParallel => "requests in flight",
            };
            Err(GatewayError::RateLimited { retry_after: admission::retry_after_secs(retry_after), what: format!("{what} of the {}", level_name(level)) })
        }
        Decision::BudgetExceeded { level, .. } => {
            metrics.quota(QuotaOutcome::BudgetExceeded);
            Err(GatewayError::BudgetExceeded { level: level_name(level).to_owned() })
        }
    }
}

fn level_name(level: sluice_quota::Level) -> &'static str {
    match level {
        sluice_quota::Level::Key => "key",
        sluice_quota::Level::Team => "team",
        sluice_quota::Level::Org => "organization",
    }
}
