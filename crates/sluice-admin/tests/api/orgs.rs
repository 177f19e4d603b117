use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn platform_admin_creates_and_lists_orgs() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.post_ok("/api/v1/orgs", &admin, json!({"name": "Acme Corp", "time_zone": "Europe/Berlin"}), StatusCode::CREATED).await;
    assert_eq!(org["slug"], "acme-corp");
    assert_eq!(org["time_zone"], "Europe/Berlin");
    let list = app.get_ok("/api/v1/orgs", &admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // Duplicate slug names the field.
    let dup = app.post_ok("/api/v1/orgs", &admin, json!({"name": "Acme Corp"}), StatusCode::BAD_REQUEST).await;
    assert_eq!(dup["error"]["fields"][0]["field"], "slug");
    let bad_tz = app.post_ok("/api/v1/orgs", &admin, json!({"name": "X", "time_zone": "Mars/Base"}), StatusCode::BAD_REQUEST).await;
    assert_eq!(bad_tz["error"]["fields"][0]["field"], "time_zone");
}

#[tokio::test]
async fn patch_semantics_absent_unchanged_null_refused_for_required_fields() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.create_org(&admin, "Acme").await;
    let path = format!("/api/v1/orgs/{org}");
    let updated = expect_status(app.patch(&path, &admin, json!({"time_zone": "Asia/Tokyo"})).await, StatusCode::OK).await;
    assert_eq!(updated["name"], "Acme");
    assert_eq!(updated["time_zone"], "Asia/Tokyo");
    let res = expect_status(app.patch(&path, &admin, json!({"name": null})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(res["error"]["fields"][0]["field"], "name");
}

#[tokio::test]
async fn archiving_hides_the_org() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.create_org(&admin, "Acme").await;
    assert_eq!(app.delete(&format!("/api/v1/orgs/{org}"), &admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/api/v1/orgs/{org}"), &admin).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn org_members_only_see_their_orgs_and_cannot_create_orgs() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let acme = app.create_org(&admin, "Acme").await;
    let globex = app.create_org(&admin, "Globex").await;
    let ana = app.org_member(&admin, acme, "ana@acme.test", "admin").await;
    let list = app.get_ok("/api/v1/orgs", &ana).await;
    let ids: Vec<_> = list["items"].as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(ids, vec![acme]);
    assert_eq!(app.get(&format!("/api/v1/orgs/{globex}"), &ana).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/v1/orgs", &ana, json!({"name": "Mine"})).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn prompt_logging_is_off_by_default_and_turning_it_on_is_audited_and_admin_only() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let org = app.create_org(&admin, "Acme").await;
    let path = format!("/api/v1/orgs/{org}");
    assert_eq!(app.get_ok(&path, &admin).await["prompt_logging"], false);
    let viewer = app.org_member(&admin, org, "vic@acme.test", "viewer").await;
    assert_eq!(app.patch(&path, &viewer, json!({"prompt_logging": true})).await.status(), StatusCode::FORBIDDEN);
    let owner = app.org_member(&admin, org, "olga@acme.test", "admin").await;
    let updated = expect_status(app.patch(&path, &owner, json!({"prompt_logging": true})).await, StatusCode::OK).await;
    assert_eq!(updated["prompt_logging"], true);
    let entries = app.audit_entries(org).await;
    let (_, _, details) = entries.iter().rev().find(|(action, _, _)| action == "org.update").expect("audited");
    assert_eq!(details["prompt_logging"], true);
    let res = expect_status(app.patch(&path, &owner, json!({"prompt_logging": "yes"})).await, StatusCode::BAD_REQUEST).await;
    assert!(res["error"]["message"].as_str().unwrap().contains("prompt_logging"), "{res}");
}
