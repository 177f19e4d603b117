//! The ledger side of a reconciliation: per provider × model × day, the tokens Sluice recorded
//! and what they should cost at the price in force (the org's negotiated price where it has
//! one), split the way providers bill them — uncached input, cached input, cache writes, output.
//!
//! The store computes the amounts per component with the same rounding the gateway uses (each
//! request's component rounded up to the next nano-USD), so for priced requests the four
//! amounts add up to the ledger's cost exactly; `charged` is that recorded cost, kept to show
//! what budgets were charged when a price changed or a request was charged a ceiling.

use chrono::NaiveDate;
use sluice_domain::Money;

use crate::line::TokenType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerGroup {
    pub provider: String,
    /// The upstream model name Sluice called.
    pub model: String,
    pub day: NaiveDate,
    pub requests: i64,
    pub uncached_input_tokens: i64,
    pub cached_input_tokens: i64,
    /// Prompt tokens written to the provider's cache (Anthropic bills them apart from input).
    pub cache_write_input_tokens: i64,
    pub output_tokens: i64,
    /// None when no price was in force for some of the group's requests.
    pub uncached_input_amount: Option<Money>,
    pub cached_input_amount: Option<Money>,
    pub cache_write_input_amount: Option<Money>,
    pub output_amount: Option<Money>,
    /// What the ledger rows were charged (`cost_nano`).
    pub charged: Money,
}

/// One ledger cell: one token kind of one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerCell {
    pub provider: String,
    pub model: String,
    pub day: NaiveDate,
    pub token_type: TokenType,
    pub quantity: i64,
    pub amount: Option<Money>,
}

impl LedgerGroup {
    /// The group's non-empty cells.
    pub fn cells(&self) -> Vec<LedgerCell> {
        [
            (TokenType::Input, self.uncached_input_tokens, self.uncached_input_amount),
            (TokenType::CachedInput, self.cached_input_tokens, self.cached_input_amount),
            (TokenType::CacheWrite, self.cache_write_input_tokens, self.cache_write_input_amount),
            (TokenType::Output, self.output_tokens, self.output_amount),
        ]
        .into_iter()
        .filter(|(_, quantity, _)| *quantity != 0)
        .map(|(token_type, quantity, amount)| LedgerCell {
            provider: self.provider.clone(),
            model: self.model.clone(),
            day: self.day,
            token_type,
            quantity,
            amount,
        })
        .collect()
    }
}
