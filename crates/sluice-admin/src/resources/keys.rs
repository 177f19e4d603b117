//! Virtual API keys: issue (the secret is in the response exactly once), list, inspect, change
//! scopes, revoke, rotate. The database keeps only the secret's SHA-256, a display prefix and
//! the last four characters.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sluice_domain::names::display_name;
use sluice_domain::virtual_key::{Endpoint, VirtualKeySecret};
use sluice_store::keys::{self, KeyPatch, KeyRow, NewSecret};
use sluice_store::{memberships, teams};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access::{org_access, require_team_manage, require_team_read, visible_teams};
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::idempotency::REDACT_HEADER;
use crate::http::{Paginated, Patch, ValidJson, page::page_of};
use crate::state::AppState;

mod scopes;
use scopes::{check_expiry, check_metadata, check_models, endpoint_names};

/// Longest grace period a rotated secret may keep working.
const MAX_GRACE_SECS: i64 = 7 * 24 * 3600;

#[derive(Serialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    Active,
    Expired,
    Revoked,
}

#[derive(Serialize, ToSchema)]
pub struct Key {
    pub id: Uuid,
    pub org_id: Uuid,
    pub team_id: Uuid,
    pub user_id: Option<Uuid>,
    pub name: String,
    /// Type prefix and first characters of the current secret, e.g. `sk-sluice-Ab3x`.
    pub display_prefix: String,
    /// Last four characters of the current secret.
    pub last4: String,
    /// Model names or aliases this key may use; empty = any the policy allows.
    pub allowed_models: Vec<String>,
    /// Endpoints this key may call; empty = all.
    pub allowed_endpoints: Vec<String>,
    pub metadata: Value,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub status: KeyStatus,
    /// Previous secrets still accepted during a rotation grace period.
    pub secrets_in_grace: i64,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<KeyRow> for Key {
    fn from(r: KeyRow) -> Self {
        let status = match (r.revoked_at, r.expires_at) {
            (Some(_), _) => KeyStatus::Revoked,
            (None, Some(at)) if at <= Utc::now() => KeyStatus::Expired,
            _ => KeyStatus::Active,
        };
        Self {
            id: r.id,
            org_id: r.org_id,
            team_id: r.team_id,
            user_id: r.user_id,
            name: r.name,
            display_prefix: r.display_prefix,
            last4: r.last4,
            allowed_models: r.allowed_models,
            allowed_endpoints: r.allowed_endpoints,
            metadata: r.metadata,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            status,
            secrets_in_grace: r.secrets_in_grace,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A key together with its secret: returned once, by create and rotate.
#[derive(Serialize, ToSchema)]
pub struct KeyWithSecret {
    #[serde(flatten)]
    pub key: Key,
    /// The full secret. Shown only in this response; store it now. A replay of the same
    /// request (Idempotency-Key) returns null here.
    pub secret: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    pub team_id: Uuid,
    pub name: String,
    /// The console user the key is for; must belong to the organization.
    pub user_id: Option<Uuid>,
    #[serde(default)]
    pub allowed_models: Vec<String>,
    #[serde(default)]
    pub allowed_endpoints: Vec<Endpoint>,
    /// Free-form JSON object (at most 16 KiB), e.g. `{"app": "support-bot"}`.
    pub metadata: Option<Value>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKey {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub name: Patch<String>,
    /// null = no restriction.
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub allowed_models: Patch<Vec<String>>,
    /// null = all endpoints.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Endpoint>>)]
    pub allowed_endpoints: Patch<Vec<Endpoint>>,
    /// null = `{}`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Patch<Value>,
    /// null = never expires.
    #[serde(default)]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub expires_at: Patch<DateTime<Utc>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateKey {
    /// How long the old secret keeps working, 0 to 604800 seconds (7 days). Default 0: the old
    /// secret stops at once.
    #[serde(default)]
    pub grace_period_secs: i64,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KeyListQuery {
    pub team_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    /// true = only revoked keys, false = only keys not revoked.
    pub revoked: Option<bool>,
    /// Substring of the name.
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// A fresh secret and the columns stored for it.
fn new_secret() -> Result<(VirtualKeySecret, Uuid), ApiError> {
    Ok((VirtualKeySecret::generate().map_err(ApiError::internal)?, Uuid::now_v7()))
}

fn with_secret(key: KeyRow, secret: &VirtualKeySecret, status: actix_web::http::StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((REDACT_HEADER, "secret"))
        .insert_header(("Cache-Control", "no-store"))
        .json(KeyWithSecret { key: Key::from(key), secret: Some(secret.expose().to_owned()) })
}

/// Issue a key for a team (team admins and org admins). The response carries the secret; it
/// is never shown again.
#[utoipa::path(tag = "keys", request_body = CreateKey, security(("bearer" = [])), responses(
    (status = 201, body = KeyWithSecret), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/orgs/{org_id}/keys")]
pub async fn create_key(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<CreateKey>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    let name = display_name(&input.name).map_err(|e| ApiError::field("name", e.0))?;
    check_models(&input.allowed_models)?;
    let metadata = input.metadata.unwrap_or_else(|| json!({}));
    check_metadata(&metadata)?;
    if let Some(at) = input.expires_at {
        check_expiry(at)?;
    }
    let endpoints = endpoint_names(&input.allowed_endpoints);
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    if !access.can_read_team(input.team_id.into()) || teams::get(&mut tx, org_id, input.team_id).await?.is_none() {
        return Err(ApiError::field("team_id", "no such team in this organization"));
    }
    require_team_manage(&access, input.team_id)?;
    if let Some(user) = input.user_id
        && memberships::get_org_member(&mut tx, org_id, user).await?.is_none() && memberships::get_team_member(&mut tx, input.team_id, user).await?.is_none() {
            return Err(ApiError::field("user_id", "is not a member of this organization or team"));
        }
    let (secret, secret_id) = new_secret()?;
    let new_key = keys::NewKey {
        id: Uuid::now_v7(),
        org_id,
        team_id: input.team_id,
        user_id: input.user_id,
        name: &name,
        allowed_models: &input.allowed_models,
        allowed_endpoints: &endpoints,
        metadata: &metadata,
        expires_at: input.expires_at,
        created_by: Some(principal.user_id),
    };
    let hash = secret.hash();
    let stored = NewSecret { id: secret_id, hash: &hash.0, display_prefix: &secret.display_prefix(), last4: &secret.last4() };
    let key = keys::insert(&mut tx, &new_key, &stored).await?;
    let details = json!({"name": key.name, "team_id": key.team_id, "display_prefix": key.display_prefix, "last4": key.last4});
    audit::record(&mut tx, &principal, Some(org_id), "key.create", ("key", key.id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(with_secret(key, &secret, actix_web::http::StatusCode::CREATED))
}

/// Keys of an organization (team-only members see their teams' keys). Never includes secrets.
#[utoipa::path(tag = "keys", params(KeyListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Key>), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/keys")]
pub async fn list_keys(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<KeyListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let only = visible_teams(&access);
    let filter = keys::Filter {
        team_id: query.team_id,
        only_teams: only.as_deref(),
        user_id: query.user_id,
        revoked: query.revoked,
        name_contains: query.q.as_deref(),
    };
    let rows = keys::list(&mut conn, org_id, &filter, page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, |r| Ok(Key::from(r)))?))
}

async fn visible_key(conn: &mut sluice_store::Conn, access: &sluice_domain::roles::OrgAccess, org_id: Uuid, key_id: Uuid) -> Result<KeyRow, ApiError> {
    let key = keys::get(conn, org_id, key_id).await?.ok_or(ApiError::NotFound)?;
    require_team_read(access, key.team_id)?;
    Ok(key)
}

#[utoipa::path(tag = "keys", security(("bearer" = [])), responses((status = 200, body = Key), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/keys/{key_id}")]
pub async fn get_key(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, key_id) = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    let key = visible_key(&mut conn, &access, org_id, key_id).await?;
    Ok(HttpResponse::Ok().json(Key::from(key)))
}

/// Change a key's name, scopes, metadata or expiry. Revoked keys cannot be changed.
#[utoipa::path(tag = "keys", request_body = UpdateKey, security(("bearer" = [])), responses(
    (status = 200, body = Key), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[patch("/orgs/{org_id}/keys/{key_id}")]
pub async fn update_key(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, body: ValidJson<UpdateKey>) -> Result<HttpResponse, ApiError> {
    let (org_id, key_id) = path.into_inner();
    let input = body.0;
    let name = input.name.required("name")?.map(|n| display_name(&n).map_err(|e| ApiError::field("name", e.0))).transpose()?;
    let models = input.allowed_models.nullable().map(Option::unwrap_or_default);
    if let Some(m) = &models {
        check_models(m)?;
    }
    let endpoints = input.allowed_endpoints.nullable().map(|e| endpoint_names(&e.unwrap_or_default()));
    let metadata = input.metadata.nullable().map(|m| m.unwrap_or_else(|| json!({})));
    if let Some(m) = &metadata {
        check_metadata(m)?;
    }
    let expires_at = input.expires_at.nullable();
    if let Some(Some(at)) = expires_at {
        check_expiry(at)?;
    }
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let current = visible_key(&mut tx, &access, org_id, key_id).await?;
    require_team_manage(&access, current.team_id)?;
    if current.revoked_at.is_some() {
        return Err(ApiError::Conflict("the key is revoked and cannot be changed".into()));
    }
    let patch = KeyPatch {
        name: name.as_deref(),
        allowed_models: models.as_deref(),
        allowed_endpoints: endpoints.as_deref(),
        metadata: metadata.as_ref(),
        expires_at,
    };
    let key = keys::update(&mut tx, org_id, key_id, &patch).await?.ok_or(ApiError::NotFound)?;
    let details = json!({"name": name, "allowed_models": models, "allowed_endpoints": endpoints, "expires_at": expires_at, "metadata_changed": metadata.is_some()});
    audit::record(&mut tx, &principal, Some(org_id), "key.update", ("key", key_id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Key::from(key)))
}

/// Revoke a key and every secret it has. Gateways stop accepting it within seconds.
#[utoipa::path(tag = "keys", security(("bearer" = [])), responses(
    (status = 200, body = Key), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/orgs/{org_id}/keys/{key_id}/revoke")]
pub async fn revoke_key(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, key_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let current = visible_key(&mut tx, &access, org_id, key_id).await?;
    require_team_manage(&access, current.team_id)?;
    if !keys::revoke(&mut tx, org_id, key_id).await? {
        return Err(ApiError::Conflict("the key is already revoked".into()));
    }
    audit::record(&mut tx, &principal, Some(org_id), "key.revoke", ("key", key_id), json!({"display_prefix": current.display_prefix})).await?;
    let key = keys::get(&mut tx, org_id, key_id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Key::from(key)))
}

/// Give a key a new secret. The old one keeps working for `grace_period_secs`, so clients can
/// switch without downtime. The response carries the new secret, once.
#[utoipa::path(tag = "keys", request_body = RotateKey, security(("bearer" = [])), responses(
    (status = 200, body = KeyWithSecret), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/orgs/{org_id}/keys/{key_id}/rotate")]
pub async fn rotate_key(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>, body: ValidJson<RotateKey>) -> Result<HttpResponse, ApiError> {
    let (org_id, key_id) = path.into_inner();
    let grace = body.0.grace_period_secs;
    if !(0..=MAX_GRACE_SECS).contains(&grace) {
        return Err(ApiError::field("grace_period_secs", "must be between 0 and 604800 (7 days)"));
    }
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    let current = visible_key(&mut tx, &access, org_id, key_id).await?;
    require_team_manage(&access, current.team_id)?;
    let (secret, secret_id) = new_secret()?;
    let hash = secret.hash();
    let stored = NewSecret { id: secret_id, hash: &hash.0, display_prefix: &secret.display_prefix(), last4: &secret.last4() };
    if !keys::rotate(&mut tx, org_id, key_id, &stored, Utc::now() + Duration::seconds(grace)).await? {
        return Err(ApiError::Conflict("the key is revoked and cannot be rotated".into()));
    }
    let key = keys::get(&mut tx, org_id, key_id).await?.ok_or(ApiError::NotFound)?;
    let details = json!({"grace_period_secs": grace, "old_last4": current.last4, "new_last4": key.last4});
    audit::record(&mut tx, &principal, Some(org_id), "key.rotate", ("key", key_id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(with_secret(key, &secret, actix_web::http::StatusCode::OK))
}
