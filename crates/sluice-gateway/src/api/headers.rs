//! Response headers every answered request carries: request id, routed model and provider,
//! cost, gateway overhead, and OpenAI-style `x-ratelimit-*` from the tightest limit.

use actix_web::HttpResponseBuilder;
use sluice_domain::Money;
use sluice_quota::{LimitKind, RateStatus};

use crate::snapshot::ModelEntry;

pub fn routing(response: &mut HttpResponseBuilder, request_id: &str, model: &ModelEntry) {
    response.insert_header(("x-request-id", request_id.to_owned()));
    response.insert_header(("x-sluice-model", model.name.clone()));
    response.insert_header(("x-sluice-provider", model.provider.name.clone()));
}

/// The routing decision: data class, task tier, complexity score and the reasons, so callers
/// can see why a request went where it went (no prompt text: entity types and counts only).
pub fn decision(response: &mut HttpResponseBuilder, decision: &sluice_router::decision::Decision) {
    response.insert_header(("x-sluice-data-class", decision.data_class.to_string()));
    response.insert_header(("x-sluice-task-tier", decision.tier.to_string()));
    response.insert_header(("x-sluice-complexity", format!("{:.2}", decision.complexity_score)));
    response.insert_header(("x-sluice-route-reasons", header_safe(&decision.reasons_header(), 2048)));
    if decision.pool.first().is_some_and(|r| r.redact) {
        response.insert_header(("x-sluice-redacted", "true"));
    }
}

/// Visible ASCII only (model names may hold anything printable), cut at `max` bytes.
fn header_safe(value: &str, max: usize) -> String {
    value.chars().map(|c| if c == ' ' || c.is_ascii_graphic() { c } else { '?' }).take(max).collect()
}

pub fn cost(response: &mut HttpResponseBuilder, cost: Money, overhead_us: u64) {
    response.insert_header(("x-sluice-cost-usd", cost.to_string()));
    response.insert_header(("x-sluice-overhead-us", overhead_us.to_string()));
}

/// `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` from the limit with the least room.
pub fn rate_limits(response: &mut HttpResponseBuilder, rates: &[RateStatus]) {
    for (kind, suffix) in [(LimitKind::Rpm, "requests"), (LimitKind::Tpm, "tokens")] {
        let tightest = rates.iter().filter(|r| r.kind == kind).min_by_key(|r| r.remaining);
        if let Some(r) = tightest {
            response.insert_header((format!("x-ratelimit-limit-{suffix}"), r.limit.to_string()));
            response.insert_header((format!("x-ratelimit-remaining-{suffix}"), r.remaining.to_string()));
            response.insert_header((format!("x-ratelimit-reset-{suffix}"), format!("{}ms", r.reset_after.as_millis())));
        }
    }
}
