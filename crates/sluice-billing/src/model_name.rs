//! Matching model names across the ledger and providers' exports.
//!
//! The ledger records the upstream name Sluice called (`gpt-4o`, `claude-sonnet-4-5`); exports
//! name the dated snapshot that served it (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`).
//! Both sides are compared under a canonical name: lower case, without a trailing date in either
//! provider's style. Two snapshots of one model on the same day therefore land in one cell, which
//! is what the ledger can tell apart anyway.

/// The name without a trailing `-YYYY-MM-DD` or `-YYYYMMDD` snapshot date, in lower case.
pub fn canonical(model: &str) -> String {
    let lower = model.trim().to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let is_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let n = bytes.len();
    // -YYYY-MM-DD (OpenAI)
    if n > 11 && bytes[n - 11] == b'-' && bytes[n - 6] == b'-' && bytes[n - 3] == b'-' {
        let (y, m, d) = (&bytes[n - 10..n - 6], &bytes[n - 5..n - 3], &bytes[n - 2..]);
        if is_digits(y) && is_digits(m) && is_digits(d) && y.starts_with(b"20") {
            return lower[..n - 11].to_owned();
        }
    }
    // -YYYYMMDD (Anthropic)
    if n > 9 && bytes[n - 9] == b'-' && is_digits(&bytes[n - 8..]) && bytes[n - 8..].starts_with(b"20") {
        return lower[..n - 9].to_owned();
    }
    lower
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn snapshot_dates_are_dropped_in_both_styles() {
        assert_eq!(canonical("gpt-4o-2024-08-06"), "gpt-4o");
        assert_eq!(canonical("gpt-4o-mini-2024-07-18"), "gpt-4o-mini");
        assert_eq!(canonical("claude-sonnet-4-5-20250929"), "claude-sonnet-4-5");
        assert_eq!(canonical("Claude-3-5-Haiku-20241022"), "claude-3-5-haiku");
    }

    #[test]
    fn other_names_are_only_lower_cased() {
        assert_eq!(canonical("gpt-4o"), "gpt-4o");
        assert_eq!(canonical("o4-mini"), "o4-mini");
        assert_eq!(canonical("text-embedding-3-small"), "text-embedding-3-small");
        assert_eq!(canonical("model-12345678"), "model-12345678");
        assert_eq!(canonical("gpt-3.5-turbo-0125"), "gpt-3.5-turbo-0125");
    }
}
