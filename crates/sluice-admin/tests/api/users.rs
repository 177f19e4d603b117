use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn platform_admin_manages_accounts() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let user = app.post_ok("/api/v1/users", &root, json!({"email": "ana@x.test", "password": PASSWORD}), StatusCode::CREATED).await;
    let id = id_of(&user);
    assert_eq!(app.get_ok("/api/v1/users?q=ana", &root).await["items"].as_array().unwrap().len(), 1);
    // Disabling ends the user's sessions and blocks login.
    let ana = Session { user_id: id, email: "ana@x.test".into(), token: login_token(&app, "ana@x.test").await };
    assert_eq!(app.get("/api/v1/me", &ana).await.status(), StatusCode::OK);
    assert_eq!(app.patch(&format!("/api/v1/users/{id}"), &root, json!({"disabled": true})).await.status(), StatusCode::OK);
    assert_eq!(app.get("/api/v1/me", &ana).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ana@x.test", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn users_change_their_own_password_with_the_current_one() {
    let app = spawn_app().await;
    let ana = app.session_for("ana@x.test", false).await;
    let path = format!("/api/v1/users/{}", ana.user_id);
    let missing = app.patch(&path, &ana, json!({"password": "a brand new passphrase"})).await;
    assert_eq!(expect_status(missing, StatusCode::BAD_REQUEST).await["error"]["fields"][0]["field"], "current_password");
    assert_eq!(app.patch(&path, &ana, json!({"is_platform_admin": true})).await.status(), StatusCode::FORBIDDEN);
    let ok = app.patch(&path, &ana, json!({"password": "a brand new passphrase", "current_password": PASSWORD})).await;
    assert_eq!(ok.status(), StatusCode::OK);
    // A password change ends every session of the account, this one included.
    assert_eq!(app.get("/api/v1/me", &ana).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ana@x.test", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    let ana = Session { token: login_token_with(&app, "ana@x.test", "a brand new passphrase").await, ..ana };
    // Other accounts do not exist for ordinary users.
    let bob = app.session_for("bob@x.test", false).await;
    assert_eq!(app.get(&format!("/api/v1/users/{}", bob.user_id), &ana).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/users", &ana).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_last_platform_admin_cannot_be_demoted() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let res = app.patch(&format!("/api/v1/users/{}", root.user_id), &root, json!({"is_platform_admin": false})).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

async fn login_token(app: &TestApp, email: &str) -> String {
    login_token_with(app, email, PASSWORD).await
}

async fn login_token_with(app: &TestApp, email: &str, password: &str) -> String {
    let body: serde_json::Value = app.login(email, password).await.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}
