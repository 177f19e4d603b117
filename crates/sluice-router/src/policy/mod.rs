//! Policy evaluation: (data class, task tier, tenant policy, requested model) → the ordered
//! pool of models the request may go to, or a refusal.
//!
//! Fail closed: every model that ends up in a pool has been checked against the policy's trust
//! rules for the request's data class, here, once. The gateway's fallbacks, retries and load
//! balancing only ever pick from this pool, so none of them can send data where the policy
//! forbids. Sensitivity overrides complexity: the data class picks the matrix row and filters
//! the pool; the tier only picks a cell within what the class allows.

mod pool;
mod redaction;

use std::collections::BTreeMap;

use sluice_domain::policy::{DataClass, ExplicitModelRule, PolicyDocument, TaskTier};
use sluice_domain::provider::TrustTier;

use crate::complexity::{DEFAULT_THRESHOLD, Signal};
use crate::decision::{Decision, Reason, Refusal, Route};
use crate::entity::{EntityType, Finding};
use crate::sensitivity::OrgTerms;

pub use redaction::{MaskSet, mask_body, mask_text};

/// The model alias that asks the router to choose.
pub const AUTO: &str = "auto";

/// An effective policy (org document with team and key overrides applied), compiled once
/// when the configuration is loaded.
#[derive(Debug, Clone)]
pub struct RoutePolicy {
    document: PolicyDocument,
    org_terms: Option<OrgTerms>,
}

impl RoutePolicy {
    pub fn compile(document: PolicyDocument) -> Result<RoutePolicy, regex::Error> {
        let org_terms = match &document.confidential {
            Some(terms) if !terms.keywords.is_empty() || !terms.patterns.is_empty() => Some(OrgTerms::compile(terms)?),
            _ => None,
        };
        Ok(RoutePolicy { document, org_terms })
    }

    /// No policy at all: default trust rules, no matrix (so no `auto`), explicit models only.
    pub fn empty() -> RoutePolicy {
        RoutePolicy { document: PolicyDocument::default(), org_terms: None }
    }

    /// Refuses every request: no trust tier may receive any data class. What a gateway uses
    /// for an org whose stored policy it cannot read — never something looser.
    pub fn deny_all() -> RoutePolicy {
        let trust = [TrustTier::Local, TrustTier::Private, TrustTier::External].into_iter().map(|t| (t, Vec::new())).collect();
        RoutePolicy { document: PolicyDocument { trust: Some(trust), ..PolicyDocument::default() }, org_terms: None }
    }

    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    pub fn org_terms(&self) -> Option<&OrgTerms> {
        self.org_terms.as_ref()
    }

    pub fn threshold(&self) -> f64 {
        self.document.complexity_threshold.unwrap_or(DEFAULT_THRESHOLD)
    }

    fn may_receive(&self, trust: TrustTier, class: DataClass) -> bool {
        self.document.allowed_classes(trust).contains(&class)
    }
}

/// What the router needs to know about configured models.
pub trait ModelCatalog {
    /// The trust tier of the provider serving `model`, or `None` if no such model exists.
    fn trust_tier(&self, model: &str) -> Option<TrustTier>;
}

impl ModelCatalog for BTreeMap<String, TrustTier> {
    fn trust_tier(&self, model: &str) -> Option<TrustTier> {
        self.get(model).copied()
    }
}

/// The classified request, as the policy sees it. Replays of the ledger build this from stored
/// features (no findings, no prompt).
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub data_class: DataClass,
    pub complexity_score: f64,
    /// Detected entities (for reasons and redaction); empty on replay.
    pub findings: &'a [Finding],
    /// The complexity model's strongest features (for reasons); empty on replay.
    pub signals: &'a [Signal],
    /// The task needs a reasoning model if it is not simple (see `complexity`); false on replay.
    pub reasoning: bool,
    /// Share of the tightest budget already spent, for degradation; `None` if unknown.
    pub budget_used_percent: Option<u8>,
}

pub fn decide(policy: &RoutePolicy, catalog: &dyn ModelCatalog, requested: &str, facts: Facts) -> Result<Decision, Refusal> {
    decide_with(policy, catalog, requested, facts, true)
}

/// For surfaces without a routing matrix (embeddings): the named model keeps the request if it
/// may receive the data (masked, if the policy redacts), otherwise the request is refused.
pub fn decide_named(policy: &RoutePolicy, catalog: &dyn ModelCatalog, model: &str, facts: Facts) -> Result<Decision, Refusal> {
    decide_with(policy, catalog, model, facts, false)
}

fn decide_with(policy: &RoutePolicy, catalog: &dyn ModelCatalog, requested: &str, facts: Facts, may_reroute: bool) -> Result<Decision, Refusal> {
    let doc = &policy.document;
    let class = facts.data_class;
    let threshold = policy.threshold();
    let own_tier = tier_at(facts.complexity_score, threshold, facts.reasoning);
    let mut reasons = detected_reasons(facts.findings);
    let signals = facts.signals.iter().map(|s| format!("{}{:+.2}", s.feature, s.contribution)).collect();
    reasons.push(Reason::Complexity { score: round2(facts.complexity_score), threshold, tier: own_tier, signals });

    let mask = MaskSet::of(doc.redaction.as_ref());
    let residual = mask.as_ref().map(|m| m.residual_class(facts.findings));
    let refusal = |code: &'static str, message: String, tier: TaskTier, reasons: Vec<Reason>| Refusal { code, message, data_class: class, tier, reasons };

    // An explicitly named model keeps the request if it may receive the data.
    if requested != AUTO || !may_reroute {
        match check(policy, catalog, requested, class, residual) {
            Ok(route) => {
                if route.redact {
                    reasons.push(Reason::Redacted { entities: masked_types(facts.findings, mask.as_ref()) });
                }
                reasons.push(Reason::Explicit { model: requested.to_owned() });
                return Ok(Decision { data_class: class, tier: own_tier, complexity_score: facts.complexity_score, pool: vec![route], counterfactual_model: doc.default_model.clone(), reasons });
            }
            Err(excluded) => {
                let trust_tier = match &excluded {
                    Reason::ExcludedByTrust { trust_tier, .. } => Some(*trust_tier),
                    _ => None,
                };
                let unknown = trust_tier.is_none();
                let rule = doc.explicit_model.unwrap_or(ExplicitModelRule::Reroute);
                if unknown || !may_reroute || rule == ExplicitModelRule::Refuse || doc.matrix.is_none() {
                    reasons.push(excluded);
                    let message = match trust_tier {
                        Some(t) => format!("model '{requested}' is served by a provider of trust tier {t}, which this organisation's policy does not allow to receive {class} data"),
                        None => format!("model '{requested}' does not exist"),
                    };
                    let code = if unknown { "model_not_found" } else { "data_policy_violation" };
                    return Err(refusal(code, message, own_tier, reasons));
                }
                reasons.push(Reason::Rerouted { from: requested.to_owned(), trust_tier });
            }
        }
    }

    // Routed by the matrix: budget degradation first (cheaper tier), then the cell, then trust.
    let mut tier = own_tier;
    if let (Some(rule), Some(used)) = (&doc.degradation, facts.budget_used_percent)
        && used >= rule.threshold_percent
        && tier > rule.to_tier
    {
        reasons.push(Reason::Degraded { from: tier, to: rule.to_tier, budget_used_percent: used });
        tier = rule.to_tier;
    }
    let Some(matrix) = &doc.matrix else {
        return Err(refusal("no_route", "the 'auto' model needs a routing policy; this organisation has none".into(), tier, reasons));
    };
    let Some((cell_class, cell_tier, candidates)) = pool::cell(matrix, class, tier) else {
        return Err(refusal("no_route", format!("the routing policy has no models for {class} data"), tier, reasons));
    };
    reasons.push(Reason::Matrix { data_class: cell_class, tier: cell_tier });
    let mut routes = Vec::with_capacity(candidates.len());
    for model in candidates {
        match check(policy, catalog, model, class, residual) {
            Ok(route) => routes.push(route),
            Err(excluded) => reasons.push(excluded),
        }
    }
    if routes.is_empty() {
        let message = format!("no model in the routing policy may receive {class} data (policy cell {cell_class}.{cell_tier})");
        return Err(refusal("data_policy_violation", message, tier, reasons));
    }
    if routes.iter().any(|r| r.redact) {
        reasons.push(Reason::Redacted { entities: masked_types(facts.findings, mask.as_ref()) });
    }
    Ok(Decision { data_class: class, tier, complexity_score: facts.complexity_score, pool: routes, counterfactual_model: doc.default_model.clone(), reasons })
}

/// The tier for a score at a threshold, as `complexity::Assessment::tier` maps it.
pub fn tier_at(score: f64, threshold: f64, reasoning: bool) -> TaskTier {
    crate::complexity::Assessment { score, signals: Vec::new(), reasoning }.tier(threshold)
}

/// Whether `model` may receive `class` data, directly or once masked.
fn check(policy: &RoutePolicy, catalog: &dyn ModelCatalog, model: &str, class: DataClass, residual: Option<DataClass>) -> Result<Route, Reason> {
    let Some(trust_tier) = catalog.trust_tier(model) else {
        return Err(Reason::UnknownModel { model: model.to_owned() });
    };
    if policy.may_receive(trust_tier, class) {
        return Ok(Route { model: model.to_owned(), trust_tier, redact: false });
    }
    match residual {
        Some(rest) if policy.may_receive(trust_tier, rest) => Ok(Route { model: model.to_owned(), trust_tier, redact: true }),
        _ => Err(Reason::ExcludedByTrust { model: model.to_owned(), trust_tier }),
    }
}

fn detected_reasons(findings: &[Finding]) -> Vec<Reason> {
    let mut counts: BTreeMap<EntityType, u32> = BTreeMap::new();
    for f in findings {
        *counts.entry(f.entity).or_default() += 1;
    }
    counts.into_iter().map(|(entity, count)| Reason::Detected { entity, count }).collect()
}

fn masked_types(findings: &[Finding], mask: Option<&MaskSet>) -> Vec<EntityType> {
    let mut types: Vec<EntityType> = findings.iter().map(|f| f.entity).filter(|e| mask.is_some_and(|m| m.masks(*e))).collect();
    types.sort();
    types.dedup();
    types
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
