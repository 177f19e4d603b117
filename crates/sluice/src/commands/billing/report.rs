//! `sluice billing report usage | egress`: the admin API's reports, straight against the
//! database, as a table, JSON (the API's body) or CSV (the API's CSV). Glue only: parameters are
//! parsed and reports built by the same functions the API uses
//! (`sluice_admin::resources::reports::service`), so a bad flag gets the API's message.

use std::fmt::Write as _;

use sluice_admin::resources::reports::service::{self, UsageInput, UsageParams};
use sluice_admin::resources::reports::wire::{EgressReportBody, UsageReportBody};
use sluice_billing::report::{EgressReport, UsageFigures, UsageReport};

use super::{cli_error, org_id};
use crate::cli::{BillingEgressArgs, BillingUsageArgs, ReportArgs};
use crate::database;
use crate::settings::Settings;

enum Output {
    Table,
    Json,
    Csv,
}

fn output(format: &str) -> anyhow::Result<Output> {
    match format {
        "table" => Ok(Output::Table),
        "json" => Ok(Output::Json),
        "csv" => Ok(Output::Csv),
        _ => anyhow::bail!("--format must be table, json or csv"),
    }
}

pub async fn usage(settings: Settings, args: BillingUsageArgs) -> anyhow::Result<()> {
    let ReportArgs { org, from, to, format, .. } = &args.report;
    let output = output(format)?;
    let params = UsageParams::parse(&UsageInput {
        from: Some(from),
        to: Some(to),
        group_by: Some(&args.group_by),
        team_id: args.team_id.as_deref(),
        key_id: args.key_id.as_deref(),
        model: args.model.as_deref(),
        provider_id: args.provider_id.as_deref(),
        data_class: args.data_class.as_deref(),
    })
    .map_err(cli_error)?;
    let database = database::open(&settings).await?;
    let result = async {
        let mut conn = database.db.acquire().await?;
        let org = org_id(&mut conn, org).await?;
        let report = service::usage(&mut conn, org, &params).await.map_err(cli_error)?;
        match output {
            Output::Table => print!("{}", usage_table(&report)),
            Output::Json => println!("{}", serde_json::to_string_pretty(&UsageReportBody::from(&report))?),
            Output::Csv => print!("{}", report.to_csv()),
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

pub async fn egress(settings: Settings, args: BillingEgressArgs) -> anyhow::Result<()> {
    let ReportArgs { org, from, to, format, .. } = &args.report;
    let output = output(format)?;
    let period = service::parse_egress_period(Some(from), Some(to)).map_err(cli_error)?;
    let database = database::open(&settings).await?;
    let result = async {
        let mut conn = database.db.acquire().await?;
        let org = org_id(&mut conn, org).await?;
        let report = service::egress(&mut conn, org, &period).await.map_err(cli_error)?;
        match output {
            Output::Table => print!("{}", egress_table(&report)),
            Output::Json => println!("{}", serde_json::to_string_pretty(&EgressReportBody::from(&report))?),
            Output::Csv => print!("{}", report.to_csv()),
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

fn usage_line(out: &mut String, key: &str, label: &str, f: &UsageFigures) {
    let _ = writeln!(
        out,
        "{key:<38} {label:<20} {:>9} {:>6} {:>13} {:>12} {:>12} {:>12} {:>14} {:>14} {:>14}",
        f.requests,
        f.estimated_requests,
        f.input_tokens,
        f.output_tokens,
        f.cached_input_tokens,
        f.cache_write_input_tokens,
        f.cost.to_string(),
        f.counterfactual_cost.to_string(),
        f.saved().to_string()
    );
}

fn usage_table(report: &UsageReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "usage by {} {} .. {}", report.group_by, report.from, report.to);
    let _ = writeln!(
        out,
        "{:<38} {:<20} {:>9} {:>6} {:>13} {:>12} {:>12} {:>12} {:>14} {:>14} {:>14}",
        "key", "label", "requests", "est", "input", "output", "cached_in", "cache_write", "cost_usd", "default_usd", "saved_usd"
    );
    for row in &report.rows {
        usage_line(&mut out, &row.key, row.label.as_deref().unwrap_or(""), &row.figures);
    }
    usage_line(&mut out, "total", "", &report.totals);
    out
}

fn egress_table(report: &EgressReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "egress {} .. {}", report.from, report.to);
    let _ = writeln!(
        out,
        "{:<20} {:<9} {:<12} {:>9} {:<7} {:<5} {:<5} {:<13} {:>9} {:>13} {:>12}",
        "provider", "tier", "region", "retention", "trains", "zdr", "left", "data_class", "requests", "input", "output"
    );
    let shown = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
    for r in &report.rows {
        let _ = writeln!(
            out,
            "{:<20} {:<9} {:<12} {:>9} {:<7} {:<5} {:<5} {:<13} {:>9} {:>13} {:>12}",
            r.provider_name,
            shown(r.trust_tier.map(|t| t.to_string())),
            shown(r.region.clone()),
            shown(r.retention_days.map(|d| d.to_string())),
            shown(r.trains_on_data.map(|b| b.to_string())),
            shown(r.zero_data_retention.map(|b| b.to_string())),
            if r.left_environment() { "yes" } else { "no" },
            r.data_class,
            r.requests,
            r.input_tokens,
            r.output_tokens
        );
    }
    let t = &report.totals;
    let _ = writeln!(out, "total: {} requests, {} input tokens, {} output tokens", t.requests, t.input_tokens, t.output_tokens);
    out
}
