//! Budget alerts raised by the gateway (thresholds crossed, budgets spent), per org.

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
    /// The threshold crossed, in percent of the amount (100 = the whole amount).
    pub threshold_percent: i16,
    /// Actual spend when the gateway noticed.
    pub spent_usd: Money,
    pub amount_usd: Money,
    pub occurred_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<AlertRow> for Alert {
    fn from(r: AlertRow) -> Self {
        Self {
            id: r.id,
            budget_id: r.budget_id,
            period: r.period,
            threshold_percent: r.threshold_percent,
            spent_usd: Money::from_nanos(r.spent_nano),
            amount_usd: Money::from_nanos(r.amount_nano),
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
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Budget alerts of the organization, newest first (members with an org role).
#[utoipa::path(tag = "budgets", params(AlertListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Alert>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/alerts")]
pub async fn list_alerts(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<AlertListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let rows = alerts::list(&mut conn, org_id, query.budget_id, page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, |r| Ok(Alert::from(r)))?))
}
