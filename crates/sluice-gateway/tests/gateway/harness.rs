//! A gateway on port 0 over a fresh, migrated database, with helpers to create tenants, keys,
//! budgets and limits straight through the store (the admin API is tested elsewhere).

use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sluice_domain::credentials::CredentialCipher;
use sluice_domain::virtual_key::VirtualKeySecret;
use sluice_gateway::{Gateway, GatewayConfig, QuotaSource};
use sluice_store::{Db, db, keys, ledger, migrate, orgs, teams};
use uuid::Uuid;

pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub async fn fresh_db() -> Db {
    let name = format!("sluice_test_{}", Uuid::new_v4().simple());
    db::ensure_database(&server_url(), &name).await.unwrap();
    let db = Db::connect(&db::with_database(&server_url(), &name).unwrap(), 5).await.unwrap();
    migrate::run(&db).await.unwrap();
    db
}

pub fn cipher() -> CredentialCipher {
    CredentialCipher::new("test", &[3u8; 32]).unwrap()
}

pub struct TestGateway {
    pub base: String,
    pub db: Db,
    pub client: reqwest::Client,
    pub outbox: tempfile::TempDir,
    pub handle: actix_web::dev::ServerHandle,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub fn config(outbox: &std::path::Path) -> GatewayConfig {
    let mut config = GatewayConfig::new(outbox.to_owned(), "test".to_owned());
    config.snapshot_full_reload = Duration::from_secs(2);
    config.drain_deadline = Duration::from_secs(2);
    config
}

pub async fn start(db: Db, outbox: tempfile::TempDir, tweak: impl FnOnce(&mut GatewayConfig)) -> TestGateway {
    start_with_quota(db, outbox, QuotaSource::local(), tweak).await
}

pub async fn start_with_quota(db: Db, outbox: tempfile::TempDir, quota: QuotaSource, tweak: impl FnOnce(&mut GatewayConfig)) -> TestGateway {
    let mut config = config(outbox.path());
    tweak(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let gateway = Gateway::build(config, db.clone(), cipher(), quota, listener).await.unwrap();
    let base = format!("http://127.0.0.1:{}", gateway.port());
    let handle = gateway.handle();
    let task = tokio::spawn(gateway.run_until_stopped());
    TestGateway { base, db, client: reqwest::Client::new(), outbox, handle, task }
}

pub async fn spawn() -> TestGateway {
    start(fresh_db().await, tempfile::tempdir().unwrap(), |_| {}).await
}

/// An org with one team and one key; returns the secret.
pub struct Tenant {
    pub org: Uuid,
    pub team: Uuid,
    pub key: Uuid,
    pub secret: String,
}

impl TestGateway {
    pub async fn tenant(&self) -> Tenant {
        let mut conn = self.db.acquire().await.unwrap();
        let slug = format!("org-{}", &Uuid::new_v4().simple().to_string()[..8]);
        let org = orgs::insert(&mut conn, &orgs::NewOrg { id: Uuid::now_v7(), name: &slug, slug: &slug, time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false }).await.unwrap().id;
        let team = teams::insert(&mut conn, Uuid::now_v7(), org, "core", "core").await.unwrap().id;
        let (key, secret) = self.key_in(org, team, &[]).await;
        Tenant { org, team, key, secret }
    }

    pub async fn key_in(&self, org: Uuid, team: Uuid, allowed_models: &[String]) -> (Uuid, String) {
        self.scoped_key(org, team, allowed_models, &[]).await
    }

    /// A key limited to some models and endpoints (empty = all).
    pub async fn scoped_key(&self, org: Uuid, team: Uuid, allowed_models: &[String], allowed_endpoints: &[String]) -> (Uuid, String) {
        let mut conn = self.db.acquire().await.unwrap();
        let secret = VirtualKeySecret::generate().unwrap();
        let metadata = json!({});
        let new = keys::NewKey {
            id: Uuid::now_v7(),
            org_id: org,
            team_id: team,
            user_id: None,
            name: "test",
            allowed_models,
            allowed_endpoints,
            metadata: &metadata,
            expires_at: None,
            created_by: None,
        };
        let (prefix, last4) = (secret.display_prefix(), secret.last4());
        let s = keys::NewSecret { id: Uuid::now_v7(), hash: &secret.hash().0, display_prefix: &prefix, last4: &last4 };
        let key = keys::insert(&mut conn, &new, &s).await.unwrap().id;
        self.wait_for_key(secret.expose()).await;
        (key, secret.expose().to_owned())
    }

    /// Waits until the gateway accepts a key created a moment ago (its snapshot reloads on the
    /// change notification). A key without the models endpoint answers 403 once it is known.
    pub async fn wait_for_key(&self, secret: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let res = self.client.get(format!("{}/v1/models", self.base)).bearer_auth(secret).send().await.unwrap();
            if res.status().is_success() || res.status() == reqwest::StatusCode::FORBIDDEN {
                return;
            }
            assert!(Instant::now() < deadline, "the gateway did not pick up a new key within 5 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until the gateway's snapshot has picked up a configuration change.
    pub async fn settle_config(&self) {
        tokio::time::sleep(Duration::from_millis(600)).await;
    }

    /// `POST /v1/messages` the way the Anthropic SDK sends it (x-api-key and version header).
    pub async fn messages(&self, secret: &str, body: Value) -> reqwest::Response {
        let url = format!("{}/v1/messages", self.base);
        self.client.post(url).header("x-api-key", secret).header("anthropic-version", "2023-06-01").json(&body).send().await.unwrap()
    }

    pub async fn chat(&self, secret: &str, body: Value) -> reqwest::Response {
        self.client.post(format!("{}/v1/chat/completions", self.base)).bearer_auth(secret).json(&body).send().await.unwrap()
    }

    /// The key's ledger rows once `expected` of them have arrived (or after 10 s).
    pub async fn ledger_rows(&self, key: Uuid, expected: usize) -> Vec<ledger::LedgerRow> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut conn = self.db.acquire().await.unwrap();
            let rows = ledger::rows_of_key(&mut conn, key).await.unwrap();
            if rows.len() >= expected || Instant::now() > deadline {
                return rows;
            }
            drop(conn);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn stop(self) -> (Db, tempfile::TempDir) {
        self.handle.stop(true).await;
        let _ = self.task.await;
        (self.db, self.outbox)
    }
}

pub fn messages_body(model: &str, text: &str) -> Value {
    json!({"model": model, "max_tokens": 256, "messages": [{"role": "user", "content": text}]})
}

pub fn chat_body(model: &str, text: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": text}]})
}

/// The value of one series (`name{labels}` exactly as exposed) in a `/metrics` scrape, 0 if absent.
pub async fn metric(gw: &TestGateway, series: &str) -> f64 {
    let text = gw.client.get(format!("{}/metrics", gw.base)).send().await.unwrap().text().await.unwrap();
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' '))).map_or(0.0, |v| v.trim().parse().unwrap())
}
