//! Models and their versioned prices. A model row carries the price in force now.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone)]
pub struct ModelRow {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub name: String,
    pub upstream_name: String,
    pub capability_tier: String,
    pub mode: String,
    pub context_window: Option<i32>,
    pub max_output_tokens: Option<i32>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub price: Option<PriceRow>,
}

#[derive(Debug, Clone)]
pub struct PriceRow {
    pub id: Uuid,
    pub model_id: Uuid,
    pub effective_from: DateTime<Utc>,
    pub input_nano_per_mtok: i64,
    pub output_nano_per_mtok: i64,
    pub cached_input_nano_per_mtok: Option<i64>,
    pub cache_write_nano_per_mtok: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub struct NewModel<'a> {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub name: &'a str,
    pub upstream_name: &'a str,
    pub capability_tier: &'a str,
    pub mode: &'a str,
    pub context_window: Option<i32>,
    pub max_output_tokens: Option<i32>,
    pub enabled: bool,
}

pub async fn insert(conn: &mut Conn, m: &NewModel<'_>) -> Result<ModelRow, StoreError> {
    sqlx::query!(
        r#"insert into models (id, provider_id, name, upstream_name, capability_tier, mode, context_window, max_output_tokens, enabled)
           values ($1, $2, $3, $4, $5::text::capability_tier, $6::text::model_mode, $7, $8, $9)"#,
        m.id,
        m.provider_id,
        m.name,
        m.upstream_name,
        m.capability_tier,
        m.mode,
        m.context_window,
        m.max_output_tokens,
        m.enabled
    )
    .execute(&mut *conn)
    .await?;
    get(conn, m.id).await?.ok_or_else(|| StoreError::Corrupt("inserted model vanished".into()))
}

/// One row of the model listing query, flattened (the price columns are nullable).
struct FlatModel {
    id: Uuid,
    provider_id: Uuid,
    provider_name: String,
    name: String,
    upstream_name: String,
    capability_tier: String,
    mode: String,
    context_window: Option<i32>,
    max_output_tokens: Option<i32>,
    enabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    price_id: Option<Uuid>,
    effective_from: Option<DateTime<Utc>>,
    input_nano_per_mtok: Option<i64>,
    output_nano_per_mtok: Option<i64>,
    cached_input_nano_per_mtok: Option<i64>,
    cache_write_nano_per_mtok: Option<i64>,
    price_created_at: Option<DateTime<Utc>>,
}

impl From<FlatModel> for ModelRow {
    fn from(f: FlatModel) -> Self {
        let price = match (f.price_id, f.effective_from, f.input_nano_per_mtok, f.output_nano_per_mtok, f.price_created_at) {
            (Some(id), Some(effective_from), Some(input), Some(output), Some(created_at)) => Some(PriceRow {
                id,
                model_id: f.id,
                effective_from,
                input_nano_per_mtok: input,
                output_nano_per_mtok: output,
                cached_input_nano_per_mtok: f.cached_input_nano_per_mtok,
                cache_write_nano_per_mtok: f.cache_write_nano_per_mtok,
                created_at,
            }),
            _ => None,
        };
        ModelRow {
            id: f.id,
            provider_id: f.provider_id,
            provider_name: f.provider_name,
            name: f.name,
            upstream_name: f.upstream_name,
            capability_tier: f.capability_tier,
            mode: f.mode,
            context_window: f.context_window,
            max_output_tokens: f.max_output_tokens,
            enabled: f.enabled,
            created_at: f.created_at,
            updated_at: f.updated_at,
            price,
        }
    }
}

pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<ModelRow>, StoreError> {
    let row = sqlx::query_as!(
        FlatModel,
        r#"select m.id, m.provider_id, p.name as provider_name, m.name, m.upstream_name,
                  m.capability_tier::text as "capability_tier!", m.mode::text as "mode!", m.context_window,
                  m.max_output_tokens, m.enabled, m.created_at, m.updated_at,
                  pr.id as "price_id?", pr.effective_from as "effective_from?", pr.input_nano_per_mtok as "input_nano_per_mtok?",
                  pr.output_nano_per_mtok as "output_nano_per_mtok?", pr.cached_input_nano_per_mtok as "cached_input_nano_per_mtok?",
                  pr.cache_write_nano_per_mtok as "cache_write_nano_per_mtok?", pr.created_at as "price_created_at?"
           from models m join providers p on p.id = m.provider_id
           left join lateral (select * from model_prices x where x.model_id = m.id and x.effective_from <= now()
                              order by x.effective_from desc limit 1) pr on true
           where m.id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(ModelRow::from))
}

#[derive(Default)]
pub struct Filter<'a> {
    pub provider_id: Option<Uuid>,
    pub mode: Option<&'a str>,
    pub capability_tier: Option<&'a str>,
    pub name_contains: Option<&'a str>,
    pub enabled: Option<bool>,
}

pub async fn list(conn: &mut Conn, f: &Filter<'_>, page: Page) -> Result<Vec<ModelRow>, StoreError> {
    let rows = sqlx::query_as!(
        FlatModel,
        r#"select m.id, m.provider_id, p.name as provider_name, m.name, m.upstream_name,
                  m.capability_tier::text as "capability_tier!", m.mode::text as "mode!", m.context_window,
                  m.max_output_tokens, m.enabled, m.created_at, m.updated_at,
                  pr.id as "price_id?", pr.effective_from as "effective_from?", pr.input_nano_per_mtok as "input_nano_per_mtok?",
                  pr.output_nano_per_mtok as "output_nano_per_mtok?", pr.cached_input_nano_per_mtok as "cached_input_nano_per_mtok?",
                  pr.cache_write_nano_per_mtok as "cache_write_nano_per_mtok?", pr.created_at as "price_created_at?"
           from models m join providers p on p.id = m.provider_id
           left join lateral (select * from model_prices x where x.model_id = m.id and x.effective_from <= now()
                              order by x.effective_from desc limit 1) pr on true
           where ($1::uuid is null or m.id > $1)
             and ($2::uuid is null or m.provider_id = $2)
             and ($3::text is null or m.mode::text = $3)
             and ($4::text is null or m.capability_tier::text = $4)
             and ($5::text is null or m.name ilike '%' || $5 || '%')
             and ($6::bool is null or m.enabled = $6)
           order by m.id limit $7"#,
        page.after,
        f.provider_id,
        f.mode,
        f.capability_tier,
        f.name_contains,
        f.enabled,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(ModelRow::from).collect())
}

/// Which of these names exist as enabled models, with their provider's trust tier — for
/// validating policy documents.
pub async fn trust_tiers_of(conn: &mut Conn, names: &[String]) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query!(
        r#"select m.name, p.trust_tier::text as "trust_tier!" from models m join providers p on p.id = m.provider_id
           where m.name = any($1)"#,
        names
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.name, r.trust_tier)).collect())
}

/// Full replacement of the mutable columns; the API merges PATCH fields into the current row.
pub struct ModelUpdate<'a> {
    pub name: &'a str,
    pub upstream_name: &'a str,
    pub capability_tier: &'a str,
    pub context_window: Option<i32>,
    pub max_output_tokens: Option<i32>,
    pub enabled: bool,
}

pub async fn update(conn: &mut Conn, id: Uuid, u: &ModelUpdate<'_>) -> Result<Option<ModelRow>, StoreError> {
    let n = sqlx::query!(
        r#"update models set name = $2, upstream_name = $3, capability_tier = $4::text::capability_tier,
             context_window = $5, max_output_tokens = $6, enabled = $7, updated_at = now()
           where id = $1"#,
        id,
        u.name,
        u.upstream_name,
        u.capability_tier,
        u.context_window,
        u.max_output_tokens,
        u.enabled
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(None);
    }
    get(conn, id).await
}

pub async fn delete(conn: &mut Conn, id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!("delete from models where id = $1", id).execute(conn).await?.rows_affected();
    Ok(n == 1)
}

pub struct NewPrice {
    pub id: Uuid,
    pub model_id: Uuid,
    /// None means now by the database's clock: the clock the price lookup compares against, so a
    /// price "effective now" is in force for the rest of the transaction that inserts it.
    pub effective_from: Option<DateTime<Utc>>,
    pub input_nano_per_mtok: i64,
    pub output_nano_per_mtok: i64,
    pub cached_input_nano_per_mtok: Option<i64>,
    pub cache_write_nano_per_mtok: Option<i64>,
}

pub async fn insert_price(conn: &mut Conn, p: &NewPrice) -> Result<PriceRow, StoreError> {
    let row = sqlx::query_as!(
        PriceRow,
        r#"insert into model_prices (id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok,
                                     cached_input_nano_per_mtok, cache_write_nano_per_mtok)
           values ($1, $2, coalesce($3::timestamptz, now()), $4, $5, $6, $7)
           returning id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok,
                     cached_input_nano_per_mtok, cache_write_nano_per_mtok, created_at"#,
        p.id,
        p.model_id,
        p.effective_from,
        p.input_nano_per_mtok,
        p.output_nano_per_mtok,
        p.cached_input_nano_per_mtok,
        p.cache_write_nano_per_mtok
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

/// Every price version of a model, newest first.
pub async fn list_prices(conn: &mut Conn, model_id: Uuid) -> Result<Vec<PriceRow>, StoreError> {
    let rows = sqlx::query_as!(
        PriceRow,
        r#"select id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok,
                  cached_input_nano_per_mtok, cache_write_nano_per_mtok, created_at
           from model_prices where model_id = $1 order by effective_from desc"#,
        model_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
