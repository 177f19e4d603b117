//! Webhook endpoints: where an org's alerts are POSTed (see `sluice_alerts::delivery`).
//!
//! Org admins manage them. The signing secret is generated here, returned by the create
//! response only (an idempotent replay returns null in its place, like a key's secret), and
//! stored sealed with the credential cipher, bound to the endpoint's id. The URL passes the
//! provider URLs' SSRF rules with the server's webhook target tier: public https addresses
//! only, unless the operator allows private targets (`webhook_allow_private_targets`), which
//! applies the rules of a `local` provider. Deleting an endpoint stops its pending deliveries
//! and removes it from the API; its rows stay in the database for the record.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sluice_alerts::sign::new_secret;
use sluice_domain::credentials::PlainCredential;
use sluice_store::webhooks::{self, DeliveryRow, EndpointRow, NewEndpoint};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access::{org_access, require};
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::idempotency::REDACT_HEADER;
use crate::http::{Paginated, ValidJson, page::page_of};
use crate::resources::provider_url::checked_url;
use crate::state::AppState;

const MANAGE: &str = "managing webhooks needs the org admin role";

#[derive(Serialize, ToSchema)]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

impl From<EndpointRow> for Webhook {
    fn from(r: EndpointRow) -> Self {
        Self { id: r.id, url: r.url, description: r.description, created_at: r.created_at }
    }
}

/// A new endpoint with its signing secret.
#[derive(Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_…`: the HMAC-SHA256 key of `Sluice-Signature`. Shown only in this response; an
    /// idempotent replay returns null.
    pub secret: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Absolute https URL (http and private addresses only where the server allows private targets).
    pub url: String,
    /// Up to 200 characters.
    pub description: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WebhookListQuery {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub alert_id: Uuid,
    pub attempts: i32,
    /// When the next attempt is due; null once delivered or given up.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// HTTP status of the last attempt; null when it got no response.
    pub last_status: Option<i16>,
    /// `timeout`, `connect`, `http_status`, `redirect_not_followed`, `address_refused`, ...
    pub last_error: Option<String>,
    /// The first 256 characters of the last response body.
    pub last_response_excerpt: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Set when the delivery was given up after its last attempt.
    pub failed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<DeliveryRow> for WebhookDelivery {
    fn from(r: DeliveryRow) -> Self {
        Self {
            id: r.id,
            alert_id: r.alert_id,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_status: r.last_status,
            last_error: r.last_error,
            last_response_excerpt: r.last_response_excerpt,
            last_attempt_at: r.last_attempt_at,
            delivered_at: r.delivered_at,
            failed_at: r.failed_at,
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WebhookDeliveries {
    /// The latest 100, newest first.
    pub items: Vec<WebhookDelivery>,
}

/// Provider-URL messages speak of trust tiers; a webhook's author needs the server setting.
fn webhook_url_error(err: ApiError) -> ApiError {
    match err {
        ApiError::Validation(mut fields) => {
            for f in &mut fields {
                f.message = f.message.replace("unless trust_tier is \"local\"", "unless the server allows private webhook targets").replace(
                    "only providers with trust_tier \"local\" may",
                    "only allowed when the server allows private webhook targets (webhook_allow_private_targets)",
                );
            }
            ApiError::Validation(fields)
        }
        other => other,
    }
}

/// Add a webhook endpoint (org admins). The response carries the signing secret, once.
#[utoipa::path(tag = "webhooks", request_body = CreateWebhook, security(("bearer" = [])), responses(
    (status = 201, body = WebhookWithSecret), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/orgs/{org_id}/webhooks")]
pub async fn create_webhook(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<CreateWebhook>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    let description = input.description.unwrap_or_default();
    if description.chars().count() > 200 {
        return Err(ApiError::field("description", "must be at most 200 characters"));
    }
    {
        let mut conn = state.db.acquire().await?;
        let access = org_access(&mut conn, &principal, org_id).await?;
        require(access.can_manage_org(), MANAGE)?;
    }
    let config = &state.config;
    let url = checked_url(&input.url, config.webhook_targets, config.resolve_provider_hosts, "url").await.map_err(webhook_url_error)?;
    let secret = PlainCredential::new(new_secret().map_err(ApiError::internal)?).map_err(ApiError::internal)?;
    let id = Uuid::now_v7();
    let sealed = config.credential_cipher.seal_bound(id, &secret).map_err(ApiError::internal)?;
    let mut tx = state.db.begin().await?;
    // Checked again inside the transaction: the membership could have changed meanwhile.
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.can_manage_org(), MANAGE)?;
    let new = NewEndpoint {
        id,
        org_id,
        url: url.as_str(),
        description: &description,
        secret_sealed: &sealed,
        secret_key_id: config.credential_cipher.key_id(),
        created_by: Some(principal.user_id),
    };
    let row = webhooks::insert_endpoint(&mut tx, &new).await?;
    audit::record(&mut tx, &principal, Some(org_id), "webhook.create", ("webhook", row.id), json!({"url": row.url, "description": row.description}))
        .await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Created()
        .insert_header((REDACT_HEADER, "secret"))
        .insert_header(("Cache-Control", "no-store"))
        .json(WebhookWithSecret { webhook: Webhook::from(row), secret: Some(secret.expose().to_owned()) }))
}

/// The org's webhook endpoints (org admins). Secrets are never listed.
#[utoipa::path(tag = "webhooks", params(WebhookListQuery), security(("bearer" = [])), responses(
    (status = 200, body = Paginated<Webhook>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/webhooks")]
pub async fn list_webhooks(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, query: web::Query<WebhookListQuery>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require(access.can_manage_org(), MANAGE)?;
    let rows = webhooks::list_endpoints(&mut conn, org_id, page).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_rows(page, rows, |r| r.id, |r| Ok(Webhook::from(r)))?))
}

/// Remove a webhook endpoint (org admins); its pending deliveries stop.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/orgs/{org_id}/webhooks/{webhook_id}")]
pub async fn delete_webhook(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, webhook_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = org_access(&mut tx, &principal, org_id).await?;
    require(access.can_manage_org(), MANAGE)?;
    let row = webhooks::delete_endpoint(&mut tx, org_id, webhook_id).await?.ok_or(ApiError::NotFound)?;
    audit::record(&mut tx, &principal, Some(org_id), "webhook.delete", ("webhook", row.id), json!({"url": row.url})).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(HttpResponse::NoContent().finish())
}

/// The latest deliveries to one endpoint, with their attempts and outcomes (org admins).
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), responses(
    (status = 200, body = WebhookDeliveries), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/webhooks/{webhook_id}/deliveries")]
pub async fn list_webhook_deliveries(state: web::Data<AppState>, principal: Principal, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (org_id, webhook_id) = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require(access.can_manage_org(), MANAGE)?;
    if !webhooks::endpoint_exists(&mut conn, org_id, webhook_id).await? {
        return Err(ApiError::NotFound);
    }
    let rows = webhooks::list_deliveries(&mut conn, org_id, webhook_id, 100).await?;
    Ok(HttpResponse::Ok().json(WebhookDeliveries { items: rows.into_iter().map(WebhookDelivery::from).collect() }))
}
