//! OpenAI's organization Costs and Usage API pages.
//!
//! Both are `{"object": "page", "data": [bucket…], "has_more", "next_page"}` with buckets of
//! `{start_time, end_time, results}` in Unix seconds (older documentation calls the list
//! `result`; both spellings are read). Costs results carry an amount per line item
//! (`"gpt-4o-2024-08-06, input"`); usage results carry token counts per model, where
//! `input_tokens` includes the cached ones.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{ImportError, check_width, from_unix, json, money, number_text, tokens, usage_lines};
use crate::decimal;
use crate::line::{InvoiceLine, TokenType};

#[derive(Deserialize)]
struct Page<R> {
    data: Vec<Bucket<R>>,
}

#[derive(Deserialize)]
struct Bucket<R> {
    start_time: i64,
    end_time: i64,
    #[serde(alias = "result")]
    results: Vec<R>,
}

#[derive(Deserialize)]
struct CostResult {
    amount: Option<Amount>,
    line_item: Option<String>,
    project_id: Option<String>,
    api_key_id: Option<String>,
}

#[derive(Deserialize)]
struct Amount {
    value: Box<RawValue>,
    currency: String,
}

#[derive(Deserialize)]
struct UsageResult {
    input_tokens: i64,
    output_tokens: i64,
    input_cached_tokens: Option<i64>,
    model: Option<String>,
    project_id: Option<String>,
    api_key_id: Option<String>,
}

/// Splits `"gpt-4o-2024-08-06, cached input"` into the model and what was charged.
fn line_item(item: &str) -> (String, TokenType) {
    match item.rsplit_once(", ") {
        Some((model, kind)) => {
            let token_type = match kind.trim().to_ascii_lowercase().as_str() {
                "input" => TokenType::Input,
                "output" => TokenType::Output,
                "cached input" => TokenType::CachedInput,
                other => TokenType::Other(other.to_owned()),
            };
            (model.trim().to_owned(), token_type)
        }
        // Items that are not per-model token charges ("Image models", "web search tool calls").
        None => (item.trim().to_owned(), TokenType::Other(item.trim().to_ascii_lowercase())),
    }
}

pub fn costs(provider: &str, content: &str) -> Result<Vec<InvoiceLine>, ImportError> {
    let page: Page<CostResult> = json(content)?;
    let mut lines = Vec::new();
    for (b, bucket) in page.data.iter().enumerate() {
        let position = format!("data[{b}]");
        let (start, end) = (from_unix(bucket.start_time, &position)?, from_unix(bucket.end_time, &position)?);
        check_width(start, end, &position)?;
        for (r, result) in bucket.results.iter().enumerate() {
            let position = format!("data[{b}].results[{r}]");
            let Some(amount) = &result.amount else { continue };
            if !amount.currency.eq_ignore_ascii_case("usd") {
                return Err(ImportError::at(&position, "amount.currency must be usd"));
            }
            let item = result.line_item.as_deref().ok_or_else(|| ImportError::at(&position, "line_item is null: export with group_by=line_item"))?;
            let (model, token_type) = line_item(item);
            lines.push(InvoiceLine {
                bucket_start: start,
                provider: provider.to_owned(),
                model,
                token_type,
                quantity: None,
                amount: Some(money(&number_text(&amount.value)?, decimal::usd_nanos, &position)?),
                project: result.project_id.clone(),
                api_key: result.api_key_id.clone(),
                occurrence: 0,
            });
        }
    }
    Ok(lines)
}

pub fn usage(provider: &str, content: &str) -> Result<Vec<InvoiceLine>, ImportError> {
    let page: Page<UsageResult> = json(content)?;
    let mut lines = Vec::new();
    for (b, bucket) in page.data.iter().enumerate() {
        let position = format!("data[{b}]");
        let (start, end) = (from_unix(bucket.start_time, &position)?, from_unix(bucket.end_time, &position)?);
        check_width(start, end, &position)?;
        for (r, result) in bucket.results.iter().enumerate() {
            let position = format!("data[{b}].results[{r}]");
            let model = result.model.clone().ok_or_else(|| ImportError::at(&position, "model is null: export with group_by=model"))?;
            let input = tokens(result.input_tokens, "input_tokens", &position)?;
            let cached = tokens(result.input_cached_tokens.unwrap_or(0), "input_cached_tokens", &position)?;
            if cached > input {
                return Err(ImportError::at(&position, "input_cached_tokens exceeds input_tokens"));
            }
            let output = tokens(result.output_tokens, "output_tokens", &position)?;
            let base = InvoiceLine {
                bucket_start: start,
                provider: provider.to_owned(),
                model,
                token_type: TokenType::Input,
                quantity: None,
                amount: None,
                project: result.project_id.clone(),
                api_key: result.api_key_id.clone(),
                occurrence: 0,
            };
            let counts = [(TokenType::Input, input - cached), (TokenType::CachedInput, cached), (TokenType::Output, output), (TokenType::CacheWrite, 0)];
            lines.extend(usage_lines(&base, counts));
        }
    }
    Ok(lines)
}
