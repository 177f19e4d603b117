//! Budget alerts: when a budget's actual spend in its period has crossed one of its thresholds
//! (or its whole amount), the gateway records an alert once. Detection runs on every admission
//! with the counters the quota store just returned, so it costs no extra call; the first replica
//! to notice inserts the row and the unique key makes every later notice a no-op. Alerts do not
//! need the outbox: one lost in a crash is noticed again by the next request.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use sluice_quota::{BudgetCheck, BudgetState};
use sluice_store::Db;
use sluice_store::alerts::{self, AlertRow};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::snapshot::Snapshot;

pub struct AlertSink {
    tx: mpsc::UnboundedSender<AlertRow>,
    /// (budget, period, threshold) already sent by this process.
    sent: Mutex<HashSet<(Uuid, String, u8)>>,
}

impl AlertSink {
    pub fn spawn(db: Db) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<AlertRow>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while let Ok(more) = rx.try_recv() {
                    batch.push(more);
                }
                for attempt in 0..5u32 {
                    let result = async {
                        let mut conn = db.acquire().await?;
                        alerts::insert_batch(&mut conn, &batch).await
                    }
                    .await;
                    match result {
                        Ok(new) => {
                            metrics::counter!("sluice_budget_alerts_total").increment(new);
                            break;
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, attempt, "cannot record budget alerts; retrying");
                            tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
                        }
                    }
                }
            }
        });
        Self { tx, sent: Mutex::new(HashSet::new()) }
    }

    /// Raises the alerts the admission's budget states call for.
    pub fn observe(&self, snapshot: &Snapshot, org: sluice_domain::ids::OrgId, checks: &[BudgetCheck], states: &[BudgetState]) {
        for state in states {
            let Some(check) = checks.iter().find(|c| c.budget_id == state.budget_id) else { continue };
            if !state.amount.is_positive() {
                continue;
            }
            let used = i128::from(state.spent.nanos()) * 100 / i128::from(state.amount.nanos());
            let thresholds = snapshot.budget_thresholds(check.budget_id);
            for threshold in thresholds.iter().copied().chain(std::iter::once(100u8)) {
                if used < i128::from(threshold) {
                    continue;
                }
                let marker = (check.budget_id.as_uuid(), check.period.clone(), threshold);
                let first = self.sent.lock().unwrap_or_else(|p| p.into_inner()).insert(marker);
                if first {
                    let alert = AlertRow {
                        id: Uuid::now_v7(),
                        org_id: org.as_uuid(),
                        budget_id: check.budget_id.as_uuid(),
                        period: check.period.clone(),
                        kind: "threshold".to_owned(),
                        threshold_percent: Some(i16::from(threshold)),
                        spent_nano: state.spent.nanos(),
                        amount_nano: state.amount.nanos(),
                        details: serde_json::json!({"hard": check.hard}),
                        occurred_at: Utc::now(),
                        delivered_at: None,
                    };
                    tracing::info!(budget_id = %check.budget_id, period = %check.period, threshold, "budget alert");
                    let _ = self.tx.send(alert);
                }
            }
        }
    }
}
