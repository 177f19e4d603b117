//! Importing invoices and reconciling them, as functions over the database with no HTTP types:
//! the admin API's handlers and the `sluice billing` commands both call these, so the two
//! cannot drift apart. The rules themselves live in `sluice-billing`; this is the glue that
//! reads and writes through `sluice-store` in the right transactions.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use sluice_billing::line::{InvoiceLine, TokenType};
use sluice_billing::reconcile::{self, LedgerGroup, Options, Report};
use sluice_billing::{Format, parse};
use sluice_domain::Money;
use sluice_store::invoices::{self, ImportRow, LineRow, NewImport};
use sluice_store::{Conn, Db, audit, ledger_daily, providers};
use uuid::Uuid;

use crate::error::ApiError;

/// The longest period one reconciliation covers.
pub const MAX_DAYS: i64 = 366;

pub struct ImportOutcome {
    pub batch: ImportRow,
    /// False when this org had already imported the same document: nothing was added.
    pub created: bool,
}

/// Imports one export document for an org, idempotently, with its audit row (`actor` None for
/// the command line). Refusals name the field (`provider`, `content`).
pub async fn import(db: &Db, org_id: Uuid, actor: Option<Uuid>, provider: &str, format: Format, content: &str) -> Result<ImportOutcome, ApiError> {
    let provider = provider.trim().to_ascii_lowercase();
    let lines = parse(format, &provider, content).map_err(|e| ApiError::field("content", e.to_string()))?;
    let lines_total = i32::try_from(lines.len()).map_err(|_| ApiError::field("content", "has too many lines for one import"))?;
    let digest: [u8; 32] = Sha256::digest(content.as_bytes()).into();
    let mut tx = db.begin().await?;
    if !providers::name_exists(&mut tx, &provider).await? {
        return Err(ApiError::field("provider", "no provider of this name"));
    }
    let new = NewImport { id: Uuid::now_v7(), org_id, provider: &provider, format: format.as_str(), content_sha256: &digest, lines_total, imported_by: actor };
    let Some(batch) = invoices::insert_import(&mut tx, &new).await? else {
        let batch = invoices::import_by_content(&mut tx, org_id, &digest).await?.ok_or_else(|| ApiError::internal("imported document vanished"))?;
        return Ok(ImportOutcome { batch, created: false });
    };
    let rows: Vec<LineRow> = lines.iter().map(line_row).collect::<Result<_, _>>()?;
    let lines_new = invoices::insert_lines(&mut tx, org_id, batch.id, &rows).await?;
    let via = if actor.is_some() { "api" } else { "cli" };
    let entry = audit::NewEntry {
        org_id: Some(org_id),
        actor_user_id: actor,
        action: "invoice_import.create",
        target_type: "invoice_import",
        target_id: Some(batch.id),
        details: json!({"provider": provider, "format": format.as_str(), "lines_total": lines_total, "lines_new": lines_new, "via": via}),
    };
    audit::record(&mut tx, &entry).await?;
    let batch = invoices::import_by_content(&mut tx, org_id, &digest).await?.ok_or_else(|| ApiError::internal("imported document vanished"))?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(ImportOutcome { batch, created: true })
}

fn line_row(line: &InvoiceLine) -> Result<LineRow, ApiError> {
    Ok(LineRow {
        natural_key: line.natural_key().to_vec(),
        occurrence: i32::try_from(line.occurrence).map_err(|_| ApiError::field("content", "repeats one line too often"))?,
        provider: line.provider.clone(),
        bucket_start: line.bucket_start,
        model: line.model.clone(),
        token_type: line.token_type.to_string(),
        quantity: line.quantity,
        amount_nano: line.amount.map(Money::nanos),
        project: line.project.clone(),
        api_key: line.api_key.clone(),
    })
}

fn invoice_line(row: LineRow) -> Result<InvoiceLine, ApiError> {
    Ok(InvoiceLine {
        bucket_start: row.bucket_start,
        provider: row.provider,
        model: row.model,
        token_type: TokenType::parse(&row.token_type),
        quantity: row.quantity,
        amount: row.amount_nano.map(Money::from_nanos),
        project: row.project,
        api_key: row.api_key,
        occurrence: u32::try_from(row.occurrence).map_err(|_| ApiError::internal("negative stored occurrence"))?,
    })
}

pub struct Period {
    pub from: NaiveDate,
    /// Inclusive: the last day reconciled.
    pub to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, ApiError> {
        if to < from || (to - from).num_days() >= MAX_DAYS {
            return Err(ApiError::field("to", "must not be before `from`, and the period at most 366 days"));
        }
        Ok(Self { from, to })
    }

    fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.from.and_time(NaiveTime::MIN).and_utc(), (self.to + Duration::days(1)).and_time(NaiveTime::MIN).and_utc())
    }
}

pub struct Reconciliation {
    /// The providers compared: the one asked for, or every provider the org imported invoices of.
    pub providers: Vec<String>,
    pub report: Report,
}

/// Reconciles an org's ledger with its imported invoices over a period (UTC days).
pub async fn reconcile(conn: &mut Conn, org_id: Uuid, period: &Period, provider: Option<&str>, options: &Options) -> Result<Reconciliation, ApiError> {
    let provider = provider.map(|p| p.trim().to_ascii_lowercase());
    let (from, until) = period.bounds();
    let invoiced = invoices::invoiced_providers(conn, org_id).await?;
    let providers: Vec<String> = match &provider {
        Some(p) => vec![p.clone()],
        None => invoiced,
    };
    let wanted: BTreeSet<&str> = providers.iter().map(String::as_str).collect();
    let groups: Vec<LedgerGroup> = ledger_daily::daily_groups(conn, org_id, from, until, provider.as_deref())
        .await?
        .into_iter()
        .filter(|g| wanted.contains(g.provider.as_str()))
        .map(|g| LedgerGroup {
            provider: g.provider,
            model: g.model,
            day: g.day,
            requests: g.requests,
            uncached_input_tokens: g.uncached_input_tokens,
            cached_input_tokens: g.cached_input_tokens,
            cache_write_input_tokens: g.cache_write_input_tokens,
            output_tokens: g.output_tokens,
            uncached_input_amount: g.uncached_input_nano.map(Money::from_nanos),
            cached_input_amount: g.cached_input_nano.map(Money::from_nanos),
            cache_write_input_amount: g.cache_write_input_nano.map(Money::from_nanos),
            output_amount: g.output_nano.map(Money::from_nanos),
            charged: Money::from_nanos(g.cost_nano),
        })
        .collect();
    let lines = invoices::lines_in(conn, org_id, from, until, provider.as_deref()).await?.into_iter().map(invoice_line).collect::<Result<Vec<_>, _>>()?;
    Ok(Reconciliation { providers, report: reconcile::reconcile(&groups, &lines, options) })
}
