//! Organizations.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone)]
pub struct OrgRow {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub quota_failure_mode: String,
    pub prompt_logging: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewOrg<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub slug: &'a str,
    pub time_zone: &'a str,
    pub quota_failure_mode: &'a str,
    pub prompt_logging: bool,
}

pub async fn insert(conn: &mut Conn, org: &NewOrg<'_>) -> Result<OrgRow, StoreError> {
    let row = sqlx::query_as!(
        OrgRow,
        r#"insert into organizations (id, name, slug, time_zone, quota_failure_mode, prompt_logging)
           values ($1, $2, $3, $4, $5::text::quota_failure_mode, $6)
           returning id, name, slug, time_zone, quota_failure_mode::text as "quota_failure_mode!", prompt_logging, created_at, updated_at"#,
        org.id,
        org.name,
        org.slug,
        org.time_zone,
        org.quota_failure_mode,
        org.prompt_logging
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

/// An org that is not archived.
pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<OrgRow>, StoreError> {
    let row = sqlx::query_as!(
        OrgRow,
        r#"select id, name, slug, time_zone, quota_failure_mode::text as "quota_failure_mode!", prompt_logging, created_at, updated_at
           from organizations where id = $1 and archived_at is null"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// An org that is not archived, by its slug (the command line names orgs by slug).
pub async fn get_by_slug(conn: &mut Conn, slug: &str) -> Result<Option<OrgRow>, StoreError> {
    let row = sqlx::query_as!(
        OrgRow,
        r#"select id, name, slug, time_zone, quota_failure_mode::text as "quota_failure_mode!", prompt_logging, created_at, updated_at
           from organizations where slug = $1 and archived_at is null"#,
        slug
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Orgs visible to a user: all of them for `member = None` (platform admins), otherwise those
/// where the user is an org member or a member of one of its teams.
pub async fn list(conn: &mut Conn, member: Option<Uuid>, name_contains: Option<&str>, page: Page) -> Result<Vec<OrgRow>, StoreError> {
    let rows = sqlx::query_as!(
        OrgRow,
        r#"select o.id, o.name, o.slug, o.time_zone, o.quota_failure_mode::text as "quota_failure_mode!", o.prompt_logging, o.created_at, o.updated_at
           from organizations o
           where o.archived_at is null
             and ($1::uuid is null or o.id > $1)
             and ($2::text is null or o.name ilike '%' || $2 || '%' or o.slug ilike '%' || $2 || '%')
             and ($3::uuid is null
                  or exists (select 1 from org_memberships m where m.org_id = o.id and m.user_id = $3)
                  or exists (select 1 from team_memberships tm join teams t on t.id = tm.team_id
                             where t.org_id = o.id and tm.user_id = $3))
           order by o.id
           limit $4"#,
        page.after,
        name_contains,
        member,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

pub struct OrgPatch<'a> {
    pub name: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    pub quota_failure_mode: Option<&'a str>,
    pub prompt_logging: Option<bool>,
}

pub async fn update(conn: &mut Conn, id: Uuid, patch: &OrgPatch<'_>) -> Result<Option<OrgRow>, StoreError> {
    let row = sqlx::query_as!(
        OrgRow,
        r#"update organizations
           set name = coalesce($2, name), time_zone = coalesce($3, time_zone),
               quota_failure_mode = coalesce($4::text::quota_failure_mode, quota_failure_mode),
               prompt_logging = coalesce($5, prompt_logging), updated_at = now()
           where id = $1 and archived_at is null
           returning id, name, slug, time_zone, quota_failure_mode::text as "quota_failure_mode!", prompt_logging, created_at, updated_at"#,
        id,
        patch.name,
        patch.time_zone,
        patch.quota_failure_mode,
        patch.prompt_logging
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Archives an org and revokes all of its keys in the same transaction. Ledger and audit rows
/// stay. Returns false if the org did not exist (or was already archived).
pub async fn archive(conn: &mut Conn, id: Uuid) -> Result<bool, StoreError> {
    let archived = sqlx::query!(
        "update organizations set archived_at = now(), updated_at = now() where id = $1 and archived_at is null",
        id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if archived == 0 {
        return Ok(false);
    }
    sqlx::query!("update virtual_keys set revoked_at = now() where org_id = $1 and revoked_at is null", id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}
