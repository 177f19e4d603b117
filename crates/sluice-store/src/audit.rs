//! The append-only audit log. Callers write one entry per mutation inside the mutation's
//! transaction; the table's triggers refuse UPDATE, DELETE and TRUNCATE.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::{Conn, StoreError};

pub struct NewEntry<'a> {
    pub org_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<Uuid>,
    /// Only fields the caller names explicitly — never a request body, never a secret.
    pub details: Value,
}

pub async fn record(conn: &mut Conn, entry: &NewEntry<'_>) -> Result<(), StoreError> {
    sqlx::query!(
        "insert into audit_log (org_id, actor_user_id, action, target_type, target_id, details) values ($1, $2, $3, $4, $5, $6)",
        entry.org_id,
        entry.actor_user_id,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.details
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct EntryRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub org_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub details: Value,
}

#[derive(Default)]
pub struct Filter<'a> {
    pub action: Option<&'a str>,
    pub actor_user_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Newest first. `org_id = None` lists platform-level entries (no org).
pub async fn list(conn: &mut Conn, org_id: Option<Uuid>, filter: &Filter<'_>, before_id: Option<i64>, limit: u32) -> Result<Vec<EntryRow>, StoreError> {
    let rows = sqlx::query_as!(
        EntryRow,
        r#"select a.id, a.occurred_at, a.org_id, a.actor_user_id, u.email as "actor_email?", a.action,
                  a.target_type, a.target_id, a.details
           from audit_log a left join users u on u.id = a.actor_user_id
           where a.org_id is not distinct from $1
             and ($2::bigint is null or a.id < $2)
             and ($3::text is null or a.action = $3)
             and ($4::uuid is null or a.actor_user_id = $4)
             and ($5::uuid is null or a.target_id = $5)
             and ($6::timestamptz is null or a.occurred_at >= $6)
             and ($7::timestamptz is null or a.occurred_at < $7)
           order by a.id desc limit $8"#,
        org_id,
        before_id,
        filter.action,
        filter.actor_user_id,
        filter.target_id,
        filter.since,
        filter.until,
        i64::from(limit) + 1
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
