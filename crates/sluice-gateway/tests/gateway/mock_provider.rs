//! Helpers for tests against the mock upstream: a gateway tuned for fast retries, and a priced
//! model on an `openai_compatible` provider (trust tier `local`) pointing at a mock, with a
//! credential sealed by the harness cipher — inserted straight through the store, then waited
//! for in the gateway's snapshot.

use std::time::{Duration, Instant};

use serde_json::Value;
use sluice_domain::credentials::PlainCredential;
use sluice_domain::ids::ProviderId;
use sluice_gateway::GatewayConfig;
use sluice_mock_upstream::MockUpstream;
use sluice_store::{models, providers};
use uuid::Uuid;

use crate::harness::{TestGateway, cipher, fresh_db, start};

/// The provider credential the mock must see (never the caller's virtual key).
pub const CREDENTIAL: &str = "sk-upstream-test-credential-0123456789";
/// $1 per million input tokens, $2 per million output tokens: 1,000 / 2,000 nano-USD a token.
pub const INPUT_NANO_PER_TOKEN: i64 = 1_000;
pub const OUTPUT_NANO_PER_TOKEN: i64 = 2_000;
/// The mock model's name at the gateway and upstream (different, to see the rename).
pub const MODEL: &str = "mock-chat";
pub const UPSTREAM_MODEL: &str = "upstream-chat-v1";

/// A gateway with short backoffs (so retry tests stay fast), then `tweak`.
pub async fn spawn_with(tweak: impl FnOnce(&mut GatewayConfig)) -> TestGateway {
    start(fresh_db().await, tempfile::tempdir().unwrap(), |config| {
        config.upstream.backoff_base = Duration::from_millis(10);
        config.upstream.backoff_max = Duration::from_millis(40);
        config.upstream.first_byte_timeout = Duration::from_secs(5);
        config.upstream.idle_timeout = Duration::from_secs(5);
        tweak(config);
    })
    .await
}

pub struct NewProvider<'a> {
    pub kind: &'a str,
    pub trust_tier: &'a str,
    pub base_url: String,
    pub credential: Option<&'a str>,
}

impl TestGateway {
    /// Inserts a provider as is: no base URL check (tests of the connect-time checks rely on it).
    pub async fn provider(&self, p: NewProvider<'_>) -> Uuid {
        let id = Uuid::now_v7();
        let sealed = p.credential.map(|c| cipher().seal(ProviderId::from(id), &PlainCredential::new(c.to_owned()).unwrap()).unwrap());
        let key_id = cipher().key_id().to_owned();
        let name = format!("{}-{}", p.kind, &id.simple().to_string()[24..]);
        let new = providers::NewProvider {
            id,
            name: &name,
            kind: p.kind,
            base_url: &p.base_url,
            trust_tier: p.trust_tier,
            region: None,
            retention_days: Some(0),
            trains_on_data: false,
            zero_data_retention: true,
            credentials: sealed.as_deref().map(|s| (s, key_id.as_str())),
            enabled: true,
        };
        let mut conn = self.db.acquire().await.unwrap();
        providers::insert(&mut conn, &new).await.unwrap();
        id
    }

    /// A priced model on `provider` (model and price in one transaction, so the snapshot never
    /// sees it unpriced).
    pub async fn model(&self, provider: Uuid, name: &str, upstream_name: &str, mode: &str) {
        let mut tx = self.db.begin().await.unwrap();
        let id = Uuid::now_v7();
        let model = models::NewModel {
            id,
            provider_id: provider,
            name,
            upstream_name,
            capability_tier: "small",
            mode,
            context_window: Some(128_000),
            max_output_tokens: Some(1_000),
            enabled: true,
        };
        models::insert(&mut tx, &model).await.unwrap();
        let price = models::NewPrice {
            id: Uuid::now_v7(),
            model_id: id,
            effective_from: None,
            input_nano_per_mtok: INPUT_NANO_PER_TOKEN * 1_000_000,
            output_nano_per_mtok: OUTPUT_NANO_PER_TOKEN * 1_000_000,
            cached_input_nano_per_mtok: None,
            cache_write_nano_per_mtok: None,
        };
        models::insert_price(&mut tx, &price).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// `MODEL` (chat) and `mock-embed` on a local `openai_compatible` provider pointing at the
    /// mock, usable by `secret` once this returns.
    pub async fn mock_models(&self, mock: &MockUpstream, secret: &str) -> Uuid {
        let new = NewProvider { kind: "openai_compatible", trust_tier: "local", base_url: mock.base_url(), credential: Some(CREDENTIAL) };
        let provider = self.provider(new).await;
        self.model(provider, MODEL, UPSTREAM_MODEL, "chat").await;
        self.model(provider, "mock-embed", "upstream-embed-v1", "embedding").await;
        self.wait_for_models(secret, &[MODEL, "mock-embed"]).await;
        provider
    }

    /// Waits until the gateway's snapshot lists these models.
    pub async fn wait_for_models(&self, secret: &str, names: &[&str]) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let listed: Value = self.client.get(format!("{}/v1/models", self.base)).bearer_auth(secret).send().await.unwrap().json().await.unwrap();
            let ids: Vec<&str> = listed["data"].as_array().map(|d| d.iter().filter_map(|m| m["id"].as_str()).collect()).unwrap_or_default();
            if names.iter().all(|n| ids.contains(n)) {
                return;
            }
            assert!(Instant::now() < deadline, "the gateway did not pick up {names:?} within 5 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Cost of a request at the mock model's price.
pub fn cost(prompt: i64, completion: i64) -> i64 {
    prompt * INPUT_NANO_PER_TOKEN + completion * OUTPUT_NANO_PER_TOKEN
}

/// The whole body of a streamed response as text (a broken body ends the text).
pub async fn stream_text(res: reqwest::Response) -> String {
    use futures_util::StreamExt;
    let mut text = String::new();
    let mut stream = res.bytes_stream();
    while let Some(Ok(chunk)) = stream.next().await {
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    text
}
