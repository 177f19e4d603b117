//! Console login sessions and their rotating refresh tokens (stored as SHA-256 hashes).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, StoreError};

pub async fn insert(conn: &mut Conn, id: Uuid, user_id: Uuid, token_hash: &[u8], expires_at: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query!(
        "insert into sessions (id, user_id, refresh_token_hash, expires_at) values ($1, $2, $3, $4)",
        id,
        user_id,
        token_hash,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// If this session is live and its user still allowed in, whether the user is a platform admin.
/// Checked on every admin API request, so logout, account disabling and demotion take effect
/// immediately rather than at token expiry.
pub async fn active_user(conn: &mut Conn, id: Uuid, user_id: Uuid) -> Result<Option<bool>, StoreError> {
    let admin = sqlx::query_scalar!(
        r#"select u.is_platform_admin from sessions s join users u on u.id = s.user_id
           where s.id = $1 and s.user_id = $2 and s.revoked_at is null and s.expires_at > now()
             and u.disabled_at is null"#,
        id,
        user_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(admin)
}

/// The outcome of presenting a refresh token.
pub enum Refresh {
    /// The token was current: it has been replaced by the new one.
    Rotated { session_id: Uuid, user_id: Uuid },
    /// The token had already been used: the session is now revoked (someone replayed it).
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

pub async fn rotate(conn: &mut Conn, presented_hash: &[u8], new_hash: &[u8]) -> Result<Refresh, StoreError> {
    let rotated = sqlx::query!(
        r#"update sessions s set previous_token_hash = s.refresh_token_hash, refresh_token_hash = $2, refreshed_at = now()
           from users u
           where u.id = s.user_id and s.refresh_token_hash = $1 and s.revoked_at is null
             and s.expires_at > now() and u.disabled_at is null
           returning s.id, s.user_id"#,
        presented_hash,
        new_hash
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = rotated {
        return Ok(Refresh::Rotated { session_id: row.id, user_id: row.user_id });
    }
    let reused = sqlx::query!(
        "update sessions set revoked_at = coalesce(revoked_at, now()) where previous_token_hash = $1 returning id",
        presented_hash
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(if reused.is_some() { Refresh::Reused } else { Refresh::Invalid })
}

/// Revokes a session by its refresh token. Returns the user id if one was revoked.
pub async fn revoke_by_token(conn: &mut Conn, token_hash: &[u8]) -> Result<Option<Uuid>, StoreError> {
    let row = sqlx::query_scalar!(
        "update sessions set revoked_at = now() where refresh_token_hash = $1 and revoked_at is null returning user_id",
        token_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn revoke(conn: &mut Conn, id: Uuid) -> Result<bool, StoreError> {
    let n = sqlx::query!("update sessions set revoked_at = now() where id = $1 and revoked_at is null", id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Revokes every session of a user (password reset, account disabled).
pub async fn revoke_all_of_user(conn: &mut Conn, user_id: Uuid) -> Result<u64, StoreError> {
    let n = sqlx::query!("update sessions set revoked_at = now() where user_id = $1 and revoked_at is null", user_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n)
}

/// Deletes sessions that ended more than a day ago; run periodically by the background worker.
/// An expired session's refresh token is refused anyway, so its row (kept for reuse detection
/// while the token could still be presented) has no use left.
pub async fn purge_expired(conn: &mut Conn) -> Result<u64, StoreError> {
    let n = sqlx::query!("delete from sessions where expires_at < now() - interval '1 day'")
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n)
}
