//! `POST /v1/route/explain`: the routing decision for an OpenAI chat request — data class,
//! detected entities, complexity, the pool of models and every reason — without calling a
//! provider, reserving budget or writing a ledger row. Authenticated like chat; the request is
//! validated exactly as chat would validate it.

use actix_web::HttpResponse;
use actix_web::http::header::HeaderMap;
use serde_json::{Value, json};
use sluice_domain::provider::ModelMode;
use sluice_domain::virtual_key::Endpoint;
use sluice_router::classify::route;
use sluice_router::policy::AUTO;
use sluice_router::request::RequestView;

use super::KeyCatalog;
use crate::api::errors::GatewayError;
use crate::auth;
use crate::pipeline::{fresh_snapshot, resolve_model};
use crate::state::GatewayState;

pub fn explain(state: &GatewayState, request_headers: &HeaderMap, body: &[u8]) -> Result<HttpResponse, GatewayError> {
    let snapshot = fresh_snapshot(state)?;
    let key = auth::authenticate(request_headers, &snapshot, Endpoint::Chat)?;
    let request = crate::api::openai::chat::parse(body, &state.config)?;
    if request.model != AUTO {
        resolve_model(&snapshot, &key, &request.model, ModelMode::Chat)?;
    }
    let view = RequestView::from_openai(&request.body);
    let policy = snapshot.policies.for_key(&key);
    let budget = state.budget_use.percent_for(&snapshot, &key);
    let catalog = KeyCatalog { snapshot: &snapshot, key: &key, mode: ModelMode::Chat };
    let routed = route(&view, policy, &catalog, &request.model, budget);
    let c = &routed.classification;
    let entities = c.entities_json(&view);
    let mut answer = json!({
        "requested_model": request.model,
        "data_class": c.data_class,
        "complexity_score": (c.complexity.score * 1e4).round() / 1e4,
        "complexity_signals": c.complexity.signals,
        "entities": entities,
        "budget_used_percent": budget,
    });
    match &routed.outcome {
        Ok(d) => {
            let pool: Vec<Value> = d
                .pool
                .iter()
                .map(|r| {
                    let provider = snapshot.model(&r.model).map(|m| m.provider.name.clone());
                    json!({"model": r.model, "provider": provider, "trust_tier": r.trust_tier, "redact": r.redact})
                })
                .collect();
            answer["routable"] = json!(true);
            answer["tier"] = json!(d.tier);
            answer["model"] = json!(d.primary().model);
            answer["pool"] = json!(pool);
            answer["counterfactual_model"] = json!(d.counterfactual_model);
            answer["reasons"] = json!(d.reasons);
        }
        Err(r) => {
            answer["routable"] = json!(false);
            answer["tier"] = json!(r.tier);
            answer["model"] = Value::Null;
            answer["pool"] = json!([]);
            answer["refusal"] = json!({"code": r.code, "message": r.message});
            answer["reasons"] = json!(r.reasons);
        }
    }
    Ok(HttpResponse::Ok().json(answer))
}
