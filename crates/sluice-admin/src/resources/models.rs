//! Models: the names clients ask for, which provider serves each under which upstream name, and
//! the price in force now (the versions live in `model_prices`).
//!
//! Like providers, models are platform-wide: every authenticated user may read them, only
//! platform admins may change them, and their audit rows carry no org. A model's provider and
//! mode are fixed at creation: the upstream name only means something at its provider, and the
//! ledger's history of a model should not silently switch between chat and embeddings.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::policy::check_model_name;
use sluice_domain::provider::{CapabilityTier, ModelMode};
use sluice_store::models::{self, ModelRow, ModelUpdate, NewModel};
use sluice_store::providers;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody, stored};
use crate::http::{Paginated, Patch, ValidJson, page::page_of};
use crate::resources::model_prices::{CreatePrice, Price, add_price_version};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Model {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub provider_name: String,
    /// The name clients ask for and routing policies list; unique across providers.
    pub name: String,
    /// The name the provider knows the model by.
    pub upstream_name: String,
    pub capability_tier: CapabilityTier,
    pub mode: ModelMode,
    pub context_window: Option<i32>,
    pub max_output_tokens: Option<i32>,
    pub enabled: bool,
    /// The price in force now; null when the model has none yet.
    pub price: Option<Price>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<ModelRow> for Model {
    type Error = ApiError;

    fn try_from(r: ModelRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            provider_id: r.provider_id,
            provider_name: r.provider_name,
            name: r.name,
            upstream_name: r.upstream_name,
            capability_tier: stored(&r.capability_tier)?,
            mode: stored(&r.mode)?,
            context_window: r.context_window,
            max_output_tokens: r.max_output_tokens,
            enabled: r.enabled,
            price: r.price.map(Price::try_from).transpose()?,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateModel {
    pub provider_id: Uuid,
    /// 1-200 characters without spaces; unique across providers.
    pub name: String,
    pub upstream_name: String,
    pub capability_tier: CapabilityTier,
    /// Defaults to chat.
    pub mode: Option<ModelMode>,
    pub context_window: Option<i32>,
    pub max_output_tokens: Option<i32>,
    /// Defaults to true.
    pub enabled: Option<bool>,
    /// The initial price version (effective now unless `effective_from` says otherwise).
    pub price: Option<CreatePrice>,
}

/// Provider and mode cannot change (see the module documentation); prices change through
/// `POST /models/{model_id}/prices`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateModel {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub upstream_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<CapabilityTier>)]
    pub capability_tier: Patch<CapabilityTier>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub context_window: Patch<i32>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub max_output_tokens: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub enabled: Patch<bool>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModelListQuery {
    pub provider_id: Option<Uuid>,
    pub mode: Option<ModelMode>,
    pub capability_tier: Option<CapabilityTier>,
    /// Substring of the name.
    pub q: Option<String>,
    pub enabled: Option<bool>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

fn model_name(field: &str, raw: String) -> Result<String, ApiError> {
    check_model_name(&raw).map_err(|e| ApiError::field(field, e.0))?;
    Ok(raw)
}

fn positive(field: &str, value: Option<i32>) -> Result<Option<i32>, ApiError> {
    match value {
        Some(v) if v <= 0 => Err(ApiError::field(field, "must be positive")),
        _ => Ok(value),
    }
}

/// Register a model, optionally with its first price (platform admins only).
#[utoipa::path(tag = "models", request_body = CreateModel, security(("bearer" = [])), responses(
    (status = 201, body = Model), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/models")]
pub async fn create_model(state: web::Data<AppState>, principal: Principal, body: ValidJson<CreateModel>) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let input = body.0;
    let name = model_name("name", input.name)?;
    let upstream_name = model_name("upstream_name", input.upstream_name)?;
    let new = NewModel {
        id: Uuid::now_v7(),
        provider_id: input.provider_id,
        name: &name,
        upstream_name: &upstream_name,
        capability_tier: input.capability_tier.as_str(),
        mode: input.mode.unwrap_or(ModelMode::Chat).as_str(),
        context_window: positive("context_window", input.context_window)?,
        max_output_tokens: positive("max_output_tokens", input.max_output_tokens)?,
        enabled: input.enabled.unwrap_or(true),
    };
    let mut tx = state.db.begin().await?;
    providers::get(&mut tx, input.provider_id).await?.ok_or_else(|| ApiError::field("provider_id", "no such provider"))?;
    models::insert(&mut tx, &new).await?;
    let details = json!({"name": name, "provider_id": new.provider_id, "upstream_name": upstream_name,
                         "capability_tier": new.capability_tier, "mode": new.mode, "enabled": new.enabled});
    audit::record(&mut tx, &principal, None, "model.create", ("model", new.id), details).await?;
    if let Some(price) = input.price {
        add_price_version(&mut tx, &principal, new.id, price).await.map_err(|e| nested("price", e))?;
    }
    // Read back after the price so the answer shows it.
    let row = models::get(&mut tx, new.id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Model::try_from(row)?))
}

/// Field errors of the nested price body are reported under `price.`.
fn nested(prefix: &str, err: ApiError) -> ApiError {
    match err {
        ApiError::Validation(mut fields) => {
            for f in &mut fields {
                f.field = format!("{prefix}.{}", f.field);
            }
            ApiError::Validation(fields)
        }
        other => other,
    }
}

/// Every model with its current price (any authenticated user).
#[utoipa::path(tag = "models", params(ModelListQuery), security(("bearer" = [])), responses((status = 200, body = Paginated<Model>)))]
#[get("/models")]
pub async fn list_models(state: web::Data<AppState>, _principal: Principal, query: web::Query<ModelListQuery>) -> Result<HttpResponse, ApiError> {
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let filter = models::Filter {
        provider_id: query.provider_id,
        mode: query.mode.map(ModelMode::as_str),
        capability_tier: query.capability_tier.map(CapabilityTier::as_str),
        name_contains: query.q.as_deref(),
        enabled: query.enabled,
    };
    let mut conn = state.db.acquire().await?;
    let rows = models::list(&mut conn, &filter, page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, Model::try_from)?))
}

#[utoipa::path(tag = "models", security(("bearer" = [])), responses((status = 200, body = Model), (status = 404, body = ErrorBody)))]
#[get("/models/{model_id}")]
pub async fn get_model(state: web::Data<AppState>, _principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let row = models::get(&mut conn, path.into_inner()).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(Model::try_from(row)?))
}

/// Change a model (platform admins only). Absent fields are unchanged.
#[utoipa::path(tag = "models", request_body = UpdateModel, security(("bearer" = [])), responses(
    (status = 200, body = Model), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/models/{model_id}")]
pub async fn update_model(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    body: ValidJson<UpdateModel>,
) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let id = path.into_inner();
    let input = body.0;
    let name = input.name.required("name")?.map(|n| model_name("name", n)).transpose()?;
    let upstream_name = input.upstream_name.required("upstream_name")?.map(|n| model_name("upstream_name", n)).transpose()?;
    let tier = input.capability_tier.required("capability_tier")?;
    let context_window = input.context_window.nullable().map(|v| positive("context_window", v)).transpose()?;
    let max_output_tokens = input.max_output_tokens.nullable().map(|v| positive("max_output_tokens", v)).transpose()?;
    let enabled = input.enabled.required("enabled")?;
    let mut tx = state.db.begin().await?;
    let current = models::get(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    let update = ModelUpdate {
        name: name.as_deref().unwrap_or(&current.name),
        upstream_name: upstream_name.as_deref().unwrap_or(&current.upstream_name),
        capability_tier: tier.map_or(current.capability_tier.as_str(), |t| t.as_str()),
        context_window: context_window.unwrap_or(current.context_window),
        max_output_tokens: max_output_tokens.unwrap_or(current.max_output_tokens),
        enabled: enabled.unwrap_or(current.enabled),
    };
    let row = models::update(&mut tx, id, &update).await?.ok_or(ApiError::NotFound)?;
    let details = json!({"name": row.name, "upstream_name": row.upstream_name, "capability_tier": row.capability_tier,
                         "context_window": row.context_window, "max_output_tokens": row.max_output_tokens, "enabled": row.enabled});
    audit::record(&mut tx, &principal, None, "model.update", ("model", id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(Model::try_from(row)?))
}

/// Delete a model and its price history (platform admins only). Ledger rows keep their own copy
/// of what each request cost, so they are unaffected.
#[utoipa::path(tag = "models", security(("bearer" = [])), responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/models/{model_id}")]
pub async fn delete_model(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let id = path.into_inner();
    let mut tx = state.db.begin().await?;
    let row = models::get(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    if !models::delete(&mut tx, id).await? {
        return Err(ApiError::NotFound);
    }
    audit::record(&mut tx, &principal, None, "model.delete", ("model", id), json!({"name": row.name, "provider_id": row.provider_id})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}
