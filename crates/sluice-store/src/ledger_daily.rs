//! The ledger summed per provider × upstream model × UTC day, for reconciliation with invoices.
//!
//! Tokens are split as providers bill them (uncached input, cached input, cache writes, output)
//! and each part is priced with the version in force at the request's time — the org's
//! negotiated price where it has one (`org_model_prices`), else the price book's; cache reads and
//! writes at their own price where the version has one, else at the input price — rounded up per
//! request and part to the next nano-USD exactly like the gateway, so for priced requests the
//! parts add up to the recorded cost. A part is null when any request of the group had no price
//! in force. Requests whose model or provider is unknown (refused before routing) are left out:
//! no provider saw them.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct DailyGroupRow {
    pub provider: String,
    pub model: String,
    pub day: NaiveDate,
    pub requests: i64,
    pub uncached_input_tokens: i64,
    pub cached_input_tokens: i64,
    pub cache_write_input_tokens: i64,
    pub output_tokens: i64,
    pub uncached_input_nano: Option<i64>,
    pub cached_input_nano: Option<i64>,
    pub cache_write_input_nano: Option<i64>,
    pub output_nano: Option<i64>,
    pub cost_nano: i64,
}

pub async fn daily_groups(
    conn: &mut Conn,
    org_id: Uuid,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    provider: Option<&str>,
) -> Result<Vec<DailyGroupRow>, StoreError> {
    let rows = sqlx::query_as!(
        DailyGroupRow,
        r#"with priced as (
               select p.name as provider,
                      coalesce(m.upstream_name, l.routed_model) as model,
                      (l.occurred_at at time zone 'UTC')::date as day,
                      greatest(l.input_tokens - l.cached_input_tokens - l.cache_write_input_tokens, 0) as uncached,
                      l.cached_input_tokens as cached,
                      l.cache_write_input_tokens as cache_write,
                      l.output_tokens as output,
                      l.cost_nano,
                      coalesce(ov.input_nano_per_mtok, pr.input_nano_per_mtok) as input_price,
                      case when ov.id is not null then coalesce(ov.cached_input_nano_per_mtok, ov.input_nano_per_mtok)
                           else coalesce(pr.cached_input_nano_per_mtok, pr.input_nano_per_mtok) end as cached_price,
                      case when ov.id is not null then coalesce(ov.cache_write_nano_per_mtok, ov.input_nano_per_mtok)
                           else coalesce(pr.cache_write_nano_per_mtok, pr.input_nano_per_mtok) end as cache_write_price,
                      coalesce(ov.output_nano_per_mtok, pr.output_nano_per_mtok) as output_price
               from usage_ledger l
               join providers p on p.id = l.provider_id
               left join models m on m.name = l.routed_model
               left join lateral (select x.input_nano_per_mtok, x.output_nano_per_mtok, x.cached_input_nano_per_mtok, x.cache_write_nano_per_mtok
                                  from model_prices x where x.model_id = m.id and x.effective_from <= l.occurred_at
                                  order by x.effective_from desc limit 1) pr on true
               left join lateral (select o.id, o.input_nano_per_mtok, o.output_nano_per_mtok, o.cached_input_nano_per_mtok, o.cache_write_nano_per_mtok
                                  from org_model_prices o where o.org_id = l.org_id and o.model_id = m.id and o.effective_from <= l.occurred_at
                                  order by o.effective_from desc limit 1) ov on true
               where l.org_id = $1 and l.occurred_at >= $2 and l.occurred_at < $3 and l.routed_model is not null
                 and ($4::text is null or p.name = $4)
           )
           select provider as "provider!", model as "model!", day as "day!",
                  count(*) as "requests!",
                  sum(uncached)::bigint as "uncached_input_tokens!",
                  sum(cached)::bigint as "cached_input_tokens!",
                  sum(cache_write)::bigint as "cache_write_input_tokens!",
                  sum(output)::bigint as "output_tokens!",
                  case when bool_and(input_price is not null) then sum(ceil(input_price::numeric * uncached / 1000000))::bigint end
                      as uncached_input_nano,
                  case when bool_and(cached_price is not null) then sum(ceil(cached_price::numeric * cached / 1000000))::bigint end
                      as cached_input_nano,
                  case when bool_and(cache_write_price is not null) then sum(ceil(cache_write_price::numeric * cache_write / 1000000))::bigint end
                      as cache_write_input_nano,
                  case when bool_and(output_price is not null) then sum(ceil(output_price::numeric * output / 1000000))::bigint end
                      as output_nano,
                  sum(cost_nano)::bigint as "cost_nano!"
           from priced
           group by provider, model, day
           order by provider, model, day"#,
        org_id,
        from,
        until,
        provider
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
