//! Counter drift: each budget's `spent` counter in the shared quota store (Redis) against the
//! ledger's sum for the same period (`sluice_alerts::drift`). Only a shared store can be read
//! from here; with counters in process (no `redis_url`), the report says so and lists nothing.
//! Members with an org role may read it.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sluice_alerts::AlertsError;
use sluice_alerts::drift::{BudgetDrift, budget_drift};
use sluice_domain::Money;
use sluice_quota::QuotaStore;
use sluice_store::Conn;
use sluice_store::budgets;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{org_access, require_org_read};
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::resources::forecast::alerts_error;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct CounterDrift {
    pub budget_id: Uuid,
    /// `org`, `team` or `key`.
    pub scope: String,
    pub scope_id: Uuid,
    /// The current period's label (the counter's name), e.g. `m2026-11`.
    pub period: String,
    pub amount_usd: Money,
    /// The quota store's `spent` counter.
    pub counter_usd: Money,
    /// The ledger's spend in the same period.
    pub ledger_usd: Money,
    /// `counter − ledger`: positive when the counter runs ahead.
    pub difference_usd: Money,
    /// Reservations of requests in flight (not part of either side).
    pub reserved_usd: Money,
    pub exceeds_tolerance: bool,
}

impl From<BudgetDrift> for CounterDrift {
    fn from(d: BudgetDrift) -> Self {
        Self {
            budget_id: d.budget_id,
            scope: d.scope.as_str().to_owned(),
            scope_id: d.scope_id,
            period: d.period,
            amount_usd: d.amount,
            counter_usd: d.drift.counter,
            ledger_usd: d.drift.ledger,
            difference_usd: d.drift.difference,
            reserved_usd: d.reserved,
            exceeds_tolerance: d.drift.exceeds_tolerance,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CounterDriftReport {
    pub generated_at: DateTime<Utc>,
    /// `redis`, or `in_process` when there is no shared store to compare (then `items` is empty).
    pub store: String,
    pub tolerance_usd: Money,
    pub items: Vec<CounterDrift>,
}

/// Every budget of one org compared at `now` (the `sluice billing drift` command prints the same).
pub async fn drift_report<Q: QuotaStore>(conn: &mut Conn, quota: &Q, org_id: Uuid, now: DateTime<Utc>, tolerance: Money) -> Result<Vec<CounterDrift>, AlertsError> {
    let mut items = Vec::new();
    for zoned in budgets::all_zoned(conn, Some(org_id)).await? {
        items.push(CounterDrift::from(budget_drift(conn, quota, &zoned, now, tolerance).await?));
    }
    Ok(items)
}

/// Budget counters in the shared quota store compared with the ledger (members with an org role).
#[utoipa::path(tag = "billing", security(("bearer" = [])), responses(
    (status = 200, body = CounterDriftReport), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/billing/counter-drift")]
pub async fn counter_drift(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let tolerance = state.config.alert_rules.drift_tolerance;
    let now = Utc::now();
    let (store, items) = match &state.config.quota {
        Some(quota) => ("redis", drift_report(&mut conn, quota.as_ref(), org_id, now, tolerance).await.map_err(alerts_error)?),
        None => ("in_process", Vec::new()),
    };
    Ok(HttpResponse::Ok().json(CounterDriftReport { generated_at: now, store: store.to_owned(), tolerance_usd: tolerance, items }))
}
