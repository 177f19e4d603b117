use std::collections::BTreeMap;

use serde_json::json;
use sluice_domain::policy::{DataClass, PolicyDocument, TaskTier};
use sluice_domain::provider::TrustTier;

use super::*;
use crate::decision::Reason;
use crate::entity::{EntityType, Finding};

fn catalog() -> BTreeMap<String, TrustTier> {
    [("mini", TrustTier::External), ("big", TrustTier::External), ("vpc", TrustTier::Private), ("llama", TrustTier::Local)]
        .into_iter()
        .map(|(m, t)| (m.to_owned(), t))
        .collect()
}

fn policy(doc: serde_json::Value) -> RoutePolicy {
    let doc: PolicyDocument = serde_json::from_value(doc).unwrap();
    RoutePolicy::compile(doc).unwrap()
}

fn standard() -> RoutePolicy {
    policy(json!({
        "default_model": "big",
        "matrix": {
            "public": {"simple": ["mini", "llama"], "complex": ["big", "vpc"]},
            "pii": {"simple": ["vpc", "llama"], "complex": ["big", "vpc", "llama"]},
            "secret": {"simple": ["llama"]}
        }
    }))
}

fn finding(entity: EntityType) -> Finding {
    Finding { entity, segment: 0, start: 0, end: 1, confidence: 1.0 }
}

fn facts(class: DataClass, score: f64, findings: &[Finding]) -> Facts<'_> {
    Facts { data_class: class, complexity_score: score, findings, signals: &[], reasoning: false, budget_used_percent: None }
}

fn models(d: &Decision) -> Vec<&str> {
    d.pool.iter().map(|r| r.model.as_str()).collect()
}

#[test]
fn auto_routes_by_class_and_tier() {
    let p = standard();
    let d = decide(&p, &catalog(), AUTO, facts(DataClass::Public, 0.1, &[])).unwrap();
    assert_eq!((models(&d), d.tier), (vec!["mini", "llama"], TaskTier::Simple));
    let d = decide(&p, &catalog(), AUTO, facts(DataClass::Public, 0.9, &[])).unwrap();
    assert_eq!((models(&d), d.tier), (vec!["big", "vpc"], TaskTier::Complex));
    assert_eq!(d.counterfactual_model.as_deref(), Some("big"));
    assert!(d.reasons.contains(&Reason::Matrix { data_class: DataClass::Public, tier: TaskTier::Complex }));
}

#[test]
fn sensitivity_overrides_complexity_and_trust_filters_every_pool_entry() {
    let p = standard();
    let pii = [finding(EntityType::Email)];
    // The pii.complex cell lists an external model; it is dropped, with a reason.
    let d = decide(&p, &catalog(), AUTO, facts(DataClass::Pii, 0.9, &pii)).unwrap();
    assert_eq!(models(&d), vec!["vpc", "llama"]);
    assert!(d.reasons.contains(&Reason::ExcludedByTrust { model: "big".into(), trust_tier: TrustTier::External }));
    assert!(d.reasons.contains(&Reason::Detected { entity: EntityType::Email, count: 1 }));
    // Secrets go only to local models, whatever the tier; a complex secret request falls back to the simple cell of its own row.
    let d = decide(&p, &catalog(), AUTO, facts(DataClass::Secret, 0.99, &[finding(EntityType::PrivateKey)])).unwrap();
    assert_eq!(models(&d), vec!["llama"]);
    assert!(d.reasons.contains(&Reason::Matrix { data_class: DataClass::Secret, tier: TaskTier::Simple }));
}

#[test]
fn fails_closed_when_no_permitted_model_is_left() {
    let p = policy(json!({"matrix": {"public": {"simple": ["mini"]}, "secret": {"simple": ["mini", "vpc"]}}}));
    let err = decide(&p, &catalog(), AUTO, facts(DataClass::Secret, 0.1, &[])).unwrap_err();
    assert_eq!(err.code, "data_policy_violation");
    // A class without a row of its own borrows the row of a more sensitive class, still filtered by trust.
    let d = decide(&p, &catalog(), AUTO, facts(DataClass::Pii, 0.1, &[])).unwrap();
    assert_eq!(models(&d), vec!["vpc"]);
    assert!(d.reasons.contains(&Reason::Matrix { data_class: DataClass::Secret, tier: TaskTier::Simple }));
    // ...but never a less sensitive row.
    let only_public = policy(json!({"matrix": {"public": {"simple": ["mini"]}}}));
    assert_eq!(decide(&only_public, &catalog(), AUTO, facts(DataClass::Pii, 0.1, &[])).unwrap_err().code, "no_route");
}

#[test]
fn explicit_models_are_checked_and_rerouted_or_refused() {
    let p = standard();
    let pii = [finding(EntityType::Phone)];
    let d = decide(&p, &catalog(), "big", facts(DataClass::Public, 0.1, &[])).unwrap();
    assert_eq!(models(&d), vec!["big"]);
    let d = decide(&p, &catalog(), "big", facts(DataClass::Pii, 0.1, &pii)).unwrap();
    assert_eq!(models(&d), vec!["vpc", "llama"]);
    assert!(d.reasons.contains(&Reason::Rerouted { from: "big".into(), trust_tier: Some(TrustTier::External) }));

    let refuse = policy(json!({"explicit_model": "refuse", "matrix": {"pii": {"simple": ["llama"]}}}));
    let err = decide(&refuse, &catalog(), "big", facts(DataClass::Pii, 0.1, &pii)).unwrap_err();
    assert_eq!(err.code, "data_policy_violation");
    assert!(err.message.contains("trust tier external"), "{}", err.message);
    assert_eq!(decide(&refuse, &catalog(), "nope", facts(DataClass::Public, 0.1, &[])).unwrap_err().code, "model_not_found");
}

#[test]
fn named_decisions_never_reroute() {
    let p = standard();
    let err = decide_named(&p, &catalog(), "big", facts(DataClass::Pii, 0.1, &[finding(EntityType::Email)])).unwrap_err();
    assert_eq!(err.code, "data_policy_violation");
    assert_eq!(models(&decide_named(&p, &catalog(), "vpc", facts(DataClass::Pii, 0.1, &[])).unwrap()), vec!["vpc"]);
}

#[test]
fn without_a_policy_default_trust_still_applies() {
    let p = RoutePolicy::empty();
    assert!(decide(&p, &catalog(), "big", facts(DataClass::Public, 0.1, &[])).is_ok());
    assert_eq!(decide(&p, &catalog(), "big", facts(DataClass::Pii, 0.1, &[])).unwrap_err().code, "data_policy_violation");
    assert_eq!(models(&decide(&p, &catalog(), "vpc", facts(DataClass::Pii, 0.1, &[])).unwrap()), vec!["vpc"]);
    assert_eq!(decide(&p, &catalog(), "vpc", facts(DataClass::Secret, 0.1, &[])).unwrap_err().code, "data_policy_violation");
    assert_eq!(decide(&p, &catalog(), AUTO, facts(DataClass::Public, 0.1, &[])).unwrap_err().code, "no_route");
}

#[test]
fn custom_trust_rules_replace_the_defaults() {
    let p = policy(json!({"trust": {"external": ["public", "pii"]}, "matrix": {"pii": {"simple": ["mini"]}}}));
    assert_eq!(models(&decide(&p, &catalog(), AUTO, facts(DataClass::Pii, 0.1, &[])).unwrap()), vec!["mini"]);
}

#[test]
fn redaction_lets_masked_requests_reach_external_models_only_when_nothing_unmasked_remains() {
    let p = policy(json!({
        "redaction": {"enabled": true, "entities": ["email", "phone"]},
        "matrix": {"pii": {"simple": ["mini", "llama"]}, "secret": {"simple": ["mini", "llama"]}}
    }));
    let emails = [finding(EntityType::Email)];
    let d = decide(&p, &catalog(), AUTO, facts(DataClass::Pii, 0.1, &emails)).unwrap();
    assert_eq!(d.pool[0], Route { model: "mini".into(), trust_tier: TrustTier::External, redact: true });
    assert!(!d.pool[1].redact);
    assert!(d.reasons.contains(&Reason::Redacted { entities: vec![EntityType::Email] }));
    // A card number is not in the mask list: the external model stays out.
    let mixed = [finding(EntityType::Email), finding(EntityType::CreditCard)];
    assert_eq!(models(&decide(&p, &catalog(), AUTO, facts(DataClass::Pii, 0.1, &mixed)).unwrap()), vec!["llama"]);
    // A secret is not masked either.
    let secret = [finding(EntityType::Email), finding(EntityType::Jwt)];
    assert_eq!(models(&decide(&p, &catalog(), AUTO, facts(DataClass::Secret, 0.1, &secret)).unwrap()), vec!["llama"]);
}

#[test]
fn budget_degradation_moves_auto_requests_to_a_cheaper_tier() {
    let p = policy(json!({
        "degradation": {"threshold_percent": 80, "to_tier": "simple"},
        "matrix": {"public": {"simple": ["mini"], "complex": ["big"]}}
    }));
    let mut f = facts(DataClass::Public, 0.9, &[]);
    f.budget_used_percent = Some(79);
    assert_eq!(models(&decide(&p, &catalog(), AUTO, f).unwrap()), vec!["big"]);
    f.budget_used_percent = Some(85);
    let d = decide(&p, &catalog(), AUTO, f).unwrap();
    assert_eq!((models(&d), d.tier), (vec!["mini"], TaskTier::Simple));
    assert!(d.reasons.contains(&Reason::Degraded { from: TaskTier::Complex, to: TaskTier::Simple, budget_used_percent: 85 }));
}

#[test]
fn threshold_moves_the_tier() {
    let p = policy(json!({"complexity_threshold": 0.2, "matrix": {"public": {"simple": ["mini"], "complex": ["big"]}}}));
    assert_eq!(models(&decide(&p, &catalog(), AUTO, facts(DataClass::Public, 0.3, &[])).unwrap()), vec!["big"]);
}

#[test]
fn masking_replaces_spans_and_merges_overlaps() {
    let mask = MaskSet::of(Some(&serde_json::from_value(json!({"enabled": true})).unwrap())).unwrap();
    let text = "mail bob@example.com or call +1 555 0100 — ünïcode";
    let f = |entity, start, end| Finding { entity, segment: 0, start, end, confidence: 1.0 };
    let findings = [f(EntityType::Email, 5, 20), f(EntityType::Phone, 29, 40), f(EntityType::Phone, 30, 35)];
    assert_eq!(mask_text(text, &findings, &mask), "mail [EMAIL] or call [PHONE] — ünïcode");
}

mod fail_closed_property {
    use proptest::prelude::*;

    use super::*;

    const CLASSES: [DataClass; 4] = [DataClass::Public, DataClass::Confidential, DataClass::Pii, DataClass::Secret];
    const TIERS: [TaskTier; 4] = [TaskTier::Simple, TaskTier::Medium, TaskTier::Complex, TaskTier::Reasoning];
    const MODELS: [&str; 5] = ["mini", "big", "vpc", "llama", "ghost"];

    fn matrix() -> impl Strategy<Value = serde_json::Value> {
        let cell = proptest::collection::vec(0..MODELS.len(), 1..4);
        let row = proptest::collection::btree_map(0..TIERS.len(), cell, 0..3);
        proptest::collection::btree_map(0..CLASSES.len(), row, 0..4).prop_map(|m| {
            let mut out = serde_json::Map::new();
            for (c, row) in m {
                let mut r = serde_json::Map::new();
                for (t, pool) in row {
                    r.insert(TIERS[t].to_string(), json!(pool.iter().map(|i| MODELS[*i]).collect::<Vec<_>>()));
                }
                if !r.is_empty() {
                    out.insert(CLASSES[c].to_string(), serde_json::Value::Object(r));
                }
            }
            serde_json::Value::Object(out)
        })
    }

    proptest! {
        /// Whatever the matrix, class, score, requested model and budget: every routed model
        /// may receive the class (or its masked residue), and refusals name a reason.
        #[test]
        fn no_route_ever_breaks_trust(matrix in matrix(), class in 0..4usize, score in 0.0..1.0f64,
                                      requested in 0..6usize, used in proptest::option::of(0u8..=100), redact in any::<bool>(), rule in any::<bool>()) {
            let doc = json!({
                "matrix": matrix,
                "explicit_model": if rule { "reroute" } else { "refuse" },
                "redaction": {"enabled": redact, "entities": ["email"]},
                "degradation": {"threshold_percent": 50, "to_tier": "simple"}
            });
            let p = policy(doc);
            let class = CLASSES[class];
            let findings = match class {
                DataClass::Pii => vec![finding(EntityType::Email)],
                DataClass::Secret => vec![finding(EntityType::Jwt)],
                DataClass::Confidential => vec![finding(EntityType::OrgTerm)],
                DataClass::Public => vec![],
            };
            let requested = if requested == 5 { AUTO } else { MODELS[requested] };
            let f = Facts { data_class: class, complexity_score: score, findings: &findings, signals: &[], reasoning: false, budget_used_percent: used };
            match decide(&p, &catalog(), requested, f) {
                Ok(d) => {
                    prop_assert!(!d.pool.is_empty());
                    for route in &d.pool {
                        let allowed = p.document().allowed_classes(route.trust_tier);
                        let effective = if route.redact { DataClass::Public } else { class };
                        prop_assert!(allowed.contains(&effective), "{route:?} got {class}");
                        prop_assert_eq!(catalog().get(&route.model).copied(), Some(route.trust_tier));
                        prop_assert!(!route.redact || class == DataClass::Pii);
                    }
                }
                Err(refusal) => prop_assert!(!refusal.message.is_empty()),
            }
        }
    }
}
