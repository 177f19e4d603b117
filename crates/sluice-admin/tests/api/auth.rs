use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn login_returns_tokens_and_me_works() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let me = app.get_ok("/api/v1/me", &admin).await;
    assert_eq!(me["user"]["email"], "root@sluice.test");
    assert_eq!(me["user"]["is_platform_admin"], true);
}

#[tokio::test]
async fn every_auth_failure_gets_the_same_401_body() {
    let app = spawn_app().await;
    app.create_user("ana@sluice.test", false).await;
    let wrong_password = app.login("ana@sluice.test", "not the password at all").await;
    let unknown_user = app.login("nobody@sluice.test", PASSWORD).await;
    let no_token = app.request(Method::GET, "/api/v1/me", None, None).await;
    let bad_token = app.request(Method::GET, "/api/v1/me", Some("not-a-jwt"), None).await;
    let mut bodies = Vec::new();
    for res in [wrong_password, unknown_user, no_token, bad_token] {
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        bodies.push(res.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "bodies differ: {bodies:?}");
}

#[tokio::test]
async fn failed_logins_are_throttled_before_hashing() {
    let app = spawn_app().await;
    app.create_user("ana@sluice.test", false).await;
    for _ in 0..5 {
        assert_eq!(app.login("ana@sluice.test", "wrong password 123").await.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused until the window passes.
    let res = app.login("ana@sluice.test", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().get("retry-after").is_some());
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_session() {
    let app = spawn_app().await;
    app.create_user("ana@sluice.test", false).await;
    let first: Value = app.login("ana@sluice.test", PASSWORD).await.json().await.unwrap();
    let refresh = |token: &Value| {
        app.request(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": token})))
    };
    let second = expect_status(refresh(&first["refresh_token"]).await, StatusCode::OK).await;
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    let access = second["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.request(Method::GET, "/api/v1/me", Some(&access), None).await.status(), StatusCode::OK);

    // Replaying the first (already used) refresh token revokes the session: the new access
    // token and the new refresh token stop working too.
    assert_eq!(refresh(&first["refresh_token"]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.request(Method::GET, "/api/v1/me", Some(&access), None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(refresh(&second["refresh_token"]).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_kills_the_access_token() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    assert_eq!(app.post("/api/v1/auth/logout", &admin, json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", &admin).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_fields_and_bad_json_name_the_field() {
    let app = spawn_app().await;
    let res = app
        .request(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": "a@b.io", "password": "x", "remember": true})))
        .await;
    let body = expect_status(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["code"], "validation_failed");
    assert!(body["error"]["message"].as_str().unwrap().contains("remember"), "{body}");
}

#[tokio::test]
async fn health_probes() {
    let app = spawn_app().await;
    assert_eq!(app.request(Method::GET, "/healthz", None, None).await.status(), StatusCode::OK);
    assert_eq!(app.request(Method::GET, "/readyz", None, None).await.status(), StatusCode::OK);
    let docs = app.request(Method::GET, "/docs/", None, None).await;
    let spec = app.request(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(spec.status(), StatusCode::OK);
    assert_eq!(docs.status(), StatusCode::OK, "swagger UI is served offline");
}
