//! Burn-rate forecasts: one budget's (`/budgets/{id}/forecast`) and every budget of the org
//! (`/reports/burn-rate`). The numbers come from `sluice_alerts::forecast` — the same function
//! the alert job and `sluice billing forecast` use — over the ledger; this module checks access
//! and maps to the wire type. Reading needs what reading the budget needs.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sluice_alerts::AlertsError;
use sluice_alerts::forecast::{BudgetForecast, budget_forecast};
use sluice_domain::Money;
use sluice_domain::budget::BudgetPeriod;
use sluice_store::budgets::{self, ZonedBudget};
use sluice_store::orgs;
use utoipa::ToSchema;
use uuid::Uuid;

use super::target::require_row_read;
use crate::access::{org_access, require_org_read};
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct BudgetForecastView {
    pub budget_id: Uuid,
    /// `org`, `team` or `key`.
    pub scope: String,
    /// The org, team or key the budget applies to.
    pub scope_id: Uuid,
    pub period: BudgetPeriod,
    /// The current period's first instant; null for `total` budgets.
    pub period_start: Option<DateTime<Utc>>,
    /// The current period's end (exclusive); null for `total` budgets.
    pub period_end: Option<DateTime<Utc>>,
    pub amount_usd: Money,
    /// Spend in the current period, from the ledger.
    pub spent_usd: Money,
    /// Spend per hour over the trailing 24 hours.
    pub velocity_usd_per_hour: Money,
    /// Spend at the period's end at that velocity; null for `total` budgets.
    pub projected_spend_usd: Option<Money>,
    /// When the spend reaches the amount at that velocity (now if it already has); null when
    /// nothing is being spent.
    pub projected_exhaustion_at: Option<DateTime<Utc>>,
    /// The projected exhaustion comes before the period's end (for `total` budgets: an
    /// exhaustion is projected at all).
    pub exhausts_before_period_end: bool,
}

impl From<BudgetForecast> for BudgetForecastView {
    fn from(f: BudgetForecast) -> Self {
        Self {
            budget_id: f.budget_id,
            scope: f.scope.as_str().to_owned(),
            scope_id: f.scope_id,
            period: f.period,
            period_start: f.window.start,
            period_end: f.window.end,
            amount_usd: f.amount,
            spent_usd: f.spent,
            velocity_usd_per_hour: f.forecast.velocity_per_hour,
            projected_spend_usd: f.forecast.projected_spend,
            projected_exhaustion_at: f.forecast.projected_exhaustion_at,
            exhausts_before_period_end: f.forecast.exhausts_before_period_end,
        }
    }
}

/// Every budget's forecast, in budget id order.
#[derive(Serialize, ToSchema)]
pub struct BurnRateReport {
    pub generated_at: DateTime<Utc>,
    /// Length of the trailing window the velocities are measured over.
    pub trailing_window_hours: i64,
    pub items: Vec<BudgetForecastView>,
}

pub(crate) fn alerts_error(err: AlertsError) -> ApiError {
    match err {
        AlertsError::Store(e) => e.into(),
        other => ApiError::internal(other),
    }
}

/// One budget's burn-rate forecast (whoever may read the budget).
#[utoipa::path(tag = "budgets", security(("bearer" = [])), responses((status = 200, body = BudgetForecastView), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/budgets/{budget_id}/forecast")]
pub async fn budget_forecast_view(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, budget_id) = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let budget = budgets::get(&mut conn, org_id, budget_id).await?.ok_or(ApiError::NotFound)?;
    require_row_read(&mut conn, &access, org_id, budget.team_id, budget.key_id).await?;
    let org = orgs::get(&mut conn, org_id).await?.ok_or(ApiError::NotFound)?;
    let zoned = ZonedBudget { budget, time_zone: org.time_zone };
    let forecast = budget_forecast(&mut conn, &zoned, Utc::now()).await.map_err(alerts_error)?;
    Ok(HttpResponse::Ok().json(BudgetForecastView::from(forecast)))
}

/// Burn-rate forecasts of every budget of the organization (members with an org role).
#[utoipa::path(tag = "billing", security(("bearer" = [])), responses((status = 200, body = BurnRateReport), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/reports/burn-rate")]
pub async fn burn_rate_report(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let now = Utc::now();
    let report = burn_rate(&mut conn, org_id, now).await.map_err(alerts_error)?;
    Ok(HttpResponse::Ok().json(report))
}

/// The report for one org at `now` (the `sluice billing forecast` command prints the same).
pub async fn burn_rate(conn: &mut sluice_store::Conn, org_id: Uuid, now: DateTime<Utc>) -> Result<BurnRateReport, AlertsError> {
    let mut items = Vec::new();
    for zoned in budgets::all_zoned(conn, Some(org_id)).await? {
        items.push(BudgetForecastView::from(budget_forecast(conn, &zoned, now).await?));
    }
    Ok(BurnRateReport { generated_at: now, trailing_window_hours: sluice_billing::forecast::TRAILING_WINDOW.num_hours(), items })
}
