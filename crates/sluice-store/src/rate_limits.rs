//! Rate limits (rpm, tpm, max parallel) on an org, a team or a key.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::budgets::TargetFilter;
use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone)]
pub struct RateLimitRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    pub rpm: Option<i32>,
    pub tpm: Option<i32>,
    pub max_parallel: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct Limits {
    pub rpm: Option<i32>,
    pub tpm: Option<i32>,
    pub max_parallel: Option<i32>,
}

pub async fn insert(conn: &mut Conn, id: Uuid, org_id: Uuid, team_id: Option<Uuid>, key_id: Option<Uuid>, l: &Limits) -> Result<RateLimitRow, StoreError> {
    let row = sqlx::query_as!(
        RateLimitRow,
        r#"insert into rate_limits (id, org_id, team_id, key_id, rpm, tpm, max_parallel) values ($1, $2, $3, $4, $5, $6, $7)
           returning id, org_id, team_id, key_id, rpm, tpm, max_parallel, created_at, updated_at"#,
        id,
        org_id,
        team_id,
        key_id,
        l.rpm,
        l.tpm,
        l.max_parallel
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

pub async fn get(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<RateLimitRow>, StoreError> {
    let row = sqlx::query_as!(
        RateLimitRow,
        "select id, org_id, team_id, key_id, rpm, tpm, max_parallel, created_at, updated_at from rate_limits where org_id = $1 and id = $2",
        org_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Like `get`, but locks the row until the transaction ends. PATCH merges the request into the
/// current limits; without the lock two concurrent PATCHes could each keep a limit the other
/// cleared, or together clear all three.
pub async fn get_for_update(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<RateLimitRow>, StoreError> {
    let row = sqlx::query_as!(
        RateLimitRow,
        "select id, org_id, team_id, key_id, rpm, tpm, max_parallel, created_at, updated_at from rate_limits where org_id = $1 and id = $2 for update",
        org_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn list(conn: &mut Conn, org_id: Uuid, f: &TargetFilter<'_>, page: Page) -> Result<Vec<RateLimitRow>, StoreError> {
    let rows = sqlx::query_as!(
        RateLimitRow,
        r#"select r.id, r.org_id, r.team_id, r.key_id, r.rpm, r.tpm, r.max_parallel, r.created_at, r.updated_at
           from rate_limits r left join virtual_keys k on k.id = r.key_id
           where r.org_id = $1 and ($2::uuid is null or r.id > $2)
             and ($3::uuid is null or r.team_id = $3)
             and ($4::uuid is null or r.key_id = $4)
             and (not $5 or (r.team_id is null and r.key_id is null))
             and ($6::uuid[] is null or r.team_id = any($6) or k.team_id = any($6))
           order by r.id limit $7"#,
        org_id,
        page.after,
        f.team_id,
        f.key_id,
        f.org_level_only,
        f.only_teams as Option<&[Uuid]>,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Replaces all three limits (the API resolves PATCH semantics against the current row first).
pub async fn update(conn: &mut Conn, org_id: Uuid, id: Uuid, l: &Limits) -> Result<Option<RateLimitRow>, StoreError> {
    let row = sqlx::query_as!(
        RateLimitRow,
        r#"update rate_limits set rpm = $3, tpm = $4, max_parallel = $5, updated_at = now()
           where org_id = $1 and id = $2
           returning id, org_id, team_id, key_id, rpm, tpm, max_parallel, created_at, updated_at"#,
        org_id,
        id,
        l.rpm,
        l.tpm,
        l.max_parallel
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn delete(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!("delete from rate_limits where org_id = $1 and id = $2", org_id, id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}
