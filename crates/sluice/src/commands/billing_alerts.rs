//! `sluice billing forecast` and `sluice billing drift`: the burn-rate and counter-drift reports
//! of one org, straight against the database (and Redis for drift). Glue only: the admin API's
//! `reports/burn-rate` and `billing/counter-drift` call the same functions.

use std::fmt::Write as _;

use chrono::Utc;
use serde::Serialize;
use sluice_admin::resources::counter_drift::drift_report;
use sluice_admin::resources::forecast::burn_rate;

use crate::cli::BillingOrgReportArgs;
use crate::commands::billing::org_id;
use crate::commands::shared_quota;
use crate::database;
use crate::settings::Settings;

fn wants_json(format: &str) -> anyhow::Result<bool> {
    match format {
        "json" => Ok(true),
        "table" => Ok(false),
        _ => anyhow::bail!("--format must be json or table"),
    }
}

fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

pub async fn forecast(settings: Settings, args: BillingOrgReportArgs) -> anyhow::Result<()> {
    let json = wants_json(&args.format)?;
    let database = database::open(&settings).await?;
    let result = async {
        let mut conn = database.db.acquire().await?;
        let org = org_id(&mut conn, &args.org).await?;
        let report = burn_rate(&mut conn, org, Utc::now()).await?;
        if json {
            return print_json(&report);
        }
        let mut out = String::new();
        let _ = writeln!(out, "burn rate over the trailing {} hours, {}", report.trailing_window_hours, report.generated_at.format("%Y-%m-%d %H:%M UTC"));
        let _ = writeln!(
            out,
            "{:<36} {:<5} {:<8} {:>12} {:>12} {:>12} {:>14} {:<20} {:<20}  before end",
            "budget", "scope", "period", "amount_usd", "spent_usd", "usd_per_hour", "projected_usd", "period_end", "exhaustion_at"
        );
        for f in &report.items {
            let _ = writeln!(
                out,
                "{:<36} {:<5} {:<8} {:>12} {:>12} {:>12} {:>14} {:<20} {:<20}  {}",
                f.budget_id,
                f.scope,
                f.period.as_str(),
                f.amount_usd.to_string(),
                f.spent_usd.to_string(),
                f.velocity_usd_per_hour.to_string(),
                opt(f.projected_spend_usd),
                opt(f.period_end.map(|t| t.format("%Y-%m-%d %H:%M"))),
                opt(f.projected_exhaustion_at.map(|t| t.format("%Y-%m-%d %H:%M"))),
                if f.exhausts_before_period_end { "yes" } else { "no" }
            );
        }
        print!("{out}");
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

pub async fn drift(settings: Settings, args: BillingOrgReportArgs) -> anyhow::Result<()> {
    let json = wants_json(&args.format)?;
    let Some(quota) = shared_quota(&settings)? else {
        anyhow::bail!("no redis_url: the counters live in each gateway's process, so there is no shared counter to compare");
    };
    let tolerance = settings.alert_drift_tolerance()?;
    let database = database::open(&settings).await?;
    let result = async {
        let mut conn = database.db.acquire().await?;
        let org = org_id(&mut conn, &args.org).await?;
        let items = drift_report(&mut conn, &quota, org, Utc::now(), tolerance).await?;
        if json {
            return print_json(&items);
        }
        let mut out = String::new();
        let _ = writeln!(out, "{:<36} {:<5} {:<12} {:>14} {:>14} {:>14} {:>12}  drift", "budget", "scope", "period", "counter_usd", "ledger_usd", "difference_usd", "reserved_usd");
        for d in &items {
            let _ = writeln!(
                out,
                "{:<36} {:<5} {:<12} {:>14} {:>14} {:>14} {:>12}  {}",
                d.budget_id,
                d.scope,
                d.period,
                d.counter_usd.to_string(),
                d.ledger_usd.to_string(),
                d.difference_usd.to_string(),
                d.reserved_usd.to_string(),
                if d.exceeds_tolerance { format!("above the tolerance of {tolerance}") } else { "ok".to_owned() }
            );
        }
        print!("{out}");
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
