//! A routing decision and the reasons for it. Reasons travel to the caller (response headers),
//! to the usage ledger (`decision_reasons`) and to `sluice route classify`; they never contain
//! prompt text — entity types and counts, not values.

use serde::Serialize;
use sluice_domain::policy::{DataClass, TaskTier};
use sluice_domain::provider::TrustTier;

use crate::entity::EntityType;

/// One model the request may go to, in the order to try.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub model: String,
    pub trust_tier: TrustTier,
    /// Detected entities must be masked before the request goes to this model.
    pub redact: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// A detector found `count` entities of this type.
    Detected { entity: EntityType, count: u32 },
    /// The complexity model's verdict and its strongest features.
    Complexity { score: f64, threshold: f64, tier: TaskTier, signals: Vec<String> },
    /// A budget passed the policy's degradation threshold.
    Degraded { from: TaskTier, to: TaskTier, budget_used_percent: u8 },
    /// The matrix cell the pool came from (may differ from the request's own cell when that
    /// cell is not set: see `policy::pool`).
    Matrix { data_class: DataClass, tier: TaskTier },
    /// The caller named a model and it may receive this data.
    Explicit { model: String },
    /// The caller named a model that may not receive this data; routed by the matrix instead.
    Rerouted { from: String, trust_tier: Option<TrustTier> },
    /// A pool entry was dropped: its provider's trust tier may not receive this data class.
    ExcludedByTrust { model: String, trust_tier: TrustTier },
    /// A pool entry was dropped: no such model is configured.
    UnknownModel { model: String },
    /// Entities are masked before external providers.
    Redacted { entities: Vec<EntityType> },
}

impl Reason {
    /// A short token for the `x-sluice-route-reasons` header.
    pub fn token(&self) -> String {
        match self {
            Reason::Detected { entity, count } => format!("detected:{}x{count}", entity.as_str()),
            Reason::Complexity { score, tier, .. } => format!("complexity:{score:.2}:{tier}"),
            Reason::Degraded { from, to, budget_used_percent } => format!("degraded:{from}>{to}@{budget_used_percent}%"),
            Reason::Matrix { data_class, tier } => format!("matrix:{data_class}.{tier}"),
            Reason::Explicit { model } => format!("explicit:{model}"),
            Reason::Rerouted { from, .. } => format!("rerouted_from:{from}"),
            Reason::ExcludedByTrust { model, trust_tier } => format!("excluded:{model}({trust_tier})"),
            Reason::UnknownModel { model } => format!("unknown_model:{model}"),
            Reason::Redacted { entities } => {
                let names: Vec<&str> = entities.iter().map(|e| e.as_str()).collect();
                format!("redacted:{}", names.join("+"))
            }
        }
    }
}

/// Where a request goes and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub data_class: DataClass,
    pub tier: TaskTier,
    pub complexity_score: f64,
    /// Ordered: the first is tried first; later ones only on failure before the first byte.
    pub pool: Vec<Route>,
    /// The model the request would have gone to without Sluice (the policy's default model).
    pub counterfactual_model: Option<String>,
    pub reasons: Vec<Reason>,
}

impl Decision {
    pub fn primary(&self) -> &Route {
        // `decide` never returns an empty pool.
        &self.pool[0]
    }

    /// All reasons as one header value (ASCII, `, `-separated).
    pub fn reasons_header(&self) -> String {
        let tokens: Vec<String> = self.reasons.iter().map(Reason::token).collect();
        tokens.join(", ")
    }
}

/// Why a request may not be routed anywhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// `data_policy_violation` (sensitive data, no permitted model) or `no_route` (no policy
    /// cell covers the request).
    pub code: &'static str,
    pub message: String,
    pub data_class: DataClass,
    pub tier: TaskTier,
    pub reasons: Vec<Reason>,
}
