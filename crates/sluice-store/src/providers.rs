//! Upstream providers. Rows never carry the credential ciphertext except through
//! `sealed_credentials`, which only the gateway's snapshot loader calls.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

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
    pub has_credentials: bool,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewProvider<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub kind: &'a str,
    pub base_url: &'a str,
    pub trust_tier: &'a str,
    pub region: Option<&'a str>,
    pub retention_days: Option<i32>,
    pub trains_on_data: bool,
    pub zero_data_retention: bool,
    /// (ciphertext, key id)
    pub credentials: Option<(&'a [u8], &'a str)>,
    pub enabled: bool,
}

pub async fn insert(conn: &mut Conn, p: &NewProvider<'_>) -> Result<ProviderRow, StoreError> {
    let (ciphertext, key_id) = p.credentials.unzip();
    sqlx::query!(
        r#"insert into providers (id, name, kind, base_url, trust_tier, region, retention_days, trains_on_data,
                                  zero_data_retention, credentials_ciphertext, credentials_key_id, enabled)
           values ($1, $2, $3::text::provider_kind, $4, $5::text::trust_tier, $6, $7, $8, $9, $10, $11, $12)"#,
        p.id,
        p.name,
        p.kind,
        p.base_url,
        p.trust_tier,
        p.region,
        p.retention_days,
        p.trains_on_data,
        p.zero_data_retention,
        ciphertext,
        key_id,
        p.enabled
    )
    .execute(&mut *conn)
    .await?;
    get(conn, p.id).await?.ok_or_else(|| StoreError::Corrupt("inserted provider vanished".into()))
}

pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<ProviderRow>, StoreError> {
    let row = sqlx::query_as!(
        ProviderRow,
        r#"select id, name, kind::text as "kind!", base_url, trust_tier::text as "trust_tier!", region, retention_days,
                  trains_on_data, zero_data_retention, credentials_ciphertext is not null as "has_credentials!",
                  enabled, created_at, updated_at
           from providers where id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Whether a provider of this name exists (invoices are imported per provider name).
pub async fn name_exists(conn: &mut Conn, name: &str) -> Result<bool, StoreError> {
    let exists = sqlx::query_scalar!(r#"select exists (select 1 from providers where name = $1) as "exists!""#, name).fetch_one(conn).await?;
    Ok(exists)
}

#[derive(Default)]
pub struct Filter<'a> {
    pub kind: Option<&'a str>,
    pub trust_tier: Option<&'a str>,
    pub enabled: Option<bool>,
}

pub async fn list(conn: &mut Conn, f: &Filter<'_>, page: Page) -> Result<Vec<ProviderRow>, StoreError> {
    let rows = sqlx::query_as!(
        ProviderRow,
        r#"select id, name, kind::text as "kind!", base_url, trust_tier::text as "trust_tier!", region, retention_days,
                  trains_on_data, zero_data_retention, credentials_ciphertext is not null as "has_credentials!",
                  enabled, created_at, updated_at
           from providers
           where ($1::uuid is null or id > $1)
             and ($2::text is null or kind::text = $2)
             and ($3::text is null or trust_tier::text = $3)
             and ($4::bool is null or enabled = $4)
           order by id limit $5"#,
        page.after,
        f.kind,
        f.trust_tier,
        f.enabled,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Full replacement of the mutable columns; the API merges PATCH fields into the current row.
/// `credentials`: None = keep, Some(None) = clear, Some(Some(..)) = replace.
pub struct ProviderUpdate<'a> {
    pub name: &'a str,
    pub base_url: &'a str,
    pub trust_tier: &'a str,
    pub region: Option<&'a str>,
    pub retention_days: Option<i32>,
    pub trains_on_data: bool,
    pub zero_data_retention: bool,
    pub enabled: bool,
    pub credentials: Option<Option<(&'a [u8], &'a str)>>,
}

pub async fn update(conn: &mut Conn, id: Uuid, u: &ProviderUpdate<'_>) -> Result<Option<ProviderRow>, StoreError> {
    let (ciphertext, key_id) = u.credentials.flatten().unzip();
    let n = sqlx::query!(
        r#"update providers set
             name = $2, base_url = $3, trust_tier = $4::text::trust_tier, region = $5, retention_days = $6,
             trains_on_data = $7, zero_data_retention = $8, enabled = $9,
             credentials_ciphertext = case when $10 then $11 else credentials_ciphertext end,
             credentials_key_id = case when $10 then $12 else credentials_key_id end,
             updated_at = now()
           where id = $1"#,
        id,
        u.name,
        u.base_url,
        u.trust_tier,
        u.region,
        u.retention_days,
        u.trains_on_data,
        u.zero_data_retention,
        u.enabled,
        u.credentials.is_some(),
        ciphertext,
        key_id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(None);
    }
    get(conn, id).await
}

/// Fails with `models_provider_id_fkey` while models still refer to the provider.
pub async fn delete(conn: &mut Conn, id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!("delete from providers where id = $1", id).execute(conn).await?.rows_affected();
    Ok(n == 1)
}

/// The sealed credential and the id of the key that sealed it.
pub async fn sealed_credentials(conn: &mut Conn, id: Uuid) -> Result<Option<(Vec<u8>, String)>, StoreError> {
    let row = sqlx::query!("select credentials_ciphertext, credentials_key_id from providers where id = $1", id)
        .fetch_optional(conn)
        .await?;
    Ok(row.and_then(|r| r.credentials_ciphertext.zip(r.credentials_key_id)))
}
