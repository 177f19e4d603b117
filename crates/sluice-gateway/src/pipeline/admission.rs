//! Building the quota admission for a request from the snapshot: the key's, team's and org's
//! limits and budgets (with the current period in the org's time zone) and the worst-case cost.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sluice_domain::ids::RequestId;
use sluice_domain::provider::ProviderKind;
use sluice_domain::{Money, PricePerMTok};
use sluice_quota::{AdmitRequest, BudgetCheck, CostPlan, Level, LevelLimits, RateSpec, Tenant};

use crate::api::errors::GatewayError;
use crate::config::GatewayConfig;
use crate::providers::TokenUsage;
use crate::snapshot::{Controls, KeyEntry, ModelEntry, Price, Snapshot, price_for};

/// What the caller asked for, in tokens.
#[derive(Debug, Clone, Copy)]
pub struct TokenAsk {
    pub prompt: u32,
    /// Output tokens per choice the request allows (after clamping to the model).
    pub max_output_per_choice: u32,
    /// Whether the request named `max_tokens` itself.
    pub explicit_max: bool,
    pub choices: u32,
}

/// Prompt tokens are counted with an OpenAI encoding; other families tokenise differently, so
/// their prompts are reserved with this margin (the provider's count is charged at settle).
fn prompt_margin(kind: ProviderKind) -> u32 {
    match kind {
        ProviderKind::Openai | ProviderKind::Demo => 100,
        ProviderKind::Anthropic | ProviderKind::OpenaiCompatible => 125,
    }
}

pub fn build(
    snapshot: &Snapshot,
    config: &GatewayConfig,
    key: &KeyEntry,
    model: &ModelEntry,
    ask: TokenAsk,
    request_id: RequestId,
    now: DateTime<Utc>,
) -> Result<AdmitRequest, GatewayError> {
    let tenant = Tenant { org: key.org_id, team: key.team_id, key: key.key_id };
    let levels: [(Level, uuid::Uuid, Option<&Controls>); 3] = [
        (Level::Key, key.key_id.as_uuid(), snapshot.key_controls.get(&key.key_id)),
        (Level::Team, key.team_id.as_uuid(), snapshot.team_controls.get(&key.team_id)),
        (Level::Org, key.org_id.as_uuid(), snapshot.org_controls.get(&key.org_id)),
    ];
    let zone = snapshot.zone(key.org_id);
    let burst = |per_minute: u32| (per_minute.saturating_mul(config.rate_burst_seconds) / 60).max(1);
    let mut limits = Vec::new();
    let mut budgets = Vec::new();
    for (level, id, controls) in levels {
        let Some(controls) = controls else { continue };
        if let Some(l) = controls.limits {
            limits.push(LevelLimits {
                level,
                id,
                rpm: l.rpm.map(|n| RateSpec { per_minute: n, burst: burst(n) }),
                tpm: l.tpm.map(|n| RateSpec { per_minute: n, burst: burst(n) }),
                max_parallel: l.max_parallel,
            });
        }
        for b in &controls.budgets {
            let window = b.period.window(zone, now);
            budgets.push(BudgetCheck { level, budget_id: b.id, period: window.label, amount: b.amount, hard: b.hard, period_end: window.end });
        }
    }
    let reserved_prompt = u64::from(ask.prompt) * u64::from(prompt_margin(model.provider.kind)) / 100;
    let reserved_prompt = u32::try_from(reserved_prompt).unwrap_or(u32::MAX);
    let max_output = ask.max_output_per_choice.saturating_mul(ask.choices.max(1));
    let cost = match (price_for(snapshot.org_prices(key.org_id), model), config.unpriced_ceiling) {
        (Some(price), _) => CostPlan {
            // Any prompt token may turn out to be a cache write, which can cost more than input.
            fixed: price.input.max(price.cache_write.unwrap_or(price.input)).cost_of(u64::from(reserved_prompt)),
            output_price: price.output,
            max_output_tokens: max_output,
            min_output_tokens: if ask.explicit_max && !config.clamp_max_tokens_to_budget { max_output } else { ask.choices.max(1) },
        },
        (None, Some(ceiling)) => CostPlan { fixed: ceiling, output_price: PricePerMTok::default(), max_output_tokens: max_output, min_output_tokens: max_output },
        (None, None) => return Err(GatewayError::Unpriced(model.name.clone())),
    };
    Ok(AdmitRequest {
        request_id,
        tenant,
        limits,
        budgets,
        prompt_tokens: reserved_prompt,
        cost,
        lease: config.reservation_lease,
    })
}

/// The admission for a pool of models any of which may end up serving the request (failover):
/// a cost plan that dominates each model's own — the highest input cost, the highest output
/// price, the most output tokens — so whichever model serves, its cost fits the reservation.
/// Pool entries after the first that cannot be priced are dropped from `models`.
pub fn build_for_pool(
    snapshot: &Snapshot,
    config: &GatewayConfig,
    key: &KeyEntry,
    models: &mut Vec<std::sync::Arc<ModelEntry>>,
    ask: impl Fn(&ModelEntry) -> TokenAsk,
    request_id: RequestId,
    now: DateTime<Utc>,
) -> Result<AdmitRequest, GatewayError> {
    let Some(primary) = models.first().cloned() else {
        return Err(GatewayError::Internal("empty model pool".into()));
    };
    let mut admission = build(snapshot, config, key, &primary, ask(&primary), request_id, now)?;
    models.retain(|m| std::sync::Arc::ptr_eq(m, &primary) || {
        match build(snapshot, config, key, m, ask(m), request_id, now) {
            Ok(other) => {
                let (a, b) = (&mut admission.cost, other.cost);
                a.fixed = a.fixed.max(b.fixed);
                a.output_price = a.output_price.max(b.output_price);
                a.max_output_tokens = a.max_output_tokens.max(b.max_output_tokens);
                a.min_output_tokens = a.min_output_tokens.max(b.min_output_tokens);
                admission.prompt_tokens = admission.prompt_tokens.max(other.prompt_tokens);
                true
            }
            Err(_) => false,
        }
    });
    Ok(admission)
}

/// The actual cost of what the provider reported at the price the org pays (exact, rounded up per component): cache reads
/// and cache writes at their own prices where the price book has them, the rest of the prompt at
/// the input price.
pub fn actual_cost(price: Option<Price>, usage: &TokenUsage, ceiling: Option<Money>) -> Money {
    let Some(price) = price else { return ceiling.unwrap_or(Money::ZERO) };
    let uncached = usage.prompt.saturating_sub(usage.cached).saturating_sub(usage.cache_write);
    let nanos = price.input.cost_of(u64::from(uncached)).nanos()
        + price.cached_input.unwrap_or(price.input).cost_of(u64::from(usage.cached)).nanos()
        + price.cache_write.unwrap_or(price.input).cost_of(u64::from(usage.cache_write)).nanos()
        + price.output.cost_of(u64::from(usage.completion)).nanos();
    Money::from_nanos(nanos)
}

/// Retry-After for a rate limit, rounded up to whole seconds as the header requires.
pub fn retry_after_secs(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs() + u64::from(d.subsec_nanos() > 0))
}
