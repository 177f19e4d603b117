//! Teams inside an organization.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::names::{Slug, display_name};
use sluice_store::teams::{self, TeamRow};
use sluice_store::keys;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access::{org_access, require, require_team_manage, require_team_read, visible_teams};
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::{Paginated, Patch, ValidJson, page::page_of};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Team {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub slug: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<TeamRow> for Team {
    fn from(r: TeamRow) -> Self {
        Self { id: r.id, org_id: r.org_id, name: r.name, slug: r.slug, created_at: r.created_at, updated_at: r.updated_at }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    pub name: String,
    /// Derived from the name when absent; unique inside the org.
    pub slug: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeam {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub slug: Patch<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeamListQuery {
    /// Substring of the name or slug.
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Create a team (org admins).
#[utoipa::path(tag = "teams", request_body = CreateTeam, security(("bearer" = [])), responses(
    (status = 201, body = Team), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/orgs/{org_id}/teams")]
pub async fn create_team(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<CreateTeam>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    let name = display_name(&input.name).map_err(|e| ApiError::field("name", e.0))?;
    let slug = match input.slug {
        Some(s) => s.parse::<Slug>().map_err(|e| ApiError::field("slug", e.0))?,
        None => Slug::from_name(&name).map_err(|e| ApiError::field("name", format!("cannot derive a slug: {}", e.0)))?,
    };
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.can_manage_org(), "creating teams needs the org admin role")?;
    let team = teams::insert(&mut tx, Uuid::now_v7(), org_id, &name, slug.as_str()).await?;
    audit::record(&mut tx, &principal, Some(org_id), "team.create", ("team", team.id), json!({"name": team.name, "slug": team.slug})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Team::from(team)))
}

/// Teams of an organization (team-only members see their own teams).
#[utoipa::path(tag = "teams", params(TeamListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Team>), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/teams")]
pub async fn list_teams(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<TeamListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let only = visible_teams(&access);
    let rows = teams::list(&mut conn, org_id, only.as_deref(), query.q.as_deref(), page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, |r| Ok(Team::from(r)))?))
}

#[utoipa::path(tag = "teams", security(("bearer" = [])), responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/teams/{team_id}")]
pub async fn get_team(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, team_id) = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_team_read(&access, team_id)?;
    let team = teams::get(&mut conn, org_id, team_id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(Team::from(team)))
}

/// Rename a team or change its slug (org admins and the team's admins).
#[utoipa::path(tag = "teams", request_body = UpdateTeam, security(("bearer" = [])), responses(
    (status = 200, body = Team), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/orgs/{org_id}/teams/{team_id}")]
pub async fn update_team(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, body: ValidJson<UpdateTeam>) -> Result<HttpResponse, ApiError> {
    let (org_id, team_id) = path.into_inner();
    let input = body.0;
    let name = input.name.required("name")?.map(|n| display_name(&n).map_err(|e| ApiError::field("name", e.0))).transpose()?;
    let slug = input.slug.required("slug")?.map(|s| s.parse::<Slug>().map_err(|e| ApiError::field("slug", e.0))).transpose()?;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require_team_manage(&access, team_id)?;
    let team = teams::update(&mut tx, org_id, team_id, name.as_deref(), slug.as_ref().map(Slug::as_str)).await?.ok_or(ApiError::NotFound)?;
    audit::record(&mut tx, &principal, Some(org_id), "team.update", ("team", team_id), json!({"name": name, "slug": team.slug})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Team::from(team)))
}

/// Delete a team that has never held keys (org admins). Teams with keys, even revoked ones,
/// stay: their keys' ledger rows refer to them.
#[utoipa::path(tag = "teams", security(("bearer" = [])), responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/orgs/{org_id}/teams/{team_id}")]
pub async fn delete_team(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, team_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require_team_read(&access, team_id)?;
    require(access.can_manage_org(), "deleting teams needs the org admin role")?;
    if keys::team_has_keys(&mut tx, team_id).await? {
        return Err(ApiError::Conflict("the team holds virtual keys (active or revoked) and cannot be deleted".into()));
    }
    if !teams::delete(&mut tx, org_id, team_id).await? {
        return Err(ApiError::NotFound);
    }
    audit::record(&mut tx, &principal, Some(org_id), "team.delete", ("team", team_id), json!({})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}
