//! Virtual keys and their secrets. Secrets are stored only as SHA-256 hashes; rows returned here
//! carry the current secret's display prefix and last four characters, never the hash.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone)]
pub struct KeyRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub team_id: Uuid,
    pub user_id: Option<Uuid>,
    pub name: String,
    pub allowed_models: Vec<String>,
    pub allowed_endpoints: Vec<String>,
    pub metadata: Value,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Of the newest secret.
    pub display_prefix: String,
    pub last4: String,
    /// Older secrets still accepted until their grace expiry.
    pub secrets_in_grace: i64,
}

pub struct NewKey<'a> {
    pub id: Uuid,
    pub org_id: Uuid,
    pub team_id: Uuid,
    pub user_id: Option<Uuid>,
    pub name: &'a str,
    pub allowed_models: &'a [String],
    pub allowed_endpoints: &'a [String],
    pub metadata: &'a Value,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
}

pub struct NewSecret<'a> {
    pub id: Uuid,
    pub hash: &'a [u8],
    pub display_prefix: &'a str,
    pub last4: &'a str,
}

pub async fn insert(conn: &mut Conn, key: &NewKey<'_>, secret: &NewSecret<'_>) -> Result<KeyRow, StoreError> {
    sqlx::query!(
        r#"insert into virtual_keys (id, org_id, team_id, user_id, name, allowed_models, allowed_endpoints, metadata, expires_at, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
        key.id,
        key.org_id,
        key.team_id,
        key.user_id,
        key.name,
        key.allowed_models,
        key.allowed_endpoints,
        key.metadata,
        key.expires_at,
        key.created_by
    )
    .execute(&mut *conn)
    .await?;
    insert_secret(conn, key.id, secret).await?;
    get(conn, key.org_id, key.id).await?.ok_or_else(|| StoreError::Corrupt("inserted key vanished".into()))
}

async fn insert_secret(conn: &mut Conn, key_id: Uuid, secret: &NewSecret<'_>) -> Result<(), StoreError> {
    sqlx::query!(
        "insert into virtual_key_secrets (id, key_id, secret_hash, display_prefix, last4) values ($1, $2, $3, $4, $5)",
        secret.id,
        key_id,
        secret.hash,
        secret.display_prefix,
        secret.last4
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<KeyRow>, StoreError> {
    let row = sqlx::query_as!(
        KeyRow,
        r#"select k.id, k.org_id, k.team_id, k.user_id, k.name, k.allowed_models, k.allowed_endpoints, k.metadata,
                  k.expires_at, k.revoked_at, k.created_by, k.created_at, k.updated_at,
                  s.display_prefix as "display_prefix!", s.last4 as "last4!",
                  (select count(*) from virtual_key_secrets g where g.key_id = k.id and g.id <> s.id
                     and g.revoked_at is null and g.expires_at > now()) as "secrets_in_grace!"
           from virtual_keys k
           cross join lateral (select id, display_prefix, last4 from virtual_key_secrets
                               where key_id = k.id order by created_at desc, id desc limit 1) s
           where k.org_id = $1 and k.id = $2"#,
        org_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

#[derive(Default)]
pub struct Filter<'a> {
    pub team_id: Option<Uuid>,
    /// Restricts to these teams (users who only see their own teams).
    pub only_teams: Option<&'a [Uuid]>,
    pub user_id: Option<Uuid>,
    /// Some(true) = revoked only, Some(false) = not revoked only.
    pub revoked: Option<bool>,
    pub name_contains: Option<&'a str>,
}

pub async fn list(conn: &mut Conn, org_id: Uuid, filter: &Filter<'_>, page: Page) -> Result<Vec<KeyRow>, StoreError> {
    let rows = sqlx::query_as!(
        KeyRow,
        r#"select k.id, k.org_id, k.team_id, k.user_id, k.name, k.allowed_models, k.allowed_endpoints, k.metadata,
                  k.expires_at, k.revoked_at, k.created_by, k.created_at, k.updated_at,
                  s.display_prefix as "display_prefix!", s.last4 as "last4!",
                  (select count(*) from virtual_key_secrets g where g.key_id = k.id and g.id <> s.id
                     and g.revoked_at is null and g.expires_at > now()) as "secrets_in_grace!"
           from virtual_keys k
           cross join lateral (select id, display_prefix, last4 from virtual_key_secrets
                               where key_id = k.id order by created_at desc, id desc limit 1) s
           where k.org_id = $1 and ($2::uuid is null or k.id > $2)
             and ($3::uuid is null or k.team_id = $3)
             and ($4::uuid[] is null or k.team_id = any($4))
             and ($5::uuid is null or k.user_id = $5)
             and ($6::bool is null or (k.revoked_at is not null) = $6)
             and ($7::text is null or k.name ilike '%' || $7 || '%')
           order by k.id limit $8"#,
        org_id,
        page.after,
        filter.team_id,
        filter.only_teams as Option<&[Uuid]>,
        filter.user_id,
        filter.revoked,
        filter.name_contains,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// A partial update. For `expires_at`, the outer Option is "change it?", the inner is the value.
#[derive(Default)]
pub struct KeyPatch<'a> {
    pub name: Option<&'a str>,
    pub allowed_models: Option<&'a [String]>,
    pub allowed_endpoints: Option<&'a [String]>,
    pub metadata: Option<&'a Value>,
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

pub async fn update(conn: &mut Conn, org_id: Uuid, id: Uuid, patch: &KeyPatch<'_>) -> Result<Option<KeyRow>, StoreError> {
    let n = sqlx::query!(
        r#"update virtual_keys set
             name = coalesce($3, name),
             allowed_models = coalesce($4, allowed_models),
             allowed_endpoints = coalesce($5, allowed_endpoints),
             metadata = coalesce($6, metadata),
             expires_at = case when $7 then $8 else expires_at end,
             updated_at = now()
           where org_id = $1 and id = $2 and revoked_at is null"#,
        org_id,
        id,
        patch.name,
        patch.allowed_models as Option<&[String]>,
        patch.allowed_endpoints as Option<&[String]>,
        patch.metadata,
        patch.expires_at.is_some(),
        patch.expires_at.flatten()
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(None);
    }
    get(conn, org_id, id).await
}

/// Revokes the key and all of its secrets. Returns false if it was not found or already revoked.
pub async fn revoke(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!(
        "update virtual_keys set revoked_at = now(), updated_at = now() where org_id = $1 and id = $2 and revoked_at is null",
        org_id,
        id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(false);
    }
    sqlx::query!("update virtual_key_secrets set revoked_at = now() where key_id = $1 and revoked_at is null", id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Adds a new secret; the previous ones stay valid until `old_valid_until` (revoked at once if
/// that is now or earlier). Returns false if the key was not found or is revoked.
pub async fn rotate(conn: &mut Conn, org_id: Uuid, id: Uuid, secret: &NewSecret<'_>, old_valid_until: DateTime<Utc>) -> Result<bool, StoreError> {
    let live = sqlx::query_scalar!(
        r#"select exists (select 1 from virtual_keys where org_id = $1 and id = $2 and revoked_at is null) as "live!""#,
        org_id,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    if !live {
        return Ok(false);
    }
    sqlx::query!(
        r#"update virtual_key_secrets set
             revoked_at = case when $2 <= now() then now() else revoked_at end,
             expires_at = case when $2 <= now() then expires_at else least(coalesce(expires_at, $2), $2) end
           where key_id = $1 and revoked_at is null"#,
        id,
        old_valid_until
    )
    .execute(&mut *conn)
    .await?;
    insert_secret(&mut *conn, id, secret).await?;
    sqlx::query!("update virtual_keys set updated_at = now() where id = $1", id).execute(conn).await?;
    Ok(true)
}

/// Whether a team still has keys (a team with keys cannot be deleted).
pub async fn team_has_keys(conn: &mut Conn, team_id: Uuid) -> Result<bool, StoreError> {
    let any = sqlx::query_scalar!(r#"select exists (select 1 from virtual_keys where team_id = $1) as "any!""#, team_id)
        .fetch_one(conn)
        .await?;
    Ok(any)
}

/// The org and team a key belongs to (for access checks on key-level resources).
pub async fn team_of(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<Uuid>, StoreError> {
    let team = sqlx::query_scalar!("select team_id from virtual_keys where org_id = $1 and id = $2", org_id, id)
        .fetch_optional(conn)
        .await?;
    Ok(team)
}
