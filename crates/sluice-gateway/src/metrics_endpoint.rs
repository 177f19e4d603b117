//! The gateway's Prometheus metrics, served at `GET /metrics` (the recorder itself is
//! `sluice_metrics`, shared by every role of the process). `docs/observability.md` lists every
//! metric with its labels; `deploy/grafana/sluice-dashboard.json` charts them.
//!
//! The request path records only through [`handles`]: counters and histograms registered once,
//! at start, for every label value they can have (routes, statuses, quota outcomes, provider
//! kinds × error kinds). Recording is then an array index and an atomic add — no allocation,
//! no registry lookup. Labels are bounded by construction; no key, team or org id is a label.
//!
//! Gauges that describe state (snapshot age, outbox depth, ledger lag, requests in flight) are
//! read at scrape time by a hook (`watch`), not maintained on every request.
//!
//! Names: `sluice_gateway_http_requests_total{route,status}`,
//! `sluice_gateway_http_request_duration_seconds{route}`, `sluice_gateway_overhead_seconds`,
//! `sluice_quota_decisions_total{outcome}`, `limiter_fail_mode_total{mode}`,
//! `sluice_upstream_errors_total{provider,kind}`, `sluice_requests_total{status}` (ledger
//! outcome), `sluice_ledger_lag_seconds`, `sluice_outbox_depth`, `sluice_requests_in_flight`,
//! `sluice_snapshot_age_seconds`, and the counters recorded where they happen
//! (`sluice_ledger_rows_written_total`, `sluice_settle_failures_total`, …).

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{Counter, Histogram};
use sluice_domain::provider::ProviderKind;
use sluice_metrics::http::HttpMetrics;

/// The gateway's routes, in the order of [`Route`]'s discriminants.
const ROUTES: [&str; 5] = ["/v1/chat/completions", "/v1/messages", "/v1/embeddings", "/v1/models", "/v1/route/explain"];

/// A route of the gateway, as a metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    ChatCompletions = 0,
    Messages = 1,
    Embeddings = 2,
    Models = 3,
    RouteExplain = 4,
}

impl Route {
    /// The route's path template (its metric label and the span's `http.route`).
    pub fn path(self) -> &'static str {
        ROUTES[self as usize]
    }
}

/// How an admission ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaOutcome {
    Admitted = 0,
    RateLimited = 1,
    BudgetExceeded = 2,
    /// The store did not answer and the org's failure mode refused (or the store erred).
    Unavailable = 3,
}

const OUTCOMES: [&str; 4] = ["admitted", "rate_limited", "budget_exceeded", "unavailable"];
const PROVIDERS: [ProviderKind; 4] = [ProviderKind::Openai, ProviderKind::Anthropic, ProviderKind::OpenaiCompatible, ProviderKind::Demo];
/// The ledger statuses the pipeline writes (`End`'s `status`); another value is counted through
/// the registry (slower, still bounded: statuses are code constants).
const LEDGER_STATUSES: [&str; 6] = ["ok", "upstream_error", "upstream_stream_broken", "client_disconnected", "invalid_request", "interrupted"];
/// `crate::pipeline::chat::upstream_code` values.
const UPSTREAM_KINDS: [&str; 5] = ["upstream_status", "upstream_timeout", "upstream_connect", "upstream_broken", "provider_unavailable"];

pub struct GatewayMetrics {
    http: HttpMetrics,
    overhead: Histogram,
    quota: Vec<Counter>,
    ledger: Vec<Counter>,
    /// `[provider][kind]`.
    upstream_errors: Vec<Vec<Counter>>,
}

/// The registered handles (registered on first use; `Gateway::build` does it before serving).
pub fn handles() -> &'static GatewayMetrics {
    static HANDLES: OnceLock<GatewayMetrics> = OnceLock::new();
    HANDLES.get_or_init(register)
}

fn register() -> GatewayMetrics {
    sluice_metrics::install();
    metrics::describe_histogram!("sluice_gateway_overhead_seconds", metrics::Unit::Seconds, "Gateway time per request excluding the provider's (total minus upstream)");
    metrics::describe_counter!("sluice_quota_decisions_total", "Admission decisions by outcome");
    metrics::describe_counter!("sluice_upstream_errors_total", "Failed provider calls (after retries) by provider kind and error kind");
    metrics::describe_counter!("limiter_fail_mode_total", "Admissions decided by an org's failure mode while Redis was unreachable, by mode");
    metrics::describe_counter!("sluice_requests_total", "Admitted requests by the outcome written to the ledger");
    metrics::describe_gauge!("sluice_ledger_lag_seconds", metrics::Unit::Seconds, "Age of the oldest finished request whose ledger row is not yet in PostgreSQL (0 when none)");
    metrics::describe_gauge!("sluice_outbox_depth", "Finished requests whose ledger rows are not yet in PostgreSQL");
    metrics::describe_gauge!("sluice_requests_in_flight", "Admitted requests not yet finished");
    metrics::describe_gauge!("sluice_snapshot_age_seconds", metrics::Unit::Seconds, "Age of the configuration snapshot the gateway serves from");
    // Counters recorded elsewhere only when something happens: registered at zero so that a
    // dashboard (and `rate()`) sees them from the first scrape, not from the first incident.
    for mode in ["deny", "local", "allow"] {
        let _ = metrics::counter!("limiter_fail_mode_total", "mode" => mode);
    }
    for code in UPSTREAM_KINDS {
        let _ = metrics::counter!("sluice_failovers_total", "code" => code);
    }
    for name in ["sluice_upstream_retries_total", "sluice_ledger_rows_written_total", "sluice_ledger_write_failures_total", "sluice_settle_failures_total"] {
        let _ = metrics::counter!(name);
    }
    GatewayMetrics {
        http: HttpMetrics::register("sluice_gateway", &ROUTES),
        overhead: metrics::histogram!("sluice_gateway_overhead_seconds"),
        quota: OUTCOMES.iter().map(|o| metrics::counter!("sluice_quota_decisions_total", "outcome" => *o)).collect(),
        ledger: LEDGER_STATUSES.iter().map(|s| metrics::counter!("sluice_requests_total", "status" => *s)).collect(),
        upstream_errors: PROVIDERS
            .iter()
            .map(|p| UPSTREAM_KINDS.iter().map(|k| metrics::counter!("sluice_upstream_errors_total", "provider" => p.as_str(), "kind" => *k)).collect())
            .collect(),
    }
}

impl GatewayMetrics {
    pub fn request(&self, route: Route, status: u16, elapsed: Duration) {
        self.http.observe(route as usize, status, elapsed);
    }

    pub fn overhead(&self, overhead: Duration) {
        self.overhead.record(overhead.as_secs_f64());
    }

    pub fn quota(&self, outcome: QuotaOutcome) {
        if let Some(c) = self.quota.get(outcome as usize) {
            c.increment(1);
        }
    }

    /// One admitted request finished with this ledger status.
    pub fn ledger_outcome(&self, status: &str) {
        match LEDGER_STATUSES.iter().position(|s| *s == status).and_then(|i| self.ledger.get(i)) {
            Some(counter) => counter.increment(1),
            None => metrics::counter!("sluice_requests_total", "status" => status.to_owned()).increment(1),
        }
    }

    pub fn upstream_error(&self, provider: ProviderKind, kind: &str) {
        let p = PROVIDERS.iter().position(|x| *x == provider);
        let k = UPSTREAM_KINDS.iter().position(|x| *x == kind);
        if let Some(c) = p.zip(k).and_then(|(p, k)| self.upstream_errors.get(p)?.get(k)) {
            c.increment(1);
        }
    }
}

/// Sets the state gauges of this gateway at every scrape, for as long as it runs.
pub fn watch(snapshot: &crate::snapshot::SnapshotHandle, outbox: &crate::usage::Outbox) {
    let (snapshot, outbox) = (snapshot.downgrade(), outbox.downgrade());
    sluice_metrics::on_scrape(move || {
        let (Some(snapshot), Some(outbox)) = (snapshot.upgrade(), outbox.upgrade()) else { return false };
        let age = snapshot.load().loaded_at.map_or(0.0, |at| (chrono::Utc::now() - at).num_milliseconds().max(0) as f64 / 1e3);
        metrics::gauge!("sluice_snapshot_age_seconds").set(age);
        let depth = outbox.unshipped();
        metrics::gauge!("sluice_outbox_depth").set(depth as f64);
        metrics::gauge!("sluice_requests_in_flight").set(outbox.in_flight() as f64);
        metrics::gauge!("sluice_ledger_lag_seconds").set(outbox.oldest_unshipped_age().map_or(0.0, |d| d.as_secs_f64()));
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_tables_match_their_enums() {
        assert_eq!(ROUTES[Route::Messages as usize], "/v1/messages");
        assert_eq!(ROUTES[Route::RouteExplain as usize], "/v1/route/explain");
        assert_eq!(OUTCOMES[QuotaOutcome::Unavailable as usize], "unavailable");
        use crate::providers::UpstreamError;
        let errors = [
            UpstreamError::Status { status: 500, message: String::new(), retry_after: None },
            UpstreamError::Timeout,
            UpstreamError::Connect(String::new()),
            UpstreamError::Broken(String::new()),
            UpstreamError::Unavailable(String::new()),
        ];
        for err in &errors {
            assert!(UPSTREAM_KINDS.contains(&crate::pipeline::chat::upstream_code(err)));
        }
    }
}
