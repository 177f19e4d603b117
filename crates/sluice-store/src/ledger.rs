//! The usage ledger: one row per admitted request, inserted in batches.
//!
//! Inserts are idempotent: the primary key is (request_id, occurred_at), both fixed by the
//! gateway at admission and carried by the usage event, so replaying an outbox after a crash
//! (or a reconciler racing a late writer) can never add a second row for a request.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub request_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub org_id: Uuid,
    pub team_id: Uuid,
    pub key_id: Uuid,
    pub user_id: Option<Uuid>,
    pub endpoint: String,
    pub requested_model: String,
    pub routed_model: Option<String>,
    pub provider_id: Option<Uuid>,
    pub data_class: String,
    pub task_tier: String,
    /// The router's complexity score in [0, 1] (chat requests).
    #[serde(default)]
    pub complexity_score: Option<f32>,
    pub decision_reasons: Value,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_input_tokens: i64,
    /// Prompt tokens written to the provider's cache (included in `input_tokens`).
    #[serde(default)]
    pub cache_write_input_tokens: i64,
    pub usage_estimated: bool,
    pub cost_nano: i64,
    pub counterfactual_model: Option<String>,
    pub counterfactual_cost_nano: Option<i64>,
    pub reserved_nano: i64,
    pub latency_ms: Option<i32>,
    pub overhead_us: Option<i32>,
    pub status: String,
    pub error_code: Option<String>,
    pub data_terms: Option<Value>,
    pub prompt: Option<String>,
}

/// Inserts the rows that are not there yet; returns how many were new.
///
/// Rows go in primary-key order: two batches sharing rows (a redelivery racing the original,
/// the reconciler racing a shipper) then wait for each other's rows in the same order and cannot
/// deadlock. The roll-up trigger (see `rollups`) runs in the same statement.
pub async fn insert_batch(conn: &mut Conn, rows: &[LedgerRow]) -> Result<u64, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut rows: Vec<&LedgerRow> = rows.iter().collect();
    rows.sort_by_key(|r| (r.request_id, r.occurred_at));
    macro_rules! column {
        ($field:ident) => {
            rows.iter().map(|r| r.$field.clone()).collect::<Vec<_>>()
        };
    }
    let result = sqlx::query!(
        r#"insert into usage_ledger (request_id, occurred_at, org_id, team_id, key_id, user_id, endpoint, requested_model,
               routed_model, provider_id, data_class, task_tier, decision_reasons, input_tokens, output_tokens,
               cached_input_tokens, usage_estimated, cost_nano, counterfactual_model, counterfactual_cost_nano, reserved_nano,
               latency_ms, overhead_us, status, error_code, data_terms, prompt, complexity_score, cache_write_input_tokens)
           select * from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[],
               $8::text[], $9::text[], $10::uuid[], $11::text[], $12::text[], $13::jsonb[], $14::bigint[], $15::bigint[],
               $16::bigint[], $17::bool[], $18::bigint[], $19::text[], $20::bigint[], $21::bigint[], $22::int[], $23::int[],
               $24::text[], $25::text[], $26::jsonb[], $27::text[], $28::real[], $29::bigint[])
           on conflict (request_id, occurred_at) do nothing"#,
        &column!(request_id),
        &column!(occurred_at),
        &column!(org_id),
        &column!(team_id),
        &column!(key_id),
        &column!(user_id) as &[Option<Uuid>],
        &column!(endpoint),
        &column!(requested_model),
        &column!(routed_model) as &[Option<String>],
        &column!(provider_id) as &[Option<Uuid>],
        &column!(data_class),
        &column!(task_tier),
        &column!(decision_reasons),
        &column!(input_tokens),
        &column!(output_tokens),
        &column!(cached_input_tokens),
        &column!(usage_estimated),
        &column!(cost_nano),
        &column!(counterfactual_model) as &[Option<String>],
        &column!(counterfactual_cost_nano) as &[Option<i64>],
        &column!(reserved_nano),
        &column!(latency_ms) as &[Option<i32>],
        &column!(overhead_us) as &[Option<i32>],
        &column!(status),
        &column!(error_code) as &[Option<String>],
        &column!(data_terms) as &[Option<Value>],
        &column!(prompt) as &[Option<String>],
        &column!(complexity_score) as &[Option<f32>],
        &column!(cache_write_input_tokens),
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Ledger rows of one key (tests and reconciliation checks).
pub async fn rows_of_key(conn: &mut Conn, key_id: Uuid) -> Result<Vec<LedgerRow>, StoreError> {
    let rows = sqlx::query_as!(
        LedgerRow,
        r#"select request_id, occurred_at, org_id, team_id, key_id, user_id, endpoint, requested_model, routed_model,
                  provider_id, data_class, task_tier, complexity_score, decision_reasons, input_tokens, output_tokens, cached_input_tokens,
                  cache_write_input_tokens, usage_estimated, cost_nano, counterfactual_model, counterfactual_cost_nano, reserved_nano, latency_ms,
                  overhead_us, status, error_code, data_terms, prompt
           from usage_ledger where key_id = $1 order by occurred_at"#,
        key_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Spend of one budget target in a period, from the ledger: what the quota counters are
/// rebuilt from after Redis lost its data. `team_id`/`key_id` both None = the whole org.
pub async fn spent(conn: &mut Conn, org_id: Uuid, team_id: Option<Uuid>, key_id: Option<Uuid>, from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Result<i64, StoreError> {
    let total = sqlx::query_scalar!(
        r#"select coalesce(sum(cost_nano), 0)::bigint as "total!" from usage_ledger
           where org_id = $1 and ($2::uuid is null or team_id = $2) and ($3::uuid is null or key_id = $3)
             and ($4::timestamptz is null or occurred_at >= $4) and ($5::timestamptz is null or occurred_at < $5)"#,
        org_id,
        team_id,
        key_id,
        from,
        until
    )
    .fetch_one(conn)
    .await?;
    Ok(total)
}

/// Every ledger row (tests and diagnostics).
pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(r#"select count(*) as "n!" from usage_ledger"#).fetch_one(conn).await?;
    Ok(n)
}
