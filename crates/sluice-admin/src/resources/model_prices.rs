//! Versioned model prices.
//!
//! Prices are append-only: a change is a new version with its own `effective_from`, and there is
//! no PATCH or DELETE of a version. The ledger prices each request with the version in force at
//! the time of the request, so editing or removing a version would make the price book disagree
//! with costs already charged against budgets, and nobody could reconstruct why a request cost
//! what it did. For the same reason a version may not start in the past (beyond a few minutes
//! of clock skew): it would retroactively change which price was in force for requests already
//! made. Amounts cross the API as exact decimal strings of USD per million tokens and are stored
//! as integer nano-USD per million tokens.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_domain::PricePerMTok;
use sluice_store::Conn;
use sluice_store::models::{self, NewPrice, PriceRow};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::ValidJson;
use crate::state::AppState;

/// How far in the past `effective_from` may lie, to absorb the difference between the client's
/// clock and ours when a client sends "now" explicitly.
const MAX_BACKDATE: Duration = Duration::minutes(5);

#[derive(Serialize, ToSchema)]
pub struct Price {
    pub id: Uuid,
    /// The version is in force from this instant until the next version's `effective_from`.
    pub effective_from: DateTime<Utc>,
    pub input_usd_per_mtok: PricePerMTok,
    pub output_usd_per_mtok: PricePerMTok,
    /// Price of input tokens read from the provider's prompt cache; null when not offered.
    pub cached_input_usd_per_mtok: Option<PricePerMTok>,
    /// Price of input tokens written to the provider's prompt cache; null when not charged extra.
    pub cache_write_usd_per_mtok: Option<PricePerMTok>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<PriceRow> for Price {
    type Error = ApiError;

    fn try_from(r: PriceRow) -> Result<Self, ApiError> {
        let price = |nanos: i64| PricePerMTok::from_nanos(nanos).map_err(|_| ApiError::internal(format!("negative stored price on {}", r.id)));
        Ok(Self {
            id: r.id,
            effective_from: r.effective_from,
            input_usd_per_mtok: price(r.input_nano_per_mtok)?,
            output_usd_per_mtok: price(r.output_nano_per_mtok)?,
            cached_input_usd_per_mtok: r.cached_input_nano_per_mtok.map(price).transpose()?,
            cache_write_usd_per_mtok: r.cache_write_nano_per_mtok.map(price).transpose()?,
            created_at: r.created_at,
        })
    }
}

/// A new price version.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePrice {
    /// RFC 3339; defaults to now. May not lie more than five minutes in the past.
    pub effective_from: Option<DateTime<Utc>>,
    pub input_usd_per_mtok: PricePerMTok,
    pub output_usd_per_mtok: PricePerMTok,
    pub cached_input_usd_per_mtok: Option<PricePerMTok>,
    pub cache_write_usd_per_mtok: Option<PricePerMTok>,
}

/// Every price version of a model, newest first (all of them: a model has few).
#[derive(Serialize, ToSchema)]
pub struct PriceVersions {
    pub items: Vec<Price>,
}

/// Inserts a price version for a model that exists and writes its audit row, in the caller's
/// transaction. Model creation uses it for the initial price.
pub async fn add_price_version(conn: &mut Conn, principal: &Principal, model_id: Uuid, input: CreatePrice) -> Result<PriceRow, ApiError> {
    if input.effective_from.is_some_and(|from| from < Utc::now() - MAX_BACKDATE) {
        return Err(ApiError::field("effective_from", "must not lie in the past: the ledger has already priced requests made then"));
    }
    let new = NewPrice {
        id: Uuid::now_v7(),
        model_id,
        effective_from: input.effective_from,
        input_nano_per_mtok: input.input_usd_per_mtok.nanos(),
        output_nano_per_mtok: input.output_usd_per_mtok.nanos(),
        cached_input_nano_per_mtok: input.cached_input_usd_per_mtok.map(PricePerMTok::nanos),
        cache_write_nano_per_mtok: input.cache_write_usd_per_mtok.map(PricePerMTok::nanos),
    };
    let row = models::insert_price(conn, &new).await?;
    let details = json!({
        "model_id": model_id,
        "effective_from": row.effective_from,
        "input_usd_per_mtok": input.input_usd_per_mtok,
        "output_usd_per_mtok": input.output_usd_per_mtok,
        "cached_input_usd_per_mtok": input.cached_input_usd_per_mtok,
        "cache_write_usd_per_mtok": input.cache_write_usd_per_mtok,
    });
    audit::record(conn, principal, None, "model_price.create", ("model_price", row.id), details).await?;
    Ok(row)
}

/// A model's price history (any authenticated user).
#[utoipa::path(tag = "models", security(("bearer" = [])), responses((status = 200, body = PriceVersions), (status = 404, body = ErrorBody)))]
#[get("/models/{model_id}/prices")]
pub async fn list_prices(state: web::Data<AppState>, _principal: Principal, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let model_id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    models::get(&mut conn, model_id).await?.ok_or(ApiError::NotFound)?;
    let rows = models::list_prices(&mut conn, model_id).await?;
    let items = rows.into_iter().map(Price::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(PriceVersions { items }))
}

/// Add a price version (platform admins only). Versions cannot be changed or deleted.
#[utoipa::path(tag = "models", request_body = CreatePrice, security(("bearer" = [])), responses(
    (status = 201, body = Price), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/models/{model_id}/prices")]
pub async fn create_price(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    body: ValidJson<CreatePrice>,
) -> Result<HttpResponse, ApiError> {
    principal.require_platform_admin()?;
    let model_id = path.into_inner();
    let mut tx = state.db.begin().await?;
    models::get(&mut tx, model_id).await?.ok_or(ApiError::NotFound)?;
    let row = add_price_version(&mut tx, &principal, model_id, body.0).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(Price::try_from(row)?))
}
