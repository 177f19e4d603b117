//! The router on the request path: the request's text and shape → `sluice_router` with the
//! key's effective policy and the models it may use → the ordered pool of models, or a refusal.
//!
//! Invariant: every model a request may reach comes from the decision's pool, and the pool only
//! holds models whose provider's trust tier the policy allows for the request's data class.
//! Failover walks that pool; nothing else picks a model.

pub mod budget_use;
pub mod explain;
pub mod policies;

use std::sync::Arc;

use serde_json::{Value, json};
use sluice_domain::provider::{ModelMode, TrustTier};
use sluice_router::classify::{Classification, route};
use sluice_router::decision::{Decision, Refusal};
use sluice_router::policy::{self, Facts, MaskSet, ModelCatalog, RoutePolicy};
use sluice_router::request::RequestView;

use crate::api::errors::GatewayError;
use crate::dialect::Dialect;
use crate::pipeline::chat::ChatRequest;
use crate::snapshot::{KeyEntry, ModelEntry, Snapshot};
use crate::state::GatewayState;

/// The models a key may use for one mode, as the router sees them.
pub struct KeyCatalog<'a> {
    pub snapshot: &'a Snapshot,
    pub key: &'a KeyEntry,
    pub mode: ModelMode,
}

impl ModelCatalog for KeyCatalog<'_> {
    fn trust_tier(&self, model: &str) -> Option<TrustTier> {
        let entry = self.snapshot.model(model)?;
        (entry.mode == self.mode && self.key.may_use_model(model) && entry.servable()).then_some(entry.provider.trust_tier)
    }
}

/// One model of the pool, resolved.
#[derive(Clone)]
pub struct Target {
    pub model: Arc<ModelEntry>,
    /// Mask detected entities before sending.
    pub redact: bool,
}

/// A routed request.
pub struct Routing {
    pub decision: Decision,
    pub classification: Classification,
    pub pool: Vec<Target>,
}

impl Routing {
    pub fn primary(&self) -> &Target {
        // `decide` never returns an empty pool, and every entry resolved.
        &self.pool[0]
    }

    /// The decision's reasons for the ledger (no prompt text: types, counts, scores, models).
    pub fn reasons_json(&self) -> Value {
        json!(self.decision.reasons)
    }
}

/// Classifies a chat request and decides where it may go.
pub fn route_chat(state: &GatewayState, snapshot: &Snapshot, key: &KeyEntry, request: &ChatRequest) -> Result<Routing, GatewayError> {
    let view = match request.dialect {
        Dialect::OpenAi => RequestView::from_openai(&request.body),
        Dialect::Anthropic => RequestView::from_anthropic(&request.body),
    };
    let policy = snapshot.policies.for_key(key);
    let budget = policy.document().degradation.as_ref().and_then(|_| state.budget_use.percent_for(snapshot, key));
    let catalog = KeyCatalog { snapshot, key, mode: ModelMode::Chat };
    let routed = route(&view, policy, &catalog, &request.model, budget);
    resolve(snapshot, routed.classification, routed.outcome)
}

/// Embeddings: the named model only, checked against the inputs' data class.
pub fn route_embeddings(snapshot: &Snapshot, key: &KeyEntry, model: &str, inputs: &[String]) -> Result<Routing, GatewayError> {
    let mut view = RequestView::default();
    for input in inputs {
        view.segments.push(sluice_router::request::Segment { kind: sluice_router::request::SegmentKind::User, text: input.as_str().into() });
    }
    let policy = snapshot.policies.for_key(key);
    let classification = sluice_router::classify::classify(&view, policy.org_terms());
    let facts = Facts {
        data_class: classification.data_class,
        complexity_score: 0.0,
        findings: &classification.findings,
        signals: &[],
        reasoning: false,
        budget_used_percent: None,
    };
    let outcome = policy::decide_named(policy, &KeyCatalog { snapshot, key, mode: ModelMode::Embedding }, model, facts);
    resolve(snapshot, classification, outcome)
}

fn resolve(snapshot: &Snapshot, classification: Classification, outcome: Result<Decision, Refusal>) -> Result<Routing, GatewayError> {
    let decision = outcome.map_err(refused)?;
    let pool: Vec<Target> = decision
        .pool
        .iter()
        .filter_map(|r| snapshot.model(&r.model).map(|m| Target { model: m.clone(), redact: r.redact }))
        .collect();
    if pool.len() != decision.pool.len() || pool.is_empty() {
        return Err(GatewayError::Internal("a routed model vanished from the snapshot".into()));
    }
    Ok(Routing { decision, classification, pool })
}

fn refused(refusal: Refusal) -> GatewayError {
    metrics::counter!("sluice_router_refusals_total", "code" => refusal.code, "data_class" => refusal.data_class.to_string()).increment(1);
    GatewayError::PolicyRefused { code: refusal.code, message: refusal.message }
}

/// Masks the body in place when the target needs it.
pub fn redact_for(target: &Target, policy: &RoutePolicy, body: &mut serde_json::Map<String, Value>) {
    if !target.redact {
        return;
    }
    if let Some(mask) = MaskSet::of(policy.document().redaction.as_ref()) {
        let changed = policy::mask_body(body, &mask, policy.org_terms());
        metrics::counter!("sluice_router_redacted_strings_total").increment(changed as u64);
    }
}
