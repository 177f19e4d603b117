//! Explaining a sample prompt under a draft policy: the router's decision, nothing stored.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn explains_a_prompt_under_a_draft_policy_without_storing_anything() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let path = format!("/api/v1/orgs/{org}/routing-policies/explain");
    // gpt-4o-mini and gpt-4o come from the seeded price book (an external provider).
    let document = json!({"default_model": "gpt-4o", "matrix": {"public": {"simple": ["gpt-4o-mini"], "complex": ["gpt-4o"]}, "pii": {"simple": ["gpt-4o-mini"]}}});

    let public = app.post_ok(&path, &root, json!({"document": document, "prompt": "What is the capital of France?"}), StatusCode::OK).await;
    assert_eq!(public["data_class"], "public");
    assert_eq!(public["routable"], true);
    assert_eq!(public["model"], "gpt-4o-mini");
    assert_eq!(public["pool"][0]["trust_tier"], "external");
    assert_eq!(public["counterfactual_model"], "gpt-4o");

    // Personal data may not go to an external provider: refused, with the entity (no text).
    let prompt = "Refund the customer to IBAN DE89 3704 0044 0532 0130 00 today";
    let pii = app.post_ok(&path, &root, json!({"document": document, "prompt": prompt}), StatusCode::OK).await;
    assert_eq!(pii["data_class"], "pii");
    assert_eq!(pii["routable"], false);
    assert_eq!(pii["refusal"]["code"], "data_policy_violation");
    assert_eq!(pii["entities"][0]["type"], "iban");
    assert!(!pii.to_string().contains("3704"), "entities are offsets, never text: {pii}");

    // With redaction on, the masked request may go out.
    let redacting = json!({"matrix": document["matrix"], "redaction": {"enabled": true}});
    let masked = app.post_ok(&path, &root, json!({"document": redacting, "prompt": prompt}), StatusCode::OK).await;
    assert_eq!(masked["routable"], true, "{masked}");
    assert_eq!(masked["pool"][0]["redact"], true);

    let empty = app.post(&path, &root, json!({"document": document, "prompt": "  "})).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let audit = app.get_ok(&format!("/api/v1/orgs/{org}/audit-log?action=policy.create"), &root).await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 0, "explaining stores nothing");
}
