//! Rate limits: requests per minute, tokens per minute and requests in flight, on the org, one
//! team or one key. A target has at most one set; each limit in it is optional, but at least one
//! is set (a set with none would limit nothing — delete it instead).
//!
//! The target is fixed at creation. Access follows the target exactly as for budgets.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::limits::RateLimits;
use sluice_store::rate_limits::{self, Limits, RateLimitRow};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::target::{list_filter, require_row_manage, require_row_read};
use crate::access::{body_target, org_access, require_target_manage, visible_teams};
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::{Paginated, Patch, ValidJson, page::page_of};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct RateLimit {
    pub id: Uuid,
    pub org_id: Uuid,
    /// Set for a team's limits.
    pub team_id: Option<Uuid>,
    /// Set for a key's limits. Neither set: the limits cover the whole org.
    pub key_id: Option<Uuid>,
    /// Requests per minute; null = not limited.
    pub rpm: Option<i32>,
    /// Tokens per minute; null = not limited.
    pub tpm: Option<i32>,
    /// Requests in flight at once; null = not limited.
    pub max_parallel: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<RateLimitRow> for RateLimit {
    fn from(r: RateLimitRow) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            team_id: r.team_id,
            key_id: r.key_id,
            rpm: r.rpm,
            tpm: r.tpm,
            max_parallel: r.max_parallel,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRateLimit {
    /// Limit a team. Set at most one of `team_id` and `key_id`; neither limits the whole org.
    pub team_id: Option<Uuid>,
    /// Limit a key.
    pub key_id: Option<Uuid>,
    /// Positive integers; set at least one of `rpm`, `tpm` and `max_parallel`.
    pub rpm: Option<i64>,
    pub tpm: Option<i64>,
    pub max_parallel: Option<i64>,
}

/// `null` removes a limit; at least one must remain. The target cannot be changed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRateLimit {
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub rpm: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub tpm: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub max_parallel: Patch<i64>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RateLimitListQuery {
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    /// `true`: only the limits on the org itself.
    pub org_level: Option<bool>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Validates the three limits and converts them to the columns' type.
fn limits(rpm: Option<i64>, tpm: Option<i64>, max_parallel: Option<i64>) -> Result<Limits, ApiError> {
    let valid = RateLimits::new(rpm, tpm, max_parallel).map_err(|(field, e)| ApiError::field(field, e.0))?;
    // `RateLimits` caps each limit below 2^31, so these conversions cannot fail.
    let column = |v: Option<u32>| v.map(i32::try_from).transpose().map_err(ApiError::internal);
    Ok(Limits { rpm: column(valid.rpm)?, tpm: column(valid.tpm)?, max_parallel: column(valid.max_parallel)? })
}

fn audit_details(row: &RateLimitRow) -> serde_json::Value {
    json!({"rpm": row.rpm, "tpm": row.tpm, "max_parallel": row.max_parallel, "team_id": row.team_id, "key_id": row.key_id})
}

/// Set rate limits on the org, a team or a key (org admins; team admins for their team and its keys).
#[utoipa::path(tag = "rate-limits", request_body = CreateRateLimit, security(("bearer" = [])), responses(
    (status = 201, body = RateLimit), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "The target already has rate limits", body = ErrorBody)))]
#[post("/orgs/{org_id}/rate-limits")]
pub async fn create_rate_limit(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<CreateRateLimit>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    let limits = limits(input.rpm, input.tpm, input.max_parallel)?;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let target = body_target(&mut tx, org_id, input.team_id, input.key_id).await?;
    require_target_manage(&mut tx, &access, org_id, target).await?;
    let row = rate_limits::insert(&mut tx, Uuid::now_v7(), org_id, input.team_id, input.key_id, &limits).await?;
    audit::record(&mut tx, &principal, Some(org_id), "rate_limit.create", ("rate_limit", row.id), audit_details(&row)).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(RateLimit::from(row)))
}

/// Rate limits of the org that the caller may see (team-only members: their teams' and keys' limits).
#[utoipa::path(tag = "rate-limits", params(RateLimitListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<RateLimit>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/rate-limits")]
pub async fn list_rate_limits(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<RateLimitListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let visible = visible_teams(&access);
    let filter = list_filter(query.team_id, query.key_id, query.org_level, visible.as_deref());
    let rows = rate_limits::list(&mut conn, org_id, &filter, page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, |r| Ok(RateLimit::from(r)))?))
}

#[utoipa::path(tag = "rate-limits", security(("bearer" = [])), responses((status = 200, body = RateLimit), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/rate-limits/{rate_limit_id}")]
pub async fn get_rate_limit(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, rate_limit_id) = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let row = rate_limits::get(&mut conn, org_id, rate_limit_id).await?.ok_or(ApiError::NotFound)?;
    require_row_read(&mut conn, &access, org_id, row.team_id, row.key_id).await?;
    Ok(HttpResponse::Ok().json(RateLimit::from(row)))
}

/// Change, add or remove (`null`) individual limits; at least one must remain. The target is immutable.
#[utoipa::path(tag = "rate-limits", request_body = UpdateRateLimit, security(("bearer" = [])), responses(
    (status = 200, body = RateLimit), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/orgs/{org_id}/rate-limits/{rate_limit_id}")]
pub async fn update_rate_limit(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, body: ValidJson<UpdateRateLimit>) -> Result<HttpResponse, ApiError> {
    let (org_id, rate_limit_id) = path.into_inner();
    let input = body.0;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    // Locked: the new limits are computed from the current ones.
    let current = rate_limits::get_for_update(&mut tx, org_id, rate_limit_id).await?.ok_or(ApiError::NotFound)?;
    require_row_manage(&mut tx, &access, org_id, current.team_id, current.key_id).await?;
    let cleared = [("rpm", &input.rpm), ("tpm", &input.tpm), ("max_parallel", &input.max_parallel)]
        .into_iter()
        .find_map(|(field, patch)| (*patch == Patch::Null).then_some(field));
    let rpm = input.rpm.apply_to(current.rpm.map(i64::from));
    let tpm = input.tpm.apply_to(current.tpm.map(i64::from));
    let max_parallel = input.max_parallel.apply_to(current.max_parallel.map(i64::from));
    if let (None, None, None, Some(field)) = (rpm, tpm, max_parallel, cleared) {
        return Err(ApiError::field(field, "at least one of rpm, tpm, max_parallel must remain set; delete the rate limits to remove them all"));
    }
    let limits = limits(rpm, tpm, max_parallel)?;
    let row = rate_limits::update(&mut tx, org_id, rate_limit_id, &limits).await?.ok_or(ApiError::NotFound)?;
    audit::record(&mut tx, &principal, Some(org_id), "rate_limit.update", ("rate_limit", rate_limit_id), audit_details(&row)).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(RateLimit::from(row)))
}

/// Remove a target's rate limits.
#[utoipa::path(tag = "rate-limits", security(("bearer" = [])), responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/orgs/{org_id}/rate-limits/{rate_limit_id}")]
pub async fn delete_rate_limit(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, rate_limit_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let row = rate_limits::get(&mut tx, org_id, rate_limit_id).await?.ok_or(ApiError::NotFound)?;
    require_row_manage(&mut tx, &access, org_id, row.team_id, row.key_id).await?;
    if !rate_limits::delete(&mut tx, org_id, rate_limit_id).await? {
        return Err(ApiError::NotFound);
    }
    audit::record(&mut tx, &principal, Some(org_id), "rate_limit.delete", ("rate_limit", rate_limit_id), audit_details(&row)).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}
