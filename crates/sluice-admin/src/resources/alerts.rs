//! Budget alerts, per org: thresholds the gateway saw crossed (`threshold`), and the kinds
//! billing raises — `forecast_exhaustion`, `spend_anomaly`, `counter_drift`. The list keeps its
//! original fields (a non-threshold alert has `threshold_percent: null`) and adds `kind` and a
//! `details` object whose fields depend on the kind (docs/billing.md lists them).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sluice_domain::Money;
use sluice_store::alerts::{self, AlertRow};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access::{org_access, require_org_read};
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::{Paginated, page::page_of};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Alert {
    pub id: Uuid,
    pub budget_id: Uuid,
    /// The budget period's label, e.g. `m2026-11`.
    pub period: String,
    /// `threshold`, `forecast_exhaustion`, `spend_anomaly` or `counter_drift`.
    pub kind: String,
    /// The threshold crossed, in percent of the amount (100 = the whole amount); null for
    /// other kinds.
    pub threshold_percent: Option<i16>,
    /// Spend in the period when the alert was raised.
    pub spent_usd: Money,
    pub amount_usd: Money,
    /// What the alert's rule saw, as decimal USD strings and RFC 3339 instants (per kind).
    pub details: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
    /// First successful webhook delivery; null while none succeeded (or no endpoint exists).
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<AlertRow> for Alert {
    fn from(r: AlertRow) -> Self {
        Self {
            id: r.id,
            budget_id: r.budget_id,
            period: r.period,
            kind: r.kind,
            threshold_percent: r.threshold_percent,
            spent_usd: Money::from_nanos(r.spent_nano),
            amount_usd: Money::from_nanos(r.amount_nano),
            details: r.details,
            occurred_at: r.occurred_at,
            delivered_at: r.delivered_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertListQuery {
    pub budget_id: Option<Uuid>,
    /// Only alerts of this kind.
    pub kind: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Budget alerts of the organization, newest first, of every kind (members with an org role).
#[utoipa::path(tag = "budgets", params(AlertListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Alert>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/alerts")]
pub async fn list_alerts(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<AlertListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let rows = alerts::list(&mut conn, org_id, query.budget_id, query.kind.as_deref(), page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, |r| Ok(Alert::from(r)))?))
}
