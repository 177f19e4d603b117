//! Imported invoices: batches (one per uploaded document) and their lines.
//!
//! Idempotency lives in two unique constraints: a batch is unique per (org, document SHA-256),
//! a line per (org, natural key). Inserting a batch or a line that exists does nothing, so a
//! re-import — or two overlapping exports — adds only what is new, even when two imports race.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub provider: String,
    pub format: String,
    pub content_sha256: Vec<u8>,
    pub lines_total: i32,
    pub lines_new: i32,
    pub imported_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub struct NewImport<'a> {
    pub id: Uuid,
    pub org_id: Uuid,
    pub provider: &'a str,
    pub format: &'a str,
    pub content_sha256: &'a [u8],
    pub lines_total: i32,
    pub imported_by: Option<Uuid>,
}

/// Inserts the batch unless this org already imported the same document; returns None then.
pub async fn insert_import(conn: &mut Conn, new: &NewImport<'_>) -> Result<Option<ImportRow>, StoreError> {
    let row = sqlx::query_as!(
        ImportRow,
        r#"insert into invoice_imports (id, org_id, provider, format, content_sha256, lines_total, lines_new, imported_by)
           values ($1, $2, $3, $4, $5, $6, 0, $7)
           on conflict (org_id, content_sha256) do nothing
           returning id, org_id, provider, format, content_sha256, lines_total, lines_new, imported_by, created_at"#,
        new.id,
        new.org_id,
        new.provider,
        new.format,
        new.content_sha256,
        new.lines_total,
        new.imported_by
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// The batch of this org that imported the document with this hash.
pub async fn import_by_content(conn: &mut Conn, org_id: Uuid, content_sha256: &[u8]) -> Result<Option<ImportRow>, StoreError> {
    let row = sqlx::query_as!(
        ImportRow,
        r#"select id, org_id, provider, format, content_sha256, lines_total, lines_new, imported_by, created_at
           from invoice_imports where org_id = $1 and content_sha256 = $2"#,
        org_id,
        content_sha256
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// The org's batches, newest first.
pub async fn list_imports(conn: &mut Conn, org_id: Uuid, limit: i64) -> Result<Vec<ImportRow>, StoreError> {
    let rows = sqlx::query_as!(
        ImportRow,
        r#"select id, org_id, provider, format, content_sha256, lines_total, lines_new, imported_by, created_at
           from invoice_imports where org_id = $1 order by id desc limit $2"#,
        org_id,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// An invoice line as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRow {
    pub natural_key: Vec<u8>,
    pub occurrence: i32,
    pub provider: String,
    pub bucket_start: DateTime<Utc>,
    pub model: String,
    pub token_type: String,
    pub quantity: Option<i64>,
    pub amount_nano: Option<i64>,
    pub project: Option<String>,
    pub api_key: Option<String>,
}

/// Inserts the lines that are not there yet and records how many were new on the batch.
pub async fn insert_lines(conn: &mut Conn, org_id: Uuid, import_id: Uuid, lines: &[LineRow]) -> Result<u64, StoreError> {
    macro_rules! column {
        ($field:ident) => {
            lines.iter().map(|l| l.$field.clone()).collect::<Vec<_>>()
        };
    }
    let ids: Vec<Uuid> = lines.iter().map(|_| Uuid::now_v7()).collect();
    let inserted = sqlx::query!(
        r#"insert into invoice_lines (id, org_id, import_id, natural_key, occurrence, provider, bucket_start, model, token_type,
                                      quantity, amount_nano, project, api_key)
           select l.id, $1, $2, l.natural_key, l.occurrence, l.provider, l.bucket_start, l.model, l.token_type,
                  l.quantity, l.amount_nano, l.project, l.api_key
           from unnest($3::uuid[], $4::bytea[], $5::int[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::bigint[],
                       $11::bigint[], $12::text[], $13::text[])
                as l(id, natural_key, occurrence, provider, bucket_start, model, token_type, quantity, amount_nano, project, api_key)
           on conflict (org_id, natural_key) do nothing"#,
        org_id,
        import_id,
        &ids,
        &column!(natural_key),
        &column!(occurrence),
        &column!(provider),
        &column!(bucket_start),
        &column!(model),
        &column!(token_type),
        &column!(quantity) as &[Option<i64>],
        &column!(amount_nano) as &[Option<i64>],
        &column!(project) as &[Option<String>],
        &column!(api_key) as &[Option<String>],
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let new = i32::try_from(inserted).map_err(|_| StoreError::Corrupt("more lines than a batch can hold".into()))?;
    sqlx::query!("update invoice_imports set lines_new = $2 where id = $1", import_id, new).execute(conn).await?;
    Ok(inserted)
}

/// The org's invoice lines whose bucket starts in [from, until), optionally of one provider.
pub async fn lines_in(conn: &mut Conn, org_id: Uuid, from: DateTime<Utc>, until: DateTime<Utc>, provider: Option<&str>) -> Result<Vec<LineRow>, StoreError> {
    let rows = sqlx::query_as!(
        LineRow,
        r#"select natural_key, occurrence, provider, bucket_start, model, token_type, quantity, amount_nano, project, api_key
           from invoice_lines
           where org_id = $1 and bucket_start >= $2 and bucket_start < $3 and ($4::text is null or provider = $4)
           order by bucket_start, natural_key"#,
        org_id,
        from,
        until,
        provider
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Providers the org has imported invoices for: the ones reconciliation covers.
pub async fn invoiced_providers(conn: &mut Conn, org_id: Uuid) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query_scalar!(r#"select distinct provider as "provider!" from invoice_imports where org_id = $1 order by 1"#, org_id)
        .fetch_all(conn)
        .await?;
    Ok(rows)
}
