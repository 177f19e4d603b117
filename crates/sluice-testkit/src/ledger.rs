//! Ledger rows for tests that seed the ledger directly: a finished, priced chat request with
//! neutral values, which each test overrides with struct-update syntax where it checks something.

use chrono::{DateTime, Utc};
use sluice_store::ledger::LedgerRow;
use uuid::Uuid;

/// A completed chat request of `org` to `model` on `provider` at `at`, under a fresh team and key.
pub fn ledger_row(org: Uuid, provider: Uuid, model: &str, at: DateTime<Utc>) -> LedgerRow {
    LedgerRow {
        request_id: Uuid::now_v7(),
        occurred_at: at,
        org_id: org,
        team_id: Uuid::now_v7(),
        key_id: Uuid::now_v7(),
        user_id: None,
        endpoint: "chat".into(),
        requested_model: model.into(),
        routed_model: Some(model.into()),
        provider_id: Some(provider),
        data_class: "public".into(),
        task_tier: "simple".into(),
        complexity_score: None,
        decision_reasons: serde_json::json!([]),
        input_tokens: 0,
        output_tokens: 0,
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        usage_estimated: false,
        cost_nano: 0,
        counterfactual_model: None,
        counterfactual_cost_nano: None,
        reserved_nano: 0,
        latency_ms: None,
        overhead_us: None,
        status: "ok".into(),
        error_code: None,
        data_terms: None,
        prompt: None,
    }
}
