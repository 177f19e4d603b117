//! The what-if report replays ledger rows (their stored class and complexity score) under a
//! candidate policy, at current prices.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::json;
use sluice_store::ledger::{self, LedgerRow};
use uuid::Uuid;

use crate::helpers::*;

fn row(org: Uuid, team: Uuid, key: Uuid, class: &str, score: Option<f32>, model: &str, day: u32) -> LedgerRow {
    LedgerRow {
        request_id: Uuid::now_v7(),
        occurred_at: Utc.with_ymd_and_hms(2026, 10, day, 12, 0, 0).unwrap(),
        org_id: org,
        team_id: team,
        key_id: key,
        user_id: None,
        endpoint: "chat".into(),
        requested_model: "auto".into(),
        routed_model: Some(model.into()),
        provider_id: None,
        data_class: class.into(),
        task_tier: "simple".into(),
        complexity_score: score,
        decision_reasons: json!([]),
        // One million input tokens: gpt-4o costs $2.50, gpt-4o-mini $0.15 (seeded price book).
        input_tokens: 1_000_000,
        output_tokens: 0,
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        usage_estimated: false,
        cost_nano: 2_500_000_000,
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

#[tokio::test]
async fn replays_a_period_under_a_candidate_policy() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let team = app.create_team(org, "research").await;
    let key = app.create_key(org, team, "k").await;
    let rows = vec![
        row(org, team, key, "public", Some(0.1), "gpt-4o", 3),
        row(org, team, key, "public", Some(0.12), "gpt-4o", 4),
        row(org, team, key, "public", Some(0.9), "gpt-4o", 5),
        row(org, team, key, "pii", Some(0.2), "gpt-4o", 6),
        row(org, team, key, "unclassified", None, "gpt-4o", 7),
        // Outside the period.
        row(org, team, key, "public", Some(0.1), "gpt-4o", 30),
    ];
    let mut conn = app.db.acquire().await.unwrap();
    ledger::insert_batch(&mut conn, &rows).await.unwrap();
    drop(conn);
    app.model_with_trust("llama-local", "local").await;

    let path = format!("/api/v1/orgs/{org}/routing-policies/what-if");
    let candidate = json!({
        "default_model": "gpt-4o",
        "matrix": {"public": {"simple": ["gpt-4o-mini"], "complex": ["gpt-4o"]}, "pii": {"simple": ["llama-local"]}}
    });
    let body = json!({"document": candidate, "from": "2026-10-01T00:00:00Z", "to": "2026-10-20T00:00:00Z"});
    let report = app.post_ok(&path, &root, body, StatusCode::OK).await;
    assert_eq!((report["requests"].as_i64(), report["replayed"].as_i64(), report["skipped"].as_i64()), (Some(5), Some(4), Some(1)), "{report}");
    assert_eq!(report["actual_cost_usd"], "12.50");
    assert_eq!(report["actual_cost_replayed_usd"], "10.00");
    // Two simple public requests on gpt-4o-mini (2 × $0.15), one complex on gpt-4o ($2.50), the pii one local (unpriced).
    assert_eq!(report["candidate_cost_usd"], "2.80");
    assert_eq!(report["route_mix"][0], json!({"model": "gpt-4o-mini", "requests": 2, "cost_usd": "0.30"}));
    assert_eq!(report["class_mix"]["pii"], 1);
    assert_eq!(report["violations"], json!([{"model": "gpt-4o", "data_class": "pii", "requests": 1}]));
    assert_eq!(report["unpriced_models"], json!(["llama-local"]));

    // A threshold moves requests between tiers (0.12, 0.2 and 0.9 are complex at 0.11).
    let mut strict = candidate.clone();
    strict["complexity_threshold"] = json!(0.11);
    let body = json!({"document": strict, "from": "2026-10-01T00:00:00Z", "to": "2026-10-20T00:00:00Z"});
    let report = app.post_ok(&path, &root, body, StatusCode::OK).await;
    assert_eq!((report["tier_mix"]["complex"].as_i64(), report["tier_mix"]["simple"].as_i64()), (Some(3), Some(1)));

    let bad = json!({"document": candidate, "from": "2026-10-20T00:00:00Z", "to": "2026-10-01T00:00:00Z"});
    let res = app.post_ok(&path, &root, bad, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&res), ["to"]);
    let unsound = json!({"document": {"matrix": {"pii": {"simple": ["gpt-4o"]}}}, "from": "2026-10-01T00:00:00Z", "to": "2026-10-20T00:00:00Z"});
    let res = app.post_ok(&path, &root, unsound, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&res), ["document.matrix.pii.simple[0]"]);
}
