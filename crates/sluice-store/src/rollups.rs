//! Reads of the daily roll-ups (`usage_rollup_daily`, `egress_rollup_daily`): the usage, savings
//! and egress reports.
//!
//! The roll-ups are written by a trigger on `usage_ledger` in the same transaction as each ledger
//! insert, counting only rows actually inserted (see migration 20261130000100), so these reads
//! never touch the ledger itself: a month of one org is a few thousand pre-summed rows whatever
//! the ledger's size. Days are UTC days, both bounds included.

use chrono::NaiveDate;
use sluice_domain::report::UsageGroupBy;
use uuid::Uuid;

use crate::{Conn, StoreError};

/// What a requests group is called when the ledger did not record its model or provider (rows
/// the reconciler settled for a crashed gateway).
pub const UNKNOWN: &str = "unknown";

/// Optional narrowing of a usage report; every filter is ANDed with the org and the days.
#[derive(Debug, Clone, Default)]
pub struct UsageFilter<'a> {
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    pub model: Option<&'a str>,
    pub provider_id: Option<Uuid>,
    pub data_class: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsageGroupRow {
    /// The day (`YYYY-MM-DD`), team/key/provider id, model, data class or route reason.
    pub key: String,
    /// The team's, key's or provider's name where the group is one of those and it still exists.
    pub label: Option<String>,
    pub requests: i64,
    pub estimated_requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_input_tokens: i64,
    pub cache_write_input_tokens: i64,
    pub cost_nano: i64,
    pub counterfactual_cost_nano: i64,
}

/// One org's usage over `from..=to`, summed per `group_by`: days in date order, every other
/// grouping by cost, highest first (ties by key, so the order is stable).
pub async fn usage_groups(
    conn: &mut Conn,
    org_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    group_by: UsageGroupBy,
    filter: &UsageFilter<'_>,
) -> Result<Vec<UsageGroupRow>, StoreError> {
    let rows = sqlx::query_as!(
        UsageGroupRow,
        r#"with grouped as (
               select case $4::text
                          when 'day' then to_char(day, 'YYYY-MM-DD')
                          when 'team' then team_id::text
                          when 'key' then key_id::text
                          when 'model' then coalesce(routed_model, $10)
                          when 'provider' then coalesce(provider_id::text, $10)
                          when 'data_class' then data_class
                          else route_reason
                      end as key,
                      sum(requests)::bigint as requests,
                      sum(estimated_requests)::bigint as estimated_requests,
                      sum(input_tokens)::bigint as input_tokens,
                      sum(output_tokens)::bigint as output_tokens,
                      sum(cached_input_tokens)::bigint as cached_input_tokens,
                      sum(cache_write_input_tokens)::bigint as cache_write_input_tokens,
                      sum(cost_nano)::bigint as cost_nano,
                      sum(counterfactual_cost_nano)::bigint as counterfactual_cost_nano
               from usage_rollup_daily
               where org_id = $1 and day >= $2 and day <= $3
                 and ($5::uuid is null or team_id = $5)
                 and ($6::uuid is null or key_id = $6)
                 and ($7::text is null or routed_model = $7)
                 and ($8::uuid is null or provider_id = $8)
                 and ($9::text is null or data_class = $9)
               group by 1
           )
           select g.key as "key!",
                  case $4::text when 'team' then t.name when 'key' then k.name when 'provider' then p.name end as label,
                  g.requests as "requests!", g.estimated_requests as "estimated_requests!",
                  g.input_tokens as "input_tokens!", g.output_tokens as "output_tokens!",
                  g.cached_input_tokens as "cached_input_tokens!", g.cache_write_input_tokens as "cache_write_input_tokens!",
                  g.cost_nano as "cost_nano!", g.counterfactual_cost_nano as "counterfactual_cost_nano!"
           from grouped g
           left join teams t on $4::text = 'team' and t.org_id = $1 and t.id::text = g.key
           left join virtual_keys k on $4::text = 'key' and k.org_id = $1 and k.id::text = g.key
           left join providers p on $4::text = 'provider' and p.id::text = g.key
           order by case when $4::text = 'day' then g.key end, g.cost_nano desc, g.key"#,
        org_id,
        from,
        to,
        group_by.as_str(),
        filter.team_id,
        filter.key_id,
        filter.model,
        filter.provider_id,
        filter.data_class,
        UNKNOWN,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq)]
pub struct EgressGroupRow {
    pub provider_id: Uuid,
    /// The provider's current name (its id when it has since been deleted).
    pub provider_name: String,
    /// As recorded with the request; the provider's current tier for rows that recorded none;
    /// None when neither is known (a deleted provider).
    pub trust_tier: Option<String>,
    pub region: Option<String>,
    pub retention_days: Option<i32>,
    pub trains_on_data: Option<bool>,
    pub zero_data_retention: Option<bool>,
    pub data_class: String,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

/// Which of one org's requests over `from..=to` went to which provider under which data terms,
/// per data class; ordered by provider name, data class, then the terms.
pub async fn egress_groups(conn: &mut Conn, org_id: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<EgressGroupRow>, StoreError> {
    let rows = sqlx::query_as!(
        EgressGroupRow,
        r#"select e.provider_id as "provider_id!",
                  coalesce(p.name, e.provider_id::text) as "provider_name!",
                  coalesce(e.trust_tier, p.trust_tier::text) as trust_tier,
                  e.region, e.retention_days, e.trains_on_data, e.zero_data_retention,
                  e.data_class as "data_class!",
                  sum(e.requests)::bigint as "requests!",
                  sum(e.input_tokens)::bigint as "input_tokens!",
                  sum(e.output_tokens)::bigint as "output_tokens!"
           from egress_rollup_daily e
           left join providers p on p.id = e.provider_id
           where e.org_id = $1 and e.day >= $2 and e.day <= $3
           group by 1, 2, 3, 4, 5, 6, 7, 8
           order by 2, 8, 3, 4, 5, 6, 7, 1"#,
        org_id,
        from,
        to
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
