//! Budget alerts: thresholds the gateway saw crossed, and the kinds billing raises
//! (`forecast_exhaustion`, `spend_anomaly`, `counter_drift`). At most one per budget, period,
//! kind (and threshold); inserting one also queues its webhook deliveries (a trigger, see the
//! migration `alert_kinds_and_webhooks`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::{Conn, Page, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub budget_id: Uuid,
    pub period: String,
    /// `threshold`, `forecast_exhaustion`, `spend_anomaly` or `counter_drift`.
    pub kind: String,
    /// Set for `threshold` alerts only.
    pub threshold_percent: Option<i16>,
    pub spent_nano: i64,
    pub amount_nano: i64,
    pub details: Value,
    pub occurred_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Inserts alerts not raised yet (one per budget, period, kind and threshold); returns how many were new.
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
        r#"insert into budget_alerts (id, org_id, budget_id, period, kind, threshold_percent, spent_nano, amount_nano, details, occurred_at)
           select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::smallint[], $7::bigint[], $8::bigint[],
                                $9::jsonb[], $10::timestamptz[])
           on conflict on constraint budget_alerts_once do nothing"#,
        &column!(id),
        &column!(org_id),
        &column!(budget_id),
        &column!(period),
        &column!(kind),
        &column!(threshold_percent) as &[Option<i16>],
        &column!(spent_nano),
        &column!(amount_nano),
        &column!(details),
        &column!(occurred_at),
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// An org's alerts, newest first (keyset on id, which is UUIDv7).
pub async fn list(conn: &mut Conn, org_id: Uuid, budget_id: Option<Uuid>, kind: Option<&str>, page: Page) -> Result<Vec<AlertRow>, StoreError> {
    let rows = sqlx::query_as!(
        AlertRow,
        r#"select id, org_id, budget_id, period, kind, threshold_percent, spent_nano, amount_nano, details, occurred_at, delivered_at
           from budget_alerts
           where org_id = $1 and ($2::uuid is null or budget_id = $2) and ($3::text is null or kind = $3) and ($4::uuid is null or id < $4)
           order by id desc limit $5"#,
        org_id,
        budget_id,
        kind,
        page.after,
        page.fetch_limit()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// One alert of an org.
pub async fn get(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<AlertRow>, StoreError> {
    let row = sqlx::query_as!(
        AlertRow,
        r#"select id, org_id, budget_id, period, kind, threshold_percent, spent_nano, amount_nano, details, occurred_at, delivered_at
           from budget_alerts where org_id = $1 and id = $2"#,
        org_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}
