//! Teams inside an org.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone)]
pub struct TeamRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub slug: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn, id: Uuid, org_id: Uuid, name: &str, slug: &str) -> Result<TeamRow, StoreError> {
    let row = sqlx::query_as!(
        TeamRow,
        r#"insert into teams (id, org_id, name, slug) values ($1, $2, $3, $4)
           returning id, org_id, name, slug, created_at, updated_at"#,
        id,
        org_id,
        name,
        slug
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

pub async fn get(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<TeamRow>, StoreError> {
    let row = sqlx::query_as!(
        TeamRow,
        "select id, org_id, name, slug, created_at, updated_at from teams where org_id = $1 and id = $2",
        org_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Teams of an org; `only` restricts the list (users who see only their own teams).
pub async fn list(conn: &mut Conn, org_id: Uuid, only: Option<&[Uuid]>, name_contains: Option<&str>, page: Page) -> Result<Vec<TeamRow>, StoreError> {
    let rows = sqlx::query_as!(
        TeamRow,
        r#"select id, org_id, name, slug, created_at, updated_at from teams
           where org_id = $1 and ($2::uuid is null or id > $2)
             and ($3::uuid[] is null or id = any($3))
             and ($4::text is null or name ilike '%' || $4 || '%' or slug ilike '%' || $4 || '%')
           order by id limit $5"#,
        org_id,
        page.after,
        only as Option<&[Uuid]>,
        name_contains,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

pub async fn update(conn: &mut Conn, org_id: Uuid, id: Uuid, name: Option<&str>, slug: Option<&str>) -> Result<Option<TeamRow>, StoreError> {
    let row = sqlx::query_as!(
        TeamRow,
        r#"update teams set name = coalesce($3, name), slug = coalesce($4, slug), updated_at = now()
           where org_id = $1 and id = $2
           returning id, org_id, name, slug, created_at, updated_at"#,
        org_id,
        id,
        name,
        slug
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Deletes a team that holds no keys (keys are never deleted: the ledger refers to them).
/// The key foreign key has no cascade, so a team with keys fails with `virtual_keys_team_id_fkey`.
pub async fn delete(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!("delete from teams where org_id = $1 and id = $2", org_id, id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}
