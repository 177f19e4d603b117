//! `sluice-bench rollup`: the billing roll-up benchmark's measurements (`bench/billing-rollup.sh`
//! generates the ledger). Times the month queries of the usage report for every grouping and of
//! the egress report through the store functions the admin API and the CLI call, and — with
//! `--batches` — ledger inserts of shipper-sized batches through `ledger::insert_batch`, which is
//! where the roll-up trigger's cost lands. Prints Markdown.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use serde_json::json;
use sluice_domain::report::UsageGroupBy;
use sluice_store::ledger::{self, LedgerRow};
use sluice_store::rollups::{self, UsageFilter};
use sluice_store::Db;
use uuid::Uuid;

#[derive(clap::Args)]
pub struct RollupArgs {
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// The org whose reports are timed.
    #[arg(long)]
    org: Uuid,
    /// First day (UTC, YYYY-MM-DD), inclusive.
    #[arg(long)]
    from: NaiveDate,
    /// Last day, inclusive.
    #[arg(long)]
    to: NaiveDate,
    /// Timed runs per query, after one untimed warm-up run.
    #[arg(long, default_value_t = 7)]
    repeat: usize,
    /// Instead of the queries: insert this many batches of `--batch-size` new ledger rows (now,
    /// for `--org`) and report the time per batch.
    #[arg(long)]
    batches: Option<usize>,
    #[arg(long, default_value_t = 500)]
    batch_size: usize,
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// (median, max) of the timed runs.
fn summary(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

pub async fn run(args: RollupArgs) -> anyhow::Result<()> {
    let db = Db::connect(&args.database_url, 2).await?;
    let mut conn = db.acquire().await?;
    if let Some(batches) = args.batches {
        return insert_batches(&mut conn, &args, batches).await;
    }
    let repeat = args.repeat.max(1);
    println!("| query ({} .. {}) | rows | median ms | max ms |", args.from, args.to);
    println!("|---|---:|---:|---:|");
    let groupings = [UsageGroupBy::Day, UsageGroupBy::Team, UsageGroupBy::Key, UsageGroupBy::Model, UsageGroupBy::Provider, UsageGroupBy::DataClass, UsageGroupBy::RouteReason];
    for group_by in groupings {
        let mut times = Vec::with_capacity(repeat);
        let mut rows = 0;
        for i in 0..=repeat {
            let started = Instant::now();
            rows = rollups::usage_groups(&mut conn, args.org, args.from, args.to, group_by, &UsageFilter::default()).await?.len();
            if i > 0 {
                times.push(started.elapsed());
            }
        }
        let (median, max) = summary(times);
        println!("| usage group_by={group_by} | {rows} | {} | {} |", ms(median), ms(max));
    }
    let mut times = Vec::with_capacity(repeat);
    let mut rows = 0;
    for i in 0..=repeat {
        let started = Instant::now();
        rows = rollups::egress_groups(&mut conn, args.org, args.from, args.to).await?.len();
        if i > 0 {
            times.push(started.elapsed());
        }
    }
    let (median, max) = summary(times);
    println!("| egress | {rows} | {} | {} |", ms(median), ms(max));
    Ok(())
}

async fn insert_batches(conn: &mut sluice_store::Conn, args: &RollupArgs, batches: usize) -> anyhow::Result<()> {
    let (team, key, provider) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let terms = json!({"provider": "bench", "trust_tier": "external", "region": "us", "retention_days": 30, "trains_on_data": false, "zero_data_retention": false});
    let reasons = json!([{"kind": "complexity", "score": 0.2, "threshold": 0.5, "tier": "simple", "signals": []}, {"kind": "matrix", "data_class": "public", "tier": "simple"}]);
    let mut times = Vec::with_capacity(batches);
    for b in 0..batches {
        let rows: Vec<LedgerRow> = (0..args.batch_size)
            .map(|i| LedgerRow {
                request_id: Uuid::now_v7(),
                occurred_at: Utc::now(),
                org_id: args.org,
                team_id: team,
                key_id: key,
                user_id: None,
                endpoint: "chat".into(),
                requested_model: "auto".into(),
                routed_model: Some(["gpt-4o-mini", "gpt-4o"][i % 2].into()),
                provider_id: Some(provider),
                data_class: "public".into(),
                task_tier: "simple".into(),
                complexity_score: Some(0.2),
                decision_reasons: reasons.clone(),
                input_tokens: 1_000 + (i as i64),
                output_tokens: 200,
                cached_input_tokens: 0,
                cache_write_input_tokens: 0,
                usage_estimated: false,
                cost_nano: 270_000,
                counterfactual_model: Some("gpt-4o".into()),
                counterfactual_cost_nano: Some(4_500_000),
                reserved_nano: 300_000,
                latency_ms: Some(400),
                overhead_us: Some(250),
                status: "ok".into(),
                error_code: None,
                data_terms: Some(terms.clone()),
                prompt: None,
            })
            .collect();
        let started = Instant::now();
        ledger::insert_batch(conn, &rows).await?;
        if b > 0 {
            times.push(started.elapsed());
        }
    }
    if times.is_empty() {
        anyhow::bail!("--batches must be at least 2 (the first is a warm-up)");
    }
    let (median, max) = summary(times);
    println!("{} rows per batch: median {} ms, max {} ms per insert_batch", args.batch_size, ms(median), ms(max));
    Ok(())
}
