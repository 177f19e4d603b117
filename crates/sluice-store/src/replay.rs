//! Past chat traffic of an org, grouped by what the router knew about it (data class, complexity
//! score to two decimals) and where it went, with token and cost sums: what a what-if report
//! replays under a candidate policy. No prompt is read — there is none unless prompt logging is on.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct ReplayGroup {
    pub data_class: String,
    /// Rounded to 0.01; None for rows the router did not score (before it existed).
    pub complexity_score: Option<f64>,
    pub routed_model: Option<String>,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_input_tokens: i64,
    pub cost_nano: i64,
}

pub async fn chat_groups(conn: &mut Conn, org_id: Uuid, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<ReplayGroup>, StoreError> {
    let rows = sqlx::query_as!(
        ReplayGroup,
        r#"select data_class as "data_class!",
                  round(complexity_score::numeric, 2)::float8 as complexity_score,
                  routed_model,
                  count(*) as "requests!",
                  coalesce(sum(input_tokens), 0)::bigint as "input_tokens!",
                  coalesce(sum(output_tokens), 0)::bigint as "output_tokens!",
                  coalesce(sum(cached_input_tokens), 0)::bigint as "cached_input_tokens!",
                  coalesce(sum(cost_nano), 0)::bigint as "cost_nano!"
           from usage_ledger
           where org_id = $1 and occurred_at >= $2 and occurred_at < $3 and endpoint in ('chat', 'messages')
           group by 1, 2, 3
           order by 1, 2, 3"#,
        org_id,
        from,
        until
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
