//! Webhook endpoints (per org) and the delivery queue of alerts to them.
//!
//! Deliveries are claimed with a lease: [`claim_due`] locks due rows with `FOR UPDATE SKIP
//! LOCKED`, counts the attempt and moves `next_attempt_at` past the attempt's deadline in one
//! statement, then commits — so the HTTP call runs outside any transaction, a second worker
//! neither waits for nor re-sends a claimed row, and a worker that dies mid-attempt only delays
//! the retry until the lease ends. [`record_attempt`] writes the outcome only while the row is
//! still the caller's claim (same attempt number, not finished), so a worker whose lease ran out
//! cannot overwrite a newer attempt's result.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub url: String,
    pub description: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub struct NewEndpoint<'a> {
    pub id: Uuid,
    pub org_id: Uuid,
    pub url: &'a str,
    pub description: &'a str,
    pub secret_sealed: &'a [u8],
    pub secret_key_id: &'a str,
    pub created_by: Option<Uuid>,
}

pub async fn insert_endpoint(conn: &mut Conn, e: &NewEndpoint<'_>) -> Result<EndpointRow, StoreError> {
    let row = sqlx::query_as!(
        EndpointRow,
        r#"insert into webhook_endpoints (id, org_id, url, description, secret_sealed, secret_key_id, created_by)
           values ($1, $2, $3, $4, $5, $6, $7)
           returning id, org_id, url, description, created_by, created_at"#,
        e.id,
        e.org_id,
        e.url,
        e.description,
        e.secret_sealed,
        e.secret_key_id,
        e.created_by
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

/// The org's live endpoints in creation order.
pub async fn list_endpoints(conn: &mut Conn, org_id: Uuid, page: Page) -> Result<Vec<EndpointRow>, StoreError> {
    let rows = sqlx::query_as!(
        EndpointRow,
        r#"select id, org_id, url, description, created_by, created_at from webhook_endpoints
           where org_id = $1 and deleted_at is null and ($2::uuid is null or id > $2) order by id limit $3"#,
        org_id,
        page.after,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Deletes a live endpoint of the org (softly: its delivery history stays); pending deliveries
/// to it are closed. Returns the endpoint, or None when the org has no such live endpoint.
pub async fn delete_endpoint(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<EndpointRow>, StoreError> {
    let row = sqlx::query_as!(
        EndpointRow,
        r#"update webhook_endpoints set deleted_at = now() where org_id = $1 and id = $2 and deleted_at is null
           returning id, org_id, url, description, created_by, created_at"#,
        org_id,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_some() {
        sqlx::query!("update webhook_deliveries set next_attempt_at = null where endpoint_id = $1 and next_attempt_at is not null", id)
            .execute(conn)
            .await?;
    }
    Ok(row)
}

/// One claimed delivery: everything a worker needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: Uuid,
    pub org_id: Uuid,
    pub endpoint_id: Uuid,
    pub alert_id: Uuid,
    /// This attempt's number (1 for the first).
    pub attempts: i32,
    pub url: String,
    pub secret_sealed: Vec<u8>,
    pub secret_key_id: String,
}

/// Claims up to `limit` due deliveries for one attempt each; the claim lasts `lease_secs`.
pub async fn claim_due(conn: &mut Conn, limit: i64, lease_secs: i64) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let rows = sqlx::query_as!(
        ClaimedDelivery,
        r#"with due as (
               select d.id from webhook_deliveries d
               where d.next_attempt_at <= now()
               order by d.next_attempt_at
               limit $1
               for update skip locked
           )
           update webhook_deliveries d
              set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2), last_attempt_at = now()
             from due, webhook_endpoints e
            where d.id = due.id and e.id = d.endpoint_id
           returning d.id as "id!", d.org_id as "org_id!", d.endpoint_id as "endpoint_id!", d.alert_id as "alert_id!",
                     d.attempts as "attempts!", e.url as "url!", e.secret_sealed as "secret_sealed!", e.secret_key_id as "secret_key_id!""#,
        limit,
        lease_secs as f64
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    pub status: Option<i16>,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
    pub delivered: bool,
    /// When to try again; None with `delivered = false` means "give up".
    pub retry_in_secs: Option<i64>,
}

/// Records the outcome of attempt `attempt` of a delivery; false when the claim was lost (the
/// lease ran out and another worker made a newer attempt, or the endpoint was deleted).
pub async fn record_attempt(conn: &mut Conn, id: Uuid, attempt: i32, o: &AttemptOutcome) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        r#"update webhook_deliveries set
               last_status = $3, last_error = $4, last_response_excerpt = $5,
               delivered_at = case when $6 then now() end,
               failed_at = case when not $6 and $7::float8 is null then now() end,
               next_attempt_at = case when $6 then null else now() + make_interval(secs => $7) end
           where id = $1 and attempts = $2 and next_attempt_at is not null and delivered_at is null
           returning alert_id"#,
        id,
        attempt,
        o.status,
        o.error,
        o.response_excerpt,
        o.delivered,
        o.retry_in_secs.map(|s| s as f64)
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(done) = done else { return Ok(false) };
    if o.delivered {
        sqlx::query!("update budget_alerts set delivered_at = coalesce(delivered_at, now()) where id = $1", done.alert_id)
            .execute(conn)
            .await?;
    }
    Ok(true)
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub alert_id: Uuid,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i16>,
    pub last_error: Option<String>,
    pub last_response_excerpt: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The latest deliveries of one of the org's endpoints (deleted ones included), newest first.
pub async fn list_deliveries(conn: &mut Conn, org_id: Uuid, endpoint_id: Uuid, limit: i64) -> Result<Vec<DeliveryRow>, StoreError> {
    let rows = sqlx::query_as!(
        DeliveryRow,
        r#"select id, endpoint_id, alert_id, attempts, next_attempt_at, last_status, last_error, last_response_excerpt,
                  last_attempt_at, delivered_at, failed_at, created_at
           from webhook_deliveries where org_id = $1 and endpoint_id = $2 order by created_at desc, id limit $3"#,
        org_id,
        endpoint_id,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Whether the org has this live endpoint.
pub async fn endpoint_exists(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
    let found = sqlx::query_scalar!(
        r#"select exists (select 1 from webhook_endpoints where org_id = $1 and id = $2 and deleted_at is null) as "found!""#,
        org_id,
        id
    )
    .fetch_one(conn)
    .await?;
    Ok(found)
}
