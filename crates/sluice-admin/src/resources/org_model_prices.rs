//! An org's negotiated model prices: its own append-only price versions per model, over the
//! `org_model_prices` table. Reconciliation prices the org's ledger tokens with them (so an
//! invoice that reflects a discount matches); budgets are still charged the price book's price.
//!
//! Org admins add versions; org roles read them. Like the price book, versions are never edited
//! or deleted — a change is a new version with its own `effective_from`. Unlike the price book, a
//! version may start in the past: a contract often applies from its start date, and these prices
//! change only reports (reconciliation), never what a budget was already charged.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::PricePerMTok;
use sluice_store::models::{self, PriceRow};
use sluice_store::org_prices::{self, NewOrgPrice, OrgPriceRow};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access::{org_access, require, require_org_read};
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::ValidJson;
use crate::resources::model_prices::Price;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct OrgModelPrice {
    pub model_id: Uuid,
    #[serde(flatten)]
    pub price: Price,
}

impl TryFrom<OrgPriceRow> for OrgModelPrice {
    type Error = ApiError;

    fn try_from(r: OrgPriceRow) -> Result<Self, ApiError> {
        let row = PriceRow {
            id: r.id,
            model_id: r.model_id,
            effective_from: r.effective_from,
            input_nano_per_mtok: r.input_nano_per_mtok,
            output_nano_per_mtok: r.output_nano_per_mtok,
            cached_input_nano_per_mtok: r.cached_input_nano_per_mtok,
            cache_write_nano_per_mtok: r.cache_write_nano_per_mtok,
            created_at: r.created_at,
        };
        Ok(Self { model_id: r.model_id, price: Price::try_from(row)? })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgModelPrice {
    pub model_id: Uuid,
    /// RFC 3339; defaults to now. May lie in the past (the contract's start).
    pub effective_from: Option<DateTime<Utc>>,
    pub input_usd_per_mtok: PricePerMTok,
    pub output_usd_per_mtok: PricePerMTok,
    pub cached_input_usd_per_mtok: Option<PricePerMTok>,
    pub cache_write_usd_per_mtok: Option<PricePerMTok>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrgModelPriceQuery {
    /// Only this model's versions.
    pub model_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct OrgModelPrices {
    /// Newest `effective_from` first.
    pub items: Vec<OrgModelPrice>,
}

/// The org's negotiated price versions (members with an org role).
#[utoipa::path(tag = "billing", params(OrgModelPriceQuery), security(("bearer" = [])), responses(
    (status = 200, body = OrgModelPrices), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/model-prices")]
pub async fn list_org_model_prices(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    query: web::Query<OrgModelPriceQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let rows = org_prices::list_for_org(&mut conn, org_id, query.model_id).await?;
    let items = rows.into_iter().map(OrgModelPrice::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(OrgModelPrices { items }))
}

/// Add a negotiated price version for a model (org admins). Versions cannot be changed or deleted.
#[utoipa::path(tag = "billing", request_body = CreateOrgModelPrice, security(("bearer" = [])), responses(
    (status = 201, body = OrgModelPrice), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/orgs/{org_id}/model-prices")]
pub async fn create_org_model_price(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    body: ValidJson<CreateOrgModelPrice>,
) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.can_manage_org(), "negotiated prices need the org admin role")?;
    if models::get(&mut tx, input.model_id).await?.is_none() {
        return Err(ApiError::field("model_id", "no such model"));
    }
    let new = NewOrgPrice {
        id: Uuid::now_v7(),
        org_id,
        model_id: input.model_id,
        effective_from: input.effective_from.unwrap_or_else(Utc::now),
        input_nano_per_mtok: input.input_usd_per_mtok.nanos(),
        output_nano_per_mtok: input.output_usd_per_mtok.nanos(),
        cached_input_nano_per_mtok: input.cached_input_usd_per_mtok.map(PricePerMTok::nanos),
        cache_write_nano_per_mtok: input.cache_write_usd_per_mtok.map(PricePerMTok::nanos),
    };
    let row = org_prices::insert(&mut tx, &new).await?;
    let details = json!({
        "model_id": row.model_id,
        "effective_from": row.effective_from,
        "input_usd_per_mtok": input.input_usd_per_mtok,
        "output_usd_per_mtok": input.output_usd_per_mtok,
        "cached_input_usd_per_mtok": input.cached_input_usd_per_mtok,
        "cache_write_usd_per_mtok": input.cache_write_usd_per_mtok,
    });
    audit::record(&mut tx, &principal, Some(org_id), "org_model_price.create", ("org_model_price", row.id), details).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(OrgModelPrice::try_from(row)?))
}
