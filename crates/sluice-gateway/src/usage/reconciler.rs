//! The lease reconciler: with a shared quota store, a gateway that died may have left
//! reservations open whose outbox is on a disk no one will read again (a deleted pod). When a
//! reservation's lease ends, any replica settles it at its reserved amount — the most the
//! provider could have billed — and writes its ledger row as `interrupted`. Settling is
//! idempotent, so only the replica that actually closes the reservation writes the row; and the
//! row's identity comes from the request id, so a late outbox replay cannot add a second one.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use sluice_quota::{QuotaStore, Reservation, SettleOutcome, Usage};
use sluice_store::ledger::LedgerRow;

use super::Outbox;
use crate::quota::Quotas;

const BATCH: usize = 200;

pub fn spawn(quota: Arc<Quotas>, outbox: Outbox, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match quota.primary().expired_reservations(Utc::now(), BATCH).await {
                Ok(expired) => {
                    for reservation in expired {
                        close(&quota, &outbox, reservation).await;
                    }
                }
                Err(err) => tracing::debug!(error = %err, "lease reconciler could not read expired reservations"),
            }
        }
    })
}

async fn close(quota: &Quotas, outbox: &Outbox, reservation: Reservation) {
    let usage = Usage { cost: reservation.reserved, tokens: reservation.granted_output_tokens };
    match quota.primary().settle(&reservation, usage).await {
        Ok(SettleOutcome::Settled) => {
            metrics::counter!("sluice_reservations_reconciled_total").increment(1);
            tracing::warn!(request_id = %reservation.request_id, "settled an orphaned reservation at its reserved amount");
            outbox.complete(interrupted_row(&reservation));
        }
        Ok(SettleOutcome::AlreadyClosed) => {}
        Err(err) => tracing::debug!(error = %err, "lease reconciler could not settle a reservation"),
    }
}

/// What is known of a request from its reservation alone.
pub fn interrupted_row(reservation: &Reservation) -> LedgerRow {
    let tenant = reservation.tenant;
    LedgerRow {
        request_id: reservation.request_id.as_uuid(),
        occurred_at: reservation.request_id.admitted_at(),
        org_id: tenant.org.as_uuid(),
        team_id: tenant.team.as_uuid(),
        key_id: tenant.key.as_uuid(),
        user_id: None,
        endpoint: "unknown".to_owned(),
        requested_model: "unknown".to_owned(),
        routed_model: None,
        provider_id: None,
        data_class: "unclassified".to_owned(),
        task_tier: "unclassified".to_owned(),
        complexity_score: None,
        decision_reasons: json!([]),
        input_tokens: 0,
        output_tokens: i64::from(reservation.granted_output_tokens),
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        usage_estimated: true,
        cost_nano: reservation.reserved.nanos(),
        counterfactual_model: None,
        counterfactual_cost_nano: None,
        reserved_nano: reservation.reserved.nanos(),
        latency_ms: None,
        overhead_us: None,
        status: "interrupted".to_owned(),
        error_code: Some("settled_by_reconciler".to_owned()),
        data_terms: None,
        prompt: None,
    }
}
