//! Test harness: a fresh, migrated database per test and the real admin server on port 0.
//!
//! The PostgreSQL server comes from `TEST_DATABASE_URL` (any database on it; default
//! `postgres://postgres@127.0.0.1:5432/postgres`). Each test creates `sluice_test_<uuid>`; the
//! test script drops them afterwards.

use std::net::TcpListener;
use std::time::Duration;

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use sluice_admin::auth::throttle::ThrottleLimits;
use sluice_admin::{AdminConfig, Application};
use sluice_domain::credentials::CredentialCipher;
use sluice_domain::virtual_key::VirtualKeySecret;
use sluice_store::{Db, db, keys, memberships, migrate, models, providers, teams, users};
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub address: String,
    pub db: Db,
    #[allow(dead_code)]
    pub database_url: String,
    pub client: reqwest::Client,
}

pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub fn test_config() -> AdminConfig {
    let mut config = AdminConfig::new(vec![9u8; 32], CredentialCipher::new("test", &[3u8; 32]).unwrap());
    config.resolve_provider_hosts = false;
    config.login_throttle = ThrottleLimits { per_account: 5, per_address: 50, window: Duration::from_secs(60) };
    config
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_config()).await
}

pub async fn spawn_app_with(config: AdminConfig) -> TestApp {
    let name = format!("sluice_test_{}", Uuid::new_v4().simple());
    let server = server_url();
    db::ensure_database(&server, &name).await.expect("create the test database");
    let database_url = db::with_database(&server, &name).unwrap();
    let db = Db::connect(&database_url, 5).await.expect("connect to the test database");
    migrate::run(&db).await.expect("migrate");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let app = Application::build(config, db.clone(), listener).unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, db, database_url, client }
}

/// A logged-in console user.
#[derive(Clone)]
pub struct Session {
    pub user_id: Uuid,
    #[allow(dead_code)]
    pub email: String,
    pub token: String,
}

impl TestApp {
    /// Creates a user straight in the store (with the standard test password).
    pub async fn create_user(&self, email: &str, platform_admin: bool) -> Uuid {
        // Hashing once per test binary keeps the suite fast; every account gets its own salt in
        // production, which the login path does not depend on.
        static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        let hash = HASH.get_or_init(|| async { sluice_admin::auth::password::hash(PASSWORD.to_owned()).await.unwrap() }).await;
        let mut conn = self.db.acquire().await.unwrap();
        let user = users::NewUser { id: Uuid::now_v7(), email, display_name: email, password_hash: Some(hash), is_platform_admin: platform_admin };
        users::insert(&mut conn, &user).await.unwrap().id
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.client.post(format!("{}/api/v1/auth/login", self.address)).json(&json!({"email": email, "password": password})).send().await.unwrap()
    }

    pub async fn session_for(&self, email: &str, platform_admin: bool) -> Session {
        let user_id = self.create_user(email, platform_admin).await;
        let body: Value = self.login(email, PASSWORD).await.json().await.unwrap();
        let token = body["access_token"].as_str().expect("login returns an access token").to_owned();
        Session { user_id, email: email.to_owned(), token }
    }

    pub async fn platform_admin(&self) -> Session {
        self.session_for("root@sluice.test", true).await
    }

    pub async fn request(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        let mut req = self.client.request(method, format!("{}{}", self.address, path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, s: &Session) -> Response {
        self.request(Method::GET, path, Some(&s.token), None).await
    }

    pub async fn post(&self, path: &str, s: &Session, body: Value) -> Response {
        self.request(Method::POST, path, Some(&s.token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, s: &Session, body: Value) -> Response {
        self.request(Method::PATCH, path, Some(&s.token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, s: &Session) -> Response {
        self.request(Method::DELETE, path, Some(&s.token), None).await
    }

    /// POSTs, asserts the status, returns the JSON body.
    pub async fn post_ok(&self, path: &str, s: &Session, body: Value, expected: StatusCode) -> Value {
        let res = self.post(path, s, body).await;
        expect_status(res, expected).await
    }

    pub async fn get_ok(&self, path: &str, s: &Session) -> Value {
        expect_status(self.get(path, s).await, StatusCode::OK).await
    }

    /// Creates an org as `admin` and returns its id.
    pub async fn create_org(&self, admin: &Session, name: &str) -> Uuid {
        let org = self.post_ok("/api/v1/orgs", admin, json!({"name": name}), StatusCode::CREATED).await;
        id_of(&org)
    }

    /// Creates a user who is a member of `org` with `role`, logged in.
    pub async fn org_member(&self, admin: &Session, org: Uuid, email: &str, role: &str) -> Session {
        let session = self.session_for(email, false).await;
        let mut conn = self.db.acquire().await.unwrap();
        sluice_store::memberships::add_org_member(&mut conn, org, session.user_id, role).await.unwrap();
        let _ = admin;
        session
    }

    /// Creates a user who belongs only to `team` (no org role), logged in.
    pub async fn team_member(&self, team: Uuid, email: &str, role: &str) -> Session {
        let session = self.session_for(email, false).await;
        let mut conn = self.db.acquire().await.unwrap();
        memberships::add_team_member(&mut conn, team, session.user_id, role).await.unwrap();
        session
    }

    /// Creates a team straight in the store, so these tests do not depend on the teams endpoints.
    pub async fn create_team(&self, org: Uuid, slug: &str) -> Uuid {
        let mut conn = self.db.acquire().await.unwrap();
        teams::insert(&mut conn, Uuid::now_v7(), org, slug, slug).await.unwrap().id
    }

    /// Creates a virtual key in `team` straight in the store.
    pub async fn create_key(&self, org: Uuid, team: Uuid, name: &str) -> Uuid {
        let secret = VirtualKeySecret::generate().unwrap();
        let metadata = json!({});
        let key = keys::NewKey {
            id: Uuid::now_v7(),
            org_id: org,
            team_id: team,
            user_id: None,
            name,
            allowed_models: &[],
            allowed_endpoints: &[],
            metadata: &metadata,
            expires_at: None,
            created_by: None,
        };
        let (prefix, last4) = (secret.display_prefix(), secret.last4());
        let new_secret = keys::NewSecret { id: Uuid::now_v7(), hash: &secret.hash().0, display_prefix: &prefix, last4: &last4 };
        let mut conn = self.db.acquire().await.unwrap();
        keys::insert(&mut conn, &key, &new_secret).await.unwrap().id
    }

    /// Registers a chat model served by a provider of the given trust tier (`local`, `private`).
    pub async fn model_with_trust(&self, model: &str, trust_tier: &str) {
        let mut conn = self.db.acquire().await.unwrap();
        let provider_name = format!("{trust_tier}-{model}");
        let provider = providers::NewProvider {
            id: Uuid::now_v7(),
            name: &provider_name,
            kind: "openai_compatible",
            base_url: "http://127.0.0.1:8000/v1",
            trust_tier,
            region: None,
            retention_days: None,
            trains_on_data: false,
            zero_data_retention: true,
            credentials: None,
            enabled: true,
        };
        let provider = providers::insert(&mut conn, &provider).await.unwrap();
        let new_model = models::NewModel {
            id: Uuid::now_v7(),
            provider_id: provider.id,
            name: model,
            upstream_name: model,
            capability_tier: "small",
            mode: "chat",
            context_window: None,
            max_output_tokens: None,
            enabled: true,
        };
        models::insert(&mut conn, &new_model).await.unwrap();
    }

    /// The org's audit entries, oldest first: (action, target id, details).
    pub async fn audit_entries(&self, org: Uuid) -> Vec<(String, Option<Uuid>, Value)> {
        let mut conn = self.db.acquire().await.unwrap();
        let rows = sluice_store::audit::list(&mut conn, Some(org), &Default::default(), None, 200).await.unwrap();
        rows.into_iter().rev().map(|r| (r.action, r.target_id, r.details)).collect()
    }
}

/// The `field` of every problem in a validation error body.
pub fn error_fields(body: &Value) -> Vec<String> {
    body["error"]["fields"].as_array().map(|a| a.iter().filter_map(|f| f["field"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

pub async fn expect_status(res: Response, expected: StatusCode) -> Value {
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, expected, "unexpected status; body: {text}");
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) }
}

pub fn id_of(v: &Value) -> Uuid {
    v["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no id in {v}"))
}
