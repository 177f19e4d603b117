//! Seeding: orgs, budgets, ledger spend, webhook endpoints and alerts.

use chrono::{DateTime, Utc};
use sluice_domain::credentials::{CredentialCipher, PlainCredential};
use sluice_store::alerts::{self, AlertRow};
use sluice_store::budgets::{self, NewBudget, ZonedBudget};
use sluice_store::ledger::{self, LedgerRow};
use sluice_store::webhooks::{self, NewEndpoint};
use sluice_store::{Db, migrate, orgs};
use uuid::Uuid;

pub async fn db() -> Db {
    let db = Db::connect(&sluice_testkit::fresh_database().await, 8).await.unwrap();
    migrate::run(&db).await.unwrap();
    db
}

pub async fn org(db: &Db, slug: &str) -> Uuid {
    let mut conn = db.acquire().await.unwrap();
    let new = orgs::NewOrg { id: Uuid::now_v7(), name: slug, slug, time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false };
    orgs::insert(&mut conn, &new).await.unwrap().id
}

pub fn usd(s: &str) -> i64 {
    s.parse::<sluice_domain::Money>().unwrap().nanos()
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// An org-level budget.
pub async fn budget(db: &Db, org: Uuid, amount: &str, period: &str) -> ZonedBudget {
    let mut conn = db.acquire().await.unwrap();
    let new = NewBudget {
        id: Uuid::now_v7(),
        org_id: org,
        team_id: None,
        key_id: None,
        amount_nano: usd(amount),
        period,
        hard: true,
        alert_thresholds: &[],
        on_exhaustion: "block",
    };
    let budget = budgets::insert(&mut conn, &new).await.unwrap();
    ZonedBudget { budget, time_zone: "UTC".into() }
}

/// One ledger row of `org` costing `amount` at `when`.
pub async fn spend(db: &Db, org: Uuid, when: &str, amount: &str) {
    let mut conn = db.acquire().await.unwrap();
    let row = LedgerRow { cost_nano: usd(amount), ..sluice_testkit::ledger_row(org, Uuid::now_v7(), "gpt-4o", at(when)) };
    ledger::insert_batch(&mut conn, &[row]).await.unwrap();
}

pub fn cipher() -> CredentialCipher {
    CredentialCipher::new("test", &[5u8; 32]).unwrap()
}

/// A webhook endpoint of `org` at `url`, sealed like the admin API does; returns (id, secret).
pub async fn endpoint(db: &Db, org: Uuid, url: &str) -> (Uuid, String) {
    let secret = sluice_alerts::sign::new_secret().unwrap();
    let id = Uuid::now_v7();
    let sealed = cipher().seal_bound(id, &PlainCredential::new(secret.clone()).unwrap()).unwrap();
    let mut conn = db.acquire().await.unwrap();
    let new = NewEndpoint { id, org_id: org, url, description: "", secret_sealed: &sealed, secret_key_id: "test", created_by: None };
    webhooks::insert_endpoint(&mut conn, &new).await.unwrap();
    (id, secret)
}

/// Raises a threshold alert on a budget (as the gateway does); its deliveries are queued by the
/// database. Returns the alert id.
pub async fn raise(db: &Db, org: Uuid, budget: Uuid, threshold: i16) -> Uuid {
    let alert = AlertRow {
        id: Uuid::now_v7(),
        org_id: org,
        budget_id: budget,
        period: "m2026-11".into(),
        kind: "threshold".into(),
        threshold_percent: Some(threshold),
        spent_nano: usd("80"),
        amount_nano: usd("100"),
        details: serde_json::json!({"hard": true}),
        occurred_at: Utc::now(),
        delivered_at: None,
    };
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(alerts::insert_batch(&mut conn, std::slice::from_ref(&alert)).await.unwrap(), 1);
    alert.id
}

/// (attempts, last_status, last_error, delivered, failed, pending) of every delivery of an alert.
pub async fn delivery_state(db: &Db, alert: Uuid) -> Vec<(i32, Option<i16>, Option<String>, bool, bool, bool)> {
    let mut conn = db.acquire().await.unwrap();
    sqlx::query_as::<_, (i32, Option<i16>, Option<String>, bool, bool, bool)>(
        "select attempts, last_status, last_error, delivered_at is not null, failed_at is not null, next_attempt_at is not null
         from webhook_deliveries where alert_id = $1 order by id",
    )
    .bind(alert)
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}
