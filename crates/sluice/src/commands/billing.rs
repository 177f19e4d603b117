//! `sluice billing …`: importing provider exports, reconciling them with the ledger,
//! refreshing the price book and the reports (`billing/report.rs`), straight against the
//! database. Glue only: the same functions serve the admin API
//! (`sluice_admin::resources::billing`), so both give the same answers.

pub mod report;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use sluice_admin::error::ApiError;
use sluice_admin::resources::billing::wire::{ReconciliationFinding, ReconciliationReport};
use sluice_admin::resources::billing::{prices, service};
use sluice_billing::Format;
use sluice_billing::reconcile::{Options, Tolerance};
use sluice_store::{Conn, orgs};
use uuid::Uuid;

use crate::cli::{BillingImportArgs, BillingReconcileArgs};
use crate::database;
use crate::settings::Settings;

/// The API's error as a message for the terminal (field errors spelled out).
fn cli_error(err: ApiError) -> anyhow::Error {
    match err {
        ApiError::Validation(fields) => anyhow::anyhow!(fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")),
        other => anyhow::anyhow!("{other}"),
    }
}

pub(crate) async fn org_id(conn: &mut Conn, org: &str) -> anyhow::Result<Uuid> {
    let row = match org.parse::<Uuid>() {
        Ok(id) => orgs::get(conn, id).await?,
        Err(_) => orgs::get_by_slug(conn, org).await?,
    };
    row.map(|o| o.id).ok_or_else(|| anyhow::anyhow!("--org: no organization {org:?}"))
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

pub async fn import(settings: Settings, args: BillingImportArgs) -> anyhow::Result<()> {
    let format: Format = args.format.parse().map_err(|e| anyhow::anyhow!("--format {e}"))?;
    let content = read(&args.file)?;
    let database = database::open(&settings).await?;
    let result = async {
        let org = org_id(&mut *database.db.acquire().await?, &args.org).await?;
        let outcome = service::import(&database.db, org, None, &args.provider, format, &content).await.map_err(cli_error)?;
        let b = outcome.batch;
        if outcome.created {
            println!("imported {} lines ({} new) as batch {}", b.lines_total, b.lines_new, b.id);
        } else {
            println!("already imported as batch {} on {}: nothing added", b.id, b.created_at.format("%Y-%m-%d %H:%M UTC"));
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

pub async fn reconcile(settings: Settings, args: BillingReconcileArgs) -> anyhow::Result<()> {
    let day = |flag: &str, value: &str| NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| anyhow::anyhow!("{flag} must be YYYY-MM-DD"));
    let period = service::Period::new(day("--from", &args.from)?, day("--to", &args.to)?).map_err(cli_error)?;
    let json = match args.format.as_str() {
        "json" => true,
        "table" => false,
        _ => anyhow::bail!("--format must be json or table"),
    };
    let tolerance = Tolerance::new(&args.tolerance_relative, &args.tolerance_usd, args.tolerance_tokens).map_err(|e| anyhow::anyhow!("{e}"))?;
    let sluice_scopes: BTreeSet<String> =
        args.sluice_scopes.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    let database = database::open(&settings).await?;
    let result = async {
        let mut conn = database.db.acquire().await?;
        let org = org_id(&mut conn, &args.org).await?;
        let options = Options { tolerance, sluice_scopes };
        let r = service::reconcile(&mut conn, org, &period, args.provider.as_deref(), &options).await.map_err(cli_error)?;
        let report = ReconciliationReport::new(period.from, period.to, r.providers, tolerance, r.report);
        if json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", table(&report));
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

fn cell<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_owned(), T::to_string)
}

/// The report as a fixed-width table, mismatches first, then the totals.
fn table(report: &ReconciliationReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "reconciliation {} .. {} ({})", report.from, report.to, if report.providers.is_empty() { "no invoices imported".to_owned() } else { report.providers.join(", ") });
    let _ = writeln!(
        out,
        "{:<18} {:<10} {:<28} {:<10} {:<12} {:>12} {:>12} {:>14} {:>14} {:>14}  scope",
        "class", "provider", "model", "day", "token_type", "ledger_qty", "invoice_qty", "ledger_usd", "invoice_usd", "diff_usd"
    );
    for f in &report.findings {
        let ReconciliationFinding { class, provider, model, day, token_type, scope, .. } = f;
        let _ = writeln!(
            out,
            "{class:<18} {provider:<10} {model:<28} {day:<10} {token_type:<12} {:>12} {:>12} {:>14} {:>14} {:>14}  {}",
            cell(&f.ledger_quantity),
            cell(&f.invoice_quantity),
            cell(&f.ledger_amount_usd),
            cell(&f.invoice_amount_usd),
            cell(&f.amount_difference_usd),
            scope.as_deref().unwrap_or("")
        );
    }
    let t = &report.totals;
    let _ = writeln!(
        out,
        "totals: ledger {} (charged {}), invoice {}, difference {}",
        t.ledger_amount_usd, t.ledger_charged_usd, t.invoice_amount_usd, t.amount_difference_usd
    );
    for c in &t.by_class {
        let _ = writeln!(out, "  {:<18} {:>6} findings  {:>14}", c.class, c.findings, c.amount_difference_usd.to_string());
    }
    out
}

pub async fn refresh_prices(settings: Settings, file: &Path, dry_run: bool) -> anyhow::Result<()> {
    let content = read(file)?;
    let database = database::open(&settings).await?;
    let result = async {
        let refreshed = prices::refresh(&database.db, &content, dry_run).await.map_err(cli_error)?;
        for (model, old, new) in &refreshed.changes {
            let was = old.map_or_else(|| "unpriced".to_owned(), |o| format!("{} / {}", o.input, o.output));
            println!("{model}: {was} -> {} / {} USD per million tokens (input / output)", new.input, new.output);
        }
        let verb = if dry_run { "would change" } else { "changed" };
        println!("{verb} {} of {} OpenAI and Anthropic models", refreshed.changes.len(), refreshed.models_checked);
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
