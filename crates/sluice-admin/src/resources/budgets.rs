//! Budgets: an amount of money per period on the org, one team or one key.
//!
//! A budget's target and period are fixed at creation: spend is counted per target and period
//! label, so changing either would silently reattach (or drop) a running period's spend. To move
//! a budget, delete it and create another.
//!
//! Who may do what follows the target: org-level budgets need an org role to read and the org
//! admin role to change; team and key budgets are readable by the team's members and changeable
//! by its admins (and org admins).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::Money;
use sluice_domain::budget::{AlertThresholds, BudgetPeriod, Exhaustion, budget_amount};
use sluice_domain::period::OrgTimeZone;
use sluice_store::budgets::{self, BudgetPatch, BudgetRow, NewBudget};
use sluice_store::{Conn, orgs};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::target::{list_filter, require_row_manage, require_row_read};
use crate::access::{body_target, org_access, require_target_manage, visible_teams};
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody, stored};
use crate::http::{Paginated, Patch, ValidJson, page::page_of};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Budget {
    pub id: Uuid,
    pub org_id: Uuid,
    /// Set for a team budget.
    pub team_id: Option<Uuid>,
    /// Set for a key budget. Neither set: the budget covers the whole org.
    pub key_id: Option<Uuid>,
    pub amount_usd: Money,
    pub period: BudgetPeriod,
    /// A hard budget refuses requests that could exceed it; a soft one only alerts.
    pub hard: bool,
    /// Percentages of the amount at which an alert fires, ascending.
    pub alert_thresholds: Vec<u8>,
    pub on_exhaustion: Exhaustion,
    pub current_period: CurrentPeriod,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The period running now, in the org's time zone.
#[derive(Serialize, ToSchema)]
pub struct CurrentPeriod {
    /// Counter label, e.g. `m2026-11`, `w2026-W48`, `d2026-11-29` or `total`.
    pub label: String,
    /// First instant of the period (null for `total`).
    pub start: Option<DateTime<Utc>>,
    /// First instant of the next period (null for `total`).
    pub end: Option<DateTime<Utc>>,
}

impl Budget {
    fn from_row(r: BudgetRow, zone: OrgTimeZone, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let period: BudgetPeriod = stored(&r.period)?;
        let window = period.window(zone, now);
        let alert_thresholds = r.alert_thresholds.iter().map(|p| u8::try_from(*p).map_err(ApiError::internal)).collect::<Result<_, _>>()?;
        Ok(Self {
            id: r.id,
            org_id: r.org_id,
            team_id: r.team_id,
            key_id: r.key_id,
            amount_usd: Money::from_nanos(r.amount_nano),
            period,
            hard: r.hard,
            alert_thresholds,
            on_exhaustion: stored(&r.on_exhaustion)?,
            current_period: CurrentPeriod { label: window.label, start: window.start, end: window.end },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBudget {
    /// Budget a team. Set at most one of `team_id` and `key_id`; neither budgets the whole org.
    pub team_id: Option<Uuid>,
    /// Budget a key.
    pub key_id: Option<Uuid>,
    /// Greater than zero.
    pub amount_usd: Money,
    pub period: BudgetPeriod,
    /// Defaults to true.
    pub hard: Option<bool>,
    /// Percentages (1-100, at most 10, no repeats); defaults to none.
    #[serde(default)]
    pub alert_thresholds: Vec<i64>,
    /// Defaults to `block`.
    pub on_exhaustion: Option<Exhaustion>,
}

/// Target and period cannot be changed (delete the budget and create another).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBudget {
    #[serde(default)]
    #[schema(value_type = Option<Money>)]
    pub amount_usd: Patch<Money>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub hard: Patch<bool>,
    /// `null` removes every threshold.
    #[serde(default)]
    #[schema(value_type = Option<Vec<i64>>)]
    pub alert_thresholds: Patch<Vec<i64>>,
    #[serde(default)]
    #[schema(value_type = Option<Exhaustion>)]
    pub on_exhaustion: Patch<Exhaustion>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BudgetListQuery {
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    /// `true`: only budgets on the org itself.
    pub org_level: Option<bool>,
    pub period: Option<BudgetPeriod>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

fn thresholds(percents: Vec<i64>) -> Result<Vec<i16>, ApiError> {
    let valid = AlertThresholds::new(percents).map_err(|e| ApiError::field("alert_thresholds", e.0))?;
    Ok(valid.percents().iter().map(|p| i16::from(*p)).collect())
}

fn amount(value: Money) -> Result<Money, ApiError> {
    budget_amount(value).map_err(|e| ApiError::field("amount_usd", e.0))
}

/// The org's time zone, which decides where daily, weekly and monthly periods start.
async fn org_zone(conn: &mut Conn, org_id: Uuid) -> Result<OrgTimeZone, ApiError> {
    let org = orgs::get(conn, org_id).await?.ok_or(ApiError::NotFound)?;
    stored(&org.time_zone)
}

/// Create a budget on the org, a team or a key (org admins; team admins for their team and its keys).
#[utoipa::path(tag = "budgets", request_body = CreateBudget, security(("bearer" = [])), responses(
    (status = 201, body = Budget), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "A budget with this period already exists on the target", body = ErrorBody)))]
#[post("/orgs/{org_id}/budgets")]
pub async fn create_budget(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<CreateBudget>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    let amount = amount(input.amount_usd)?;
    let alert_thresholds = thresholds(input.alert_thresholds)?;
    let on_exhaustion = input.on_exhaustion.unwrap_or(Exhaustion::Block);
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let target = body_target(&mut tx, org_id, input.team_id, input.key_id).await?;
    require_target_manage(&mut tx, &access, org_id, target).await?;
    let new = NewBudget {
        id: Uuid::now_v7(),
        org_id,
        team_id: input.team_id,
        key_id: input.key_id,
        amount_nano: amount.nanos(),
        period: input.period.as_str(),
        hard: input.hard.unwrap_or(true),
        alert_thresholds: &alert_thresholds,
        on_exhaustion: on_exhaustion.as_str(),
    };
    let row = budgets::insert(&mut tx, &new).await?;
    let details = json!({"amount_usd": amount, "period": input.period, "team_id": row.team_id, "key_id": row.key_id});
    audit::record(&mut tx, &principal, Some(org_id), "budget.create", ("budget", row.id), details).await?;
    let zone = org_zone(&mut tx, org_id).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Budget::from_row(row, zone, Utc::now())?))
}

/// Budgets of the org that the caller may see (team-only members: their teams' and keys' budgets).
#[utoipa::path(tag = "budgets", params(BudgetListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Budget>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/budgets")]
pub async fn list_budgets(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<BudgetListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let visible = visible_teams(&access);
    let filter = list_filter(query.team_id, query.key_id, query.org_level, visible.as_deref());
    let rows = budgets::list(&mut conn, org_id, &filter, query.period.map(BudgetPeriod::as_str), page).await?;
    let zone = org_zone(&mut conn, org_id).await?;
    let now = Utc::now();
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, |r| Budget::from_row(r, zone, now))?))
}

#[utoipa::path(tag = "budgets", security(("bearer" = [])), responses((status = 200, body = Budget), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/budgets/{budget_id}")]
pub async fn get_budget(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, budget_id) = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let row = budgets::get(&mut conn, org_id, budget_id).await?.ok_or(ApiError::NotFound)?;
    require_row_read(&mut conn, &access, org_id, row.team_id, row.key_id).await?;
    let zone = org_zone(&mut conn, org_id).await?;
    Ok(HttpResponse::Ok().json(Budget::from_row(row, zone, Utc::now())?))
}

/// Change a budget's amount, hardness, alert thresholds or exhaustion behaviour. Its target and
/// period are immutable: delete the budget and create another to change them.
#[utoipa::path(tag = "budgets", request_body = UpdateBudget, security(("bearer" = [])), responses(
    (status = 200, body = Budget), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/orgs/{org_id}/budgets/{budget_id}")]
pub async fn update_budget(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, body: ValidJson<UpdateBudget>) -> Result<HttpResponse, ApiError> {
    let (org_id, budget_id) = path.into_inner();
    let input = body.0;
    let amount = input.amount_usd.required("amount_usd")?.map(amount).transpose()?;
    let hard = input.hard.required("hard")?;
    // Clearing the thresholds is a reasonable request, so null means "none" rather than an error.
    let alert_thresholds = input.alert_thresholds.nullable().map(|t| thresholds(t.unwrap_or_default())).transpose()?;
    let on_exhaustion = input.on_exhaustion.required("on_exhaustion")?;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let current = budgets::get(&mut tx, org_id, budget_id).await?.ok_or(ApiError::NotFound)?;
    require_row_manage(&mut tx, &access, org_id, current.team_id, current.key_id).await?;
    let patch = BudgetPatch { amount_nano: amount.map(Money::nanos), hard, alert_thresholds: alert_thresholds.as_deref(), on_exhaustion: on_exhaustion.map(Exhaustion::as_str) };
    let row = budgets::update(&mut tx, org_id, budget_id, &patch).await?.ok_or(ApiError::NotFound)?;
    // What identifies the budget, plus the fields this request changed (null = left unchanged).
    let details = json!({
        "amount_usd": Money::from_nanos(row.amount_nano), "period": row.period, "team_id": row.team_id, "key_id": row.key_id,
        "hard": hard, "alert_thresholds": alert_thresholds, "on_exhaustion": on_exhaustion,
    });
    audit::record(&mut tx, &principal, Some(org_id), "budget.update", ("budget", budget_id), details).await?;
    let zone = org_zone(&mut tx, org_id).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Budget::from_row(row, zone, Utc::now())?))
}

/// Delete a budget. Spend already recorded stays in the ledger.
#[utoipa::path(tag = "budgets", security(("bearer" = [])), responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/orgs/{org_id}/budgets/{budget_id}")]
pub async fn delete_budget(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, budget_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let row = budgets::get(&mut tx, org_id, budget_id).await?.ok_or(ApiError::NotFound)?;
    require_row_manage(&mut tx, &access, org_id, row.team_id, row.key_id).await?;
    if !budgets::delete(&mut tx, org_id, budget_id).await? {
        return Err(ApiError::NotFound);
    }
    let details = json!({"amount_usd": Money::from_nanos(row.amount_nano), "period": row.period, "team_id": row.team_id, "key_id": row.key_id});
    audit::record(&mut tx, &principal, Some(org_id), "budget.delete", ("budget", budget_id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}
