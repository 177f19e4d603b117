//! Bulk reads for the gateway's in-memory snapshot: everything a request needs, loaded in one
//! pass so the request path never touches the database.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, StoreError};

/// One accepted secret of a live key (not revoked, not expired, org not archived).
#[derive(Debug, Clone)]
pub struct KeySecretRow {
    pub secret_hash: Vec<u8>,
    pub secret_expires_at: Option<DateTime<Utc>>,
    pub key_id: Uuid,
    pub org_id: Uuid,
    pub team_id: Uuid,
    pub user_id: Option<Uuid>,
    pub name: String,
    pub allowed_models: Vec<String>,
    pub allowed_endpoints: Vec<String>,
    pub key_expires_at: Option<DateTime<Utc>>,
}

pub async fn key_secrets(conn: &mut Conn) -> Result<Vec<KeySecretRow>, StoreError> {
    let rows = sqlx::query_as!(
        KeySecretRow,
        r#"select s.secret_hash, s.expires_at as secret_expires_at, k.id as key_id, k.org_id, k.team_id, k.user_id, k.name,
                  k.allowed_models, k.allowed_endpoints, k.expires_at as key_expires_at
           from virtual_key_secrets s
           join virtual_keys k on k.id = s.key_id
           join organizations o on o.id = k.org_id
           where s.revoked_at is null and (s.expires_at is null or s.expires_at > now())
             and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())
             and o.archived_at is null"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

#[derive(Debug, Clone)]
pub struct OrgRow {
    pub id: Uuid,
    pub time_zone: String,
    pub quota_failure_mode: String,
    pub prompt_logging: bool,
}

pub async fn orgs(conn: &mut Conn) -> Result<Vec<OrgRow>, StoreError> {
    let rows = sqlx::query_as!(
        OrgRow,
        r#"select id, time_zone, quota_failure_mode::text as "quota_failure_mode!", prompt_logging from organizations where archived_at is null"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

pub async fn budgets(conn: &mut Conn) -> Result<Vec<crate::budgets::BudgetRow>, StoreError> {
    let rows = sqlx::query_as!(
        crate::budgets::BudgetRow,
        r#"select id, org_id, team_id, key_id, amount_nano, period::text as "period!", hard, alert_thresholds,
                  on_exhaustion::text as "on_exhaustion!", created_at, updated_at
           from budgets"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

pub async fn rate_limits(conn: &mut Conn) -> Result<Vec<crate::rate_limits::RateLimitRow>, StoreError> {
    let rows = sqlx::query_as!(
        crate::rate_limits::RateLimitRow,
        "select id, org_id, team_id, key_id, rpm, tpm, max_parallel, created_at, updated_at from rate_limits"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

pub async fn policies(conn: &mut Conn) -> Result<Vec<crate::policies::PolicyRow>, StoreError> {
    let rows = sqlx::query_as!(
        crate::policies::PolicyRow,
        "select id, org_id, team_id, key_id, document, revision, created_at, updated_at from routing_policies"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// An enabled provider with its sealed credential (the gateway opens it with the configured key).
#[derive(Debug, Clone)]
pub struct ProviderRow {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub base_url: String,
    pub trust_tier: String,
    pub region: Option<String>,
    pub retention_days: Option<i32>,
    pub trains_on_data: bool,
    pub zero_data_retention: bool,
    pub credentials_ciphertext: Option<Vec<u8>>,
    pub credentials_key_id: Option<String>,
}

pub async fn providers(conn: &mut Conn) -> Result<Vec<ProviderRow>, StoreError> {
    let rows = sqlx::query_as!(
        ProviderRow,
        r#"select id, name, kind::text as "kind!", base_url, trust_tier::text as "trust_tier!", region, retention_days,
                  trains_on_data, zero_data_retention, credentials_ciphertext, credentials_key_id
           from providers where enabled"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// An enabled model of an enabled provider with the price in force now (if any).
#[derive(Debug, Clone)]
pub struct ModelRow {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub name: String,
    pub upstream_name: String,
    pub capability_tier: String,
    pub mode: String,
    pub context_window: Option<i32>,
    pub max_output_tokens: Option<i32>,
    pub input_nano_per_mtok: Option<i64>,
    pub output_nano_per_mtok: Option<i64>,
    pub cached_input_nano_per_mtok: Option<i64>,
    pub cache_write_nano_per_mtok: Option<i64>,
}

pub async fn models(conn: &mut Conn) -> Result<Vec<ModelRow>, StoreError> {
    let rows = sqlx::query_as!(
        ModelRow,
        r#"select m.id, m.provider_id, m.name, m.upstream_name, m.capability_tier::text as "capability_tier!",
                  m.mode::text as "mode!", m.context_window, m.max_output_tokens,
                  pr.input_nano_per_mtok as "input_nano_per_mtok?", pr.output_nano_per_mtok as "output_nano_per_mtok?",
                  pr.cached_input_nano_per_mtok as "cached_input_nano_per_mtok?",
                  pr.cache_write_nano_per_mtok as "cache_write_nano_per_mtok?"
           from models m join providers p on p.id = m.provider_id and p.enabled
           left join lateral (select * from model_prices x where x.model_id = m.id and x.effective_from <= now()
                              order by x.effective_from desc limit 1) pr on true
           where m.enabled"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// An org's negotiated price in force now for one model (the newest version that has started).
#[derive(Debug, Clone)]
pub struct OrgPriceRow {
    pub org_id: Uuid,
    pub model_id: Uuid,
    pub input_nano_per_mtok: i64,
    pub output_nano_per_mtok: i64,
    pub cached_input_nano_per_mtok: Option<i64>,
    pub cache_write_nano_per_mtok: Option<i64>,
}

pub async fn org_prices(conn: &mut Conn) -> Result<Vec<OrgPriceRow>, StoreError> {
    let rows = sqlx::query_as!(
        OrgPriceRow,
        r#"select distinct on (org_id, model_id) org_id, model_id, input_nano_per_mtok, output_nano_per_mtok,
                  cached_input_nano_per_mtok, cache_write_nano_per_mtok
           from org_model_prices where effective_from <= now()
           order by org_id, model_id, effective_from desc"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// The configuration as of one instant: the whole snapshot is read in one repeatable-read
/// transaction, so a key and its budgets can never come from two different moments.
pub async fn begin_consistent_read(db: &crate::Db) -> Result<crate::Tx, StoreError> {
    let mut tx = db.begin().await?;
    sqlx::query!("set transaction isolation level repeatable read, read only").execute(&mut *tx).await?;
    Ok(tx)
}
