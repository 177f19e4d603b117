//! Reading the audit log: per org for its members with an org role, and the platform-level
//! entries (providers, models, users, org creation by platform admins) for platform admins.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sluice_store::audit::{self, EntryRow, Filter};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access::{org_access, require_org_read};
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::page::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub org_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub actor_email: Option<String>,
    /// e.g. `key.create`, `budget.update`, `org_member.set_role`.
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub details: Value,
}

impl From<EntryRow> for AuditEntry {
    fn from(r: EntryRow) -> Self {
        Self {
            id: r.id,
            occurred_at: r.occurred_at,
            org_id: r.org_id,
            actor_user_id: r.actor_user_id,
            actor_email: r.actor_email,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            details: r.details,
        }
    }
}

/// A page of audit entries, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` for older entries; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub actor_user_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    /// Entries at or after this instant (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Entries before this instant (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

async fn read(org_id: Option<Uuid>, query: &AuditQuery, conn: &mut sluice_store::Conn) -> Result<AuditPage, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 200"));
    }
    let before = match &query.cursor {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| ApiError::field("cursor", "is not a cursor returned by this API"))?),
    };
    let filter = Filter { action: query.action.as_deref(), actor_user_id: query.actor_user_id, target_id: query.target_id, since: query.since, until: query.until };
    let mut rows = audit::list(conn, org_id, &filter, before, limit).await?;
    let next = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id.to_string())
    } else {
        None
    };
    Ok(AuditPage { items: rows.into_iter().map(AuditEntry::from).collect(), next_cursor: next })
}

/// The organization's audit log (members with an org role).
#[utoipa::path(tag = "audit", params(AuditQuery), security(("bearer" = [])), responses(
    (status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/audit-log")]
pub async fn org_audit_log(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<AuditQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    Ok(HttpResponse::Ok().json(read(Some(org_id), &query, &mut conn).await?))
}

/// Platform-level audit entries: users, providers, models (platform admins).
#[utoipa::path(tag = "audit", params(AuditQuery), security(("bearer" = [])), responses(
    (status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/audit-log")]
pub async fn platform_audit_log(state: web::Data<AppState>, principal: Principal, query: web::Query<AuditQuery>) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let mut conn = state.db.acquire().await?;
    Ok(HttpResponse::Ok().json(read(None, &query, &mut conn).await?))
}
