//! Alert evaluation: for every budget of every live org, the forecast, anomaly and (with a shared
//! quota store) drift rules, each alert stored once per budget, period and kind. Inserting an
//! alert queues its webhook deliveries. Safe in several processes at once: the unique key makes
//! a second process's insert a no-op.
//!
//! Drift must persist over two consecutive evaluations before it is raised: spend a gateway
//! settled in the last seconds is in the counter but still on its way to the ledger (the
//! outbox ships in batches), so a single reading under load can differ by that much. The
//! report endpoints show every reading as it is.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sluice_billing::alerting::{AnomalyInput, AnomalyRule, detect_anomaly};
use sluice_domain::Money;
use sluice_quota::QuotaStore;
use sluice_quota::redis_store::RedisQuota;
use sluice_store::alerts::{self, AlertRow};
use sluice_store::budgets::{self, ZonedBudget};
use sluice_store::{Conn, Db};
use uuid::Uuid;

use crate::AlertsError;
use crate::drift::budget_drift;
use crate::forecast::budget_forecast;

/// The thresholds of the rules billing evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub anomaly: AnomalyRule,
    /// Largest |counter − ledger| not reported as `counter_drift`.
    pub drift_tolerance: Money,
}

impl Default for Rules {
    fn default() -> Self {
        Self { anomaly: AnomalyRule::default(), drift_tolerance: Money::from_nanos(10_000_000) }
    }
}

/// Evaluates budgets round after round, remembering which drifted in the last round.
#[derive(Debug, Default)]
pub struct Evaluator {
    rules: Rules,
    drifting: HashSet<Uuid>,
}

impl Evaluator {
    pub fn new(rules: Rules) -> Self {
        Self { rules, drifting: HashSet::new() }
    }

    /// Evaluates every budget and stores the new alerts; returns how many were new.
    pub async fn evaluate_all(&mut self, db: &Db, now: DateTime<Utc>, quota: Option<&RedisQuota>) -> Result<u64, AlertsError> {
        let mut conn = db.acquire().await?;
        let mut raised = Vec::new();
        for zoned in budgets::all_zoned(&mut conn, None).await? {
            match evaluate_budget(&mut conn, &zoned, now, &self.rules, quota).await {
                Ok(found) => raised.extend(found),
                // One budget's trouble (an unreachable Redis, say) must not hide the others' alerts.
                Err(err) => tracing::warn!(budget_id = %zoned.budget.id, error = %err, "budget not evaluated"),
            }
        }
        let drifting: HashSet<Uuid> = raised.iter().filter(|a| a.kind == "counter_drift").map(|a| a.budget_id).collect();
        raised.retain(|a| a.kind != "counter_drift" || self.drifting.contains(&a.budget_id));
        self.drifting = drifting;
        store(&mut conn, &raised).await
    }
}

async fn store(conn: &mut Conn, raised: &[AlertRow]) -> Result<u64, AlertsError> {
    let mut new = 0;
    for chunk in raised.chunks(500) {
        new += alerts::insert_batch(conn, chunk).await?;
    }
    metrics::counter!("sluice_billing_alerts_total").increment(new);
    Ok(new)
}

/// The alerts one budget calls for now (stored or not yet).
pub async fn evaluate_budget<Q: QuotaStore>(
    conn: &mut Conn,
    zoned: &ZonedBudget,
    now: DateTime<Utc>,
    rules: &Rules,
    quota: Option<&Q>,
) -> Result<Vec<AlertRow>, AlertsError> {
    let f = budget_forecast(conn, zoned, now).await?;
    let alert = |kind: &str, spent: Money, details: Value| AlertRow {
        id: Uuid::now_v7(),
        org_id: f.org_id,
        budget_id: f.budget_id,
        period: f.window.label.clone(),
        kind: kind.to_owned(),
        threshold_percent: None,
        spent_nano: spent.nanos(),
        amount_nano: f.amount.nanos(),
        details,
        occurred_at: now,
        delivered_at: None,
    };
    let mut found = Vec::new();
    // An exhausted budget already raised its 100 % threshold alert; a forecast adds nothing.
    if f.forecast.exhausts_before_period_end && !f.forecast.already_exhausted {
        found.push(alert(
            "forecast_exhaustion",
            f.spent,
            json!({
                "velocity_usd_per_hour": f.forecast.velocity_per_hour,
                "projected_spend_usd": f.forecast.projected_spend,
                "projected_exhaustion_at": f.forecast.projected_exhaustion_at,
                "period_end": f.window.end,
                "trailing_window_hours": f.trailing_window.num_hours(),
            }),
        ));
    }
    let input = AnomalyInput {
        last_hour: Money::from_nanos(f.spend.last_hour),
        before_last_hour: Money::from_nanos(f.spend.trailing - f.spend.last_hour),
        window: f.trailing_window,
    };
    if let Some(anomaly) = detect_anomaly(rules.anomaly, &input) {
        found.push(alert(
            "spend_anomaly",
            f.spent,
            json!({
                "last_hour_usd": anomaly.last_hour,
                "baseline_usd_per_hour": anomaly.baseline_per_hour,
                "factor": rules.anomaly.factor,
                "floor_usd": rules.anomaly.floor,
            }),
        ));
    }
    if let Some(quota) = quota {
        let d = budget_drift(conn, quota, zoned, now, rules.drift_tolerance).await?;
        if d.drift.exceeds_tolerance {
            found.push(alert(
                "counter_drift",
                d.drift.ledger,
                json!({
                    "counter_usd": d.drift.counter,
                    "ledger_usd": d.drift.ledger,
                    "difference_usd": d.drift.difference,
                    "tolerance_usd": rules.drift_tolerance,
                    "reserved_usd": d.reserved,
                }),
            ));
        }
    }
    Ok(found)
}
