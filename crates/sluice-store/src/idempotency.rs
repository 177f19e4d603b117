//! Idempotency records for POSTs with an `Idempotency-Key` header.
//!
//! Protocol: `claim` inserts a pending record (or finds the existing one) in its own short
//! transaction; the request runs; `complete` stores the response, or `release` deletes the claim
//! when the request failed (it changed nothing, so a retry should run for real).

use uuid::Uuid;

use crate::{Conn, StoreError};

pub enum Claim {
    /// No record existed: this request owns the key now.
    Acquired,
    /// A record exists. `response` is None while the first request is still running.
    Existing { request_hash: Vec<u8>, response: Option<StoredResponse> },
}

pub struct StoredResponse {
    pub status_code: u16,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
}

/// Records older than this are ignored and replaced: the window in which a retry is a replay.
pub const RETENTION_HOURS: i32 = 24;

pub async fn claim(conn: &mut Conn, principal: &str, key: &str, request_hash: &[u8]) -> Result<Claim, StoreError> {
    // Expired records are removed first so an old key can be used again after the window.
    sqlx::query!(
        "delete from idempotency_records where principal = $1 and idempotency_key = $2 and created_at < now() - make_interval(hours => $3)",
        principal,
        key,
        RETENTION_HOURS
    )
    .execute(&mut *conn)
    .await?;
    let inserted = sqlx::query!(
        "insert into idempotency_records (principal, idempotency_key, request_hash) values ($1, $2, $3) on conflict do nothing",
        principal,
        key,
        request_hash
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Claim::Acquired);
    }
    let row = sqlx::query!(
        "select request_hash, status_code, response_body, content_type from idempotency_records where principal = $1 and idempotency_key = $2",
        principal,
        key
    )
    .fetch_one(&mut *conn)
    .await?;
    let response = match (row.status_code, row.response_body) {
        (Some(status), Some(body)) => Some(StoredResponse { status_code: status as u16, body, content_type: row.content_type }),
        _ => None,
    };
    Ok(Claim::Existing { request_hash: row.request_hash, response })
}

pub async fn complete(conn: &mut Conn, principal: &str, key: &str, response: &StoredResponse) -> Result<(), StoreError> {
    sqlx::query!(
        "update idempotency_records set status_code = $3, response_body = $4, content_type = $5, completed_at = now()
         where principal = $1 and idempotency_key = $2",
        principal,
        key,
        response.status_code as i16,
        response.body,
        response.content_type
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn release(conn: &mut Conn, principal: &str, key: &str) -> Result<(), StoreError> {
    sqlx::query!("delete from idempotency_records where principal = $1 and idempotency_key = $2", principal, key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes records past the retention window; run periodically by the background worker.
pub async fn purge_expired(conn: &mut Conn) -> Result<u64, StoreError> {
    let n = sqlx::query!("delete from idempotency_records where created_at < now() - make_interval(hours => $1)", RETENTION_HOURS)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n)
}

/// Builds the principal string for a user-scoped key.
pub fn principal_for_user(user_id: Uuid) -> String {
    format!("user:{user_id}")
}
