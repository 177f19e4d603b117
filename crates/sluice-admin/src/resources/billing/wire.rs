//! The billing endpoints' wire types and their conversions from `sluice-billing`'s report.
//! Money crosses as exact decimal strings of USD, like everywhere in the API.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sluice_billing::Format;
use sluice_billing::reconcile::{Finding, FindingClass, Report, Tolerance};
use sluice_domain::Money;
use sluice_store::invoices::ImportRow;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The document formats an import accepts (see docs/billing.md).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InvoiceFormat {
    /// A page of OpenAI's `GET /v1/organization/costs` (group_by=line_item).
    OpenaiCosts,
    /// A page of OpenAI's `GET /v1/organization/usage/completions` (group_by=model).
    OpenaiUsage,
    /// A page of Anthropic's `GET /v1/organizations/cost_report` (group_by=description).
    AnthropicCost,
    /// A page of Anthropic's `GET /v1/organizations/usage_report/messages` (group_by=model).
    AnthropicUsage,
    /// `date,provider,model,token_type,quantity,amount_usd` with a header line.
    Csv,
}

impl From<InvoiceFormat> for Format {
    fn from(f: InvoiceFormat) -> Self {
        match f {
            InvoiceFormat::OpenaiCosts => Format::OpenAiCosts,
            InvoiceFormat::OpenaiUsage => Format::OpenAiUsage,
            InvoiceFormat::AnthropicCost => Format::AnthropicCost,
            InvoiceFormat::AnthropicUsage => Format::AnthropicUsage,
            InvoiceFormat::Csv => Format::Csv,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvoiceImport {
    /// The Sluice provider (by name) the export comes from, e.g. `openai`.
    pub provider: String,
    pub format: InvoiceFormat,
    /// The exported document as text (one API page, or the whole CSV file).
    pub content: String,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceImport {
    pub id: Uuid,
    pub provider: String,
    pub format: String,
    /// Lines read from the document.
    pub lines_total: i32,
    /// Lines that were not already imported (from this or an overlapping document).
    pub lines_new: i32,
    /// False when this exact document had been imported before: nothing was added.
    pub created: bool,
    pub created_at: DateTime<Utc>,
}

impl InvoiceImport {
    pub fn from_row(row: ImportRow, created: bool) -> Self {
        Self { id: row.id, provider: row.provider, format: row.format, lines_total: row.lines_total, lines_new: row.lines_new, created, created_at: row.created_at }
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReconciliationQuery {
    /// First day (UTC), inclusive.
    pub from: NaiveDate,
    /// Last day (UTC), inclusive; at most 366 days after `from`.
    pub to: NaiveDate,
    /// Only this provider; by default every provider the org imported invoices of.
    pub provider: Option<String>,
    /// Relative tolerance as a fraction of the larger side (default "0.005").
    pub tolerance_relative: Option<String>,
    /// Absolute tolerance on amounts in USD (default "0.01").
    pub tolerance_usd: Option<String>,
    /// Absolute tolerance on token counts (default 0).
    pub tolerance_tokens: Option<i64>,
    /// Comma-separated provider project, workspace or API key ids Sluice's credentials use;
    /// invoice lines of other ones are reported as missing in the ledger.
    pub sluice_scopes: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReconciliationTolerance {
    pub relative: String,
    pub absolute_usd: Money,
    pub absolute_tokens: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ClassTotal {
    /// matched, missing_in_ledger, missing_in_invoice, quantity_mismatch, price_mismatch, duplicate_line
    pub class: String,
    pub findings: u64,
    pub amount_difference_usd: Money,
}

#[derive(Serialize, ToSchema)]
pub struct ReconciliationTotals {
    /// What the ledger's tokens cost at the prices in force (the org's negotiated ones first).
    pub ledger_amount_usd: Money,
    /// What the ledger's requests were charged to budgets.
    pub ledger_charged_usd: Money,
    /// Everything the invoices bill in the period, duplicates included.
    pub invoice_amount_usd: Money,
    /// Invoice minus ledger over every comparable cell; the classes' differences add up to it.
    pub amount_difference_usd: Money,
    pub by_class: Vec<ClassTotal>,
}

#[derive(Serialize, ToSchema)]
pub struct ReconciliationFinding {
    pub class: String,
    pub provider: String,
    /// Canonical model name (snapshot dates removed).
    pub model: String,
    pub day: NaiveDate,
    /// input, cached_input, output (cache writes count as input), or the provider's label.
    pub token_type: String,
    /// The project or key of invoice lines outside `sluice_scopes`.
    pub scope: Option<String>,
    pub ledger_quantity: Option<i64>,
    pub invoice_quantity: Option<i64>,
    pub quantity_difference: Option<i64>,
    pub ledger_amount_usd: Option<Money>,
    pub invoice_amount_usd: Option<Money>,
    /// Invoice minus ledger.
    pub amount_difference_usd: Option<Money>,
    pub invoice_lines: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ReconciliationReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub providers: Vec<String>,
    pub tolerance: ReconciliationTolerance,
    pub totals: ReconciliationTotals,
    /// Every cell, mismatches first.
    pub findings: Vec<ReconciliationFinding>,
}

impl ReconciliationReport {
    pub fn new(from: NaiveDate, to: NaiveDate, providers: Vec<String>, tolerance: Tolerance, report: Report) -> Self {
        let ppm = tolerance.relative_ppm();
        let totals = ReconciliationTotals {
            ledger_amount_usd: report.totals.ledger_amount,
            ledger_charged_usd: report.totals.ledger_charged,
            invoice_amount_usd: report.totals.invoice_amount,
            amount_difference_usd: report.totals.amount_difference,
            by_class: report
                .totals
                .by_class
                .iter()
                .map(|(class, t)| ClassTotal { class: class.to_string(), findings: t.findings, amount_difference_usd: t.amount_difference })
                .collect(),
        };
        let mut findings: Vec<Finding> = report.findings;
        findings.sort_by_key(|f| f.class == FindingClass::Matched);
        Self {
            from,
            to,
            providers,
            tolerance: ReconciliationTolerance {
                relative: format!("{}.{:06}", ppm / 1_000_000, ppm % 1_000_000).trim_end_matches('0').trim_end_matches('.').to_owned(),
                absolute_usd: tolerance.absolute_amount(),
                absolute_tokens: tolerance.absolute_tokens(),
            },
            totals,
            findings: findings.into_iter().map(ReconciliationFinding::from).collect(),
        }
    }
}

impl From<Finding> for ReconciliationFinding {
    fn from(f: Finding) -> Self {
        Self {
            class: f.class.to_string(),
            provider: f.provider,
            model: f.model,
            day: f.day,
            token_type: f.token_type.to_string(),
            scope: f.scope,
            ledger_quantity: f.ledger_quantity,
            invoice_quantity: f.invoice_quantity,
            quantity_difference: f.quantity_difference,
            ledger_amount_usd: f.ledger_amount,
            invoice_amount_usd: f.invoice_amount,
            amount_difference_usd: f.amount_difference,
            invoice_lines: f.invoice_lines,
        }
    }
}
