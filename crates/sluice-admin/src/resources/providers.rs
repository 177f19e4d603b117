//! Upstream providers: where the gateway sends requests, with what trust and what data terms.
//!
//! Providers are platform-wide: every authenticated user may read them (routing policies are
//! written against them), only platform admins may change them, and their audit rows carry no
//! org. The base URL passes the SSRF check of `provider_url` on every write that can change
//! where requests go. The credential is write-only: it is sealed with the configured cipher
//! (bound to the provider's id) before it reaches the store, and the API only ever says whether
//! one is set.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::credentials::PlainCredential;
use sluice_domain::ids::ProviderId;
use sluice_domain::provider::{DataTerms, ProviderKind, TrustTier};
use sluice_store::providers::{self, NewProvider, ProviderRow, ProviderUpdate};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody, stored};
use crate::http::{Paginated, ValidJson, page::page_of};
use crate::resources::provider_input::{CreateProvider, UpdateProvider, plain_credential, provider_name, valid_region};
use crate::resources::provider_url::checked_base_url;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Provider {
    pub id: Uuid,
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: String,
    pub trust_tier: TrustTier,
    pub region: Option<String>,
    pub data_terms: DataTerms,
    /// Whether an API key is stored. The key itself is write-only and never returned.
    pub has_credentials: bool,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<ProviderRow> for Provider {
    type Error = ApiError;

    fn try_from(r: ProviderRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            kind: stored(&r.kind)?,
            trust_tier: stored(&r.trust_tier)?,
            data_terms: terms_of(&r),
            name: r.name,
            base_url: r.base_url,
            region: r.region,
            has_credentials: r.has_credentials,
            enabled: r.enabled,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn terms_of(r: &ProviderRow) -> DataTerms {
    DataTerms { retention_days: r.retention_days, trains_on_data: r.trains_on_data, zero_data_retention: r.zero_data_retention }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProviderListQuery {
    pub kind: Option<ProviderKind>,
    pub trust_tier: Option<TrustTier>,
    pub enabled: Option<bool>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Seals a credential for this provider. The provider id is bound into the ciphertext, so it
/// cannot be copied onto another provider's row.
fn seal(state: &AppState, provider: Uuid, credential: &PlainCredential) -> Result<Vec<u8>, ApiError> {
    state.config.credential_cipher.seal(ProviderId::from(provider), credential).map_err(ApiError::internal)
}

/// Register a provider (platform admins only).
#[utoipa::path(tag = "providers", request_body = CreateProvider, security(("bearer" = [])), responses(
    (status = 201, body = Provider), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/providers")]
pub async fn create_provider(state: web::Data<AppState>, principal: Principal, body: ValidJson<CreateProvider>) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let input = body.0;
    let name = provider_name(&input.name)?;
    let region = input.region.map(valid_region).transpose()?;
    let terms = input.data_terms.map(|t| t.apply_to(DataTerms::default())).transpose()?.unwrap_or_default();
    let credential = input.credentials.map(plain_credential).transpose()?;
    let base_url = checked_base_url(&input.base_url, input.trust_tier, state.config.resolve_provider_hosts).await?;
    let id = Uuid::now_v7();
    let sealed = credential.as_ref().map(|c| seal(&state, id, c)).transpose()?;
    let new = NewProvider {
        id,
        name: &name,
        kind: input.kind.as_str(),
        base_url: base_url.as_str(),
        trust_tier: input.trust_tier.as_str(),
        region: region.as_deref(),
        retention_days: terms.retention_days,
        trains_on_data: terms.trains_on_data,
        zero_data_retention: terms.zero_data_retention,
        credentials: sealed.as_deref().map(|c| (c, state.config.credential_cipher.key_id())),
        enabled: input.enabled.unwrap_or(true),
    };
    let mut tx = state.db.begin().await?;
    let row = providers::insert(&mut tx, &new).await?;
    let details = json!({"name": row.name, "kind": row.kind, "base_url": row.base_url, "trust_tier": row.trust_tier,
                         "enabled": row.enabled, "credentials_changed": row.has_credentials});
    audit::record(&mut tx, &principal, None, "provider.create", ("provider", row.id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Provider::try_from(row)?))
}

/// Every provider (any authenticated user).
#[utoipa::path(tag = "providers", params(ProviderListQuery), security(("bearer" = [])), responses((status = 200, body = Paginated<Provider>)))]
#[get("/providers")]
pub async fn list_providers(state: web::Data<AppState>, _principal: Principal, query: web::Query<ProviderListQuery>) -> Result<HttpResponse, ApiError> {
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let filter = providers::Filter {
        kind: query.kind.map(ProviderKind::as_str),
        trust_tier: query.trust_tier.map(TrustTier::as_str),
        enabled: query.enabled,
    };
    let mut conn = state.db.acquire().await?;
    let rows = providers::list(&mut conn, &filter, page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, Provider::try_from)?))
}

#[utoipa::path(tag = "providers", security(("bearer" = [])), responses((status = 200, body = Provider), (status = 404, body = ErrorBody)))]
#[get("/providers/{provider_id}")]
pub async fn get_provider(state: web::Data<AppState>, _principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let row = providers::get(&mut conn, path.into_inner()).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(Provider::try_from(row)?))
}

/// Change a provider (platform admins only). Absent fields are unchanged.
#[utoipa::path(tag = "providers", request_body = UpdateProvider, security(("bearer" = [])), responses(
    (status = 200, body = Provider), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/providers/{provider_id}")]
pub async fn update_provider(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    body: ValidJson<UpdateProvider>,
) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let id = path.into_inner();
    let input = body.0;
    let touched = input.touched_fields();
    let name = input.name.required("name")?.map(|n| provider_name(&n)).transpose()?;
    let new_url = input.base_url.required("base_url")?;
    let new_tier = input.trust_tier.required("trust_tier")?;
    let region = input.region.nullable().map(|r| r.map(valid_region).transpose()).transpose()?;
    let terms = input.data_terms.required("data_terms")?;
    let credential = input.credentials.nullable().map(|c| c.map(plain_credential).transpose()).transpose()?;
    let enabled = input.enabled.required("enabled")?;

    // Read the current row outside the transaction: the DNS lookup below may take seconds, and a
    // transaction would not protect the merge anyway (the read takes no lock).
    let current = providers::get(&mut *state.db.acquire().await?, id).await?.ok_or(ApiError::NotFound)?;
    let tier = match new_tier {
        Some(tier) => tier,
        None => stored(&current.trust_tier)?,
    };
    let base_url = if new_url.is_some() || new_tier.is_some() {
        let raw = new_url.as_deref().unwrap_or(&current.base_url);
        checked_base_url(raw, tier, state.config.resolve_provider_hosts).await?.as_str().to_owned()
    } else {
        current.base_url.clone()
    };
    let terms = match terms {
        Some(input) => input.apply_to(terms_of(&current))?,
        None => terms_of(&current),
    };
    let sealed = credential.map(|c| c.map(|c| seal(&state, id, &c)).transpose()).transpose()?;
    let region = region.unwrap_or(current.region);
    let update = ProviderUpdate {
        name: name.as_deref().unwrap_or(&current.name),
        base_url: &base_url,
        trust_tier: tier.as_str(),
        region: region.as_deref(),
        retention_days: terms.retention_days,
        trains_on_data: terms.trains_on_data,
        zero_data_retention: terms.zero_data_retention,
        enabled: enabled.unwrap_or(current.enabled),
        credentials: sealed.as_ref().map(|c| c.as_deref().map(|c| (c, state.config.credential_cipher.key_id()))),
    };
    let mut tx = state.db.begin().await?;
    let row = providers::update(&mut tx, id, &update).await?.ok_or(ApiError::NotFound)?;
    let details = json!({"name": row.name, "kind": row.kind, "trust_tier": row.trust_tier, "changed": touched,
                         "credentials_changed": sealed.is_some()});
    audit::record(&mut tx, &principal, None, "provider.update", ("provider", id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Provider::try_from(row)?))
}

/// Delete a provider (platform admins only). Refused with 409 while models refer to it.
#[utoipa::path(tag = "providers", security(("bearer" = [])), responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/providers/{provider_id}")]
pub async fn delete_provider(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let id = path.into_inner();
    let mut tx = state.db.begin().await?;
    let row = providers::get(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    if !providers::delete(&mut tx, id).await? {
        return Err(ApiError::NotFound);
    }
    audit::record(&mut tx, &principal, None, "provider.delete", ("provider", id), json!({"name": row.name, "kind": row.kind})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}
