use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn org_admin_creates_a_member_who_can_log_in() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let admin = app.org_member(&root, org, "admin@acme.test", "admin").await;
    let members = format!("/api/v1/orgs/{org}/members");
    let m = app.post_ok(&members, &admin, json!({"email": "New@Acme.test", "password": PASSWORD, "role": "viewer"}), StatusCode::CREATED).await;
    assert_eq!(m["email"], "new@acme.test");
    assert_eq!(m["role"], "viewer");
    assert_eq!(app.login("new@acme.test", PASSWORD).await.status(), StatusCode::OK);
    // Admins cannot grant owner; only owners can.
    assert_eq!(app.post(&members, &admin, json!({"email": "o@acme.test", "password": PASSWORD, "role": "owner"})).await.status(), StatusCode::FORBIDDEN);
    // Weak password and taken e-mail name their fields.
    let weak = app.post_ok(&members, &admin, json!({"email": "w@acme.test", "password": "short", "role": "viewer"}), StatusCode::BAD_REQUEST).await;
    assert_eq!(weak["error"]["fields"][0]["field"], "password");
    let taken = app.post_ok(&members, &admin, json!({"email": "new@acme.test", "password": PASSWORD, "role": "viewer"}), StatusCode::BAD_REQUEST).await;
    assert_eq!(taken["error"]["fields"][0]["field"], "email");
    // Only platform admins attach existing accounts by id.
    let existing = app.session_for("exist@else.test", false).await;
    assert_eq!(app.post(&members, &admin, json!({"user_id": existing.user_id, "role": "viewer"})).await.status(), StatusCode::FORBIDDEN);
    app.post_ok(&members, &root, json!({"user_id": existing.user_id, "role": "viewer"}), StatusCode::CREATED).await;
    let list = app.get_ok(&format!("{members}?role=viewer"), &admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_last_owner_stays() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let owner = app.org_member(&root, org, "owner@acme.test", "owner").await;
    let path = format!("/api/v1/orgs/{org}/members/{}", owner.user_id);
    assert_eq!(app.patch(&path, &owner, json!({"role": "admin"})).await.status(), StatusCode::CONFLICT);
    assert_eq!(app.delete(&path, &owner).await.status(), StatusCode::CONFLICT);
    let second = app.org_member(&root, org, "second@acme.test", "admin").await;
    let second_path = format!("/api/v1/orgs/{org}/members/{}", second.user_id);
    assert_eq!(app.patch(&second_path, &second, json!({"role": "owner"})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.patch(&second_path, &owner, json!({"role": "owner"})).await.status(), StatusCode::OK);
    assert_eq!(app.patch(&path, &owner, json!({"role": "admin"})).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn removing_a_member_removes_their_access() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let viewer = app.org_member(&root, org, "v@acme.test", "viewer").await;
    assert_eq!(app.get(&format!("/api/v1/orgs/{org}"), &viewer).await.status(), StatusCode::OK);
    assert_eq!(app.delete(&format!("/api/v1/orgs/{org}/members/{}", viewer.user_id), &root).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/api/v1/orgs/{org}"), &viewer).await.status(), StatusCode::NOT_FOUND);
}
