//! One invoice line: what a provider says it charged (or counted) for one model, one kind of
//! token, one time bucket and — where the export has it — one project or API key.
//!
//! Every format is read into this one shape. A line may carry a quantity (usage exports), an
//! amount (cost exports) or both (the generic CSV). Its natural key — a SHA-256 over every field
//! plus the line's occurrence number among identical lines of the same document — makes imports
//! idempotent: re-importing a file, or an overlapping export, adds nothing, while a line the
//! provider really listed twice keeps both copies (occurrences 0 and 1) so reconciliation can
//! report it as a duplicate.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sluice_domain::Money;

/// What a quantity counts. `CacheWrite` is kept apart because providers price it apart; the
/// ledger folds it into input (see `reconcile`). `Other` holds non-token charges (web search,
/// code execution, image models) under the provider's own label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenType {
    Input,
    CachedInput,
    CacheWrite,
    Output,
    Other(String),
}

impl TokenType {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Input => "input",
            Self::CachedInput => "cached_input",
            Self::CacheWrite => "cache_write",
            Self::Output => "output",
            Self::Other(label) => label,
        }
    }

    /// Reads a stored or CSV token type; unknown labels are `Other`.
    pub fn parse(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "input" | "uncached_input" => Self::Input,
            "cached_input" | "cache_read" => Self::CachedInput,
            "cache_write" | "cache_creation" => Self::CacheWrite,
            "output" => Self::Output,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// Start of the provider's time bucket (midnight UTC for daily buckets and CSV dates).
    pub bucket_start: DateTime<Utc>,
    /// Sluice's provider name the export was imported for (lower case).
    pub provider: String,
    /// The model as the provider wrote it (often a dated snapshot, e.g. `gpt-4o-2024-08-06`).
    pub model: String,
    pub token_type: TokenType,
    /// Tokens (or units of an `Other` charge); None when the export has no quantities.
    pub quantity: Option<i64>,
    /// None when the export has no amounts (usage reports).
    pub amount: Option<Money>,
    /// The provider's project (OpenAI) or workspace (Anthropic), when the export is grouped by it.
    pub project: Option<String>,
    pub api_key: Option<String>,
    /// Position among identical lines of one document: 0 for the first copy, 1 for the second…
    pub occurrence: u32,
}

impl InvoiceLine {
    pub fn day(&self) -> NaiveDate {
        self.bucket_start.date_naive()
    }

    /// Identity of the line's content without its occurrence number (what duplicates share).
    pub fn content(&self) -> String {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.bucket_start.timestamp(),
            self.provider,
            self.model,
            self.token_type,
            self.quantity.map(|q| q.to_string()).unwrap_or_default(),
            self.amount.map(|a| a.nanos().to_string()).unwrap_or_default(),
            opt(&self.project),
            opt(&self.api_key),
        )
    }

    /// The natural key stored with the line; unique per org.
    pub fn natural_key(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.content().as_bytes());
        hasher.update([0x1f]);
        hasher.update(self.occurrence.to_be_bytes());
        hasher.finalize().into()
    }
}

/// Numbers identical lines of one document 0, 1, 2… in document order.
pub fn number_occurrences(lines: &mut [InvoiceLine]) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for line in lines {
        let count = seen.entry(line.content()).or_insert(0);
        line.occurrence = *count;
        *count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(amount: i64) -> InvoiceLine {
        InvoiceLine {
            bucket_start: DateTime::from_timestamp(1_730_419_200, 0).unwrap_or_default(),
            provider: "openai".into(),
            model: "gpt-4o".into(),
            token_type: TokenType::Input,
            quantity: None,
            amount: Some(Money::from_nanos(amount)),
            project: None,
            api_key: None,
            occurrence: 0,
        }
    }

    #[test]
    fn identical_lines_get_distinct_keys_through_their_occurrence() {
        let mut lines = vec![line(5), line(5), line(6)];
        number_occurrences(&mut lines);
        assert_eq!(lines.iter().map(|l| l.occurrence).collect::<Vec<_>>(), [0, 1, 0]);
        assert_ne!(lines[0].natural_key(), lines[1].natural_key());
        assert_ne!(lines[0].natural_key(), lines[2].natural_key());
        // The same line read again (another import of the file) has the same key.
        let mut again = vec![line(5)];
        number_occurrences(&mut again);
        assert_eq!(again[0].natural_key(), lines[0].natural_key());
    }

    #[test]
    fn token_types_round_trip_through_text() {
        for t in [TokenType::Input, TokenType::CachedInput, TokenType::CacheWrite, TokenType::Output, TokenType::Other("web_search".into())] {
            assert_eq!(TokenType::parse(t.as_str()), t);
        }
    }
}
