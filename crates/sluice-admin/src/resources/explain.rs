//! Explaining a routing decision for a sample prompt under a candidate policy — the console's
//! "test a prompt" before saving a policy. The gateway's `POST /v1/route/explain` explains under
//! the *saved* policy and needs a virtual key; this runs the same router (`sluice_router::route`)
//! on a draft, against every configured chat model. Read-only: nothing is sent to a provider,
//! stored or logged (the prompt is not written anywhere, and entities come back as offsets).

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sluice_domain::policy::{PolicyDocument, PolicyLevel};
use sluice_router::classify::route;
use sluice_router::policy::{AUTO, RoutePolicy};
use sluice_router::request::RequestView;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{org_access, require_org_read};
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::ValidJson;
use crate::resources::policies::checks;
use crate::resources::what_if::chat_catalog;
use crate::state::AppState;

/// The longest sample prompt (and system prompt) accepted, in characters.
const MAX_PROMPT_CHARS: usize = 32_000;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// The candidate org-level policy (the same document `routing-policies` stores).
    pub document: PolicyDocument,
    /// A user message, as a client would send it.
    pub prompt: String,
    /// An optional system prompt.
    #[serde(default)]
    pub system: Option<String>,
    /// The model the client asks for: `auto` (the default) or a model name.
    #[serde(default)]
    pub model: Option<String>,
    /// Simulate a budget this full (0-100) to see the policy's degradation.
    #[serde(default)]
    pub budget_used_percent: Option<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct PoolEntry {
    pub model: String,
    pub trust_tier: String,
    /// Entities are masked before the request goes to this model.
    pub redact: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Explanation {
    /// `public`, `confidential`, `pii` or `secret`.
    pub data_class: String,
    pub complexity_score: f64,
    /// Detected entities: type, segment, character offsets and confidence (never the text).
    pub entities: Vec<Value>,
    /// Whether any model may take the request.
    pub routable: bool,
    /// The task tier the decision used.
    pub tier: String,
    /// The first model of the pool; null when refused.
    pub model: Option<String>,
    /// The models tried in order.
    pub pool: Vec<PoolEntry>,
    /// The model the request would have gone to without Sluice.
    pub counterfactual_model: Option<String>,
    /// Every reason for the decision (entity types and counts, matrix cell, exclusions...).
    pub reasons: Vec<Value>,
    /// Set when refused: `code` (`data_policy_violation` or `no_route`) and `message`.
    pub refusal: Option<Value>,
}

/// Routes a sample prompt under a candidate policy without sending it anywhere (members with an org role).
#[utoipa::path(tag = "policies", request_body = ExplainRequest, security(("bearer" = [])), responses(
    (status = 200, body = Explanation), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/orgs/{org_id}/routing-policies/explain")]
pub async fn explain(state: web::Data<AppState>, principal: Principal, path: web::Path<Uuid>, body: ValidJson<ExplainRequest>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let input = body.0;
    if input.prompt.trim().is_empty() {
        return Err(ApiError::field("prompt", "must not be empty"));
    }
    if input.prompt.chars().count() > MAX_PROMPT_CHARS || input.system.as_ref().is_some_and(|s| s.chars().count() > MAX_PROMPT_CHARS) {
        return Err(ApiError::field("prompt", format!("at most {MAX_PROMPT_CHARS} characters")));
    }
    if input.budget_used_percent.is_some_and(|p| p > 100) {
        return Err(ApiError::field("budget_used_percent", "must be between 0 and 100"));
    }
    checks::validate_shape(&input.document, PolicyLevel::Org)?;
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let catalog = chat_catalog(&mut conn).await?;
    drop(conn);
    let policy = RoutePolicy::compile(input.document).map_err(|e| ApiError::field("document.confidential.patterns", e.to_string()))?;
    let requested = input.model.filter(|m| !m.trim().is_empty()).unwrap_or_else(|| AUTO.to_owned());
    let mut messages = Vec::new();
    if let Some(system) = input.system.filter(|s| !s.trim().is_empty()) {
        messages.push(json!({"role": "system", "content": system}));
    }
    messages.push(json!({"role": "user", "content": input.prompt}));
    let mut request = Map::new();
    request.insert("model".to_owned(), json!(requested));
    request.insert("messages".to_owned(), Value::Array(messages));
    let view = RequestView::from_openai(&request);
    let routed = route(&view, &policy, &catalog, &requested, input.budget_used_percent);
    let c = &routed.classification;
    let base = |routable, tier: String, reasons: Vec<Value>| Explanation {
        data_class: c.data_class.to_string(),
        complexity_score: (c.complexity.score * 1e4).round() / 1e4,
        entities: c.entities_json(&view),
        routable,
        tier,
        model: None,
        pool: Vec::new(),
        counterfactual_model: None,
        reasons,
        refusal: None,
    };
    let answer = match &routed.outcome {
        Ok(d) => Explanation {
            model: Some(d.primary().model.clone()),
            pool: d.pool.iter().map(|r| PoolEntry { model: r.model.clone(), trust_tier: r.trust_tier.to_string(), redact: r.redact }).collect(),
            counterfactual_model: d.counterfactual_model.clone(),
            ..base(true, d.tier.to_string(), d.reasons.iter().map(|r| json!(r)).collect())
        },
        Err(r) => Explanation {
            refusal: Some(json!({"code": r.code, "message": r.message})),
            ..base(false, r.tier.to_string(), r.reasons.iter().map(|r| json!(r)).collect())
        },
    };
    Ok(HttpResponse::Ok().json(answer))
}
