//! Spend of one budget target (an org, a team or a key) over the windows burn-rate forecasts and
//! anomaly detection need, in one pass over the ledger's (org, occurred_at) index.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, StoreError};

/// Where a budget applies, as the ledger filters it: `team_id` and `key_id` both None = the whole org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendTarget {
    pub org_id: Uuid,
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
}

/// The instants that cut the windows; every window ends at `until` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendCuts {
    /// Start of the budget's current period; None for `total` budgets (the whole ledger).
    pub period_start: Option<DateTime<Utc>>,
    pub trailing_from: DateTime<Utc>,
    pub last_hour_from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// Sums in nano-USD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpendWindows {
    pub period: i64,
    pub trailing: i64,
    pub last_hour: i64,
}

pub async fn windows(conn: &mut Conn, target: SpendTarget, cuts: SpendCuts) -> Result<SpendWindows, StoreError> {
    let row = sqlx::query!(
        r#"select coalesce(sum(cost_nano) filter (where $4::timestamptz is null or occurred_at >= $4), 0)::bigint as "period!",
                  coalesce(sum(cost_nano) filter (where occurred_at >= $5), 0)::bigint as "trailing!",
                  coalesce(sum(cost_nano) filter (where occurred_at >= $6), 0)::bigint as "last_hour!"
           from usage_ledger
           where org_id = $1 and ($2::uuid is null or team_id = $2) and ($3::uuid is null or key_id = $3)
             and ($4::timestamptz is null or occurred_at >= least($4, $5)) and occurred_at < $7"#,
        target.org_id,
        target.team_id,
        target.key_id,
        cuts.period_start,
        cuts.trailing_from,
        cuts.last_hour_from,
        cuts.until
    )
    .fetch_one(conn)
    .await?;
    Ok(SpendWindows { period: row.period, trailing: row.trailing, last_hour: row.last_hour })
}
