use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn org_with_team(app: &TestApp, root: &Session) -> (uuid::Uuid, uuid::Uuid) {
    let org = app.create_org(root, "Acme").await;
    let team = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/teams"), root, json!({"name": "Core"}), StatusCode::CREATED).await);
    (org, team)
}

#[tokio::test]
async fn the_secret_is_shown_once_and_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org, team) = org_with_team(&app, &root).await;
    let created = app
        .post_ok(&format!("/api/v1/orgs/{org}/keys"), &root, json!({"team_id": team, "name": "support-bot", "allowed_endpoints": ["chat"], "metadata": {"app": "bot"}}), StatusCode::CREATED)
        .await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("sk-sluice-") && secret.len() == 59, "{secret}");
    assert_eq!(created["display_prefix"].as_str().unwrap(), &secret[..14]);
    assert_eq!(created["last4"].as_str().unwrap(), &secret[secret.len() - 4..]);
    let key = id_of(&created);

    let fetched = app.get_ok(&format!("/api/v1/orgs/{org}/keys/{key}"), &root).await;
    let listed = app.get_ok(&format!("/api/v1/orgs/{org}/keys"), &root).await;
    for body in [&fetched, &listed] {
        let text = body.to_string();
        assert!(!text.contains(&secret[14..]), "secret leaked: {text}");
        assert!(!text.contains("hash"), "hash leaked: {text}");
    }
    assert!(fetched.get("secret").is_none());

    // The database holds the SHA-256 of the secret, never the secret.
    let hash: Vec<u8> = sqlx::query_scalar("select secret_hash from virtual_key_secrets where key_id = $1")
        .bind(key)
        .fetch_one(&mut *app.db.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(hash, sluice_domain::virtual_key::VirtualKeySecret::parse(&secret).unwrap().hash().0.to_vec());
}

#[tokio::test]
async fn rotate_with_grace_then_revoke() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org, team) = org_with_team(&app, &root).await;
    let keys = format!("/api/v1/orgs/{org}/keys");
    let created = app.post_ok(&keys, &root, json!({"team_id": team, "name": "k"}), StatusCode::CREATED).await;
    let key = id_of(&created);
    let rotated = expect_status(app.post(&format!("{keys}/{key}/rotate"), &root, json!({"grace_period_secs": 3600})).await, StatusCode::OK).await;
    assert_ne!(rotated["secret"], created["secret"]);
    assert_eq!(rotated["id"], created["id"], "rotation keeps the key id");
    assert_eq!(rotated["secrets_in_grace"], 1);
    let bad = app.post_ok(&format!("{keys}/{key}/rotate"), &root, json!({"grace_period_secs": 99999999}), StatusCode::BAD_REQUEST).await;
    assert_eq!(bad["error"]["fields"][0]["field"], "grace_period_secs");
    let revoked = expect_status(app.post(&format!("{keys}/{key}/revoke"), &root, json!({})).await, StatusCode::OK).await;
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["secrets_in_grace"], 0);
    assert_eq!(app.post(&format!("{keys}/{key}/revoke"), &root, json!({})).await.status(), StatusCode::CONFLICT);
    assert_eq!(app.patch(&format!("{keys}/{key}"), &root, json!({"name": "x"})).await.status(), StatusCode::CONFLICT);
    let active = app.get_ok(&format!("{keys}?revoked=false"), &root).await;
    assert_eq!(active["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn patch_scopes_and_validation() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org, team) = org_with_team(&app, &root).await;
    let keys = format!("/api/v1/orgs/{org}/keys");
    let key = id_of(&app.post_ok(&keys, &root, json!({"team_id": team, "name": "k", "allowed_models": ["gpt-4o-mini"]}), StatusCode::CREATED).await);
    let path = format!("{keys}/{key}");
    let updated = expect_status(app.patch(&path, &root, json!({"allowed_models": null, "allowed_endpoints": ["chat", "embeddings"]})).await, StatusCode::OK).await;
    assert_eq!(updated["allowed_models"], json!([]));
    assert_eq!(updated["allowed_endpoints"], json!(["chat", "embeddings"]));
    for (body, field) in [
        (json!({"allowed_endpoints": ["fax"]}), "allowed_endpoints[0]"),
        (json!({"expires_at": "2001-01-01T00:00:00Z"}), "expires_at"),
        (json!({"metadata": [1, 2]}), "metadata"),
        (json!({"allowed_models": ["has space"]}), "allowed_models[0]"),
        (json!({"colour": "red"}), "body"),
    ] {
        let res = expect_status(app.patch(&path, &root, body.clone()).await, StatusCode::BAD_REQUEST).await;
        let named = res["error"]["fields"][0]["field"].as_str().unwrap().to_owned();
        assert!(named == field || res["error"]["message"].as_str().unwrap().contains("colour"), "{body} -> {res}");
    }
    let unknown_team = app.post_ok(&keys, &root, json!({"team_id": uuid::Uuid::now_v7(), "name": "k"}), StatusCode::BAD_REQUEST).await;
    assert_eq!(unknown_team["error"]["fields"][0]["field"], "team_id");
}

#[tokio::test]
async fn idempotent_key_creation_replays_without_the_secret() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org, team) = org_with_team(&app, &root).await;
    let url = format!("{}/api/v1/orgs/{org}/keys", app.address);
    let send = |body: Value| app.client.post(&url).bearer_auth(&root.token).header("Idempotency-Key", "create-bot-1").json(&body).send();
    let first = send(json!({"team_id": team, "name": "bot"})).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("x-sluice-redact-on-replay").is_none(), "internal header must not leak");
    let first: Value = first.json().await.unwrap();
    assert!(first["secret"].is_string());
    let replay = send(json!({"team_id": team, "name": "bot"})).await.unwrap();
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers().get("idempotent-replayed").unwrap(), "true");
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["id"], first["id"], "the replay is the same key");
    assert!(replay["secret"].is_null(), "the secret is shown once, even to a retry");
    let list = app.get_ok(&format!("/api/v1/orgs/{org}/keys"), &root).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "the retry created nothing");
    let different = send(json!({"team_id": team, "name": "other"})).await.unwrap();
    assert_eq!(different.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A failed request is not stored: after fixing the body, the same key runs for real.
    let url_other = format!("{}/api/v1/orgs/{org}/teams", app.address);
    let post_team = |body: Value| app.client.post(&url_other).bearer_auth(&root.token).header("Idempotency-Key", "team-1").json(&body).send();
    assert_eq!(post_team(json!({"name": ""})).await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert_eq!(post_team(json!({"name": "Research"})).await.unwrap().status(), StatusCode::CREATED);
    // The stored idempotency record does not hold the secret either.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select response_body from idempotency_records")
        .fetch_all(&mut *app.db.acquire().await.unwrap())
        .await
        .unwrap();
    let secret = first["secret"].as_str().unwrap();
    assert!(stored.iter().all(|b| !String::from_utf8_lossy(b).contains(secret)));
}
