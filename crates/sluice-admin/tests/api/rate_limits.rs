use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

fn ids(list: &serde_json::Value) -> Vec<uuid::Uuid> {
    list["items"].as_array().unwrap().iter().map(id_of).collect()
}

#[tokio::test]
async fn create_list_get_patch_and_delete_rate_limits() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.create_org(&admin, "Acme").await;
    let team = app.create_team(org, "research").await;
    let key = app.create_key(org, team, "notebook").await;
    let path = format!("/api/v1/orgs/{org}/rate-limits");

    let on_team = app.post_ok(&path, &admin, json!({"team_id": team, "rpm": 60, "tpm": 10000}), StatusCode::CREATED).await;
    assert_eq!((on_team["rpm"].clone(), on_team["tpm"].clone(), on_team["max_parallel"].clone()), (json!(60), json!(10000), json!(null)));
    assert_eq!(on_team["team_id"], json!(team));
    let on_org = app.post_ok(&path, &admin, json!({"max_parallel": 50}), StatusCode::CREATED).await;
    let on_key = app.post_ok(&path, &admin, json!({"key_id": key, "rpm": 10}), StatusCode::CREATED).await;
    // One set of limits per target.
    let dup = app.post_ok(&path, &admin, json!({"team_id": team, "rpm": 1}), StatusCode::CONFLICT).await;
    assert_eq!(dup["error"]["code"], "conflict");

    assert_eq!(ids(&app.get_ok(&path, &admin).await), vec![id_of(&on_team), id_of(&on_org), id_of(&on_key)]);
    assert_eq!(ids(&app.get_ok(&format!("{path}?org_level=true"), &admin).await), vec![id_of(&on_org)]);
    assert_eq!(ids(&app.get_ok(&format!("{path}?key_id={key}"), &admin).await), vec![id_of(&on_key)]);

    let one = format!("{path}/{}", id_of(&on_team));
    assert_eq!(app.get_ok(&one, &admin).await["tpm"], 10000);
    // null clears one limit, a value sets another, an absent one is kept.
    let patched = expect_status(app.patch(&one, &admin, json!({"rpm": null, "max_parallel": 4})).await, StatusCode::OK).await;
    assert_eq!((patched["rpm"].clone(), patched["tpm"].clone(), patched["max_parallel"].clone()), (json!(null), json!(10000), json!(4)));
    // Clearing every remaining limit is refused, naming the first field that was cleared.
    let none_left = expect_status(app.patch(&one, &admin, json!({"tpm": null, "max_parallel": null})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&none_left), ["tpm"]);
    let zero = expect_status(app.patch(&one, &admin, json!({"rpm": 0})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&zero), ["rpm"]);
    let retarget = expect_status(app.patch(&one, &admin, json!({"key_id": key})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&retarget), ["key_id"]);
    assert_eq!(app.get_ok(&one, &admin).await["max_parallel"], 4);

    assert_eq!(app.delete(&one, &admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&one, &admin).await.status(), StatusCode::NOT_FOUND);
    // The target is free again.
    app.post_ok(&path, &admin, json!({"team_id": team, "rpm": 1}), StatusCode::CREATED).await;

    let audit: Vec<_> = app.audit_entries(org).await.into_iter().filter(|(a, _, _)| a.starts_with("rate_limit.")).collect();
    let actions: Vec<_> = audit.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["rate_limit.create", "rate_limit.create", "rate_limit.create", "rate_limit.update", "rate_limit.delete", "rate_limit.create"]);
    assert_eq!(audit[3].1, Some(id_of(&on_team)));
    assert_eq!(audit[3].2, json!({"rpm": null, "tpm": 10000, "max_parallel": 4, "team_id": team, "key_id": null}));
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.create_org(&admin, "Acme").await;
    let team = app.create_team(org, "research").await;
    let key = app.create_key(org, team, "notebook").await;
    let path = format!("/api/v1/orgs/{org}/rate-limits");
    let cases = [
        (json!({}), "rpm"),
        (json!({"rpm": null, "tpm": null}), "rpm"),
        (json!({"rpm": -1}), "rpm"),
        (json!({"tpm": 0}), "tpm"),
        (json!({"max_parallel": 3_000_000_000_i64}), "max_parallel"),
        (json!({"tpm": 1.5}), "tpm"),
        (json!({"rpm": 1, "team_id": team, "key_id": key}), "key_id"),
        (json!({"rpm": 1, "key_id": uuid::Uuid::now_v7()}), "key_id"),
        (json!({"rpm": 1, "burst": 5}), "burst"),
    ];
    for (body, field) in cases {
        let res = app.post_ok(&path, &admin, body.clone(), StatusCode::BAD_REQUEST).await;
        assert_eq!(error_fields(&res), [field], "for {body}");
    }
}

#[tokio::test]
async fn isolation_between_orgs_and_roles() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let acme = app.create_org(&root, "Acme").await;
    let globex = app.create_org(&root, "Globex").await;
    let mallory = app.org_member(&root, globex, "mallory@globex.test", "admin").await;
    let viewer = app.org_member(&root, acme, "vera@acme.test", "viewer").await;
    let team = app.create_team(acme, "research").await;
    let member = app.team_member(team, "rita@acme.test", "member").await;
    let path = format!("/api/v1/orgs/{acme}/rate-limits");
    let on_org = id_of(&app.post_ok(&path, &root, json!({"rpm": 600}), StatusCode::CREATED).await);
    let on_team = id_of(&app.post_ok(&path, &root, json!({"team_id": team, "rpm": 60}), StatusCode::CREATED).await);

    for url in [format!("{path}/{on_org}"), format!("/api/v1/orgs/{globex}/rate-limits/{on_org}")] {
        assert_eq!(app.get(&url, &mallory).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.patch(&url, &mallory, json!({"rpm": 1})).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.delete(&url, &mallory).await.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(app.get(&path, &mallory).await.status(), StatusCode::NOT_FOUND);
    assert!(ids(&app.get_ok(&format!("/api/v1/orgs/{globex}/rate-limits"), &mallory).await).is_empty());

    assert_eq!(ids(&app.get_ok(&path, &viewer).await), vec![on_org, on_team]);
    app.post_ok(&path, &viewer, json!({"key_id": null, "team_id": null, "tpm": 5}), StatusCode::FORBIDDEN).await;
    assert_eq!(app.patch(&format!("{path}/{on_team}"), &viewer, json!({"rpm": 1})).await.status(), StatusCode::FORBIDDEN);

    assert_eq!(ids(&app.get_ok(&path, &member).await), vec![on_team]);
    assert_eq!(app.get(&format!("{path}/{on_org}"), &member).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&format!("{path}/{on_team}"), &member).await.status(), StatusCode::FORBIDDEN);
}
