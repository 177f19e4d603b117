//! Routing-policy documents (validated by the caller with sluice-domain's `policy` module).

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::budgets::TargetFilter;
use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone)]
pub struct PolicyRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    pub document: Value,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn, id: Uuid, org_id: Uuid, team_id: Option<Uuid>, key_id: Option<Uuid>, document: &Value) -> Result<PolicyRow, StoreError> {
    let row = sqlx::query_as!(
        PolicyRow,
        r#"insert into routing_policies (id, org_id, team_id, key_id, document) values ($1, $2, $3, $4, $5)
           returning id, org_id, team_id, key_id, document, revision, created_at, updated_at"#,
        id,
        org_id,
        team_id,
        key_id,
        document
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

pub async fn get(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<PolicyRow>, StoreError> {
    let row = sqlx::query_as!(
        PolicyRow,
        "select id, org_id, team_id, key_id, document, revision, created_at, updated_at from routing_policies where org_id = $1 and id = $2",
        org_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// The org-level document, which overrides are layered on (and validated against).
pub async fn org_level(conn: &mut Conn, org_id: Uuid) -> Result<Option<PolicyRow>, StoreError> {
    let row = sqlx::query_as!(
        PolicyRow,
        r#"select id, org_id, team_id, key_id, document, revision, created_at, updated_at
           from routing_policies where org_id = $1 and team_id is null and key_id is null"#,
        org_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// The org-level document, locked until the transaction ends. Writers of overrides take this
/// lock before validating against the org document, and writers of the org document take it
/// before checking the overrides, so neither can change what the other just checked.
pub async fn org_level_for_update(conn: &mut Conn, org_id: Uuid) -> Result<Option<PolicyRow>, StoreError> {
    let row = sqlx::query_as!(
        PolicyRow,
        r#"select id, org_id, team_id, key_id, document, revision, created_at, updated_at
           from routing_policies where org_id = $1 and team_id is null and key_id is null for update"#,
        org_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Every team and key override of an org (re-checked when the org document changes).
pub async fn overrides(conn: &mut Conn, org_id: Uuid) -> Result<Vec<PolicyRow>, StoreError> {
    let rows = sqlx::query_as!(
        PolicyRow,
        r#"select id, org_id, team_id, key_id, document, revision, created_at, updated_at
           from routing_policies where org_id = $1 and (team_id is not null or key_id is not null) order by id"#,
        org_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Whether any team or key override exists (the org document cannot be deleted while one does).
pub async fn has_overrides(conn: &mut Conn, org_id: Uuid) -> Result<bool, StoreError> {
    let row = sqlx::query!(
        r#"select exists(select 1 from routing_policies where org_id = $1 and (team_id is not null or key_id is not null)) as "exists!""#,
        org_id
    )
    .fetch_one(conn)
    .await?;
    Ok(row.exists)
}

pub async fn list(conn: &mut Conn, org_id: Uuid, f: &TargetFilter<'_>, page: Page) -> Result<Vec<PolicyRow>, StoreError> {
    let rows = sqlx::query_as!(
        PolicyRow,
        r#"select p.id, p.org_id, p.team_id, p.key_id, p.document, p.revision, p.created_at, p.updated_at
           from routing_policies p left join virtual_keys k on k.id = p.key_id
           where p.org_id = $1 and ($2::uuid is null or p.id > $2)
             and ($3::uuid is null or p.team_id = $3)
             and ($4::uuid is null or p.key_id = $4)
             and (not $5 or (p.team_id is null and p.key_id is null))
             and ($6::uuid[] is null or p.team_id = any($6) or k.team_id = any($6))
           order by p.id limit $7"#,
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

/// Replaces the document and bumps the revision. With `expected_revision`, only if it matches
/// (optimistic concurrency for editors); a mismatch returns None like a missing row would, so
/// the caller re-reads to tell the two apart.
pub async fn update(conn: &mut Conn, org_id: Uuid, id: Uuid, document: &Value, expected_revision: Option<i32>) -> Result<Option<PolicyRow>, StoreError> {
    let row = sqlx::query_as!(
        PolicyRow,
        r#"update routing_policies set document = $3, revision = revision + 1, updated_at = now()
           where org_id = $1 and id = $2 and ($4::int is null or revision = $4)
           returning id, org_id, team_id, key_id, document, revision, created_at, updated_at"#,
        org_id,
        id,
        document,
        expected_revision
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn delete(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!("delete from routing_policies where org_id = $1 and id = $2", org_id, id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}
