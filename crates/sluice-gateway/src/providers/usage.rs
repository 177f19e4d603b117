//! Reading providers' token counts out of their `usage` objects. A leaf module (serde_json
//! only) because it reads untrusted provider output: the fuzz target `usage_extraction`
//! includes it directly. Missing, negative, fractional or string counts read as absent (or 0
//! for optional fields), never as a panic; huge ones saturate at `u32::MAX`.

use serde_json::Value;

/// Token counts as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenUsage {
    pub prompt: u32,
    pub completion: u32,
    /// Prompt tokens served from the provider's cache (included in `prompt`).
    pub cached: u32,
    /// Prompt tokens written to the provider's cache (included in `prompt`; Anthropic charges
    /// them above the input price).
    pub cache_write: u32,
}

impl TokenUsage {
    /// Reads an OpenAI `usage` object. An explicit zero stays zero; a missing object is None.
    pub fn from_openai(usage: &Value) -> Option<Self> {
        let prompt = usage.get("prompt_tokens")?.as_u64()?;
        let completion = usage.get("completion_tokens").and_then(Value::as_u64).unwrap_or(0);
        let cached = usage.pointer("/prompt_tokens_details/cached_tokens").and_then(Value::as_u64).unwrap_or(0);
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Some(Self { prompt: clamp(prompt), completion: clamp(completion), cached: clamp(cached), cache_write: 0 })
    }

    /// Reads an Anthropic `usage` object. Anthropic's `input_tokens` excludes the tokens read from
    /// and written to its prompt cache; all three are prompt tokens here, and reads and writes are
    /// also counted apart so each is charged at its own price.
    pub fn from_anthropic(usage: &Value) -> Option<Self> {
        let input = usage.get("input_tokens")?.as_u64()?;
        let field = |name: &str| usage.get(name).and_then(Value::as_u64).unwrap_or(0);
        let (read, written) = (field("cache_read_input_tokens"), field("cache_creation_input_tokens"));
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Some(Self { prompt: clamp(input.saturating_add(read).saturating_add(written)), completion: clamp(field("output_tokens")), cached: clamp(read), cache_write: clamp(written) })
    }
}
