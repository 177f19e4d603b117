use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::providers::audit_rows;

/// The seeded model called `name`, as listed.
async fn seeded(app: &TestApp, s: &Session, name: &str) -> Value {
    let list = app.get_ok(&format!("/api/v1/models?q={name}&limit=200"), s).await;
    list["items"].as_array().unwrap().iter().find(|m| m["name"] == name).cloned().unwrap_or_else(|| panic!("{name} is not seeded"))
}

async fn local_provider(app: &TestApp, admin: &Session) -> Uuid {
    let body = json!({"name": "ollama", "kind": "openai_compatible", "base_url": "http://127.0.0.1:11434/v1", "trust_tier": "local"});
    id_of(&app.post_ok("/api/v1/providers", admin, body, StatusCode::CREATED).await)
}

#[tokio::test]
async fn the_seeded_catalog_is_listed_with_current_prices() {
    let app = spawn_app().await;
    let user = app.session_for("dev@acme.test", false).await;
    let all = app.get_ok("/api/v1/models?limit=200", &user).await;
    // 14 OpenAI and Anthropic models plus the demo provider's three.
    assert_eq!(all["items"].as_array().unwrap().len(), 17);
    let mini = seeded(&app, &user, "gpt-4o-mini").await;
    assert_eq!(mini["provider_name"], "openai");
    assert_eq!(mini["capability_tier"], "small");
    assert_eq!(mini["mode"], "chat");
    assert_eq!(mini["price"]["input_usd_per_mtok"], "0.15");
    assert_eq!(mini["price"]["output_usd_per_mtok"], "0.60");
    assert_eq!(mini["price"]["cached_input_usd_per_mtok"], "0.075");
    assert_eq!(mini["price"]["cache_write_usd_per_mtok"], Value::Null);

    let embeddings = app.get_ok("/api/v1/models?mode=embedding", &user).await;
    assert_eq!(embeddings["items"].as_array().unwrap().len(), 3, "two OpenAI embedding models and demo-embed");
    let claude = app.get_ok("/api/v1/models?q=claude", &user).await;
    assert_eq!(claude["items"].as_array().unwrap().len(), 3);
    let anthropic = Uuid::parse_str(claude["items"][0]["provider_id"].as_str().unwrap()).unwrap();
    let by_provider = app.get_ok(&format!("/api/v1/models?provider_id={anthropic}&capability_tier=small"), &user).await;
    assert_eq!(by_provider["items"][0]["name"], "claude-haiku-4-5");
    assert_eq!(by_provider["items"].as_array().unwrap().len(), 1);

    // Paging walks the catalog without repeats.
    let first = app.get_ok("/api/v1/models?limit=10", &user).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get_ok(&format!("/api/v1/models?limit=10&cursor={cursor}"), &user).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 7);
    assert_eq!(second["next_cursor"], Value::Null);
}

#[tokio::test]
async fn platform_admin_manages_a_model() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let provider = local_provider(&app, &admin).await;
    let body = json!({"provider_id": provider, "name": "llama-3.1-8b", "upstream_name": "llama3.1:8b", "capability_tier": "small",
                      "context_window": 131072, "price": {"input_usd_per_mtok": "0", "output_usd_per_mtok": "0.000001"}});
    let created = app.post_ok("/api/v1/models", &admin, body, StatusCode::CREATED).await;
    assert_eq!(created["provider_name"], "ollama");
    assert_eq!(created["mode"], "chat");
    assert_eq!(created["enabled"], true);
    assert_eq!(created["max_output_tokens"], Value::Null);
    assert_eq!(created["price"]["input_usd_per_mtok"], "0.00");
    assert_eq!(created["price"]["output_usd_per_mtok"], "0.000001");
    let path = format!("/api/v1/models/{}", id_of(&created));
    assert_eq!(app.get_ok(&path, &admin).await, created);

    let patch = json!({"name": "llama-8b", "context_window": null, "max_output_tokens": 4096, "capability_tier": "medium"});
    let patched = expect_status(app.patch(&path, &admin, patch).await, StatusCode::OK).await;
    assert_eq!(patched["name"], "llama-8b");
    assert_eq!(patched["upstream_name"], "llama3.1:8b");
    assert_eq!(patched["context_window"], Value::Null);
    assert_eq!(patched["max_output_tokens"], 4096);
    assert_eq!(patched["capability_tier"], "medium");
    assert_eq!(patched["price"], created["price"]);

    assert_eq!(app.delete(&path, &admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, &admin).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{path}/prices"), &admin).await.status(), StatusCode::NOT_FOUND);

    let actions: Vec<String> = audit_rows(&app).await.into_iter().filter(|(_, org, _)| org.is_none()).map(|(a, ..)| a).collect();
    assert_eq!(actions, ["provider.create", "model.create", "model_price.create", "model.update", "model.delete"]);
}

#[tokio::test]
async fn model_bodies_are_validated() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let provider = local_provider(&app, &admin).await;
    let base = json!({"provider_id": provider, "name": "m", "upstream_name": "m", "capability_tier": "small"});
    let cases = [
        ("provider_id", json!(Uuid::now_v7())),
        ("name", json!("gpt-4o")),
        ("name", json!("has space")),
        ("upstream_name", json!("")),
        ("context_window", json!(0)),
        ("max_output_tokens", json!(-5)),
        ("capability_tier", json!("huge")),
        ("price.input_usd_per_mtok", json!({"input_usd_per_mtok": "-1", "output_usd_per_mtok": "1"})),
    ];
    for (field, value) in cases {
        let mut body = base.clone();
        let key = field.split('.').next().unwrap();
        body[key] = value;
        let res = app.post_ok("/api/v1/models", &admin, body, StatusCode::BAD_REQUEST).await;
        assert_eq!(res["error"]["fields"][0]["field"], field, "{res}");
    }
    // The same upstream name twice at one provider.
    app.post_ok("/api/v1/models", &admin, base.clone(), StatusCode::CREATED).await;
    let mut again = base.clone();
    again["name"] = json!("m2");
    let res = app.post_ok("/api/v1/models", &admin, again, StatusCode::BAD_REQUEST).await;
    assert_eq!(res["error"]["fields"][0]["field"], "upstream_name");
}

#[tokio::test]
async fn a_new_price_version_takes_over_and_history_is_kept() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let mini = seeded(&app, &admin, "gpt-4o-mini").await;
    let path = format!("/api/v1/models/{}", id_of(&mini));
    let prices = format!("{path}/prices");

    let new = json!({"input_usd_per_mtok": "0.20", "output_usd_per_mtok": "0.8", "cached_input_usd_per_mtok": "0.1"});
    let version = app.post_ok(&prices, &admin, new, StatusCode::CREATED).await;
    assert_eq!(version["input_usd_per_mtok"], "0.20");
    assert_eq!(version["output_usd_per_mtok"], "0.80");
    let now = app.get_ok(&path, &admin).await;
    assert_eq!(now["price"]["id"], version["id"]);
    assert_eq!(now["price"]["input_usd_per_mtok"], "0.20");

    // A future version is listed but not yet in force.
    let future = json!({"effective_from": "2999-01-01T00:00:00Z", "input_usd_per_mtok": "9", "output_usd_per_mtok": "9"});
    app.post_ok(&prices, &admin, future, StatusCode::CREATED).await;
    assert_eq!(app.get_ok(&path, &admin).await["price"]["input_usd_per_mtok"], "0.20");
    let history = app.get_ok(&prices, &admin).await;
    let inputs: Vec<_> = history["items"].as_array().unwrap().iter().map(|p| p["input_usd_per_mtok"].clone()).collect();
    assert_eq!(inputs, [json!("9.00"), json!("0.20"), json!("0.15")], "newest first");

    // Versions cannot be back-dated, changed or deleted.
    let past = json!({"effective_from": "2025-06-01T00:00:00Z", "input_usd_per_mtok": "1", "output_usd_per_mtok": "1"});
    let res = app.post_ok(&prices, &admin, past, StatusCode::BAD_REQUEST).await;
    assert_eq!(res["error"]["fields"][0]["field"], "effective_from");
    let version_path = format!("{prices}/{}", id_of(&version));
    assert_eq!(app.delete(&version_path, &admin).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invalid_prices_name_their_field() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let mini = seeded(&app, &admin, "gpt-4o-mini").await;
    let prices = format!("/api/v1/models/{}/prices", id_of(&mini));
    let cases = [
        ("input_usd_per_mtok", json!({"input_usd_per_mtok": "-1", "output_usd_per_mtok": "1"})),
        ("output_usd_per_mtok", json!({"input_usd_per_mtok": "1", "output_usd_per_mtok": "abc"})),
        ("output_usd_per_mtok", json!({"input_usd_per_mtok": "1", "output_usd_per_mtok": 2.5})),
        ("cached_input_usd_per_mtok", json!({"input_usd_per_mtok": "1", "output_usd_per_mtok": "1", "cached_input_usd_per_mtok": "1e3"})),
        ("effective_from", json!({"effective_from": "tomorrow", "input_usd_per_mtok": "1", "output_usd_per_mtok": "1"})),
    ];
    for (field, body) in cases {
        let res = app.post_ok(&prices, &admin, body, StatusCode::BAD_REQUEST).await;
        assert_eq!(res["error"]["fields"][0]["field"], field, "{res}");
    }
    assert_eq!(app.get_ok(&prices, &admin).await["items"].as_array().unwrap().len(), 1);
    let unknown = format!("/api/v1/models/{}/prices", Uuid::now_v7());
    assert_eq!(app.post(&unknown, &admin, json!({"input_usd_per_mtok": "1", "output_usd_per_mtok": "1"})).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ordinary_users_read_but_cannot_change_models_or_prices() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let user = app.session_for("dev@acme.test", false).await;
    let mini = seeded(&app, &user, "gpt-4o-mini").await;
    let path = format!("/api/v1/models/{}", id_of(&mini));
    assert_eq!(app.get_ok(&path, &user).await["name"], "gpt-4o-mini");
    assert_eq!(app.get_ok(&format!("{path}/prices"), &user).await["items"].as_array().unwrap().len(), 1);
    let body = json!({"provider_id": mini["provider_id"], "name": "mine", "upstream_name": "mine", "capability_tier": "small"});
    assert_eq!(app.post("/api/v1/models", &user, body).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.patch(&path, &user, json!({"enabled": false})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&path, &user).await.status(), StatusCode::FORBIDDEN);
    let price = json!({"input_usd_per_mtok": "0", "output_usd_per_mtok": "0"});
    assert_eq!(app.post(&format!("{path}/prices"), &user, price).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_ok(&path, &admin).await["price"]["input_usd_per_mtok"], "0.15");
}

#[tokio::test]
async fn deleting_a_provider_waits_for_its_models() {
    let app = spawn_app().await;
    let admin = app.platform_admin().await;
    let provider = local_provider(&app, &admin).await;
    let body = json!({"provider_id": provider, "name": "llama", "upstream_name": "llama3", "capability_tier": "small"});
    let model = id_of(&app.post_ok("/api/v1/models", &admin, body, StatusCode::CREATED).await);
    let provider_path = format!("/api/v1/providers/{provider}");
    let res = expect_status(app.delete(&provider_path, &admin).await, StatusCode::CONFLICT).await;
    assert!(res["error"]["message"].as_str().unwrap().contains("models"), "{res}");
    assert_eq!(app.delete(&format!("/api/v1/models/{model}"), &admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&provider_path, &admin).await.status(), StatusCode::NO_CONTENT);
}
