//! Budget alerts raised by gateways (threshold crossed, soft budget spent).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub budget_id: Uuid,
    pub period: String,
    pub threshold_percent: i16,
    pub spent_nano: i64,
    pub amount_nano: i64,
    pub occurred_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Inserts alerts not raised yet (one per budget, period and threshold); returns how many were new.
pub async fn insert_batch(conn: &mut Conn, alerts: &[AlertRow]) -> Result<u64, StoreError> {
    if alerts.is_empty() {
        return Ok(0);
    }
    macro_rules! column {
        ($field:ident) => {
            alerts.iter().map(|a| a.$field.clone()).collect::<Vec<_>>()
        };
    }
    let result = sqlx::query!(
        r#"insert into budget_alerts (id, org_id, budget_id, period, threshold_percent, spent_nano, amount_nano, occurred_at)
           select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::smallint[], $6::bigint[], $7::bigint[], $8::timestamptz[])
           on conflict on constraint budget_alerts_once do nothing"#,
        &column!(id),
        &column!(org_id),
        &column!(budget_id),
        &column!(period),
        &column!(threshold_percent),
        &column!(spent_nano),
        &column!(amount_nano),
        &column!(occurred_at),
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// An org's alerts, newest first (keyset on id, which is UUIDv7).
pub async fn list(conn: &mut Conn, org_id: Uuid, budget_id: Option<Uuid>, page: Page) -> Result<Vec<AlertRow>, StoreError> {
    let rows = sqlx::query_as!(
        AlertRow,
        r#"select id, org_id, budget_id, period, threshold_percent, spent_nano, amount_nano, occurred_at, delivered_at
           from budget_alerts
           where org_id = $1 and ($2::uuid is null or budget_id = $2) and ($3::uuid is null or id < $3)
           order by id desc limit $4"#,
        org_id,
        budget_id,
        page.after,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
