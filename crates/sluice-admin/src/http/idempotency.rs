//! `Idempotency-Key` for POST requests, as middleware so every POST route gets it.
//!
//! The key is scoped to the authenticated user (two users cannot collide or replay each
//! other's responses). The first request claims the key before the handler runs; a retry with
//! the same key and the same method, path and body gets the stored response with
//! `Idempotent-Replayed: true`; the same key with a different request is a 422; a retry while
//! the first is still running is a 409. Only successful (2xx) responses are stored: a failed
//! request changed nothing (its transaction rolled back), so a retry after fixing the cause —
//! logging in again, getting the role — runs for real instead of replaying the failure.
//!
//! Secrets are shown once, even to a retry: a handler whose response carries a secret names the
//! field in the internal `REDACT_HEADER`; the stored copy has that field set to null, so the
//! database never holds the secret and a replay returns the resource without it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError, web};
use sluice_domain::virtual_key::sha256;
use sluice_store::idempotency::{self, Claim, StoredResponse};

use crate::auth::principal::bearer_token;
use crate::error::ApiError;
use crate::state::AppState;

pub const HEADER: &str = "Idempotency-Key";
/// Internal response header naming a top-level JSON field to null out before storing.
/// Stripped before the response leaves the server.
pub const REDACT_HEADER: &str = "x-sluice-redact-on-replay";
const MAX_KEY_LEN: usize = 255;

pub async fn idempotency(mut req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req.headers().get(HEADER).map(|v| v.to_str().map(str::to_owned));
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (key, state) = match (req.method() == Method::POST, key, state) {
        (true, Some(key), Some(state)) => (key, state),
        _ => return pass_through(req, next).await,
    };
    let key = match key {
        Ok(k) if !k.is_empty() && k.len() <= MAX_KEY_LEN && k.bytes().all(|b| b.is_ascii_graphic()) => k,
        _ => return Ok(reject(req, ApiError::field(HEADER, "must be 1-255 visible ASCII characters"))),
    };
    // Without a valid token the handler will answer 401 anyway; nothing to make idempotent.
    let Some(user) = bearer_token(req.request()).and_then(|t| state.jwt.verify(t).ok()).map(|c| c.sub) else {
        return pass_through(req, next).await;
    };
    let principal = idempotency::principal_for_user(user);

    let body = req.extract::<web::Bytes>().await?;
    if body.len() > state.config.max_body_bytes {
        return Ok(reject(req, ApiError::PayloadTooLarge));
    }
    let mut fingerprint = Vec::with_capacity(body.len() + 64);
    fingerprint.extend_from_slice(req.method().as_str().as_bytes());
    fingerprint.push(b' ');
    fingerprint.extend_from_slice(req.uri().to_string().as_bytes());
    fingerprint.push(b'\n');
    fingerprint.extend_from_slice(&body);
    let request_hash = sha256(&fingerprint);
    req.set_payload(Payload::from(body));

    let claim = match claim(&state, &principal, &key, &request_hash).await {
        Ok(claim) => claim,
        Err(err) => return Ok(reject(req, err)),
    };
    match claim {
        Claim::Existing { request_hash: stored, .. } if stored != request_hash => Ok(reject(req, ApiError::IdempotencyMismatch)),
        Claim::Existing { response: None, .. } => Ok(reject(req, ApiError::IdempotencyInProgress)),
        Claim::Existing { response: Some(stored), .. } => Ok(replay(req, stored)),
        Claim::Acquired => {
            let response = next.call(req).await?;
            finish(&state, &principal, &key, response).await
        }
    }
}

async fn pass_through(req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    response.headers_mut().remove(REDACT_HEADER);
    Ok(response.map_into_boxed_body())
}

async fn claim(state: &AppState, principal: &str, key: &str, hash: &[u8]) -> Result<Claim, ApiError> {
    let mut conn = state.db.acquire().await?;
    Ok(idempotency::claim(&mut conn, principal, key, hash).await?)
}

/// Stores a successful response (or releases the claim) and passes it on.
async fn finish(state: &AppState, principal: &str, key: &str, response: ServiceResponse<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (req, res) = response.into_parts();
    let status = res.status();
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut headers = res.headers().clone();
    let redact = headers.get(REDACT_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    headers.remove(REDACT_HEADER);
    let body = actix_web::body::to_bytes(res.into_body()).await.map_err(|_| ApiError::internal("could not buffer the response"))?;
    let mut conn = state.db.acquire().await.map_err(ApiError::from)?;
    if !status.is_success() {
        idempotency::release(&mut conn, principal, key).await.map_err(ApiError::from)?;
    } else {
        let stored_body = match &redact {
            Some(field) => redacted(&body, field)?,
            None => body.to_vec(),
        };
        let stored = StoredResponse { status_code: status.as_u16(), body: stored_body, content_type };
        idempotency::complete(&mut conn, principal, key, &stored).await.map_err(ApiError::from)?;
    }
    let mut rebuilt = HttpResponse::build(status);
    for (name, value) in &headers {
        rebuilt.append_header((name.clone(), value.clone()));
    }
    Ok(ServiceResponse::new(req, rebuilt.body(body)))
}

/// The JSON body with `field` set to null. A body that is not a JSON object is not stored at
/// all (an empty object is), because we cannot prove it holds no secret.
fn redacted(body: &[u8], field: &str) -> Result<Vec<u8>, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
    match value.as_object_mut() {
        Some(object) => {
            object.insert(field.to_owned(), serde_json::Value::Null);
            serde_json::to_vec(&value).map_err(ApiError::internal)
        }
        None => Ok(b"{}".to_vec()),
    }
}

fn replay(req: ServiceRequest, stored: StoredResponse) -> ServiceResponse<BoxBody> {
    let status = StatusCode::from_u16(stored.status_code).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.insert_header(("Idempotent-Replayed", "true"));
    if let Some(content_type) = stored.content_type {
        response.insert_header((header::CONTENT_TYPE, content_type));
    }
    req.into_response(response.body(stored.body))
}

fn reject(req: ServiceRequest, err: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(err.error_response())
}
