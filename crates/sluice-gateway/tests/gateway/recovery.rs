use serde_json::json;
use sluice_domain::Money;
use sluice_domain::ids::RequestId;
use sluice_gateway::usage::{Intent, OutboxRecord};
use sluice_quota::{Reservation, Tenant as QuotaTenant};
use sluice_store::ledger::LedgerRow;

use crate::harness::*;

/// A gateway that died with a request in flight left an intent and no completion; the next
/// start writes that request's ledger row, charged its reservation, exactly once.
#[tokio::test]
async fn an_interrupted_request_gets_one_conservative_row_after_restart() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let (db, outbox) = gw.stop().await;

    let request_id = RequestId::new();
    let reserved = Money::from_nanos(12_345);
    let reservation = Reservation {
        request_id,
        tenant: QuotaTenant { org: t.org.into(), team: t.team.into(), key: t.key.into() },
        reserved,
        granted_output_tokens: 10,
        lease_until: chrono::Utc::now(),
    };
    let row = LedgerRow {
        request_id: request_id.as_uuid(),
        occurred_at: request_id.admitted_at(),
        org_id: t.org,
        team_id: t.team,
        key_id: t.key,
        user_id: None,
        endpoint: "chat".into(),
        requested_model: "demo-small".into(),
        routed_model: Some("demo-small".into()),
        provider_id: None,
        data_class: "unclassified".into(),
        task_tier: "unclassified".into(),
        complexity_score: None,
        decision_reasons: json!([]),
        input_tokens: 5,
        output_tokens: 0,
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        usage_estimated: false,
        cost_nano: 0,
        counterfactual_model: None,
        counterfactual_cost_nano: None,
        reserved_nano: reserved.nanos(),
        latency_ms: None,
        overhead_us: None,
        status: "admitted".into(),
        error_code: None,
        data_terms: None,
        prompt: None,
    };
    let dead = outbox.path().join("crashed-instance");
    std::fs::create_dir_all(&dead).unwrap();
    let line = serde_json::to_string(&OutboxRecord::Intent(Box::new(Intent { reservation, row }))).unwrap();
    std::fs::write(dead.join("outbox-0000000000.jsonl"), format!("{line}\n{{\"torn\": ")).unwrap();

    for _ in 0..2 {
        // Twice: the second start must not add a second row.
        let gw = start(db.clone(), tempfile::tempdir().unwrap(), |c| c.outbox_dir = outbox.path().to_owned()).await;
        let rows = gw.ledger_rows(t.key, 1).await;
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].status.as_str(), rows[0].cost_nano, rows[0].usage_estimated), ("interrupted", 12_345, true));
        gw.stop().await;
    }
}
