//! The reservation guard: from admission until the request ends it owns the reservation and the
//! ledger row. `finish` settles (or releases) and writes the row; if the guard is dropped
//! instead — the client went away, a future was cancelled, a handler panicked — `Drop` does it,
//! conservatively. The work runs in a spawned task so the response is not delayed by it.

use std::sync::Arc;
use std::time::Instant;

use sluice_domain::Money;
use sluice_quota::{Reservation, Usage};
use sluice_store::ledger::LedgerRow;

use crate::providers::TokenUsage;
use crate::quota::Quotas;
use crate::snapshot::{ModelEntry, OrgPrices, price_for};
use crate::usage::Outbox;

use super::admission::actual_cost;

/// How a request ended.
#[derive(Debug, Clone)]
pub enum End {
    /// The provider answered; `usage` is its count (or our estimate, flagged).
    Completed { usage: TokenUsage, estimated: bool, status: &'static str, error_code: Option<String> },
    /// Nothing was consumed (the provider refused before doing work, or was never called).
    Released { status: &'static str, error_code: String },
}

struct Settlement {
    quota: Arc<Quotas>,
    outbox: Outbox,
    reservation: Reservation,
    row: LedgerRow,
    model: Arc<ModelEntry>,
    /// The policy's default model: the same usage is priced on it for the savings figure.
    counterfactual: Option<Arc<ModelEntry>>,
    pricing: Pricing,
    started: Instant,
    overhead_us: Option<i32>,
    /// The request's span, kept open until the request is settled (a stream outlives its
    /// handler), so the exported span covers the whole request and carries its token counts.
    span: tracing::Span,
}

/// What a request is charged at: the org's negotiated prices over the price book's, and the
/// ceiling charged for a model without any price (when the gateway admits such models).
#[derive(Clone)]
pub struct Pricing {
    pub org_prices: Option<OrgPrices>,
    pub unpriced_ceiling: Option<Money>,
}

impl Pricing {
    pub fn cost(&self, model: &ModelEntry, usage: &TokenUsage) -> Money {
        actual_cost(price_for(self.org_prices.as_ref(), model), usage, self.unpriced_ceiling)
    }
}

pub struct ReservationGuard {
    settlement: Option<Settlement>,
}

impl ReservationGuard {
    /// Records the intent in the outbox and arms the guard.
    pub fn arm(quota: Arc<Quotas>, outbox: Outbox, reservation: Reservation, row: LedgerRow, model: Arc<ModelEntry>, pricing: Pricing, started: Instant) -> Self {
        outbox.intent(&reservation, &row);
        let span = tracing::Span::current();
        let settlement = Settlement { quota, outbox, reservation, row, model, counterfactual: None, pricing, started, overhead_us: None, span };
        Self { settlement: Some(settlement) }
    }

    pub fn set_counterfactual(&mut self, model: Option<Arc<ModelEntry>>) {
        if let Some(s) = self.settlement.as_mut() {
            s.counterfactual = model;
        }
    }

    /// Failover to the next model of the pool (before anything reached the client): the row
    /// and the charge follow the model that actually serves the request.
    pub fn switch_model(&mut self, model: Arc<ModelEntry>) {
        if let Some(s) = self.settlement.as_mut() {
            s.row.routed_model = Some(model.name.clone());
            s.row.provider_id = Some(model.provider.id.as_uuid());
            s.row.data_terms = Some(super::ledger_row::data_terms(&model));
            s.model = model;
        }
    }

    /// Prompt logging: the body the serving model was sent (it differs after a failover
    /// between a model that needs masking and one that does not).
    pub fn set_prompt(&mut self, prompt: String) {
        if let Some(s) = self.settlement.as_mut() {
            s.row.prompt = Some(prompt);
        }
    }

    pub fn reservation(&self) -> Option<&Reservation> {
        self.settlement.as_ref().map(|s| &s.reservation)
    }

    pub fn set_overhead(&mut self, overhead_us: u64) {
        if let Some(s) = self.settlement.as_mut() {
            s.overhead_us = Some(i32::try_from(overhead_us).unwrap_or(i32::MAX));
        }
    }

    /// The cost this usage will be charged (for response headers).
    pub fn cost_of(&self, usage: &TokenUsage) -> Money {
        self.settlement.as_ref().map_or(Money::ZERO, |s| s.pricing.cost(&s.model, usage))
    }

    pub fn finish(mut self, end: End) {
        if let Some(settlement) = self.settlement.take() {
            spawn_close(settlement, end);
        }
    }
}

impl Drop for ReservationGuard {
    fn drop(&mut self) {
        if let Some(settlement) = self.settlement.take() {
            // Dropped without an ending: the provider may have done (and billed) all the work we
            // reserved for, so charge the reservation. Streams finish with their delivered
            // estimate instead (see `stream`).
            let usage = TokenUsage { prompt: settlement.row.input_tokens as u32, completion: settlement.reservation.granted_output_tokens, ..TokenUsage::default() };
            spawn_close(settlement, End::Completed { usage, estimated: true, status: "client_disconnected", error_code: None });
        }
    }
}

fn spawn_close(settlement: Settlement, end: End) {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            // Settlement's own log lines belong to the request too.
            let span = settlement.span.clone();
            handle.spawn(tracing::Instrument::instrument(settlement.close(end), span));
        }
        // No runtime (process shutting down): the intent in the outbox settles it on restart.
        Err(_) => tracing::warn!(request_id = %settlement.reservation.request_id, "no runtime to settle a request; recovery will"),
    }
}

/// Settlements with Redis wait for the next boundary of this period, so that those of requests
/// ending close together reach Redis as one pipelined write (the multiplexed connection sends
/// every command queued before its driver runs in one go) and come back in one read. The
/// reservation keeps the worst case covered meanwhile; nothing waits on this but the counters.
const SETTLE_TICK: std::time::Duration = std::time::Duration::from_millis(2);

async fn settle_tick() {
    static EPOCH: std::sync::OnceLock<tokio::time::Instant> = std::sync::OnceLock::new();
    let epoch = *EPOCH.get_or_init(tokio::time::Instant::now);
    let tick = SETTLE_TICK.as_micros();
    let since = (epoch.elapsed().as_micros() / tick + 1) * tick;
    if let Some(boundary) = u64::try_from(since).ok().and_then(|us| epoch.checked_add(std::time::Duration::from_micros(us))) {
        tokio::time::sleep_until(boundary).await;
    }
}

impl Settlement {
    async fn close(self, end: End) {
        let Settlement { quota, outbox, reservation, mut row, model, counterfactual, pricing, started, overhead_us, span } = self;
        row.latency_ms = Some(i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX));
        if quota.is_shared() {
            settle_tick().await;
        }
        row.overhead_us = overhead_us;
        let result = match end {
            End::Completed { usage, estimated, status, error_code } => {
                super::trace::record_usage(&span, &usage);
                let cost = pricing.cost(&model, &usage);
                row.input_tokens = i64::from(usage.prompt);
                row.output_tokens = i64::from(usage.completion);
                row.cached_input_tokens = i64::from(usage.cached);
                row.cache_write_input_tokens = i64::from(usage.cache_write);
                row.usage_estimated = estimated;
                row.cost_nano = cost.nanos();
                row.counterfactual_cost_nano = counterfactual
                    .and_then(|m| price_for(pricing.org_prices.as_ref(), &m))
                    .map(|price| actual_cost(Some(price), &usage, None).nanos());
                row.status = status.to_owned();
                row.error_code = error_code;
                quota.settle(&reservation, Usage { cost, tokens: usage.prompt.saturating_add(usage.completion) }).await
            }
            End::Released { status, error_code } => {
                row.input_tokens = 0;
                row.status = status.to_owned();
                row.error_code = Some(error_code);
                quota.release(&reservation).await
            }
        };
        if let Err(err) = result {
            // The reservation stays open until its lease ends; the reconciler closes it then.
            metrics::counter!("sluice_settle_failures_total").increment(1);
            tracing::warn!(request_id = %reservation.request_id, error = %err, "settling a reservation failed");
            row.error_code.get_or_insert_with(|| "settle_deferred_to_reconciler".to_owned());
        }
        crate::metrics_endpoint::handles().ledger_outcome(&row.status);
        outbox.complete(row);
    }
}
