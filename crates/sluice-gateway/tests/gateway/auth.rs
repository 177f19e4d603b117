use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use sluice_store::keys;

use crate::harness::*;

#[tokio::test]
async fn missing_malformed_and_unknown_keys_are_401_in_openai_shape() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    let url = format!("{}/v1/chat/completions", gw.base);
    let body = chat_body("demo-small", "hi");
    let unknown = sluice_domain::virtual_key::VirtualKeySecret::generate().unwrap();
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    for auth in [None, Some("Bearer nonsense"), Some(&*format!("Bearer {}", unknown.expose())), Some(&*format!("Bearer {jwt}"))] {
        let mut req = gw.client.post(&url).json(&body);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["code"], "invalid_api_key");
    }
    // x-api-key works like a bearer token (Anthropic clients).
    let res = gw.client.post(&url).header("x-api-key", &t.secret).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_revoked_key_is_refused_within_five_seconds() {
    let gw = spawn().await;
    let t = gw.tenant().await;
    assert_eq!(gw.chat(&t.secret, chat_body("demo-small", "hi")).await.status(), StatusCode::OK);
    let mut conn = gw.db.acquire().await.unwrap();
    assert!(keys::revoke(&mut conn, t.org, t.key).await.unwrap());
    let revoked_at = Instant::now();
    loop {
        let status = gw.chat(&t.secret, chat_body("demo-small", "hi")).await.status();
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(revoked_at.elapsed() < Duration::from_secs(5), "still accepted {:?} after revocation", revoked_at.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
