//! The ledger row of a request as far as it is known at admission: who, what was asked, where
//! it was routed and why, what the provider's data terms are. The guard completes it.

use std::sync::Arc;

use serde_json::{Value, json};
use sluice_store::ledger::LedgerRow;

use super::RequestMeta;
use crate::routing::Routing;
use crate::snapshot::{KeyEntry, ModelEntry};

pub struct RowStart<'a> {
    pub meta: &'a RequestMeta,
    pub key: &'a KeyEntry,
    pub model: &'a Arc<ModelEntry>,
    pub endpoint: &'a str,
    pub requested_model: &'a str,
    pub prompt_estimate: u32,
    pub reserved_nano: i64,
    pub routing: &'a Routing,
    /// Chat only: the complexity score (what-if replays re-tier from it).
    pub with_complexity: bool,
    /// The request as sent upstream, for orgs that turned prompt logging on (see `logged_prompt`).
    pub prompt: Option<String>,
}

pub fn row_template(start: RowStart) -> LedgerRow {
    let RowStart { meta, key, model, endpoint, requested_model, prompt_estimate, reserved_nano, routing, with_complexity, prompt } = start;
    let decision = &routing.decision;
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
        data_class: decision.data_class.to_string(),
        task_tier: decision.tier.to_string(),
        complexity_score: with_complexity.then_some(decision.complexity_score.clamp(0.0, 1.0) as f32),
        decision_reasons: routing.reasons_json(),
        input_tokens: i64::from(prompt_estimate),
        output_tokens: 0,
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        usage_estimated: false,
        cost_nano: 0,
        counterfactual_model: decision.counterfactual_model.clone(),
        counterfactual_cost_nano: None,
        reserved_nano,
        latency_ms: None,
        overhead_us: None,
        status: "admitted".to_owned(),
        error_code: None,
        data_terms: Some(data_terms(model)),
        prompt,
    }
}

/// Logged prompts are capped: the row travels through the outbox and its write-ahead file.
pub const PROMPT_LOG_MAX_BYTES: usize = 64 * 1024;

/// What prompt logging keeps of a request: the body as sent upstream (after any redaction), as
/// compact JSON, cut at a character boundary past `PROMPT_LOG_MAX_BYTES` with a marker saying so.
pub fn logged_prompt(body: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string(body).unwrap_or_default();
    if text.len() > PROMPT_LOG_MAX_BYTES {
        let cut = (0..=PROMPT_LOG_MAX_BYTES).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let dropped = text.len() - cut;
        text.truncate(cut);
        text.push_str(&format!("…[{dropped} bytes not logged]"));
    }
    text
}

/// Where the data went: the provider, its trust tier, region and retention terms at the time.
pub fn data_terms(model: &ModelEntry) -> Value {
    let terms = &model.provider.data_terms;
    json!({
        "provider": model.provider.name,
        "trust_tier": model.provider.trust_tier,
        "region": model.provider.region,
        "retention_days": terms.retention_days,
        "trains_on_data": terms.trains_on_data,
        "zero_data_retention": terms.zero_data_retention,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_prompts_are_kept_whole_and_large_ones_cut_on_a_char_boundary() {
        let small = json!({"messages": [{"role": "user", "content": "hi"}]});
        assert_eq!(logged_prompt(&small), small.to_string());
        let big = json!({"messages": [{"role": "user", "content": "é".repeat(PROMPT_LOG_MAX_BYTES)}]});
        let logged = logged_prompt(&big);
        let (kept, marker) = logged.split_once('…').unwrap();
        assert!(kept.len() <= PROMPT_LOG_MAX_BYTES && kept.len() > PROMPT_LOG_MAX_BYTES - 4);
        assert_eq!(marker, format!("[{} bytes not logged]", big.to_string().len() - kept.len()));
    }
}
