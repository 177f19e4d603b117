//! Organizations (tenants).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::budget::QuotaFailureMode;
use sluice_domain::names::{Slug, display_name};
use sluice_domain::period::OrgTimeZone;
use sluice_store::orgs::{self, OrgPatch, OrgRow};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access::{org_access, require};
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody, stored};
use crate::http::{Paginated, Patch, ValidJson, page::page_of};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Org {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    /// IANA time zone; daily, weekly and monthly budgets reset at local midnight in it.
    pub time_zone: String,
    /// What gateways do for this org when the shared quota store (Redis) is unreachable.
    pub quota_failure_mode: QuotaFailureMode,
    /// Whether the ledger keeps each request's prompt (as sent upstream, after redaction).
    pub prompt_logging: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<OrgRow> for Org {
    type Error = ApiError;
    fn try_from(r: OrgRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            name: r.name,
            slug: r.slug,
            time_zone: r.time_zone,
            quota_failure_mode: stored(&r.quota_failure_mode)?,
            prompt_logging: r.prompt_logging,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    pub name: String,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    /// Defaults to UTC.
    pub time_zone: Option<String>,
    /// Defaults to `deny`.
    pub quota_failure_mode: Option<QuotaFailureMode>,
    /// Keep each request's prompt in the ledger. Defaults to false: no prompt text is stored.
    pub prompt_logging: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrg {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub time_zone: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<QuotaFailureMode>)]
    pub quota_failure_mode: Patch<QuotaFailureMode>,
    /// Turning prompt logging on or off is recorded in the audit log.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub prompt_logging: Patch<bool>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrgListQuery {
    /// Substring of the name or slug.
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Create an organization (platform admins only).
#[utoipa::path(tag = "orgs", request_body = CreateOrg, security(("bearer" = [])), responses(
    (status = 201, body = Org), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/orgs")]
pub async fn create_org(state: web::Data<AppState>, principal: Principal, body: ValidJson<CreateOrg>) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let input = body.0;
    let name = display_name(&input.name).map_err(|e| ApiError::field("name", e.0))?;
    let slug = match input.slug {
        Some(s) => s.parse::<Slug>().map_err(|e| ApiError::field("slug", e.0))?,
        None => Slug::from_name(&name).map_err(|e| ApiError::field("name", format!("cannot derive a slug: {}", e.0)))?,
    };
    let zone = match input.time_zone {
        Some(z) => z.parse::<OrgTimeZone>().map_err(|e| ApiError::field("time_zone", e.0))?,
        None => OrgTimeZone::UTC,
    };
    let mut tx = state.db.begin().await?;
    let mode = input.quota_failure_mode.unwrap_or_default();
    let prompt_logging = input.prompt_logging.unwrap_or(false);
    let new = orgs::NewOrg { id: Uuid::now_v7(), name: &name, slug: slug.as_str(), time_zone: zone.name(), quota_failure_mode: mode.as_str(), prompt_logging };
    let org = orgs::insert(&mut tx, &new).await?;
    let details = json!({"name": org.name, "slug": org.slug, "quota_failure_mode": mode, "prompt_logging": prompt_logging});
    audit::record(&mut tx, &principal, Some(org.id), "org.create", ("org", org.id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Org::try_from(org)?))
}

/// Organizations the caller belongs to (all of them for platform admins).
#[utoipa::path(tag = "orgs", params(OrgListQuery), security(("bearer" = [])), responses((status = 200, body = Paginated<Org>)))]
#[get("/orgs")]
pub async fn list_orgs(state: web::Data<AppState>, principal: Principal, query: web::Query<OrgListQuery>) -> Result<HttpResponse, ApiError> {
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let member = if principal.platform_admin { None } else { Some(principal.user_id) };
    let mut conn = state.db.acquire().await?;
    let rows = orgs::list(&mut conn, member, query.q.as_deref(), page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, Org::try_from)?))
}

#[utoipa::path(tag = "orgs", security(("bearer" = [])), responses((status = 200, body = Org), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}")]
pub async fn get_org(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    org_access(&mut conn, &principal, org_id).await?;
    let org = orgs::get(&mut conn, org_id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(Org::try_from(org)?))
}

/// Rename an organization, change its time zone, quota failure mode or prompt logging (org admins).
#[utoipa::path(tag = "orgs", request_body = UpdateOrg, security(("bearer" = [])), responses(
    (status = 200, body = Org), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/orgs/{org_id}")]
pub async fn update_org(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<UpdateOrg>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    let name = input.name.required("name")?.map(|n| display_name(&n).map_err(|e| ApiError::field("name", e.0))).transpose()?;
    let zone = input.time_zone.required("time_zone")?.map(|z| z.parse::<OrgTimeZone>().map_err(|e| ApiError::field("time_zone", e.0))).transpose()?;
    let mode = input.quota_failure_mode.required("quota_failure_mode")?;
    let prompt_logging = input.prompt_logging.required("prompt_logging")?;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.can_manage_org(), "changing the organization needs the org admin role")?;
    let patch = OrgPatch { name: name.as_deref(), time_zone: zone.map(|z| z.name()), quota_failure_mode: mode.map(QuotaFailureMode::as_str), prompt_logging };
    let org = orgs::update(&mut tx, org_id, &patch).await?.ok_or(ApiError::NotFound)?;
    let details = json!({"name": name, "time_zone": patch.time_zone, "quota_failure_mode": mode, "prompt_logging": prompt_logging});
    audit::record(&mut tx, &principal, Some(org_id), "org.update", ("org", org_id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Org::try_from(org)?))
}

/// Archive an organization (owners and platform admins): it disappears from the API and all of
/// its keys are revoked; its ledger and audit log are kept.
#[utoipa::path(tag = "orgs", security(("bearer" = [])), responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/orgs/{org_id}")]
pub async fn archive_org(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.is_owner(), "archiving an organization needs the owner role")?;
    if !orgs::archive(&mut tx, org_id).await? {
        return Err(ApiError::NotFound);
    }
    audit::record(&mut tx, &principal, Some(org_id), "org.archive", ("org", org_id), json!({})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}
