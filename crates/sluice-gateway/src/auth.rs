//! Authenticating a virtual key: header → checksum → SHA-256 → snapshot lookup. No database,
//! no slow hash: a few hundred nanoseconds. Admin JWTs and anything else that is not a
//! well-formed `sk-sluice-` key fail the checksum before any lookup.

use std::sync::Arc;

use actix_web::http::header::HeaderMap;
use chrono::Utc;
use sluice_domain::virtual_key::{Endpoint, VirtualKeySecret};

use crate::api::errors::GatewayError;
use crate::snapshot::{KeyEntry, Snapshot};

/// The key presented by the caller: `Authorization: Bearer <key>` (OpenAI SDKs, and the
/// Anthropic SDK when given `api_key=`) or `x-api-key: <key>` (Anthropic's own header).
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    if let Some(value) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(value.trim());
    }
    let value = headers.get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

pub fn authenticate(headers: &HeaderMap, snapshot: &Snapshot, endpoint: Endpoint) -> Result<Arc<KeyEntry>, GatewayError> {
    let presented = presented_key(headers).ok_or(GatewayError::InvalidKey)?;
    let secret = VirtualKeySecret::parse(presented).map_err(|_| GatewayError::InvalidKey)?;
    let key = snapshot.keys.get(&secret.hash().0).ok_or(GatewayError::InvalidKey)?;
    // The snapshot drops expired keys on reload; this closes the gap between reloads.
    if key.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(GatewayError::ExpiredKey);
    }
    if !key.may_use_endpoint(endpoint) {
        return Err(GatewayError::EndpointNotAllowed);
    }
    Ok(key.clone())
}
