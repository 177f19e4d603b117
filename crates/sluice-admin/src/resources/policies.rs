//! Routing policies: the org's document (complete, with a matrix) and team or key overrides
//! layered on it. Documents are validated and checked against the model catalogue and the trust
//! rules before they are stored (`checks`), so the router never meets one it cannot apply.
//!
//! Changing a policy needs the org admin role, also for team and key overrides: an override can
//! replace the trust table, which decides which providers may receive personal data and secrets,
//! so it is an org-wide data-protection decision rather than a team setting. Reading follows the
//! target: team members may read their team's and keys' overrides, org roles read everything.
//!
//! Each write bumps `revision`; editors send `expected_revision` to avoid overwriting a change
//! they have not seen. An override needs the org document to exist first, and the org document
//! cannot be deleted while overrides exist.

pub(crate) mod checks;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::budget::Target;
use sluice_domain::policy::{PolicyDocument, PolicyLevel};
use sluice_domain::roles::OrgAccess;
use sluice_store::Conn;
use sluice_store::policies::{self, PolicyRow};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::target::{list_filter, require_row_read, stored_target};
use crate::access::{body_target, org_access, require, require_target_read, visible_teams};
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::{Paginated, Patch, ValidJson, page::page_of};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Policy {
    pub id: Uuid,
    pub org_id: Uuid,
    /// Set for a team override.
    pub team_id: Option<Uuid>,
    /// Set for a key override. Neither set: the org-level policy.
    pub key_id: Option<Uuid>,
    pub document: PolicyDocument,
    /// Starts at 1, incremented by each update.
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Policy {
    fn from_row(r: PolicyRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            org_id: r.org_id,
            team_id: r.team_id,
            key_id: r.key_id,
            document: checks::stored_document(r.document)?,
            revision: r.revision,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePolicy {
    /// Override for a team. Set at most one of `team_id` and `key_id`; neither creates the
    /// org-level policy, which must include a `matrix` and must exist before any override.
    pub team_id: Option<Uuid>,
    /// Override for a key.
    pub key_id: Option<Uuid>,
    pub document: PolicyDocument,
}

/// The target cannot be changed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePolicy {
    /// Replaces the whole document; cannot be null. Absent: nothing changes.
    #[serde(default)]
    #[schema(value_type = Option<PolicyDocument>)]
    pub document: Patch<PolicyDocument>,
    /// The revision the edit is based on; if the stored revision differs, the update is refused
    /// with 409 instead of overwriting someone else's change.
    pub expected_revision: Option<i32>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PolicyListQuery {
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    /// `true`: only the org-level policy.
    pub org_level: Option<bool>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

const NEEDS_ORG_POLICY: &str = "create the org-level routing policy first: overrides are layered on it";

fn level_of(target: Target) -> PolicyLevel {
    if target == Target::Org { PolicyLevel::Org } else { PolicyLevel::Override }
}

/// 404 if the caller cannot see the target, 403 unless they are an org admin (see the module comment).
async fn require_policy_manage(conn: &mut Conn, access: &OrgAccess, org_id: Uuid, target: Target) -> Result<(), ApiError> {
    require_target_read(conn, access, org_id, target).await?;
    require(access.can_manage_org(), "routing policies need the org admin role")
}

/// Checks `document` for `target` against the catalogue, the trust rules and (for the org
/// document) every existing override. Takes the org document's row lock first; see
/// `policies::org_level_for_update`.
async fn check_for_write(conn: &mut Conn, org_id: Uuid, target: Target, document: &PolicyDocument) -> Result<(), ApiError> {
    let org_row = policies::org_level_for_update(conn, org_id).await?;
    match level_of(target) {
        PolicyLevel::Org => {
            checks::check_document(conn, document, document).await?;
            let overrides = policies::overrides(conn, org_id).await?;
            checks::check_overrides(conn, document, overrides).await
        }
        PolicyLevel::Override => {
            let org = checks::stored_document(org_row.ok_or_else(|| ApiError::Conflict(NEEDS_ORG_POLICY.to_owned()))?.document)?;
            checks::check_document(conn, document, &org.overlay(document)).await
        }
    }
}

fn audit_details(row: &PolicyRow) -> serde_json::Value {
    // Never the document: it can hold confidential terms (customer names, code names).
    json!({"revision": row.revision, "team_id": row.team_id, "key_id": row.key_id})
}

fn to_json(document: &PolicyDocument) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(document).map_err(ApiError::internal)
}

/// Create the org-level policy, or a team or key override (org admins).
#[utoipa::path(tag = "policies", request_body = CreatePolicy, security(("bearer" = [])), responses(
    (status = 201, body = Policy), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "The target already has a policy, or an override was sent before the org-level policy exists", body = ErrorBody)))]
#[post("/orgs/{org_id}/routing-policies")]
pub async fn create_policy(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<CreatePolicy>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    let level = if input.team_id.is_none() && input.key_id.is_none() { PolicyLevel::Org } else { PolicyLevel::Override };
    checks::validate_shape(&input.document, level)?;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let target = body_target(&mut tx, org_id, input.team_id, input.key_id).await?;
    require_policy_manage(&mut tx, &access, org_id, target).await?;
    check_for_write(&mut tx, org_id, target, &input.document).await?;
    let row = policies::insert(&mut tx, Uuid::now_v7(), org_id, input.team_id, input.key_id, &to_json(&input.document)?).await?;
    audit::record(&mut tx, &principal, Some(org_id), "policy.create", ("policy", row.id), audit_details(&row)).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Policy::from_row(row)?))
}

/// Routing policies of the org that the caller may see (team-only members: their teams' and keys' overrides).
#[utoipa::path(tag = "policies", params(PolicyListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Policy>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/routing-policies")]
pub async fn list_policies(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<PolicyListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let visible = visible_teams(&access);
    let filter = list_filter(query.team_id, query.key_id, query.org_level, visible.as_deref());
    let rows = policies::list(&mut conn, org_id, &filter, page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, Policy::from_row)?))
}

#[utoipa::path(tag = "policies", security(("bearer" = [])), responses((status = 200, body = Policy), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/routing-policies/{policy_id}")]
pub async fn get_policy(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, policy_id) = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let row = policies::get(&mut conn, org_id, policy_id).await?.ok_or(ApiError::NotFound)?;
    require_row_read(&mut conn, &access, org_id, row.team_id, row.key_id).await?;
    Ok(HttpResponse::Ok().json(Policy::from_row(row)?))
}

/// Replace a policy's document (org admins). Send `expected_revision` to be told (409) instead of
/// overwriting a change made since you read the policy. The target is immutable.
#[utoipa::path(tag = "policies", request_body = UpdatePolicy, security(("bearer" = [])), responses(
    (status = 200, body = Policy), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "The revision does not match, or the change would break an override", body = ErrorBody)))]
#[patch("/orgs/{org_id}/routing-policies/{policy_id}")]
pub async fn update_policy(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, body: ValidJson<UpdatePolicy>) -> Result<HttpResponse, ApiError> {
    let (org_id, policy_id) = path.into_inner();
    let input = body.0;
    let document = input.document.required("document")?;
    let changed_elsewhere = |revision: i32| ApiError::Conflict(format!("the policy was changed by someone else (revision {revision})"));
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let current = policies::get(&mut tx, org_id, policy_id).await?.ok_or(ApiError::NotFound)?;
    let target = stored_target(current.team_id, current.key_id)?;
    require_policy_manage(&mut tx, &access, org_id, target).await?;
    if input.expected_revision.is_some_and(|expected| expected != current.revision) {
        return Err(changed_elsewhere(current.revision));
    }
    let Some(document) = document else {
        return Ok(HttpResponse::Ok().json(Policy::from_row(current)?));
    };
    checks::validate_shape(&document, level_of(target))?;
    check_for_write(&mut tx, org_id, target, &document).await?;
    let Some(row) = policies::update(&mut tx, org_id, policy_id, &to_json(&document)?, input.expected_revision).await? else {
        // Changed (or deleted) between our read and the update: tell the two apart.
        let now = policies::get(&mut tx, org_id, policy_id).await?.ok_or(ApiError::NotFound)?;
        return Err(changed_elsewhere(now.revision));
    };
    audit::record(&mut tx, &principal, Some(org_id), "policy.update", ("policy", policy_id), audit_details(&row)).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Policy::from_row(row)?))
}

/// Delete a policy (org admins). The org-level policy can only be deleted once no override is left.
#[utoipa::path(tag = "policies", security(("bearer" = [])), responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "Overrides still depend on the org-level policy", body = ErrorBody)))]
#[delete("/orgs/{org_id}/routing-policies/{policy_id}")]
pub async fn delete_policy(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, policy_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let row = policies::get(&mut tx, org_id, policy_id).await?.ok_or(ApiError::NotFound)?;
    let target = stored_target(row.team_id, row.key_id)?;
    require_policy_manage(&mut tx, &access, org_id, target).await?;
    if target == Target::Org {
        // The lock makes a concurrent override creation wait, then see the org policy gone.
        policies::org_level_for_update(&mut tx, org_id).await?;
        if policies::has_overrides(&mut tx, org_id).await? {
            return Err(ApiError::Conflict("team and key overrides are layered on the org-level policy; delete them first".to_owned()));
        }
    }
    if !policies::delete(&mut tx, org_id, policy_id).await? {
        return Err(ApiError::NotFound);
    }
    audit::record(&mut tx, &principal, Some(org_id), "policy.delete", ("policy", policy_id), audit_details(&row)).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}
