//! Per-org negotiated prices: an org's own append-only price versions for a model, which take
//! precedence over the price book's for that org (reconciliation prices the ledger's tokens
//! with them). Same unit and same rules as `model_prices`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct OrgPriceRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub model_id: Uuid,
    pub effective_from: DateTime<Utc>,
    pub input_nano_per_mtok: i64,
    pub output_nano_per_mtok: i64,
    pub cached_input_nano_per_mtok: Option<i64>,
    pub cache_write_nano_per_mtok: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub struct NewOrgPrice {
    pub id: Uuid,
    pub org_id: Uuid,
    pub model_id: Uuid,
    pub effective_from: DateTime<Utc>,
    pub input_nano_per_mtok: i64,
    pub output_nano_per_mtok: i64,
    pub cached_input_nano_per_mtok: Option<i64>,
    pub cache_write_nano_per_mtok: Option<i64>,
}

pub async fn insert(conn: &mut Conn, p: &NewOrgPrice) -> Result<OrgPriceRow, StoreError> {
    let row = sqlx::query_as!(
        OrgPriceRow,
        r#"insert into org_model_prices (id, org_id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok,
                                         cached_input_nano_per_mtok, cache_write_nano_per_mtok)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           returning id, org_id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok,
                     cached_input_nano_per_mtok, cache_write_nano_per_mtok, created_at"#,
        p.id,
        p.org_id,
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

/// The org's price versions for a model, newest first.
pub async fn list(conn: &mut Conn, org_id: Uuid, model_id: Uuid) -> Result<Vec<OrgPriceRow>, StoreError> {
    let rows = sqlx::query_as!(
        OrgPriceRow,
        r#"select id, org_id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok,
                  cached_input_nano_per_mtok, cache_write_nano_per_mtok, created_at
           from org_model_prices where org_id = $1 and model_id = $2 order by effective_from desc"#,
        org_id,
        model_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Every price version of the org, or of one of its models, newest first.
pub async fn list_for_org(conn: &mut Conn, org_id: Uuid, model_id: Option<Uuid>) -> Result<Vec<OrgPriceRow>, StoreError> {
    let rows = sqlx::query_as!(
        OrgPriceRow,
        r#"select id, org_id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok,
                  cached_input_nano_per_mtok, cache_write_nano_per_mtok, created_at
           from org_model_prices where org_id = $1 and ($2::uuid is null or model_id = $2)
           order by effective_from desc, id desc"#,
        org_id,
        model_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
