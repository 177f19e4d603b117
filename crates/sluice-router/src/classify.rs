//! Classification: what the router knows about a request before any policy is applied.

use sluice_domain::policy::DataClass;

use crate::complexity::{self, Assessment};
use crate::entity::{Finding, class_of};
use crate::request::RequestView;
use crate::sensitivity::{self, OrgTerms};

#[derive(Debug, Clone)]
pub struct Classification {
    pub findings: Vec<Finding>,
    pub data_class: DataClass,
    pub complexity: Assessment,
}

impl Classification {
    /// The findings as callers see them (see [`Finding::to_json`]), for the request they came from.
    pub fn entities_json(&self, view: &RequestView) -> Vec<serde_json::Value> {
        self.findings.iter().map(|f| f.to_json(view.segments.get(f.segment).map_or("", |s| s.text.as_ref()))).collect()
    }
}

/// Sensitivity over every segment (with the org's own terms when given) and complexity.
pub fn classify(view: &RequestView, org_terms: Option<&OrgTerms>) -> Classification {
    let findings = sensitivity::scan(view, org_terms);
    let data_class = class_of(&findings);
    Classification { findings, data_class, complexity: complexity::assess(view) }
}

/// A request classified and decided on.
#[derive(Debug, Clone)]
pub struct Routed {
    pub classification: Classification,
    pub outcome: Result<crate::decision::Decision, crate::decision::Refusal>,
}

/// The whole router for one request: classify with the policy's own terms, then decide.
pub fn route(
    view: &RequestView,
    policy: &crate::policy::RoutePolicy,
    catalog: &dyn crate::policy::ModelCatalog,
    requested_model: &str,
    budget_used_percent: Option<u8>,
) -> Routed {
    let classification = classify(view, policy.org_terms());
    let facts = crate::policy::Facts {
        data_class: classification.data_class,
        complexity_score: classification.complexity.score,
        findings: &classification.findings,
        signals: &classification.complexity.signals,
        reasoning: classification.complexity.reasoning,
        budget_used_percent,
    };
    let outcome = crate::policy::decide(policy, catalog, requested_model, facts);
    Routed { classification, outcome }
}
