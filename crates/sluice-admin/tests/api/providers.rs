use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_domain::credentials::CredentialCipher;
use sluice_domain::ids::ProviderId;
use uuid::Uuid;

use crate::helpers::*;

const CANARY: &str = "sk-test-CANARY-5b1f0e7c2d9a";

/// A direct connection to the test's database, for what the API does not show.
pub async fn raw_db(app: &TestApp) -> sqlx::PgPool {
    sqlx::PgPool::connect(&app.database_url).await.unwrap()
}

/// Every audit row as (action, org_id, details), oldest first.
pub async fn audit_rows(app: &TestApp) -> Vec<(String, Option<Uuid>, Value)> {
    sqlx::query_as("select action, org_id, details from audit_log order by id").fetch_all(&raw_db(app).await).await.unwrap()
}

fn local_provider(name: &str) -> Value {
    json!({"name": name, "kind": "openai_compatible", "base_url": "http://127.0.0.1:11434/v1/", "trust_tier": "local"})
}

#[tokio::test]
async fn platform_admin_creates_reads_updates_and_deletes_a_provider() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let mut body = local_provider("ollama");
    body["region"] = json!("eu-west");
    body["data_terms"] = json!({"retention_days": 0, "zero_data_retention": true});
    let created = app.post_ok("/api/v1/providers", &admin, body, StatusCode::CREATED).await;
    assert_eq!(created["base_url"], "http://127.0.0.1:11434/v1", "trailing slash is normalised away");
    assert_eq!(created["kind"], "openai_compatible");
    assert_eq!(created["enabled"], true);
    assert_eq!(created["has_credentials"], false);
    assert_eq!(created["data_terms"], json!({"retention_days": 0, "trains_on_data": false, "zero_data_retention": true}));
    let id = id_of(&created);
    let path = format!("/api/v1/providers/{id}");

    let local = app.get_ok("/api/v1/providers?trust_tier=local&kind=openai_compatible", &admin).await;
    assert_eq!(local["items"].as_array().unwrap().iter().map(id_of).collect::<Vec<_>>(), vec![id]);
    let all = app.get_ok("/api/v1/providers", &admin).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 4, "the three seeded providers (openai, anthropic, demo) and ours");
    let openai = app.get_ok("/api/v1/providers?kind=openai&enabled=true", &admin).await;
    assert_eq!(openai["items"][0]["name"], "openai");
    assert_eq!(openai["items"].as_array().unwrap().len(), 1);
    let bad_filter = expect_status(app.get("/api/v1/providers?kind=azure", &admin).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(bad_filter["error"]["code"], "validation_failed");

    let patched = app.patch(&path, &admin, json!({"name": "ollama-2", "region": null, "data_terms": {"trains_on_data": true}})).await;
    let patched = expect_status(patched, StatusCode::OK).await;
    assert_eq!(patched["name"], "ollama-2");
    assert_eq!(patched["region"], Value::Null);
    assert_eq!(patched["data_terms"], json!({"retention_days": 0, "trains_on_data": true, "zero_data_retention": true}));
    assert_eq!(patched["base_url"], "http://127.0.0.1:11434/v1");
    let fetched = app.get_ok(&path, &admin).await;
    assert_eq!(fetched, patched);

    let null_enabled = expect_status(app.patch(&path, &admin, json!({"enabled": null})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(null_enabled["error"]["fields"][0]["field"], "enabled");
    let kind = expect_status(app.patch(&path, &admin, json!({"kind": "openai"})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(kind["error"]["code"], "validation_failed", "the kind is fixed: {kind}");

    assert_eq!(app.delete(&path, &admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, &admin).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&path, &admin).await.status(), StatusCode::NOT_FOUND);

    let actions: Vec<_> = audit_rows(&app).await.into_iter().filter(|(a, ..)| a.starts_with("provider.")).collect();
    let names: Vec<_> = actions.iter().map(|(a, ..)| a.as_str()).collect();
    assert_eq!(names, ["provider.create", "provider.update", "provider.delete"]);
    assert!(actions.iter().all(|(_, org, _)| org.is_none()), "providers are platform-wide");
    assert_eq!(actions[1].2["changed"], json!(["name", "region", "data_terms"]));
}

#[tokio::test]
async fn names_are_validated_and_unique() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    for bad in ["Ollama", "has space", "", "slash/name"] {
        let res = app.post_ok("/api/v1/providers", &admin, local_provider(bad), StatusCode::BAD_REQUEST).await;
        assert_eq!(res["error"]["fields"][0]["field"], "name", "{bad}");
    }
    let dup = app.post_ok("/api/v1/providers", &admin, local_provider("openai"), StatusCode::BAD_REQUEST).await;
    assert_eq!(dup["error"]["fields"][0]["field"], "name");
    let mut unknown = local_provider("x");
    unknown["api_key"] = json!("k");
    let res = app.post_ok("/api/v1/providers", &admin, unknown, StatusCode::BAD_REQUEST).await;
    assert!(res["error"]["message"].as_str().unwrap().contains("unknown field"), "{res}");
}

#[tokio::test]
async fn base_urls_pointing_inside_are_refused() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let external = |url: &str| json!({"name": "ext", "kind": "openai", "base_url": url, "trust_tier": "external"});
    for url in ["http://127.0.0.1", "https://127.0.0.1/v1", "https://169.254.169.254", "https://10.0.0.1", "https://localhost/v1"] {
        let res = app.post_ok("/api/v1/providers", &admin, external(url), StatusCode::BAD_REQUEST).await;
        assert_eq!(res["error"]["fields"][0]["field"], "base_url", "{url}: {res}");
    }
    // Metadata addresses are refused even for local providers.
    let mut metadata = local_provider("meta");
    metadata["base_url"] = json!("http://169.254.169.254/latest/meta-data");
    let res = app.post_ok("/api/v1/providers", &admin, metadata, StatusCode::BAD_REQUEST).await;
    assert_eq!(res["error"]["fields"][0]["field"], "base_url");

    let local = app.post_ok("/api/v1/providers", &admin, local_provider("ollama"), StatusCode::CREATED).await;
    let path = format!("/api/v1/providers/{}", id_of(&local));
    // Changing only the tier re-checks the stored URL against the new tier.
    let res = expect_status(app.patch(&path, &admin, json!({"trust_tier": "external"})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(res["error"]["fields"][0]["field"], "base_url");
    let res = expect_status(app.patch(&path, &admin, json!({"base_url": "http://[fe80::1]/"})).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(res["error"]["fields"][0]["field"], "base_url");
    let moved = json!({"trust_tier": "external", "base_url": "https://llm.example.com/v1"});
    let ok = expect_status(app.patch(&path, &admin, moved).await, StatusCode::OK).await;
    assert_eq!(ok["trust_tier"], "external");
}

#[tokio::test]
async fn host_names_are_resolved_when_configured() {
    let mut config = test_config();
    config.resolve_provider_hosts = true;
    let app = spawn_app_with(config).await;
    let admin = app.platform_admin().await;
    // `.invalid` never resolves (RFC 2606), with or without network access.
    let body = json!({"name": "ext", "kind": "openai", "base_url": "https://llm.provider.invalid/v1", "trust_tier": "external"});
    let res = app.post_ok("/api/v1/providers", &admin, body, StatusCode::BAD_REQUEST).await;
    assert_eq!(res["error"]["fields"][0]["field"], "base_url");
    assert_eq!(res["error"]["fields"][0]["message"], "host does not resolve");
    // Literal addresses need no resolution.
    app.post_ok("/api/v1/providers", &admin, local_provider("ollama"), StatusCode::CREATED).await;
}

#[tokio::test]
async fn credentials_are_write_only_and_sealed_at_rest() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let mut body = local_provider("vllm");
    body["credentials"] = json!(CANARY);
    let res = app.request(reqwest::Method::POST, "/api/v1/providers", Some(&admin.token), Some(body)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let text = res.text().await.unwrap();
    assert!(!text.contains("CANARY"), "{text}");
    let created: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(created["has_credentials"], true);
    let id = id_of(&created);
    let path = format!("/api/v1/providers/{id}");

    for read in [app.get(&path, &admin).await, app.get("/api/v1/providers", &admin).await] {
        let text = read.text().await.unwrap();
        assert!(text.contains("\"has_credentials\":true") && !text.contains("CANARY"), "{text}");
    }
    let patched = app.patch(&path, &admin, json!({"enabled": false})).await.text().await.unwrap();
    assert!(patched.contains("\"has_credentials\":true") && !patched.contains("CANARY"), "{patched}");

    // At rest: ciphertext under the configured key, bound to this provider, without the plain text.
    let db = raw_db(&app).await;
    let (sealed, key_id): (Vec<u8>, String) =
        sqlx::query_as("select credentials_ciphertext, credentials_key_id from providers where id = $1").bind(id).fetch_one(&db).await.unwrap();
    assert_eq!(key_id, "test");
    assert!(!sealed.windows(6).any(|w| w == b"CANARY"));
    let cipher = CredentialCipher::new("test", &[3u8; 32]).unwrap();
    assert_eq!(cipher.open(ProviderId::from(id), &sealed).unwrap().expose(), CANARY);

    // Replacing says so in the audit row, without the value.
    let replaced = expect_status(app.patch(&path, &admin, json!({"credentials": format!("{CANARY}-2")})).await, StatusCode::OK).await;
    assert_eq!(replaced["has_credentials"], true);
    let removed = expect_status(app.patch(&path, &admin, json!({"credentials": null})).await, StatusCode::OK).await;
    assert_eq!(removed["has_credentials"], false);
    let (sealed,): (Option<Vec<u8>>,) =
        sqlx::query_as("select credentials_ciphertext from providers where id = $1").bind(id).fetch_one(&db).await.unwrap();
    assert_eq!(sealed, None);

    let audit = audit_rows(&app).await;
    let all_details: Vec<String> = audit.iter().map(|(_, _, d)| d.to_string()).collect();
    assert!(all_details.iter().all(|d| !d.contains("CANARY")), "{all_details:?}");
    let changed: Vec<_> = audit.iter().filter(|(a, ..)| a == "provider.update").map(|(_, _, d)| d["credentials_changed"].clone()).collect();
    assert_eq!(changed, [json!(false), json!(true), json!(true)]);

    // An invalid credential is refused without echoing it.
    let bad = app.patch(&path, &admin, json!({"credentials": "line\nbreak-CANARY"})).await;
    let bad = expect_status(bad, StatusCode::BAD_REQUEST).await;
    assert_eq!(bad["error"]["fields"][0]["field"], "credentials");
    assert!(!bad.to_string().contains("CANARY"));
}

#[tokio::test]
async fn ordinary_users_read_but_cannot_change_providers() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let user = app.session_for("dev@acme.test", false).await;
    let created = app.post_ok("/api/v1/providers", &admin, local_provider("ollama"), StatusCode::CREATED).await;
    let path = format!("/api/v1/providers/{}", id_of(&created));
    assert_eq!(app.get_ok("/api/v1/providers", &user).await["items"].as_array().unwrap().len(), 4);
    assert_eq!(app.get_ok(&path, &user).await["name"], "ollama");
    assert_eq!(app.post("/api/v1/providers", &user, local_provider("mine")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.patch(&path, &user, json!({"enabled": false})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&path, &user).await.status(), StatusCode::FORBIDDEN);
    let anonymous = app.request(reqwest::Method::GET, "/api/v1/providers", None, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_provider_with_models_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let list = app.get_ok("/api/v1/providers?kind=openai", &admin).await;
    let openai = id_of(&list["items"][0]);
    let res = expect_status(app.delete(&format!("/api/v1/providers/{openai}"), &admin).await, StatusCode::CONFLICT).await;
    assert_eq!(res["error"]["code"], "conflict");
    assert_eq!(app.get(&format!("/api/v1/providers/{openai}"), &admin).await.status(), StatusCode::OK);
}
