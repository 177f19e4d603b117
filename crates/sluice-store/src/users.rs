//! Console user accounts. The password hash is only ever read by `credentials_by_email`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub is_platform_admin: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: Option<&'a str>,
    pub is_platform_admin: bool,
}

pub async fn insert(conn: &mut Conn, user: &NewUser<'_>) -> Result<UserRow, StoreError> {
    let row = sqlx::query_as!(
        UserRow,
        r#"insert into users (id, email, display_name, password_hash, is_platform_admin)
           values ($1, lower($2), $3, $4, $5)
           returning id, email, display_name, is_platform_admin, disabled_at, created_at, updated_at"#,
        user.id,
        user.email,
        user.display_name,
        user.password_hash,
        user.is_platform_admin
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<UserRow>, StoreError> {
    let row = sqlx::query_as!(
        UserRow,
        r#"select id, email, display_name, is_platform_admin, disabled_at, created_at, updated_at
           from users where id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn find_by_email(conn: &mut Conn, email: &str) -> Result<Option<UserRow>, StoreError> {
    let row = sqlx::query_as!(
        UserRow,
        r#"select id, email, display_name, is_platform_admin, disabled_at, created_at, updated_at
           from users where lower(email) = lower($1)"#,
        email
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// What login needs: the id, the PHC hash and whether the account may log in.
pub struct Credentials {
    pub id: Uuid,
    pub password_hash: Option<String>,
    pub disabled: bool,
}

pub async fn credentials_by_email(conn: &mut Conn, email: &str) -> Result<Option<Credentials>, StoreError> {
    let row = sqlx::query_as!(
        Credentials,
        r#"select id, password_hash, disabled_at is not null as "disabled!"
           from users where lower(email) = lower($1)"#,
        email
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn list(conn: &mut Conn, email_contains: Option<&str>, page: Page) -> Result<Vec<UserRow>, StoreError> {
    let rows = sqlx::query_as!(
        UserRow,
        r#"select id, email, display_name, is_platform_admin, disabled_at, created_at, updated_at
           from users
           where ($1::uuid is null or id > $1)
             and ($2::text is null or email ilike '%' || $2 || '%' or display_name ilike '%' || $2 || '%')
           order by id limit $3"#,
        page.after,
        email_contains,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

#[derive(Default)]
pub struct UserPatch<'a> {
    pub display_name: Option<&'a str>,
    pub is_platform_admin: Option<bool>,
    pub disabled: Option<bool>,
    pub password_hash: Option<&'a str>,
}

pub async fn update(conn: &mut Conn, id: Uuid, patch: &UserPatch<'_>) -> Result<Option<UserRow>, StoreError> {
    let row = sqlx::query_as!(
        UserRow,
        r#"update users set
             display_name = coalesce($2, display_name),
             is_platform_admin = coalesce($3, is_platform_admin),
             disabled_at = case when $4::bool is null then disabled_at
                                when $4 then coalesce(disabled_at, now())
                                else null end,
             password_hash = coalesce($5, password_hash),
             updated_at = now()
           where id = $1
           returning id, email, display_name, is_platform_admin, disabled_at, created_at, updated_at"#,
        id,
        patch.display_name,
        patch.is_platform_admin,
        patch.disabled,
        patch.password_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(r#"select count(*) as "n!" from users"#).fetch_one(conn).await?;
    Ok(n)
}

/// Active platform admins, so the last one cannot be demoted or disabled.
pub async fn count_active_platform_admins(conn: &mut Conn) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(r#"select count(*) as "n!" from users where is_platform_admin and disabled_at is null"#)
        .fetch_one(conn)
        .await?;
    Ok(n)
}
