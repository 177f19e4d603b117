//! Field-level mappings shared by request, response and stream translation: why a reply ended,
//! what it used, and how ids look.
//!
//! Usage is the subtle one. OpenAI's `prompt_tokens` includes the prompt tokens served from its
//! cache (`prompt_tokens_details.cached_tokens`); Anthropic's `input_tokens` excludes both cache
//! reads and cache writes, which it reports beside it (`cache_read_input_tokens`,
//! `cache_creation_input_tokens`). Both directions go through [`TokenUsage`], which follows
//! OpenAI (prompt includes cached), so a count is never lost or counted twice on the way.

use serde_json::{Value, json};

use crate::providers::TokenUsage;

/// OpenAI `finish_reason` → Anthropic `stop_reason`. OpenAI's `stop` covers both a natural end
/// and a stop sequence; without knowing which, `end_turn` is the honest answer.
pub fn stop_reason_from_openai(finish_reason: Option<&str>) -> &'static str {
    match finish_reason {
        Some("length") => "max_tokens",
        Some("tool_calls" | "function_call") => "tool_use",
        Some("content_filter") => "refusal",
        _ => "end_turn",
    }
}

/// Anthropic `stop_reason` → OpenAI `finish_reason`. `pause_turn` (a server-tool loop paused) has
/// no OpenAI equivalent; `stop` lets the caller read what was produced.
pub fn finish_reason_from_anthropic(stop_reason: Option<&str>) -> &'static str {
    match stop_reason {
        Some("max_tokens" | "model_context_window_exceeded") => "length",
        Some("tool_use") => "tool_calls",
        Some("refusal") => "content_filter",
        _ => "stop",
    }
}

/// An OpenAI `usage` object in Anthropic's shape (for Anthropic callers of OpenAI providers).
pub fn anthropic_usage(usage: TokenUsage) -> Value {
    json!({
        "input_tokens": usage.prompt.saturating_sub(usage.cached).saturating_sub(usage.cache_write),
        "cache_creation_input_tokens": usage.cache_write,
        "cache_read_input_tokens": usage.cached,
        "output_tokens": usage.completion,
    })
}

/// An Anthropic `usage` object in OpenAI's shape (for OpenAI callers of Anthropic providers).
pub fn openai_usage(usage: TokenUsage) -> Value {
    json!({
        "prompt_tokens": usage.prompt,
        "completion_tokens": usage.completion,
        "total_tokens": usage.prompt.saturating_add(usage.completion),
        "prompt_tokens_details": {"cached_tokens": usage.cached},
    })
}

/// Anthropic message ids start with `msg_`, OpenAI completion ids with `chatcmpl-`. Keeping the
/// rest of the id lets a caller's log line be matched with the provider's.
pub fn message_id(completion_id: &str) -> String {
    format!("msg_{}", completion_id.strip_prefix("chatcmpl-").unwrap_or(completion_id))
}

pub fn completion_id(message_id: &str) -> String {
    format!("chatcmpl-{}", message_id.strip_prefix("msg_").unwrap_or(message_id))
}

/// Tool-call arguments as Anthropic wants them (an object). OpenAI sends a JSON string, which a
/// model may leave empty or, rarely, malformed; the caller then gets `{}` rather than a failed
/// response for a completion that was already paid for.
pub fn tool_input(arguments: Option<&str>) -> Value {
    match arguments.map(str::trim) {
        None | Some("") => json!({}),
        Some(text) => serde_json::from_str::<Value>(text).ok().filter(Value::is_object).unwrap_or_else(|| {
            tracing::warn!("a provider's tool-call arguments were not a JSON object; the caller gets an empty input");
            json!({})
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_round_trips_with_cached_tokens() {
        let openai = json!({"prompt_tokens": 120, "completion_tokens": 30, "prompt_tokens_details": {"cached_tokens": 100}});
        let usage = TokenUsage::from_openai(&openai).unwrap();
        let anthropic = anthropic_usage(usage);
        assert_eq!(anthropic["input_tokens"], 20);
        assert_eq!(anthropic["cache_read_input_tokens"], 100);
        assert_eq!(TokenUsage::from_anthropic(&anthropic), Some(usage));
        let back = openai_usage(usage);
        assert_eq!((back["prompt_tokens"].as_u64(), back["total_tokens"].as_u64()), (Some(120), Some(150)));
        assert_eq!(back["prompt_tokens_details"]["cached_tokens"], 100);
    }

    #[test]
    fn reasons_and_ids_map_both_ways() {
        for (openai, anthropic) in [("stop", "end_turn"), ("length", "max_tokens"), ("tool_calls", "tool_use"), ("content_filter", "refusal")] {
            assert_eq!(stop_reason_from_openai(Some(openai)), anthropic);
            assert_eq!(finish_reason_from_anthropic(Some(anthropic)), openai);
        }
        assert_eq!(finish_reason_from_anthropic(Some("stop_sequence")), "stop");
        assert_eq!(message_id("chatcmpl-abc"), "msg_abc");
        assert_eq!(completion_id("msg_abc"), "chatcmpl-abc");
        assert_eq!(tool_input(Some(r#"{"city":"Paris"}"#)), json!({"city": "Paris"}));
        assert_eq!(tool_input(Some("")), json!({}));
        assert_eq!(tool_input(Some("{broken")), json!({}));
    }
}
