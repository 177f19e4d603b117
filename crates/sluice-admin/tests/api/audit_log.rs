use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn every_mutation_writes_one_audit_row_readable_per_org() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let team = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/teams"), &root, json!({"name": "Core"}), StatusCode::CREATED).await);
    let key = app.post_ok(&format!("/api/v1/orgs/{org}/keys"), &root, json!({"team_id": team, "name": "k"}), StatusCode::CREATED).await;
    let log = app.get_ok(&format!("/api/v1/orgs/{org}/audit-log"), &root).await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["key.create", "team.create", "org.create"], "newest first, one row per mutation");
    assert_eq!(log["items"][0]["actor_email"], "root@sluice.test");
    assert!(!log.to_string().contains(&key["secret"].as_str().unwrap()[14..]), "no secret in the audit log");
    // Filters and paging.
    let only_keys = app.get_ok(&format!("/api/v1/orgs/{org}/audit-log?action=key.create"), &root).await;
    assert_eq!(only_keys["items"].as_array().unwrap().len(), 1);
    let page = app.get_ok(&format!("/api/v1/orgs/{org}/audit-log?limit=2"), &root).await;
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let rest = app.get_ok(&format!("/api/v1/orgs/{org}/audit-log?limit=2&cursor={cursor}"), &root).await;
    assert_eq!(rest["items"][0]["action"], "org.create");
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    app.create_org(&root, "Acme").await;
    let mut conn = app.db.acquire().await.unwrap();
    for statement in ["update audit_log set action = 'x'", "delete from audit_log", "truncate audit_log"] {
        let err = sqlx::query(statement).execute(&mut *conn).await;
        assert!(err.is_err(), "{statement} must be rejected");
    }
}

#[tokio::test]
async fn failed_mutations_write_no_audit_row() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    app.post_ok(&format!("/api/v1/orgs/{org}/teams"), &root, json!({"name": "Core"}), StatusCode::CREATED).await;
    app.post_ok(&format!("/api/v1/orgs/{org}/teams"), &root, json!({"name": "Core"}), StatusCode::BAD_REQUEST).await;
    let log = app.get_ok(&format!("/api/v1/orgs/{org}/audit-log?action=team.create"), &root).await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
}
