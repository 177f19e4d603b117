//! Org and team memberships, and the access lookup every org-scoped request starts with.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

/// A user's roles inside one (non-archived) org; `None` if the org does not exist.
pub struct AccessRow {
    pub org_role: Option<String>,
    /// (team id, team role) for each team of this org the user belongs to.
    pub team_roles: Vec<(Uuid, String)>,
}

pub async fn access(conn: &mut Conn, org_id: Uuid, user_id: Uuid) -> Result<Option<AccessRow>, StoreError> {
    let org = sqlx::query!(
        r#"select (select m.role::text from org_memberships m where m.org_id = o.id and m.user_id = $2) as org_role
           from organizations o where o.id = $1 and o.archived_at is null"#,
        org_id,
        user_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(org) = org else { return Ok(None) };
    let teams = sqlx::query!(
        r#"select tm.team_id, tm.role::text as "role!"
           from team_memberships tm join teams t on t.id = tm.team_id
           where t.org_id = $1 and tm.user_id = $2"#,
        org_id,
        user_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(AccessRow { org_role: org.org_role, team_roles: teams.into_iter().map(|t| (t.team_id, t.role)).collect() }))
}

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

pub async fn add_org_member(conn: &mut Conn, org_id: Uuid, user_id: Uuid, role: &str) -> Result<(), StoreError> {
    sqlx::query!(
        "insert into org_memberships (org_id, user_id, role) values ($1, $2, $3::text::org_role)",
        org_id,
        user_id,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_org_member(conn: &mut Conn, org_id: Uuid, user_id: Uuid) -> Result<Option<MemberRow>, StoreError> {
    let row = sqlx::query_as!(
        MemberRow,
        r#"select u.id as user_id, u.email, u.display_name, m.role::text as "role!", m.created_at
           from org_memberships m join users u on u.id = m.user_id
           where m.org_id = $1 and m.user_id = $2"#,
        org_id,
        user_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn list_org_members(conn: &mut Conn, org_id: Uuid, role: Option<&str>, page: Page) -> Result<Vec<MemberRow>, StoreError> {
    let rows = sqlx::query_as!(
        MemberRow,
        r#"select u.id as user_id, u.email, u.display_name, m.role::text as "role!", m.created_at
           from org_memberships m join users u on u.id = m.user_id
           where m.org_id = $1 and ($2::uuid is null or u.id > $2) and ($3::text is null or m.role::text = $3)
           order by u.id limit $4"#,
        org_id,
        page.after,
        role,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

pub async fn set_org_role(conn: &mut Conn, org_id: Uuid, user_id: Uuid, role: &str) -> Result<bool, StoreError> {
    let n = sqlx::query!(
        "update org_memberships set role = $3::text::org_role where org_id = $1 and user_id = $2",
        org_id,
        user_id,
        role
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Removes the org membership and every team membership of that user in the org.
pub async fn remove_org_member(conn: &mut Conn, org_id: Uuid, user_id: Uuid) -> Result<bool, StoreError> {
    sqlx::query!(
        "delete from team_memberships tm using teams t where t.id = tm.team_id and t.org_id = $1 and tm.user_id = $2",
        org_id,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    let n = sqlx::query!("delete from org_memberships where org_id = $1 and user_id = $2", org_id, user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub async fn count_org_owners(conn: &mut Conn, org_id: Uuid) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(r#"select count(*) as "n!" from org_memberships where org_id = $1 and role = 'owner'"#, org_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

pub async fn add_team_member(conn: &mut Conn, team_id: Uuid, user_id: Uuid, role: &str) -> Result<(), StoreError> {
    sqlx::query!(
        "insert into team_memberships (team_id, user_id, role) values ($1, $2, $3::text::team_role)",
        team_id,
        user_id,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_team_member(conn: &mut Conn, team_id: Uuid, user_id: Uuid) -> Result<Option<MemberRow>, StoreError> {
    let row = sqlx::query_as!(
        MemberRow,
        r#"select u.id as user_id, u.email, u.display_name, m.role::text as "role!", m.created_at
           from team_memberships m join users u on u.id = m.user_id
           where m.team_id = $1 and m.user_id = $2"#,
        team_id,
        user_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn list_team_members(conn: &mut Conn, team_id: Uuid, page: Page) -> Result<Vec<MemberRow>, StoreError> {
    let rows = sqlx::query_as!(
        MemberRow,
        r#"select u.id as user_id, u.email, u.display_name, m.role::text as "role!", m.created_at
           from team_memberships m join users u on u.id = m.user_id
           where m.team_id = $1 and ($2::uuid is null or u.id > $2)
           order by u.id limit $3"#,
        team_id,
        page.after,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

pub async fn set_team_role(conn: &mut Conn, team_id: Uuid, user_id: Uuid, role: &str) -> Result<bool, StoreError> {
    let n = sqlx::query!(
        "update team_memberships set role = $3::text::team_role where team_id = $1 and user_id = $2",
        team_id,
        user_id,
        role
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn remove_team_member(conn: &mut Conn, team_id: Uuid, user_id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!("delete from team_memberships where team_id = $1 and user_id = $2", team_id, user_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// The orgs and teams a user belongs to, for `GET /me`.
pub struct UserMembership {
    pub org_id: Uuid,
    pub org_name: String,
    pub org_role: Option<String>,
    pub team_id: Option<Uuid>,
    pub team_name: Option<String>,
    pub team_role: Option<String>,
}

pub async fn of_user(conn: &mut Conn, user_id: Uuid) -> Result<Vec<UserMembership>, StoreError> {
    let rows = sqlx::query_as!(
        UserMembership,
        r#"select o.id as "org_id!", o.name as "org_name!", m.role::text as org_role,
                  null::uuid as team_id, null::text as team_name, null::text as team_role
           from org_memberships m join organizations o on o.id = m.org_id
           where m.user_id = $1 and o.archived_at is null
           union all
           select o.id, o.name, null, t.id, t.name, tm.role::text
           from team_memberships tm join teams t on t.id = tm.team_id join organizations o on o.id = t.org_id
           where tm.user_id = $1 and o.archived_at is null
           order by 1, 4 nulls first"#,
        user_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
