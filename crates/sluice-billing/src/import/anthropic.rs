//! Anthropic's Admin API cost report and messages usage report.
//!
//! Both are `{"data": [bucket…], "has_more", "next_page"}` with buckets of
//! `{starting_at, ending_at, results}` in RFC 3339. The cost report's `amount` is a decimal
//! string in cents ("123.45" is $1.2345); its `token_type` names the usage field it prices.
//! The usage report's `uncached_input_tokens` excludes cache reads and writes, which have their
//! own fields (`cache_read_input_tokens`, `cache_creation.ephemeral_5m_input_tokens`, `…_1h_…`).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{ImportError, check_width, json, money, number_text, tokens, usage_lines};
use crate::decimal;
use crate::line::{InvoiceLine, TokenType};

#[derive(Deserialize)]
struct Report<R> {
    data: Vec<Bucket<R>>,
}

#[derive(Deserialize)]
struct Bucket<R> {
    starting_at: DateTime<Utc>,
    ending_at: DateTime<Utc>,
    results: Vec<R>,
}

#[derive(Deserialize)]
struct CostResult {
    amount: Box<RawValue>,
    currency: Option<String>,
    cost_type: Option<String>,
    model: Option<String>,
    token_type: Option<String>,
    workspace_id: Option<String>,
}

#[derive(Deserialize, Default)]
struct CacheCreation {
    #[serde(default)]
    ephemeral_1h_input_tokens: i64,
    #[serde(default)]
    ephemeral_5m_input_tokens: i64,
}

#[derive(Deserialize)]
struct UsageResult {
    #[serde(default)]
    uncached_input_tokens: i64,
    #[serde(default)]
    cache_read_input_tokens: i64,
    #[serde(default)]
    cache_creation: Option<CacheCreation>,
    #[serde(default)]
    output_tokens: i64,
    model: Option<String>,
    workspace_id: Option<String>,
    api_key_id: Option<String>,
}

fn token_type(cost_type: Option<&str>, token_type: Option<&str>) -> TokenType {
    match token_type {
        Some("uncached_input_tokens") => TokenType::Input,
        Some("output_tokens") => TokenType::Output,
        Some("cache_read_input_tokens") => TokenType::CachedInput,
        Some(t) if t.starts_with("cache_creation") => TokenType::CacheWrite,
        Some(other) => TokenType::Other(other.to_owned()),
        None => TokenType::Other(cost_type.unwrap_or("other").to_owned()),
    }
}

pub fn cost(provider: &str, content: &str) -> Result<Vec<InvoiceLine>, ImportError> {
    let report: Report<CostResult> = json(content)?;
    let mut lines = Vec::new();
    for (b, bucket) in report.data.iter().enumerate() {
        check_width(bucket.starting_at, bucket.ending_at, &format!("data[{b}]"))?;
        for (r, result) in bucket.results.iter().enumerate() {
            let position = format!("data[{b}].results[{r}]");
            if result.currency.as_deref().is_some_and(|c| !c.eq_ignore_ascii_case("usd")) {
                return Err(ImportError::at(&position, "currency must be USD"));
            }
            let is_tokens = result.cost_type.as_deref().is_none_or(|t| t == "tokens");
            let model = match (&result.model, is_tokens) {
                (Some(model), _) => model.clone(),
                (None, true) => return Err(ImportError::at(&position, "model is null: export with group_by=description")),
                (None, false) => result.cost_type.clone().unwrap_or_default(),
            };
            lines.push(InvoiceLine {
                bucket_start: bucket.starting_at,
                provider: provider.to_owned(),
                model,
                token_type: token_type(result.cost_type.as_deref(), result.token_type.as_deref()),
                quantity: None,
                amount: Some(money(&number_text(&result.amount)?, decimal::cents_nanos, &position)?),
                project: result.workspace_id.clone(),
                api_key: None,
                occurrence: 0,
            });
        }
    }
    Ok(lines)
}

pub fn usage(provider: &str, content: &str) -> Result<Vec<InvoiceLine>, ImportError> {
    let report: Report<UsageResult> = json(content)?;
    let mut lines = Vec::new();
    for (b, bucket) in report.data.iter().enumerate() {
        check_width(bucket.starting_at, bucket.ending_at, &format!("data[{b}]"))?;
        for (r, result) in bucket.results.iter().enumerate() {
            let position = format!("data[{b}].results[{r}]");
            let model = result.model.clone().ok_or_else(|| ImportError::at(&position, "model is null: export with group_by=model"))?;
            let creation = result.cache_creation.as_ref();
            let written = creation.map_or(0, |c| c.ephemeral_1h_input_tokens.saturating_add(c.ephemeral_5m_input_tokens));
            let counts = [
                (TokenType::Input, tokens(result.uncached_input_tokens, "uncached_input_tokens", &position)?),
                (TokenType::CachedInput, tokens(result.cache_read_input_tokens, "cache_read_input_tokens", &position)?),
                (TokenType::CacheWrite, tokens(written, "cache_creation", &position)?),
                (TokenType::Output, tokens(result.output_tokens, "output_tokens", &position)?),
            ];
            let base = InvoiceLine {
                bucket_start: bucket.starting_at,
                provider: provider.to_owned(),
                model,
                token_type: TokenType::Input,
                quantity: None,
                amount: None,
                project: result.workspace_id.clone(),
                api_key: result.api_key_id.clone(),
                occurrence: 0,
            };
            lines.extend(usage_lines(&base, counts));
        }
    }
    Ok(lines)
}
