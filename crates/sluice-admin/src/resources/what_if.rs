//! The what-if report: a past period of the org's chat traffic replayed under a candidate
//! routing policy — what it would have cost at today's prices, where it would have gone (route,
//! tier and class mix), what the candidate would refuse, and which past requests went to a
//! model the candidate's trust rules forbid for their data class. Uses the class and complexity
//! score stored with each ledger row, never prompts. Read-only: nothing is saved.

mod replay;

use std::collections::HashMap;

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sluice_domain::policy::{PolicyDocument, PolicyLevel};
use sluice_domain::{Money, PricePerMTok};
use sluice_router::policy::RoutePolicy;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{org_access, require_org_read};
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody, stored};
use crate::http::ValidJson;
use crate::resources::policies::checks;
use crate::state::AppState;
use replay::{Catalog, CatalogModel, Price};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIfRequest {
    /// The candidate org-level policy (the same document `routing-policies` stores).
    pub document: PolicyDocument,
    pub from: DateTime<Utc>,
    /// Exclusive; at most 366 days after `from`.
    pub to: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ModelMix {
    pub model: String,
    pub requests: i64,
    pub cost_usd: Money,
}

#[derive(Serialize, ToSchema)]
pub struct Violation {
    /// The model the request actually went to.
    pub model: String,
    pub data_class: String,
    pub requests: i64,
}

#[derive(Serialize, ToSchema)]
pub struct WhatIfReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Chat and messages requests in the period.
    pub requests: i64,
    /// Requests with a stored data class and complexity score, replayed.
    pub replayed: i64,
    /// Requests recorded before the router scored them: not replayed.
    pub skipped: i64,
    /// What every request of the period cost.
    pub actual_cost_usd: Money,
    /// What the replayed requests cost.
    pub actual_cost_replayed_usd: Money,
    /// What the replayed requests would cost under the candidate, at today's prices.
    pub candidate_cost_usd: Money,
    /// Per model the candidate routes to, most requests first.
    pub route_mix: Vec<ModelMix>,
    pub tier_mix: HashMap<String, i64>,
    pub class_mix: HashMap<String, i64>,
    /// Requests the candidate would refuse, by error code (`data_policy_violation`, `no_route`).
    pub refused: HashMap<String, i64>,
    /// Requests the candidate would send to an external model only after masking entities.
    pub redacted: i64,
    /// Past requests that went to a model the candidate's trust rules forbid for their class.
    pub violations: Vec<Violation>,
    /// Models the candidate routes to without a current price (counted at 0).
    pub unpriced_models: Vec<String>,
}

/// Replays a period of the org's traffic under a candidate policy (members with an org role).
#[utoipa::path(tag = "policies", request_body = WhatIfRequest, security(("bearer" = [])), responses(
    (status = 200, body = WhatIfReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/orgs/{org_id}/routing-policies/what-if")]
pub async fn what_if(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<WhatIfRequest>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    if input.to <= input.from || input.to - input.from > chrono::Duration::days(366) {
        return Err(ApiError::field("to", "must be after `from` and at most 366 days later"));
    }
    checks::validate_shape(&input.document, PolicyLevel::Org)?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    checks::check_document(&mut conn, &input.document, &input.document).await?;
    let catalog = chat_catalog(&mut conn).await?;
    let groups = sluice_store::replay::chat_groups(&mut conn, org_id, input.from, input.to).await?;
    drop(conn);
    let candidate = RoutePolicy::compile(input.document).map_err(|e| ApiError::field("document.confidential.patterns", e.to_string()))?;
    let r = replay::replay(&candidate, &catalog, &groups);
    let mut route_mix: Vec<ModelMix> = r.route_mix.into_iter().map(|(model, s)| ModelMix { model, requests: s.requests, cost_usd: s.cost }).collect();
    route_mix.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.model.cmp(&b.model)));
    Ok(HttpResponse::Ok().json(WhatIfReport {
        from: input.from,
        to: input.to,
        requests: r.requests,
        replayed: r.replayed,
        skipped: r.skipped,
        actual_cost_usd: r.actual_cost,
        actual_cost_replayed_usd: r.actual_cost_replayed,
        candidate_cost_usd: r.candidate_cost,
        route_mix,
        tier_mix: r.tier_mix.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        class_mix: r.class_mix.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        refused: r.refused.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        redacted: r.redacted,
        violations: r.violations.into_iter().map(|((model, class), requests)| Violation { model, data_class: class.to_string(), requests }).collect(),
        unpriced_models: r.unpriced,
    }))
}

/// Every chat model with its provider's trust tier and current price (also used by `explain`).
pub(crate) async fn chat_catalog(conn: &mut sluice_store::Conn) -> Result<Catalog, ApiError> {
    let providers = sluice_store::snapshot::providers(conn).await?;
    let tiers: HashMap<Uuid, String> = providers.into_iter().map(|p| (p.id, p.trust_tier)).collect();
    let mut out = Catalog::default();
    for m in sluice_store::snapshot::models(conn).await? {
        let Some(tier) = tiers.get(&m.provider_id) else { continue };
        if m.mode != "chat" {
            continue;
        }
        let per = |n: i64| PricePerMTok::from_nanos(n).ok();
        let price = match (m.input_nano_per_mtok.and_then(per), m.output_nano_per_mtok.and_then(per)) {
            (Some(input), Some(output)) => Some(Price { input, output, cached_input: m.cached_input_nano_per_mtok.and_then(per) }),
            _ => None,
        };
        out.0.insert(m.name, CatalogModel { trust_tier: stored(tier)?, price });
    }
    Ok(out)
}
