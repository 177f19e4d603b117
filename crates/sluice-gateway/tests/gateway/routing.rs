//! The router in the pipeline: `auto` routes by data class × task tier, explicit models are
//! checked against the data class, pools fail closed, failover stays inside the pool, entities
//! are masked before external models, budgets degrade the tier, decisions reach the headers and
//! the ledger, `/v1/route/explain` decides without calling anyone.
//!
//! External models are served by a provider of the in-process `demo` kind with trust tier
//! `external` (no network; its answer echoes the prompt, so masking is visible); the local model
//! is the mock upstream.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_mock_upstream::{Behaviour, MockUpstream, Script};
use sluice_store::{budgets, policies};
use uuid::Uuid;

use crate::harness::*;
use crate::mock_provider::*;

const COMPLEX: &str = "Design a lock-free multi-producer multi-consumer queue in Rust. Prove that it is linearizable, \
    analyse its memory ordering requirements step by step, then implement it with unsafe code and write loom tests. \
    Compare its throughput with a mutex-based queue under contention and explain the trade-offs.";
const SIMPLE: &str = "What is the capital of France?";

struct Setup {
    gw: TestGateway,
    t: Tenant,
    mock: MockUpstream,
}

fn standard_policy() -> Value {
    json!({
        "default_model": "ext-big",
        "matrix": {
            "public": {"simple": ["ext-small"], "complex": ["ext-big"]},
            "pii": {"simple": ["ext-small", MODEL], "complex": [MODEL]},
            "secret": {"simple": [MODEL]}
        }
    })
}

async fn setup(policy: Value) -> Setup {
    let gw = spawn_with(|_| {}).await;
    let t = gw.tenant().await;
    let mock = MockUpstream::start(Script::always(Behaviour::ok())).await.unwrap();
    gw.mock_models(&mock, &t.secret).await;
    let ext = NewProvider { kind: "demo", trust_tier: "external", base_url: "http://127.0.0.1/demo".into(), credential: None };
    let ext = gw.provider(ext).await;
    for (name, mode) in [("ext-small", "chat"), ("ext-big", "chat"), ("ext-embed", "embedding")] {
        gw.model(ext, name, name, mode).await;
    }
    gw.wait_for_models(&t.secret, &["ext-small", "ext-big", "ext-embed"]).await;
    set_policy(&gw, t.org, None, policy).await;
    Setup { gw, t, mock }
}

async fn set_policy(gw: &TestGateway, org: Uuid, team: Option<Uuid>, document: Value) {
    let mut conn = gw.db.acquire().await.unwrap();
    sqlx::query("delete from routing_policies where org_id = $1 and team_id is not distinct from $2").bind(org).bind(team).execute(&mut *conn).await.unwrap();
    policies::insert(&mut conn, Uuid::now_v7(), org, team, None, &document).await.unwrap();
    drop(conn);
    gw.settle_config().await;
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn auto_routes_by_class_and_tier_and_records_why() {
    let Setup { gw, t, mock } = setup(standard_policy()).await;

    let res = gw.chat(&t.secret, chat_body("auto", SIMPLE)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!((header(&res, "x-sluice-model"), header(&res, "x-sluice-data-class"), header(&res, "x-sluice-task-tier")), ("ext-small", "public", "simple"));
    assert!(header(&res, "x-sluice-route-reasons").contains("matrix:public.simple"));

    let res = gw.chat(&t.secret, chat_body("auto", COMPLEX)).await;
    assert_eq!((header(&res, "x-sluice-model"), header(&res, "x-sluice-task-tier")), ("ext-big", "complex"), "{}", header(&res, "x-sluice-route-reasons"));

    // Personal data: the external model of the pii.simple cell is dropped; the local one serves.
    let res = gw.chat(&t.secret, chat_body("auto", "Contact John at john.miller@acme-mail.com")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!((header(&res, "x-sluice-model"), header(&res, "x-sluice-data-class")), (MODEL, "pii"));
    let reasons = header(&res, "x-sluice-route-reasons").to_owned();
    assert!(reasons.contains("detected:emailx1") && reasons.contains("excluded:ext-small(external)"), "{reasons}");
    assert_eq!(mock.call_count(), 1, "only the personal-data request reached the local model");

    let rows = gw.ledger_rows(t.key, 3).await;
    assert_eq!(rows.len(), 3);
    let simple = rows.iter().find(|r| r.routed_model.as_deref() == Some("ext-small")).unwrap();
    assert_eq!((simple.data_class.as_str(), simple.task_tier.as_str(), simple.requested_model.as_str()), ("public", "simple", "auto"));
    assert!(simple.complexity_score.is_some_and(|s| (0.0..0.5).contains(&s)));
    assert_eq!(simple.counterfactual_model.as_deref(), Some("ext-big"));
    // Same price in this test set-up: the counterfactual cost of the same usage equals the cost.
    assert_eq!(simple.counterfactual_cost_nano, Some(simple.cost_nano));
    let pii = rows.iter().find(|r| r.data_class == "pii").unwrap();
    assert_eq!(pii.routed_model.as_deref(), Some(MODEL));
    assert_eq!(pii.data_terms.as_ref().unwrap()["trust_tier"], "local");
    let reasons = pii.decision_reasons.to_string();
    assert!(reasons.contains("\"entity\":\"email\"") && !reasons.contains("john.miller"), "reasons carry types, never values: {reasons}");
    assert!(rows.iter().all(|r| r.prompt.is_none()));
}

#[tokio::test]
async fn explicit_models_are_rerouted_or_refused_by_data_class() {
    let Setup { gw, t, mock } = setup(standard_policy()).await;
    let ssn = "My social security number is 536-22-1234, can you fill in the form?";

    // Public data may go to the model the caller named.
    let res = gw.chat(&t.secret, chat_body("ext-big", SIMPLE)).await;
    assert_eq!(header(&res, "x-sluice-model"), "ext-big");
    // Personal data may not: rerouted by the matrix (the default rule).
    let res = gw.chat(&t.secret, chat_body("ext-big", ssn)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "x-sluice-model"), MODEL);
    assert!(header(&res, "x-sluice-route-reasons").contains("rerouted_from:ext-big"));

    let mut refuse = standard_policy();
    refuse["explicit_model"] = json!("refuse");
    set_policy(&gw, t.org, None, refuse).await;
    let calls = mock.call_count();
    let res = gw.chat(&t.secret, chat_body("ext-big", ssn)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let err: Value = res.json().await.unwrap();
    assert_eq!((err["error"]["code"].as_str(), err["error"]["type"].as_str()), (Some("data_policy_violation"), Some("permission_error")));
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("trust tier external") && !message.contains("536-22"), "{message}");
    let res = gw.messages(&t.secret, messages_body("ext-big", ssn)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["type"], "permission_error");
    assert_eq!(mock.call_count(), calls, "refused requests reach no provider");
    assert_eq!(gw.ledger_rows(t.key, 3).await.len(), 2, "refused before admission: no ledger row");
}

#[tokio::test]
async fn failover_stays_inside_the_policy_pool() {
    let policy = json!({"matrix": {"public": {"simple": [MODEL, "ext-small"]}, "secret": {"simple": [MODEL, "ext-small"]}}});
    let Setup { gw, t, mock } = setup(policy).await;
    mock.set_script(Script::always(Behaviour::status(500)));

    // Public data: the local model fails, the next model of the pool answers.
    let res = gw.chat(&t.secret, chat_body("auto", SIMPLE)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "x-sluice-model"), "ext-small");
    // A secret: the external model is not in the pool, so the failure is the caller's answer.
    let key = "Why is this rejected? AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let res = gw.chat(&t.secret, chat_body("auto", key)).await;
    assert!(res.status().is_server_error(), "{}", res.status());

    let rows = gw.ledger_rows(t.key, 2).await;
    let public = rows.iter().find(|r| r.data_class == "public").unwrap();
    assert_eq!((public.routed_model.as_deref(), public.status.as_str()), (Some("ext-small"), "ok"));
    assert_eq!(public.data_terms.as_ref().unwrap()["trust_tier"], "external");
    let secret = rows.iter().find(|r| r.data_class == "secret").unwrap();
    assert_eq!((secret.routed_model.as_deref(), secret.status.as_str()), (Some(MODEL), "upstream_error"));
}

#[tokio::test]
async fn redaction_masks_entities_before_an_external_model() {
    let policy = json!({
        "redaction": {"enabled": true, "entities": ["email"]},
        "matrix": {"public": {"simple": ["ext-small"]}, "pii": {"simple": ["ext-small"]}}
    });
    let Setup { gw, t, .. } = setup(policy).await;
    let res = gw.chat(&t.secret, chat_body("auto", "Write to maria.gonzalez@acme-mail.com about it")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!((header(&res, "x-sluice-model"), header(&res, "x-sluice-redacted")), ("ext-small", "true"));
    let body: Value = res.json().await.unwrap();
    let answer = body["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(answer.contains("[EMAIL]") && !answer.contains("maria.gonzalez"), "the external model saw: {answer}");
    // A card number is not in the mask list: nothing may take it.
    let res = gw.chat(&t.secret, chat_body("auto", "Charge 4111 1111 1111 1111 and mail maria.gonzalez@acme-mail.com")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn explain_decides_without_calling_a_provider_and_models_lists_auto() {
    let Setup { gw, t, mock } = setup(standard_policy()).await;
    let url = format!("{}/v1/route/explain", gw.base);
    let body = chat_body("auto", "Call me on +1 (415) 555-0134 or at maria.gonzalez@acme-mail.com");
    let res = gw.client.post(&url).bearer_auth(&t.secret).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let d: Value = res.json().await.unwrap();
    assert_eq!((d["data_class"].as_str(), d["model"].as_str(), d["routable"].as_bool()), (Some("pii"), Some(MODEL), Some(true)));
    let types: Vec<&str> = d["entities"].as_array().unwrap().iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(types.contains(&"email") && types.contains(&"phone"), "{types:?}");
    assert_eq!(d["pool"][0]["trust_tier"], "local");
    assert_eq!(d["counterfactual_model"], "ext-big");

    let refused = gw.client.post(&url).bearer_auth(&t.secret).json(&chat_body("auto", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----")).send().await.unwrap();
    let r: Value = refused.json().await.unwrap();
    assert_eq!(r["data_class"], "secret");
    assert_eq!(r["model"], MODEL, "the secret row routes to the local model: {r}");
    let bad = gw.client.post(&url).bearer_auth(&t.secret).json(&json!({"model": "auto"})).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let anonymous = gw.client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(mock.call_count(), 0);
    assert!(gw.ledger_rows(t.key, 1).await.is_empty(), "explaining is not a request to bill");

    let listed: Value = gw.client.get(format!("{}/v1/models", gw.base)).bearer_auth(&t.secret).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["data"][0]["id"], "auto");
}

#[tokio::test]
async fn embeddings_of_personal_data_stay_off_external_models() {
    let Setup { gw, t, mock: _mock } = setup(standard_policy()).await;
    let url = format!("{}/v1/embeddings", gw.base);
    let input = json!(["public text", "maria.gonzalez@acme-mail.com lives at 42 Elm Street"]);
    let res = gw.client.post(&url).bearer_auth(&t.secret).json(&json!({"model": "ext-embed", "input": input})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = gw.client.post(&url).bearer_auth(&t.secret).json(&json!({"model": "mock-embed", "input": input})).send().await.unwrap();
    let class = header(&res, "x-sluice-data-class").to_owned();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(class, "pii");
    let res = gw.client.post(&url).bearer_auth(&t.secret).json(&json!({"model": "ext-embed", "input": "public text"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_budget_past_the_threshold_routes_to_a_cheaper_tier() {
    let mut policy = standard_policy();
    policy["degradation"] = json!({"threshold_percent": 50, "to_tier": "simple"});
    let Setup { gw, t, .. } = setup(policy).await;
    let mut conn = gw.db.acquire().await.unwrap();
    // A soft budget (counts, never refuses) that one capped request fills past half.
    let b = budgets::NewBudget { id: Uuid::now_v7(), org_id: t.org, team_id: None, key_id: Some(t.key), amount_nano: 150_000, period: "total", hard: false, alert_thresholds: &[], on_exhaustion: "block" };
    budgets::insert(&mut conn, &b).await.unwrap();
    drop(conn);
    gw.settle_config().await;
    let capped = |text: &str| json!({"model": "auto", "max_tokens": 50, "messages": [{"role": "user", "content": text}]});
    let res = gw.chat(&t.secret, capped(COMPLEX)).await;
    assert_eq!(header(&res, "x-sluice-model"), "ext-big");
    let res = gw.chat(&t.secret, capped(COMPLEX)).await;
    assert_eq!((header(&res, "x-sluice-model"), header(&res, "x-sluice-task-tier")), ("ext-small", "simple"));
    assert!(header(&res, "x-sluice-route-reasons").contains("degraded:complex>simple"), "{}", header(&res, "x-sluice-route-reasons"));
}

#[tokio::test]
async fn prompts_reach_the_ledger_only_when_the_org_turns_logging_on_and_only_as_sent() {
    let policy = json!({
        "redaction": {"enabled": true, "entities": ["email"]},
        "matrix": {"public": {"simple": ["ext-small"]}, "pii": {"simple": ["ext-small"]}}
    });
    let Setup { gw, t, .. } = setup(policy).await;
    let text = "Write to maria.gonzalez@acme-mail.com about the invoice";
    assert_eq!(gw.chat(&t.secret, chat_body("auto", text)).await.status(), StatusCode::OK);
    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows[0].prompt, None, "prompt logging is off by default");

    let mut conn = gw.db.acquire().await.unwrap();
    let on = sluice_store::orgs::OrgPatch { name: None, time_zone: None, quota_failure_mode: None, prompt_logging: Some(true) };
    sluice_store::orgs::update(&mut conn, t.org, &on).await.unwrap().unwrap();
    drop(conn);
    gw.settle_config().await;
    assert_eq!(gw.chat(&t.secret, chat_body("auto", text)).await.status(), StatusCode::OK);
    let rows = gw.ledger_rows(t.key, 2).await;
    let logged = rows.iter().find_map(|r| r.prompt.as_deref()).expect("the second request's prompt is logged");
    assert!(logged.contains("Write to [EMAIL] about the invoice"), "what left is what is kept: {logged}");
    assert!(!logged.contains("maria.gonzalez"), "the unmasked address never reaches the ledger: {logged}");
}
