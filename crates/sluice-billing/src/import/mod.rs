//! Reading providers' exports into invoice lines.
//!
//! Each format follows the provider's documented response shape, one page at a time (the APIs
//! paginate; each page is imported on its own, and overlapping pages add nothing thanks to the
//! lines' natural keys):
//!
//! - `openai-costs`: `GET /v1/organization/costs` with `group_by=line_item` (optionally also
//!   `project_id`): buckets of `{amount: {value, currency}, line_item, project_id}`, where a line
//!   item reads `"<model>, <input|output|cached input>"`. Amounts only.
//! - `openai-usage`: `GET /v1/organization/usage/completions` with `group_by=model` (optionally
//!   `project_id`, `api_key_id`): `input_tokens` (including cached), `input_cached_tokens`,
//!   `output_tokens`. Quantities only.
//! - `anthropic-cost`: `GET /v1/organizations/cost_report` with `group_by=description`:
//!   `{amount, currency, cost_type, model, token_type, workspace_id}`, the amount a decimal string
//!   of cents. Amounts only.
//! - `anthropic-usage`: `GET /v1/organizations/usage_report/messages` with `group_by=model`:
//!   `uncached_input_tokens`, `cache_read_input_tokens`, `cache_creation.ephemeral_*`,
//!   `output_tokens`, `workspace_id`, `api_key_id`. Quantities only.
//! - `csv`: a header `date,provider,model,token_type,quantity,amount_usd` and one line per row.
//!
//! A document that cannot be reconciled by model (exported without grouping by line item or
//! model) is refused with a message saying which grouping is missing, rather than imported as
//! lines nobody can match.

mod anthropic;
mod csv;
mod openai;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use sluice_domain::Money;

use crate::decimal;
use crate::line::{InvoiceLine, TokenType, number_occurrences};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    OpenAiCosts,
    OpenAiUsage,
    AnthropicCost,
    AnthropicUsage,
    Csv,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::OpenAiCosts, Format::OpenAiUsage, Format::AnthropicCost, Format::AnthropicUsage, Format::Csv];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OpenAiCosts => "openai-costs",
            Self::OpenAiUsage => "openai-usage",
            Self::AnthropicCost => "anthropic-cost",
            Self::AnthropicUsage => "anthropic-usage",
            Self::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = ImportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| ImportError::new("must be one of openai-costs, openai-usage, anthropic-cost, anthropic-usage, csv"))
    }
}

/// Why a document was refused, naming where in it (never echoing amounts or identifiers).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

impl ImportError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    fn at(position: impl fmt::Display, message: impl fmt::Display) -> Self {
        Self(format!("{position}: {message}"))
    }
}

/// Reads one document of `format`, exported for Sluice's provider `provider`, into lines in
/// document order with their occurrence numbers assigned.
pub fn parse(format: Format, provider: &str, content: &str) -> Result<Vec<InvoiceLine>, ImportError> {
    let provider = provider.trim().to_ascii_lowercase();
    if provider.is_empty() {
        return Err(ImportError::new("provider must not be empty"));
    }
    let mut lines = match format {
        Format::OpenAiCosts => openai::costs(&provider, content)?,
        Format::OpenAiUsage => openai::usage(&provider, content)?,
        Format::AnthropicCost => anthropic::cost(&provider, content)?,
        Format::AnthropicUsage => anthropic::usage(&provider, content)?,
        Format::Csv => csv::parse(&provider, content)?,
    };
    number_occurrences(&mut lines);
    Ok(lines)
}

/// A JSON document of type `T`, with the failing path in the error.
fn json<'a, T: serde::Deserialize<'a>>(content: &'a str) -> Result<T, ImportError> {
    serde_json::from_str(content).map_err(|e| ImportError::new(format!("not a valid export of this format: {e}")))
}

/// The exact text of a JSON number or of a string holding one.
fn number_text(raw: &RawValue) -> Result<String, ImportError> {
    let text = raw.get();
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).map_err(|_| ImportError::new("amount is not a string or number"))
    } else {
        Ok(text.to_owned())
    }
}

fn money(text: &str, convert: fn(&str) -> Result<i64, decimal::DecimalError>, position: &str) -> Result<Money, ImportError> {
    convert(text).map(Money::from_nanos).map_err(|e| ImportError::at(position, format_args!("amount {e}")))
}

fn from_unix(seconds: i64, position: &str) -> Result<DateTime<Utc>, ImportError> {
    DateTime::from_timestamp(seconds, 0).ok_or_else(|| ImportError::at(position, "start_time is out of range"))
}

/// Buckets must not be wider than a day: reconciliation is per day, and a wider bucket cannot
/// be placed on one.
fn check_width(start: DateTime<Utc>, end: DateTime<Utc>, position: &str) -> Result<(), ImportError> {
    let width = end - start;
    if width <= chrono::Duration::zero() || width > chrono::Duration::days(1) || end.date_naive() != start.date_naive() && end.time() != chrono::NaiveTime::MIN {
        return Err(ImportError::at(position, "buckets must lie within one UTC day (export with bucket_width=1d, 1h or 1m)"));
    }
    Ok(())
}

/// Non-negative token counts from an export.
fn tokens(value: i64, field: &str, position: &str) -> Result<i64, ImportError> {
    if value < 0 { Err(ImportError::at(position, format_args!("{field} is negative"))) } else { Ok(value) }
}

/// Lines for one usage result: one per token kind with a non-zero count.
fn usage_lines(base: &InvoiceLine, counts: [(TokenType, i64); 4]) -> impl Iterator<Item = InvoiceLine> + '_ {
    counts.into_iter().filter(|(_, n)| *n > 0).map(move |(token_type, n)| InvoiceLine { token_type, quantity: Some(n), ..base.clone() })
}

#[cfg(test)]
mod tests;
