//! Org and team memberships: who belongs where, with which role.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::names::display_name;
use sluice_domain::roles::{OrgRole, TeamRole};
use sluice_store::memberships::{self, MemberRow};
use sluice_store::{teams, users};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access::{org_access, require, require_org_read, require_team_manage, require_team_read};
use crate::audit;
use crate::auth::{Principal, password};
use crate::error::{ApiError, ErrorBody, stored};
use crate::http::{Paginated, ValidJson, page::page_of};
use crate::resources::users::{check_password, parse_email};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    /// `owner`, `admin` or `viewer` for org members; `admin` or `member` for team members.
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl From<MemberRow> for Member {
    fn from(r: MemberRow) -> Self {
        Self { user_id: r.user_id, email: r.email, display_name: r.display_name, role: r.role, created_at: r.created_at }
    }
}

/// Either a new account (`email` + `password`, optional `display_name`) or, for platform
/// admins, an existing one (`user_id`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddOrgMember {
    pub role: OrgRole,
    pub user_id: Option<Uuid>,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetOrgRole {
    pub role: OrgRole,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddTeamMember {
    /// Must already belong to the organization.
    pub user_id: Uuid,
    pub role: TeamRole,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetTeamRole {
    pub role: TeamRole,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MemberListQuery {
    /// Only members with this role.
    pub role: Option<OrgRole>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeamMemberListQuery {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Members of an organization.
#[utoipa::path(tag = "members", params(MemberListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Member>), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/members")]
pub async fn list_org_members(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<MemberListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let rows = memberships::list_org_members(&mut conn, org_id, query.role.map(OrgRole::as_str), page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.user_id, |r| Ok(Member::from(r)))?))
}

/// Add a member: create a new account in the organization, or (platform admins) add an
/// existing account. Granting `owner` needs the owner role.
#[utoipa::path(tag = "members", request_body = AddOrgMember, security(("bearer" = [])), responses(
    (status = 201, body = Member), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/orgs/{org_id}/members")]
pub async fn add_org_member(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<AddOrgMember>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    // Validate and hash before opening the transaction: hashing takes tens of milliseconds.
    let new_account = match (&input.user_id, &input.email, &input.password) {
        (Some(_), None, None) => None,
        (None, Some(email), Some(pw)) => {
            let email = parse_email(email)?;
            check_password("password", pw)?;
            let name = match &input.display_name {
                Some(n) => display_name(n).map_err(|e| ApiError::field("display_name", e.0))?,
                None => email.as_str().to_owned(),
            };
            Some((email, name, password::hash(pw.clone()).await?))
        }
        (Some(_), _, _) => return Err(ApiError::field("user_id", "give either user_id, or email and password, not both")),
        (None, _, _) => return Err(ApiError::field("email", "email and password are required to create a member")),
    };
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.can_manage_org(), "adding members needs the org admin role")?;
    require(input.role != OrgRole::Owner || access.is_owner(), "granting the owner role needs the owner role")?;
    let user_id = match (new_account, input.user_id) {
        (Some((email, name, hash)), _) => {
            let new = users::NewUser { id: Uuid::now_v7(), email: email.as_str(), display_name: &name, password_hash: Some(&hash), is_platform_admin: false };
            users::insert(&mut tx, &new).await?.id
        }
        (None, Some(existing)) => {
            // Only platform admins can see accounts across organizations.
            principal.require_platform_admin()?;
            users::get(&mut tx, existing).await?.ok_or_else(|| ApiError::field("user_id", "no such user"))?.id
        }
        (None, None) => return Err(ApiError::field("user_id", "is required")),
    };
    memberships::add_org_member(&mut tx, org_id, user_id, input.role.as_str()).await?;
    let member = memberships::get_org_member(&mut tx, org_id, user_id).await?.ok_or(ApiError::NotFound)?;
    audit::record(&mut tx, &principal, Some(org_id), "org_member.add", ("user", user_id), json!({"role": input.role})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Member::from(member)))
}

/// Change a member's org role. Changing anything to or from `owner` needs the owner role; the
/// last owner cannot be demoted.
#[utoipa::path(tag = "members", request_body = SetOrgRole, security(("bearer" = [])), responses(
    (status = 200, body = Member), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[patch("/orgs/{org_id}/members/{user_id}")]
pub async fn set_org_role(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, body: ValidJson<SetOrgRole>) -> Result<HttpResponse, ApiError> {
    let (org_id, user_id) = path.into_inner();
    let role = body.0.role;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.can_manage_org(), "changing roles needs the org admin role")?;
    let current = memberships::get_org_member(&mut tx, org_id, user_id).await?.ok_or(ApiError::NotFound)?;
    let current_role: OrgRole = stored(&current.role)?;
    guard_owner_change(&mut tx, &access, org_id, current_role, Some(role)).await?;
    memberships::set_org_role(&mut tx, org_id, user_id, role.as_str()).await?;
    let member = memberships::get_org_member(&mut tx, org_id, user_id).await?.ok_or(ApiError::NotFound)?;
    audit::record(&mut tx, &principal, Some(org_id), "org_member.set_role", ("user", user_id), json!({"from": current_role, "to": role})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Member::from(member)))
}

/// Remove a member from the organization and all of its teams (the account itself stays).
#[utoipa::path(tag = "members", security(("bearer" = [])), responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/orgs/{org_id}/members/{user_id}")]
pub async fn remove_org_member(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, user_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.can_manage_org(), "removing members needs the org admin role")?;
    let current = memberships::get_org_member(&mut tx, org_id, user_id).await?.ok_or(ApiError::NotFound)?;
    let current_role: OrgRole = stored(&current.role)?;
    guard_owner_change(&mut tx, &access, org_id, current_role, None).await?;
    memberships::remove_org_member(&mut tx, org_id, user_id).await?;
    audit::record(&mut tx, &principal, Some(org_id), "org_member.remove", ("user", user_id), json!({"role": current_role})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}

/// Owners are only made or unmade by owners, and an org always keeps one.
async fn guard_owner_change(
    conn: &mut sluice_store::Conn,
    access: &sluice_domain::roles::OrgAccess,
    org_id: Uuid,
    from: OrgRole,
    to: Option<OrgRole>,
) -> Result<(), ApiError> {
    let touches_owner = from == OrgRole::Owner || to == Some(OrgRole::Owner);
    require(!touches_owner || access.is_owner(), "changing owners needs the owner role")?;
    if from == OrgRole::Owner && to != Some(OrgRole::Owner) && memberships::count_org_owners(conn, org_id).await? <= 1 {
        return Err(ApiError::Conflict("an organization keeps at least one owner; make someone else owner first".into()));
    }
    Ok(())
}

/// Members of a team.
#[utoipa::path(tag = "members", params(TeamMemberListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Member>), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/teams/{team_id}/members")]
pub async fn list_team_members(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, query: web::Query<TeamMemberListQuery>) -> Result<HttpResponse, ApiError> {
    let (org_id, team_id) = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_team_read(&access, team_id)?;
    teams::get(&mut conn, org_id, team_id).await?.ok_or(ApiError::NotFound)?;
    let rows = memberships::list_team_members(&mut conn, team_id, page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.user_id, |r| Ok(Member::from(r)))?))
}

/// Add an organization member to a team (org admins and the team's admins).
#[utoipa::path(tag = "members", request_body = AddTeamMember, security(("bearer" = [])), responses(
    (status = 201, body = Member), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/orgs/{org_id}/teams/{team_id}/members")]
pub async fn add_team_member(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, body: ValidJson<AddTeamMember>) -> Result<HttpResponse, ApiError> {
    let (org_id, team_id) = path.into_inner();
    let input = body.0;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require_team_manage(&access, team_id)?;
    teams::get(&mut tx, org_id, team_id).await?.ok_or(ApiError::NotFound)?;
    if memberships::get_org_member(&mut tx, org_id, input.user_id).await?.is_none() {
        return Err(ApiError::field("user_id", "is not a member of this organization; add them to the organization first"));
    }
    memberships::add_team_member(&mut tx, team_id, input.user_id, input.role.as_str()).await?;
    let member = memberships::get_team_member(&mut tx, team_id, input.user_id).await?.ok_or(ApiError::NotFound)?;
    audit::record(&mut tx, &principal, Some(org_id), "team_member.add", ("user", input.user_id), json!({"team_id": team_id, "role": input.role})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Member::from(member)))
}

/// Change a team member's role.
#[utoipa::path(tag = "members", request_body = SetTeamRole, security(("bearer" = [])), responses(
    (status = 200, body = Member), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/orgs/{org_id}/teams/{team_id}/members/{user_id}")]
pub async fn set_team_role(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid, Uuid)>, body: ValidJson<SetTeamRole>) -> Result<HttpResponse, ApiError> {
    let (org_id, team_id, user_id) = path.into_inner();
    let role = body.0.role;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require_team_manage(&access, team_id)?;
    teams::get(&mut tx, org_id, team_id).await?.ok_or(ApiError::NotFound)?;
    if !memberships::set_team_role(&mut tx, team_id, user_id, role.as_str()).await? {
        return Err(ApiError::NotFound);
    }
    let member = memberships::get_team_member(&mut tx, team_id, user_id).await?.ok_or(ApiError::NotFound)?;
    audit::record(&mut tx, &principal, Some(org_id), "team_member.set_role", ("user", user_id), json!({"team_id": team_id, "role": role})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Member::from(member)))
}

/// Remove a member from a team.
#[utoipa::path(tag = "members", security(("bearer" = [])), responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/orgs/{org_id}/teams/{team_id}/members/{user_id}")]
pub async fn remove_team_member(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, team_id, user_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require_team_manage(&access, team_id)?;
    teams::get(&mut tx, org_id, team_id).await?.ok_or(ApiError::NotFound)?;
    if !memberships::remove_team_member(&mut tx, team_id, user_id).await? {
        return Err(ApiError::NotFound);
    }
    audit::record(&mut tx, &principal, Some(org_id), "team_member.remove", ("user", user_id), json!({"team_id": team_id})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}
