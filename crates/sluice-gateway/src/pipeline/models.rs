//! `GET /v1/models`: the models this key may use — allowed by its scope and served by a provider
//! the gateway can call — in OpenAI's list shape, with the router's `auto` alias first when the
//! key's policy has a routing matrix.

use actix_web::HttpResponse;
use actix_web::http::header::HeaderMap;
use serde_json::json;
use sluice_domain::virtual_key::Endpoint;

use super::fresh_snapshot;
use crate::api::errors::GatewayError;
use crate::auth;
use crate::state::GatewayState;

pub fn list(state: &GatewayState, request_headers: &HeaderMap) -> Result<HttpResponse, GatewayError> {
    let snapshot = fresh_snapshot(state)?;
    let key = auth::authenticate(request_headers, &snapshot, Endpoint::Models)?;
    let mut names: Vec<&String> = snapshot.models.iter().filter(|(name, model)| key.may_use_model(name) && model.servable()).map(|(name, _)| name).collect();
    names.sort();
    let created = snapshot.loaded_at.map_or(0, |t| t.timestamp());
    let mut data: Vec<_> = names
        .into_iter()
        .filter_map(|name| snapshot.models.get(name))
        .map(|m| json!({"id": m.name, "object": "model", "created": created, "owned_by": m.provider.name}))
        .collect();
    // `auto` lets the router choose; it exists for keys whose policy has a routing matrix.
    if snapshot.policies.for_key(&key).document().matrix.is_some() {
        data.insert(0, json!({"id": sluice_router::policy::AUTO, "object": "model", "created": created, "owned_by": "sluice"}));
    }
    Ok(HttpResponse::Ok().json(json!({"object": "list", "data": data})))
}
