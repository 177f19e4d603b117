use std::time::Duration;

use serde_json::json;

use super::*;
use crate::entity::EntityType;

fn row(v: serde_json::Value) -> LabelledRow {
    serde_json::from_value(v).unwrap()
}

fn seen(class: DataClass, tier: TaskTier, findings: &[Finding]) -> Observation<'_> {
    Observation { data_class: class, tier, complexity_score: 0.5, findings, routed_cost: Some(1.0), default_cost: Some(4.0), latency: Duration::from_micros(10) }
}

#[test]
fn counts_recall_false_positives_and_costs() {
    let mut eval = FileEval::default();
    let complex = row(json!({"id": "a", "prompt": "p", "complexity": "complex"}));
    let simple = row(json!({"id": "b", "prompt": "p", "complexity": "simple"}));
    eval.add(&complex, &seen(DataClass::Public, TaskTier::Complex, &[]));
    eval.add(&complex, &seen(DataClass::Public, TaskTier::Simple, &[]));
    eval.add(&simple, &seen(DataClass::Pii, TaskTier::Simple, &[]));
    let report = eval.report("f".into());
    assert_eq!(report.complex_routed_complex, Some(Rate::new(1, 2)));
    assert_eq!(report.simple_routed_simple, Some(Rate::new(1, 1)));
    // Complexity rows are public traffic: the pii verdict is a false positive.
    assert_eq!(report.public_false_positive, Some(Rate::new(1, 3)));
    assert_eq!(report.cost_vs_always_default, Some(0.25));
    assert_eq!(report.misses["complex_routed_simple"], vec!["a".to_owned()]);
    assert_eq!(report.misses["public_flagged"], vec!["b".to_owned()]);
}

#[test]
fn entity_recall_uses_character_offsets_and_direct_identifiers_only() {
    let mut eval = FileEval::default();
    // "é" is two bytes: the labelled span [3, 8) in characters is bytes [4, 9).
    let r = row(json!({
        "id": 1, "prompt": "né bob@x.io in Paris", "sensitivity": "pii",
        "meta": {"spans": [{"type": "EMAIL_ADDRESS", "start": 3, "end": 11}, {"type": "GPE", "start": 15, "end": 20}]}
    }));
    let hit = [Finding { entity: EntityType::Email, segment: 0, start: 4, end: 12, confidence: 1.0 }];
    eval.add(&r, &seen(DataClass::Pii, TaskTier::Simple, &hit));
    let elsewhere = [Finding { entity: EntityType::Email, segment: 0, start: 16, end: 21, confidence: 1.0 }];
    eval.add(&r, &seen(DataClass::Pii, TaskTier::Simple, &elsewhere));
    let report = eval.report("f".into());
    assert_eq!(report.pii_recall_by_entity["EMAIL_ADDRESS"], Rate::new(1, 2));
    assert!(!report.pii_recall_by_entity.contains_key("GPE"));
    assert_eq!(report.pii_recall, Some(Rate::new(2, 2)));
}

#[test]
fn secret_recall_is_per_source_rule_and_needs_the_secret_class() {
    let mut eval = FileEval::default();
    let key = row(json!({"id": "k", "prompt": "x", "sensitivity": "secret", "label": "PEM Private Key"}));
    eval.add(&key, &seen(DataClass::Secret, TaskTier::Simple, &[]));
    eval.add(&key, &seen(DataClass::Pii, TaskTier::Simple, &[]));
    let report = eval.report("f".into());
    assert_eq!(report.secret_recall_by_type["PEM Private Key"], Rate::new(1, 2));
    assert_eq!(report.secret_recall, Some(Rate::new(1, 2)));
    assert_eq!(report.latency_p99_us, 10.0);
    assert!(report.to_string().contains("PEM Private Key 1/2"));
}
