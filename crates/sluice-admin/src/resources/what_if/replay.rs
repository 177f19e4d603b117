//! Replaying grouped past traffic under a candidate policy: where each group would have gone,
//! what it would have cost at today's prices, and which past requests went somewhere the
//! candidate's trust rules forbid. Pure: the handler loads the groups and the catalogue.

use std::collections::{BTreeMap, HashMap};

use sluice_domain::policy::{DataClass, TaskTier};
use sluice_domain::provider::TrustTier;
use sluice_domain::{Money, PricePerMTok};
use sluice_router::policy::{self, AUTO, Facts, ModelCatalog, RoutePolicy};
use sluice_store::replay::ReplayGroup;

#[derive(Debug, Clone, Copy)]
pub struct Price {
    pub input: PricePerMTok,
    pub output: PricePerMTok,
    pub cached_input: Option<PricePerMTok>,
}

#[derive(Debug, Clone, Copy)]
pub struct CatalogModel {
    pub trust_tier: TrustTier,
    pub price: Option<Price>,
}

/// Every chat model, whoever may use it (the report is about the org's policy, not a key).
#[derive(Debug, Default)]
pub struct Catalog(pub HashMap<String, CatalogModel>);

impl ModelCatalog for Catalog {
    fn trust_tier(&self, model: &str) -> Option<TrustTier> {
        self.0.get(model).map(|m| m.trust_tier)
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ModelShare {
    pub requests: i64,
    pub cost: Money,
}

#[derive(Debug, Default, PartialEq)]
pub struct Replay {
    pub requests: i64,
    /// Requests without a data class or score (written before the router): not replayed.
    pub skipped: i64,
    pub replayed: i64,
    pub actual_cost: Money,
    pub actual_cost_replayed: Money,
    pub candidate_cost: Money,
    pub route_mix: BTreeMap<String, ModelShare>,
    pub tier_mix: BTreeMap<TaskTier, i64>,
    pub class_mix: BTreeMap<DataClass, i64>,
    /// Requests the candidate would refuse, by refusal code.
    pub refused: BTreeMap<&'static str, i64>,
    /// Requests the candidate would send to an external model only after masking.
    pub redacted: i64,
    /// Past requests whose model may not receive their data class under the candidate:
    /// (model, class) → requests.
    pub violations: BTreeMap<(String, DataClass), i64>,
    /// Models the candidate routes to that have no current price (their cost counts as 0).
    pub unpriced: Vec<String>,
}

pub fn replay(candidate: &RoutePolicy, catalog: &Catalog, groups: &[ReplayGroup]) -> Replay {
    let mut out = Replay::default();
    for g in groups {
        out.requests += g.requests;
        out.actual_cost = out.actual_cost.saturating_add(Money::from_nanos(g.cost_nano));
        let (Ok(class), Some(score)) = (g.data_class.parse::<DataClass>(), g.complexity_score) else {
            out.skipped += g.requests;
            continue;
        };
        out.replayed += g.requests;
        out.actual_cost_replayed = out.actual_cost_replayed.saturating_add(Money::from_nanos(g.cost_nano));
        *out.class_mix.entry(class).or_default() += g.requests;

        if let Some(model) = &g.routed_model
            && let Some(tier) = catalog.trust_tier(model)
            && !candidate.document().allowed_classes(tier).contains(&class)
        {
            *out.violations.entry((model.clone(), class)).or_default() += g.requests;
        }

        // No findings on replay: masking is assumed to succeed where the policy redacts.
        let facts = Facts { data_class: class, complexity_score: score, findings: &[], signals: &[], reasoning: false, budget_used_percent: None };
        match policy::decide(candidate, catalog, AUTO, facts) {
            Ok(d) => {
                let route = d.primary();
                *out.tier_mix.entry(d.tier).or_default() += g.requests;
                out.redacted += if route.redact { g.requests } else { 0 };
                let cost = match catalog.0.get(&route.model).and_then(|m| m.price) {
                    Some(price) => cost_of(price, g),
                    None => {
                        if !out.unpriced.contains(&route.model) {
                            out.unpriced.push(route.model.clone());
                        }
                        Money::ZERO
                    }
                };
                out.candidate_cost = out.candidate_cost.saturating_add(cost);
                let share = out.route_mix.entry(route.model.clone()).or_default();
                share.requests += g.requests;
                share.cost = share.cost.saturating_add(cost);
            }
            Err(refusal) => *out.refused.entry(refusal.code).or_default() += g.requests,
        }
    }
    out
}

fn cost_of(price: Price, g: &ReplayGroup) -> Money {
    let tokens = |n: i64| u64::try_from(n).unwrap_or(0);
    let uncached = tokens(g.input_tokens.saturating_sub(g.cached_input_tokens));
    price
        .input
        .cost_of(uncached)
        .saturating_add(price.cached_input.unwrap_or(price.input).cost_of(tokens(g.cached_input_tokens)))
        .saturating_add(price.output.cost_of(tokens(g.output_tokens)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn usd_per_mtok(input: i64, output: i64) -> Option<Price> {
        let p = |usd: i64| PricePerMTok::from_nanos(usd * 1_000_000_000).unwrap();
        Some(Price { input: p(input), output: p(output), cached_input: None })
    }

    fn catalog() -> Catalog {
        Catalog(HashMap::from([
            ("cheap".to_owned(), CatalogModel { trust_tier: TrustTier::External, price: usd_per_mtok(1, 2) }),
            ("big".to_owned(), CatalogModel { trust_tier: TrustTier::External, price: usd_per_mtok(10, 20) }),
            ("local".to_owned(), CatalogModel { trust_tier: TrustTier::Local, price: None }),
        ]))
    }

    fn group(class: &str, score: Option<f64>, model: &str, requests: i64) -> ReplayGroup {
        ReplayGroup {
            data_class: class.into(),
            complexity_score: score,
            routed_model: Some(model.into()),
            requests,
            input_tokens: 1_000_000 * requests,
            output_tokens: 0,
            cached_input_tokens: 0,
            cost_nano: 10_000_000_000 * requests,
        }
    }

    #[test]
    fn replays_mix_cost_refusals_and_violations() {
        let doc = serde_json::from_value(json!({"matrix": {"public": {"simple": ["cheap"], "complex": ["big"]}, "pii": {"simple": ["local"]}}})).unwrap();
        let candidate = RoutePolicy::compile(doc).unwrap();
        let groups = [
            group("public", Some(0.1), "big", 3),  // would have been cheap: 3 × $1 instead of 3 × $10
            group("public", Some(0.9), "big", 1),  // stays big
            group("pii", Some(0.2), "big", 2),     // went external with pii: a violation; now local
            group("secret", Some(0.2), "local", 1), // no secret row and no higher: refused
            group("unclassified", None, "big", 5),
        ];
        let r = replay(&candidate, &catalog(), &groups);
        assert_eq!((r.requests, r.replayed, r.skipped), (12, 7, 5));
        assert_eq!(r.candidate_cost, Money::from_nanos(3_000_000_000 + 10_000_000_000));
        assert_eq!(r.actual_cost_replayed, Money::from_nanos(70_000_000_000));
        assert_eq!(r.route_mix["cheap"].requests, 3);
        assert_eq!(r.route_mix["local"].requests, 2);
        assert_eq!(r.refused["no_route"], 1);
        assert_eq!(r.violations[&("big".to_owned(), DataClass::Pii)], 2);
        assert_eq!(r.unpriced, vec!["local".to_owned()]);
        assert_eq!(r.tier_mix[&TaskTier::Simple], 5);
    }
}
