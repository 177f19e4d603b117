//! What the write-ahead file holds.

use serde::{Deserialize, Serialize};
use sluice_quota::Reservation;
use sluice_store::ledger::LedgerRow;

/// Written when a request is admitted: enough to settle it and write its row if the process
/// dies before the request ends.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Intent {
    pub reservation: Reservation,
    /// The row as far as it is known at admission (tenant, models, provider, reservation).
    pub row: LedgerRow,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutboxRecord {
    Intent(Box<Intent>),
    Completion(Box<LedgerRow>),
}

/// The same records, borrowed, for writing: the request path appends what it already holds
/// instead of copying a row (with its JSON members) into an owned record first. Serialises
/// exactly like [`OutboxRecord`] (a test holds them together).
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordRef<'a> {
    Intent { reservation: &'a Reservation, row: &'a LedgerRow },
    Completion(&'a LedgerRow),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_records_read_back_as_owned_ones() {
        let row: LedgerRow = serde_json::from_value(serde_json::json!({
            "request_id": "0195e7a0-0000-7000-8000-000000000001", "occurred_at": "2026-11-29T12:00:00Z",
            "org_id": "0195e7a0-0000-7000-8000-000000000002", "team_id": "0195e7a0-0000-7000-8000-000000000003",
            "key_id": "0195e7a0-0000-7000-8000-000000000004", "user_id": null, "endpoint": "chat", "requested_model": "auto",
            "routed_model": "m", "provider_id": null, "data_class": "public", "task_tier": "simple", "decision_reasons": ["r"],
            "input_tokens": 10, "output_tokens": 2, "cached_input_tokens": 0, "cache_write_input_tokens": 0, "usage_estimated": false,
            "cost_nano": 5, "counterfactual_model": null, "counterfactual_cost_nano": null, "reserved_nano": 9, "latency_ms": 1,
            "overhead_us": 2, "status": "ok", "error_code": null, "data_terms": {"provider": "p"}, "prompt": null
        }))
        .unwrap();
        let line = serde_json::to_string(&RecordRef::Completion(&row)).unwrap();
        match serde_json::from_str::<OutboxRecord>(&line).unwrap() {
            OutboxRecord::Completion(back) => assert_eq!(*back, row),
            other => panic!("{other:?}"),
        }
        let reservation = Reservation {
            request_id: row.request_id.into(),
            tenant: sluice_quota::Tenant { org: row.org_id.into(), team: row.team_id.into(), key: row.key_id.into() },
            reserved: sluice_domain::Money::from_nanos(9),
            granted_output_tokens: 3,
            lease_until: row.occurred_at,
        };
        let line = serde_json::to_string(&RecordRef::Intent { reservation: &reservation, row: &row }).unwrap();
        match serde_json::from_str::<OutboxRecord>(&line).unwrap() {
            OutboxRecord::Intent(intent) => assert_eq!((intent.reservation.request_id, intent.row), (reservation.request_id, row)),
            other => panic!("{other:?}"),
        }
    }
}
