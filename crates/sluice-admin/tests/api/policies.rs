use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

fn org_document() -> Value {
    json!({
        "default_model": "gpt-4o",
        "matrix": {
            "public": {"simple": ["gpt-4o-mini"], "complex": ["gpt-4o", "claude-haiku-4-5"]},
        },
        "explicit_model": "reroute",
    })
}

struct Fixture {
    app: TestApp,
    root: Session,
    org: Uuid,
    team: Uuid,
    path: String,
}

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let team = app.create_team(org, "research").await;
    let path = format!("/api/v1/orgs/{org}/routing-policies");
    Fixture { app, root, org, team, path }
}

#[tokio::test]
async fn create_get_list_patch_and_delete_policies() {
    let Fixture { app, root, org, team, path } = fixture().await;
    let key = app.create_key(org, team, "notebook").await;
    let base = app.post_ok(&path, &root, json!({"document": org_document()}), StatusCode::CREATED).await;
    assert_eq!(base["revision"], 1);
    assert_eq!(base["document"], org_document());
    assert_eq!((base["team_id"].clone(), base["key_id"].clone()), (Value::Null, Value::Null));
    let over_team = app.post_ok(&path, &root, json!({"team_id": team, "document": {"explicit_model": "refuse"}}), StatusCode::CREATED).await;
    let over_key = app.post_ok(&path, &root, json!({"key_id": key, "document": {"matrix": {"public": {"simple": ["gpt-4o"]}}}}), StatusCode::CREATED).await;
    let dup = app.post_ok(&path, &root, json!({"team_id": team, "document": {}}), StatusCode::CONFLICT).await;
    assert_eq!(dup["error"]["code"], "conflict");

    let ids = |list: Value| list["items"].as_array().unwrap().iter().map(id_of).collect::<Vec<_>>();
    assert_eq!(ids(app.get_ok(&path, &root).await), vec![id_of(&base), id_of(&over_team), id_of(&over_key)]);
    assert_eq!(ids(app.get_ok(&format!("{path}?org_level=true"), &root).await), vec![id_of(&base)]);
    assert_eq!(ids(app.get_ok(&format!("{path}?team_id={team}"), &root).await), vec![id_of(&over_team)]);

    let one = format!("{path}/{}", id_of(&base));
    assert_eq!(app.get_ok(&one, &root).await["document"]["explicit_model"], "reroute");
    let mut edited = org_document();
    edited["explicit_model"] = json!("refuse");
    let updated = expect_status(app.patch(&one, &root, json!({"document": edited, "expected_revision": 1})).await, StatusCode::OK).await;
    assert_eq!(updated["revision"], 2);
    assert_eq!(updated["document"]["explicit_model"], "refuse");
    // An editor still working from revision 1 is told, not silently overwritten.
    let stale = expect_status(app.patch(&one, &root, json!({"document": org_document(), "expected_revision": 1})).await, StatusCode::CONFLICT).await;
    assert_eq!(stale["error"]["message"], "the policy was changed by someone else (revision 2)");
    // No document: nothing changes. A null document is refused.
    assert_eq!(expect_status(app.patch(&one, &root, json!({})).await, StatusCode::OK).await["revision"], 2);
    let null = expect_status(app.patch(&one, &root, json!({"document": null})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&null), ["document"]);
    // Without expected_revision the update always applies.
    assert_eq!(expect_status(app.patch(&one, &root, json!({"document": org_document()})).await, StatusCode::OK).await["revision"], 3);

    // The org-level policy outlives its overrides, not the other way round.
    let refused = expect_status(app.delete(&one, &root).await, StatusCode::CONFLICT).await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("overrides"));
    for over in [&over_team, &over_key] {
        assert_eq!(app.delete(&format!("{path}/{}", id_of(over)), &root).await.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(app.delete(&one, &root).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&one, &root).await.status(), StatusCode::NOT_FOUND);

    let audit: Vec<_> = app.audit_entries(org).await.into_iter().filter(|(a, _, _)| a.starts_with("policy.")).collect();
    let actions: Vec<_> = audit.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["policy.create", "policy.create", "policy.create", "policy.update", "policy.update", "policy.delete", "policy.delete", "policy.delete"]);
    assert_eq!(audit[1].2, json!({"revision": 1, "team_id": team, "key_id": null}));
    assert_eq!(audit[3].2, json!({"revision": 2, "team_id": null, "key_id": null}));
    assert!(audit.iter().all(|(_, _, details)| details.get("document").is_none()));
}

#[tokio::test]
async fn documents_are_validated_with_paths_under_document() {
    let Fixture { app, root, path, .. } = fixture().await;
    let cases = [
        (json!({"document": {"default_model": "gpt-4o"}}), "document.matrix"),
        (json!({"document": {"matrix": {"public": {"simple": ["gpt-4o-mini", "has space"]}}}}), "document.matrix.public.simple[1]"),
        (json!({"document": {"matrix": {"public": {"simple": []}}}}), "document.matrix.public.simple"),
        (json!({"document": {"matrx": {}}}), "document.matrx"),
        (json!({"document": {"matrix": {"public": {"simple": ["gpt-4o"]}}, "complexity_threshold": 2.0}}), "document.complexity_threshold"),
    ];
    for (body, field) in cases {
        let res = app.post_ok(&path, &root, body.clone(), StatusCode::BAD_REQUEST).await;
        assert_eq!(error_fields(&res), [field], "for {body}: {res}");
    }
    // A bad map key is reported at its map (serde_path_to_error marks the key itself as `?`).
    let res = app.post_ok(&path, &root, json!({"document": {"matrix": {"toxic": {"simple": ["gpt-4o"]}}}}), StatusCode::BAD_REQUEST).await;
    assert!(error_fields(&res)[0].starts_with("document.matrix"), "{res}");
}

#[tokio::test]
async fn models_must_exist_and_respect_trust_tiers() {
    let Fixture { app, root, path, .. } = fixture().await;
    let unknown = json!({"default_model": "gpt-9", "matrix": {"public": {"simple": ["gpt-4o-mini", "gpt-9"]}}});
    let res = app.post_ok(&path, &root, json!({"document": unknown}), StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&res), ["document.default_model", "document.matrix.public.simple[1]"]);
    assert_eq!(res["error"]["fields"][1]["message"], "no model named gpt-9");

    // External providers may only receive public data unless the trust table says otherwise.
    let pii_external = json!({"matrix": {"public": {"simple": ["gpt-4o-mini"]}, "pii": {"simple": ["gpt-4o"]}}});
    let res = app.post_ok(&path, &root, json!({"document": pii_external}), StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&res), ["document.matrix.pii.simple[0]"]);
    assert_eq!(res["error"]["fields"][0]["message"], "model gpt-4o is served by a provider of trust tier external, which may not receive pii data");

    app.model_with_trust("llama-local", "local").await;
    app.model_with_trust("mistral-private", "private").await;
    let secret_private = json!({"matrix": {"secret": {"simple": ["llama-local", "mistral-private"]}}});
    let res = app.post_ok(&path, &root, json!({"document": secret_private}), StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&res), ["document.matrix.secret.simple[1]"]);

    let sound = json!({
        "matrix": {
            "public": {"simple": ["gpt-4o-mini"]},
            "pii": {"simple": ["llama-local", "mistral-private"]},
            "secret": {"simple": ["llama-local"]},
        },
    });
    app.post_ok(&path, &root, json!({"document": sound}), StatusCode::CREATED).await;
}

#[tokio::test]
async fn redaction_lets_external_models_into_sensitive_cells_and_names_real_entity_types() {
    let Fixture { app, root, path, .. } = fixture().await;
    let typo = json!({"redaction": {"enabled": true, "entities": ["email", "emails"]}, "matrix": {"public": {"simple": ["gpt-4o-mini"]}}});
    let res = app.post_ok(&path, &root, json!({"document": typo}), StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&res), ["document.redaction.entities[1]"]);
    assert!(res["error"]["fields"][0]["message"].as_str().unwrap().contains("credit_card"), "{res}");
    let masked = json!({"redaction": {"enabled": true, "entities": ["email", "phone"]}, "matrix": {"pii": {"simple": ["gpt-4o-mini"]}}});
    app.post_ok(&path, &root, json!({"document": masked}), StatusCode::CREATED).await;
}

#[tokio::test]
async fn overrides_are_checked_as_layered_on_the_org_policy() {
    let Fixture { app, root, team, path, .. } = fixture().await;
    let override_doc = json!({"matrix": {"public": {"simple": ["gpt-4o"]}}});
    let early = app.post_ok(&path, &root, json!({"team_id": team, "document": override_doc}), StatusCode::CONFLICT).await;
    assert!(early["error"]["message"].as_str().unwrap().contains("org-level routing policy first"), "{early}");

    app.model_with_trust("llama-local", "local").await;
    let base = app.post_ok(&path, &root, json!({"document": org_document()}), StatusCode::CREATED).await;
    // An override needs no matrix of its own, but what it routes is held to the trust rules.
    let pii = json!({"matrix": {"pii": {"simple": ["claude-haiku-4-5"]}}});
    let res = app.post_ok(&path, &root, json!({"team_id": team, "document": pii}), StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&res), ["document.matrix.pii.simple[0]"]);
    // Narrowing the trust table breaks cells inherited from the org; the message says where they come from.
    let narrow = json!({"trust": {"external": []}, "matrix": {"public": {"simple": ["llama-local"]}}});
    let res = app.post_ok(&path, &root, json!({"team_id": team, "document": narrow}), StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&res), ["document.matrix.public.complex[0]", "document.matrix.public.complex[1]"]);
    assert!(res["error"]["fields"][0]["message"].as_str().unwrap().contains("inherited from the org-level policy"));
    let over = app.post_ok(&path, &root, json!({"team_id": team, "document": override_doc}), StatusCode::CREATED).await;

    // The org policy cannot change under an override in a way that breaks it.
    let base_path = format!("{path}/{}", id_of(&base));
    let local_only = json!({"trust": {"external": []}, "matrix": {"public": {"simple": ["llama-local"], "complex": ["llama-local"]}}});
    let res = expect_status(app.patch(&base_path, &root, json!({"document": local_only})).await, StatusCode::CONFLICT).await;
    let message = res["error"]["message"].as_str().unwrap();
    assert!(message.contains(&id_of(&over).to_string()) && message.contains("matrix.public.simple[0]"), "{message}");
    assert_eq!(app.get_ok(&base_path, &root).await["revision"], 1);
}

#[tokio::test]
async fn isolation_between_orgs_and_roles() {
    let Fixture { app, root, org, team, path } = fixture().await;
    let globex = app.create_org(&root, "Globex").await;
    let mallory = app.org_member(&root, globex, "mallory@globex.test", "admin").await;
    let viewer = app.org_member(&root, org, "vera@acme.test", "viewer").await;
    let lead = app.team_member(team, "lena@acme.test", "admin").await;
    let base = id_of(&app.post_ok(&path, &root, json!({"document": org_document()}), StatusCode::CREATED).await);
    let over = id_of(&app.post_ok(&path, &root, json!({"team_id": team, "document": {}}), StatusCode::CREATED).await);

    for url in [format!("{path}/{base}"), format!("/api/v1/orgs/{globex}/routing-policies/{base}")] {
        assert_eq!(app.get(&url, &mallory).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.patch(&url, &mallory, json!({"document": org_document()})).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.delete(&url, &mallory).await.status(), StatusCode::NOT_FOUND);
    }
    let theirs = app.get_ok(&format!("/api/v1/orgs/{globex}/routing-policies"), &mallory).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());

    assert_eq!(app.get_ok(&path, &viewer).await["items"].as_array().unwrap().len(), 2);
    app.post_ok(&path, &viewer, json!({"key_id": null, "document": org_document()}), StatusCode::FORBIDDEN).await;

    // Team admins read their team's override but cannot change it: overrides can widen the trust table.
    let visible = app.get_ok(&path, &lead).await;
    assert_eq!(visible["items"].as_array().unwrap().iter().map(id_of).collect::<Vec<_>>(), vec![over]);
    assert_eq!(app.get(&format!("{path}/{base}"), &lead).await.status(), StatusCode::NOT_FOUND);
    let res = expect_status(app.patch(&format!("{path}/{over}"), &lead, json!({"document": {"explicit_model": "reroute"}})).await, StatusCode::FORBIDDEN).await;
    assert_eq!(res["error"]["code"], "forbidden");
}
