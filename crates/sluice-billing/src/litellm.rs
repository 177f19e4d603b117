//! LiteLLM's price file (`model_prices_and_context_window.json`) and refreshing the price book
//! from it.
//!
//! The file maps a model name to an object with, among much else, `litellm_provider`, `mode`
//! and per-token prices in US dollars as JSON numbers (`2.5e-06`). Prices are read from the
//! numbers' text — never through an f64 — and converted to nano-USD per million tokens, the
//! price book's unit. Only the four prices the price book keeps are read; entries without an
//! input and an output price (images, audio, rerankers…) are skipped.
//!
//! `plan_refresh` compares the price book's current versions with the file and lists the models
//! whose price changed; applying the plan (new versions, never edits) is the caller's job.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use sluice_domain::PricePerMTok;

use crate::decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prices {
    pub input: PricePerMTok,
    pub output: PricePerMTok,
    pub cached_input: Option<PricePerMTok>,
    pub cache_write: Option<PricePerMTok>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub model: String,
    pub provider: String,
    pub prices: Prices,
}

#[derive(Deserialize)]
struct RawEntry {
    litellm_provider: Option<String>,
    input_cost_per_token: Option<Box<RawValue>>,
    output_cost_per_token: Option<Box<RawValue>>,
    cache_read_input_token_cost: Option<Box<RawValue>>,
    cache_creation_input_token_cost: Option<Box<RawValue>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PriceFileError(pub String);

fn price(model: &str, field: &str, raw: &RawValue) -> Result<PricePerMTok, PriceFileError> {
    let bad = |why: String| PriceFileError(format!("{model}.{field}: {why}"));
    let nanos = decimal::per_token_to_nanos_per_mtok(raw.get()).map_err(|e| bad(e.to_string()))?;
    PricePerMTok::from_nanos(nanos).map_err(|e| bad(e.to_string()))
}

/// Every entry of the file with an input and an output price.
pub fn parse(content: &str) -> Result<Vec<FileEntry>, PriceFileError> {
    let raw: HashMap<String, Box<RawValue>> =
        serde_json::from_str(content).map_err(|e| PriceFileError(format!("not a LiteLLM price file: {e}")))?;
    let mut entries = Vec::new();
    for (model, value) in raw {
        // Each entry is read from its own source text, so the numbers keep their exact digits.
        // Entries of another shape (`sample_spec` documents the fields with strings) are skipped.
        let Ok(entry) = serde_json::from_str::<RawEntry>(value.get()) else { continue };
        let (Some(provider), Some(input), Some(output)) = (entry.litellm_provider, entry.input_cost_per_token, entry.output_cost_per_token) else {
            continue;
        };
        let optional = |field: &str, raw: Option<Box<RawValue>>| raw.map(|r| price(&model, field, &r)).transpose();
        let prices = Prices {
            input: price(&model, "input_cost_per_token", &input)?,
            output: price(&model, "output_cost_per_token", &output)?,
            cached_input: optional("cache_read_input_token_cost", entry.cache_read_input_token_cost)?,
            cache_write: optional("cache_creation_input_token_cost", entry.cache_creation_input_token_cost)?,
        };
        entries.push(FileEntry { model, provider, prices });
    }
    entries.sort_by(|a, b| a.model.cmp(&b.model));
    Ok(entries)
}

/// A model of the price book as the refresh sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookModel<Id> {
    pub id: Id,
    /// The provider's kind (`openai`, `anthropic`): LiteLLM's `litellm_provider`.
    pub provider_kind: String,
    pub upstream_name: String,
    pub current: Option<Prices>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceChange<Id> {
    pub id: Id,
    pub upstream_name: String,
    pub old: Option<Prices>,
    pub new: Prices,
}

/// The models whose price in the file differs from their current version. A model is found in
/// the file under its upstream name, bare or prefixed with its provider (`anthropic/…`), and only
/// in an entry of its own provider, so a reseller's price for the same name is never taken.
pub fn plan_refresh<Id: Clone>(book: &[BookModel<Id>], file: &[FileEntry]) -> Vec<PriceChange<Id>> {
    let by_name: HashMap<(&str, &str), &FileEntry> = file.iter().map(|e| ((e.provider.as_str(), e.model.as_str()), e)).collect();
    book.iter()
        .filter_map(|m| {
            let prefixed = format!("{}/{}", m.provider_kind, m.upstream_name);
            let entry = by_name
                .get(&(m.provider_kind.as_str(), m.upstream_name.as_str()))
                .or_else(|| by_name.get(&(m.provider_kind.as_str(), prefixed.as_str())))?;
            (m.current != Some(entry.prices)).then(|| PriceChange { id: m.id.clone(), upstream_name: m.upstream_name.clone(), old: m.current, new: entry.prices })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
        "sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers", "max_input_tokens": "max input tokens"},
        "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06, "litellm_provider": "openai", "mode": "chat"},
        "azure/gpt-4o": {"input_cost_per_token": 2.75e-06, "output_cost_per_token": 1.1e-05, "litellm_provider": "azure", "mode": "chat"},
        "anthropic/claude-sonnet-4-5": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07, "cache_creation_input_token_cost": 3.75e-06, "litellm_provider": "anthropic"},
        "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation", "output_cost_per_image": 0.04},
        "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0.0, "litellm_provider": "openai", "mode": "embedding"}
    }"#;

    fn mtok(nanos: i64) -> PricePerMTok {
        PricePerMTok::from_nanos(nanos).unwrap()
    }

    #[test]
    fn prices_are_read_exactly_in_nano_usd_per_million_tokens() {
        let entries = parse(FILE).unwrap();
        let names: Vec<&str> = entries.iter().map(|e| e.model.as_str()).collect();
        assert_eq!(names, ["anthropic/claude-sonnet-4-5", "azure/gpt-4o", "gpt-4o", "text-embedding-3-small"]);
        let gpt = &entries[2];
        assert_eq!(gpt.prices, Prices { input: mtok(2_500_000_000), output: mtok(10_000_000_000), cached_input: Some(mtok(1_250_000_000)), cache_write: None });
        assert_eq!(entries[0].prices.cache_write, Some(mtok(3_750_000_000)));
        assert_eq!(entries[3].prices.input, mtok(20_000_000));
    }

    #[test]
    fn the_refresh_plans_only_changed_prices_of_the_models_own_provider() {
        let file = parse(FILE).unwrap();
        let unchanged = Prices { input: mtok(2_500_000_000), output: mtok(10_000_000_000), cached_input: Some(mtok(1_250_000_000)), cache_write: None };
        let old_claude = Prices { input: mtok(3_000_000_000), output: mtok(15_000_000_000), cached_input: Some(mtok(300_000_000)), cache_write: None };
        let book = vec![
            BookModel { id: 1, provider_kind: "openai".into(), upstream_name: "gpt-4o".into(), current: Some(unchanged) },
            BookModel { id: 2, provider_kind: "anthropic".into(), upstream_name: "claude-sonnet-4-5".into(), current: Some(old_claude) },
            BookModel { id: 3, provider_kind: "openai".into(), upstream_name: "text-embedding-3-small".into(), current: None },
            BookModel { id: 4, provider_kind: "openai_compatible".into(), upstream_name: "gpt-4o".into(), current: None },
            BookModel { id: 5, provider_kind: "openai".into(), upstream_name: "not-in-the-file".into(), current: None },
        ];
        let plan = plan_refresh(&book, &file);
        assert_eq!(plan.iter().map(|c| c.id).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(plan[0].new.cache_write, Some(mtok(3_750_000_000)));
        assert_eq!(plan[0].old, Some(old_claude));
    }

    #[test]
    fn a_broken_file_is_refused() {
        assert!(parse("[]").is_err());
        let negative = r#"{"m": {"input_cost_per_token": -1e-06, "output_cost_per_token": 0, "litellm_provider": "openai"}}"#;
        assert!(parse(negative).unwrap_err().to_string().contains("m.input_cost_per_token"));
    }
}
