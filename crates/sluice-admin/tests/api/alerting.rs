//! Forecasts, alerts of every kind, webhook endpoints and counter drift over HTTP: the numbers
//! from seeded ledger rows, the secret shown once and never again (not in lists, audit rows or
//! the database in the clear), SSRF refusals, a real Redis for drift, and tenant isolation.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_domain::Money;
use sluice_domain::ids::{BudgetId, OrgId};
use sluice_quota::redis_store::{RedisQuota, RedisQuotaConfig};
use sluice_quota::{BudgetCheck, Level, QuotaStore};
use sluice_store::ledger::{self, LedgerRow};
use sluice_testkit::PrivateRedis;
use uuid::Uuid;

use crate::helpers::*;

struct Setup {
    app: TestApp,
    root: Session,
    org: Uuid,
    other_org: Uuid,
    admin: Session,
    viewer: Session,
    outsider: Session,
    budget: Uuid,
}

async fn setup_with(config: sluice_admin::AdminConfig) -> Setup {
    let app = spawn_app_with(config).await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let other_org = app.create_org(&root, "Globex").await;
    let admin = app.org_member(&root, org, "admin@acme.test", "admin").await;
    let viewer = app.org_member(&root, org, "viewer@acme.test", "viewer").await;
    let outsider = app.org_member(&root, other_org, "admin@globex.test", "admin").await;
    let budget = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/budgets"), &admin, json!({"amount_usd": "100", "period": "total"}), StatusCode::CREATED).await);
    Setup { app, root, org, other_org, admin, viewer, outsider, budget }
}

async fn setup() -> Setup {
    setup_with(test_config()).await
}

async fn spend(app: &TestApp, org: Uuid, ago: TimeDelta, usd: &str) {
    let mut conn = app.db.acquire().await.unwrap();
    let cost: Money = usd.parse().unwrap();
    let row = LedgerRow { cost_nano: cost.nanos(), ..sluice_testkit::ledger_row(org, Uuid::now_v7(), "gpt-4o", Utc::now() - ago) };
    ledger::insert_batch(&mut conn, &[row]).await.unwrap();
}

#[tokio::test]
async fn forecast_of_one_budget_and_the_burn_rate_report() {
    let s = setup().await;
    // 24 USD over the trailing day (1 USD an hour) and 40 USD earlier: 64 of 100 spent.
    spend(&s.app, s.org, TimeDelta::days(3), "40").await;
    spend(&s.app, s.org, TimeDelta::hours(12), "24").await;
    spend(&s.app, s.other_org, TimeDelta::hours(1), "500").await;
    let f = s.app.get_ok(&format!("/api/v1/orgs/{}/budgets/{}/forecast", s.org, s.budget), &s.viewer).await;
    assert_eq!(f["budget_id"], s.budget.to_string());
    assert_eq!((f["scope"].as_str(), f["scope_id"].as_str()), (Some("org"), Some(s.org.to_string().as_str())));
    assert_eq!((f["period"].as_str(), f["period_start"].clone(), f["period_end"].clone()), (Some("total"), Value::Null, Value::Null));
    assert_eq!((f["amount_usd"].as_str(), f["spent_usd"].as_str()), (Some("100.00"), Some("64.00")));
    assert_eq!(f["velocity_usd_per_hour"], "1.00");
    assert_eq!(f["projected_spend_usd"], Value::Null);
    assert_eq!(f["exhausts_before_period_end"], true);
    // 36 USD left at 1 USD an hour: 36 hours from now.
    let at: chrono::DateTime<Utc> = f["projected_exhaustion_at"].as_str().unwrap().parse().unwrap();
    let hours = (at - Utc::now()).num_minutes() as f64 / 60.0;
    assert!((35.9..=36.0).contains(&hours), "{hours}");

    // A monthly budget on a team too; the report lists both, in id order.
    let team = s.app.create_team(s.org, "core").await;
    let monthly = id_of(
        &s.app.post_ok(&format!("/api/v1/orgs/{}/budgets", s.org), &s.admin, json!({"team_id": team, "amount_usd": "10", "period": "monthly"}), StatusCode::CREATED).await,
    );
    let report = s.app.get_ok(&format!("/api/v1/orgs/{}/reports/burn-rate", s.org), &s.viewer).await;
    assert_eq!(report["trailing_window_hours"], 24);
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.iter().map(|i| i["budget_id"].as_str().unwrap().to_owned()).collect::<Vec<_>>(), vec![s.budget.to_string(), monthly.to_string()]);
    assert_eq!((items[1]["scope"].as_str(), items[1]["scope_id"].as_str()), (Some("team"), Some(team.to_string().as_str())));
    assert_eq!((items[1]["spent_usd"].as_str(), items[1]["velocity_usd_per_hour"].as_str()), (Some("0.00"), Some("0.00")));
    assert_eq!((items[1]["projected_exhaustion_at"].clone(), items[1]["exhausts_before_period_end"].clone()), (Value::Null, json!(false)));
    assert!(items[1]["period_end"].is_string() && items[1]["projected_spend_usd"] == "0.00");

    // Another org's ids are 404, whoever asks.
    for path in [format!("/api/v1/orgs/{}/budgets/{}/forecast", s.org, s.budget), format!("/api/v1/orgs/{}/reports/burn-rate", s.org)] {
        assert_eq!(s.app.get(&path, &s.outsider).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let cross = format!("/api/v1/orgs/{}/budgets/{}/forecast", s.other_org, s.budget);
    assert_eq!(s.app.get(&cross, &s.root).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn alerts_of_every_kind_are_listed_with_kind_and_details() {
    let s = setup().await;
    let mut conn = s.app.db.acquire().await.unwrap();
    let alert = |kind: &str, threshold: Option<i16>, details: Value| sluice_store::alerts::AlertRow {
        id: Uuid::now_v7(),
        org_id: s.org,
        budget_id: s.budget,
        period: "total".into(),
        kind: kind.into(),
        threshold_percent: threshold,
        spent_nano: 80_000_000_000,
        amount_nano: 100_000_000_000,
        details,
        occurred_at: Utc::now(),
        delivered_at: None,
    };
    let rows = [alert("threshold", Some(80), json!({"hard": true})), alert("spend_anomaly", None, json!({"last_hour_usd": "12.00"}))];
    sluice_store::alerts::insert_batch(&mut conn, &rows).await.unwrap();
    let list = s.app.get_ok(&format!("/api/v1/orgs/{}/alerts", s.org), &s.viewer).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!((items[0]["kind"].as_str(), items[0]["threshold_percent"].clone()), (Some("spend_anomaly"), Value::Null));
    assert_eq!(items[0]["details"]["last_hour_usd"], "12.00");
    assert_eq!((items[1]["kind"].as_str(), items[1]["threshold_percent"].as_i64(), items[1]["spent_usd"].as_str()), (Some("threshold"), Some(80), Some("80.00")));
    let only = s.app.get_ok(&format!("/api/v1/orgs/{}/alerts?kind=threshold", s.org), &s.viewer).await;
    assert_eq!(only["items"].as_array().unwrap().len(), 1);
    assert_eq!(s.app.get(&format!("/api/v1/orgs/{}/alerts", s.org), &s.outsider).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn webhook_secrets_are_shown_once_and_stored_sealed() {
    let s = setup().await;
    let path = format!("/api/v1/orgs/{}/webhooks", s.org);
    let created = s.app.post_ok(&path, &s.admin, json!({"url": "https://hooks.example.com/sluice", "description": "ops"}), StatusCode::CREATED).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() == 70, "{secret}");
    let id = id_of(&created);
    let list = s.app.get_ok(&path, &s.admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["url"], "https://hooks.example.com/sluice");
    assert!(!list.to_string().contains(&secret[6..]) && list["items"][0].get("secret").is_none());
    // The database holds it sealed (bound to the endpoint), the audit log not at all.
    let mut conn = s.app.db.acquire().await.unwrap();
    let sealed: Vec<u8> = sqlx::query_scalar("select secret_sealed from webhook_endpoints where id = $1").bind(id).fetch_one(&mut *conn).await.unwrap();
    assert!(!sealed.windows(16).any(|w| w == &secret.as_bytes()[6..22]));
    let opened = test_config().credential_cipher.open_bound(id, &sealed).unwrap();
    assert_eq!(opened.expose(), secret);
    let audit = s.app.audit_entries(s.org).await;
    assert!(audit.iter().any(|(action, target, _)| action == "webhook.create" && *target == Some(id)));
    assert!(!format!("{audit:?}").contains(&secret[6..]));

    // Viewers may not manage or read endpoints; other orgs do not see them.
    assert_eq!(s.app.get(&path, &s.viewer).await.status(), StatusCode::FORBIDDEN);
    let foreign = format!("/api/v1/orgs/{}/webhooks/{id}", s.other_org);
    assert_eq!(s.app.delete(&foreign, &s.outsider).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.app.get(&format!("/api/v1/orgs/{}/webhooks/{id}/deliveries", s.other_org), &s.outsider).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.app.delete(&format!("{path}/{id}"), &s.outsider).await.status(), StatusCode::NOT_FOUND);

    let deliveries = s.app.get_ok(&format!("{path}/{id}/deliveries"), &s.admin).await;
    assert_eq!(deliveries["items"], json!([]));
    assert_eq!(s.app.delete(&format!("{path}/{id}"), &s.admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.app.delete(&format!("{path}/{id}"), &s.admin).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.app.get_ok(&path, &s.admin).await["items"], json!([]));
    let audit = s.app.audit_entries(s.org).await;
    assert!(audit.iter().any(|(action, target, _)| action == "webhook.delete" && *target == Some(id)));
}

#[tokio::test]
async fn webhook_urls_follow_the_provider_ssrf_rules() {
    let s = setup().await;
    let path = format!("/api/v1/orgs/{}/webhooks", s.org);
    for bad in ["http://hooks.example.com/x", "https://127.0.0.1:9000/x", "https://10.0.0.8/x", "https://169.254.169.254/latest", "https://localhost/x", "not a url"] {
        let res = s.app.post(&path, &s.admin, json!({"url": bad})).await;
        let body = expect_status(res, StatusCode::BAD_REQUEST).await;
        assert_eq!(error_fields(&body), vec!["url"], "{bad}: {body}");
        assert!(!body.to_string().contains("trust_tier"), "{body}");
    }
    let res = s.app.post(&path, &s.admin, json!({"url": "https://hooks.example.com/x", "secret": "mine"})).await;
    expect_status(res, StatusCode::BAD_REQUEST).await;

    // Where the operator allows private targets, loopback is fine; metadata never is.
    let mut config = test_config();
    config.webhook_targets = sluice_domain::provider::TrustTier::Local;
    let local = setup_with(config).await;
    let path = format!("/api/v1/orgs/{}/webhooks", local.org);
    local.app.post_ok(&path, &local.admin, json!({"url": "http://127.0.0.1:9000/hook"}), StatusCode::CREATED).await;
    let res = local.app.post(&path, &local.admin, json!({"url": "http://169.254.169.254/latest"})).await;
    expect_status(res, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn counter_drift_compares_redis_with_the_ledger() {
    let redis = PrivateRedis::start();
    let quota = RedisQuota::open(&redis.url(), RedisQuotaConfig { timeout: std::time::Duration::from_secs(2), ..RedisQuotaConfig::default() }).unwrap();
    let quota = Arc::new(quota);
    let mut config = test_config();
    config.quota = Some(quota.clone());
    let s = setup_with(config).await;
    spend(&s.app, s.org, TimeDelta::minutes(5), "2.5").await;
    let check = BudgetCheck { level: Level::Org, budget_id: BudgetId::from_uuid(s.budget), period: "total".into(), amount: "100".parse().unwrap(), hard: true, period_end: None };
    quota.restore_spent(OrgId::from_uuid(s.org), &check, "2.499999999".parse().unwrap()).await.unwrap();
    let report = s.app.get_ok(&format!("/api/v1/orgs/{}/billing/counter-drift", s.org), &s.viewer).await;
    assert_eq!((report["store"].as_str(), report["tolerance_usd"].as_str()), (Some("redis"), Some("0.01")));
    let item = &report["items"][0];
    assert_eq!((item["budget_id"].as_str(), item["period"].as_str()), (Some(s.budget.to_string().as_str()), Some("total")));
    assert_eq!((item["counter_usd"].as_str(), item["ledger_usd"].as_str(), item["difference_usd"].as_str()), (Some("2.499999999"), Some("2.50"), Some("-0.000000001")));
    assert_eq!(item["exceeds_tolerance"], false);
    assert_eq!(s.app.get(&format!("/api/v1/orgs/{}/billing/counter-drift", s.org), &s.outsider).await.status(), StatusCode::NOT_FOUND);

    // Without a shared store there is nothing to compare, and the report says so.
    let plain = setup().await;
    let report = plain.app.get_ok(&format!("/api/v1/orgs/{}/billing/counter-drift", plain.org), &plain.viewer).await;
    assert_eq!((report["store"].as_str(), report["items"].clone()), (Some("in_process"), json!([])));
}
