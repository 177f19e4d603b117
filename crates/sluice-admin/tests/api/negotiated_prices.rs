//! Negotiated prices over HTTP: org admins append versions (audited), org roles read them,
//! reconciliation uses them, other orgs see nothing.

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::*;

#[tokio::test]
async fn org_admins_append_price_versions_and_viewers_read_them() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let other = app.create_org(&root, "Globex").await;
    let admin = app.org_member(&root, org, "admin@acme.test", "admin").await;
    let viewer = app.org_member(&root, org, "viewer@acme.test", "viewer").await;
    let outsider = app.org_member(&root, other, "admin@globex.test", "admin").await;
    let mut conn = app.db.acquire().await.unwrap();
    let gpt4o: Uuid = sqlx::query_scalar("select id from models where name = 'gpt-4o'").fetch_one(&mut *conn).await.unwrap();
    let path = format!("/api/v1/orgs/{org}/model-prices");

    let body = json!({"model_id": gpt4o, "effective_from": "2025-11-01T00:00:00Z", "input_usd_per_mtok": "2.00", "output_usd_per_mtok": "8", "cached_input_usd_per_mtok": "1"});
    let first = app.post_ok(&path, &admin, body.clone(), StatusCode::CREATED).await;
    assert_eq!((first["model_id"].as_str(), first["input_usd_per_mtok"].as_str(), first["output_usd_per_mtok"].as_str()), (Some(gpt4o.to_string().as_str()), Some("2.00"), Some("8.00")));
    assert_eq!(first["effective_from"], "2025-11-01T00:00:00Z");
    // The same instant again is a field error; a later version is appended.
    let dup = app.post(&path, &admin, body).await;
    assert_eq!(error_fields(&expect_status(dup, StatusCode::BAD_REQUEST).await), vec!["effective_from"]);
    app.post_ok(&path, &admin, json!({"model_id": gpt4o, "input_usd_per_mtok": "1.90", "output_usd_per_mtok": "7.60"}), StatusCode::CREATED).await;
    let unknown = app.post(&path, &admin, json!({"model_id": Uuid::now_v7(), "input_usd_per_mtok": "1", "output_usd_per_mtok": "1"})).await;
    assert_eq!(error_fields(&expect_status(unknown, StatusCode::BAD_REQUEST).await), vec!["model_id"]);
    let negative = app.post(&path, &admin, json!({"model_id": gpt4o, "input_usd_per_mtok": "-1", "output_usd_per_mtok": "1"})).await;
    expect_status(negative, StatusCode::BAD_REQUEST).await;

    let list = app.get_ok(&format!("{path}?model_id={gpt4o}"), &viewer).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["input_usd_per_mtok"], "1.90", "newest first");
    assert_eq!(items[1]["cached_input_usd_per_mtok"], "1.00");
    let audit = app.audit_entries(org).await;
    assert_eq!(audit.iter().filter(|(action, _, _)| action == "org_model_price.create").count(), 2);

    assert_eq!(app.post(&path, &viewer, json!({"model_id": gpt4o, "input_usd_per_mtok": "1", "output_usd_per_mtok": "1"})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&path, &outsider).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_ok(&format!("/api/v1/orgs/{other}/model-prices"), &outsider).await["items"], json!([]));
}
