//! Token counting for reservations and for providers that omit usage.
//!
//! Counts use the o200k_base encoding (GPT-4o family). For other model families it is an
//! approximation, so prompts of non-OpenAI providers are reserved with a safety margin; the
//! provider's reported usage replaces the estimate at settle.

use std::sync::OnceLock;

use serde_json::Value;
use tiktoken_rs::CoreBPE;

fn encoder() -> Option<&'static CoreBPE> {
    static BPE: OnceLock<Option<CoreBPE>> = OnceLock::new();
    BPE.get_or_init(|| tiktoken_rs::o200k_base().ok()).as_ref()
}

/// Loads the tables now instead of on the first request (it takes a moment).
pub fn warm_up() {
    let _ = count_text("warm up");
}

pub fn count_text(text: &str) -> u32 {
    match encoder() {
        Some(bpe) => u32::try_from(bpe.encode_ordinary(text).len()).unwrap_or(u32::MAX),
        // Without tables, one token per 3 bytes overestimates English and code.
        None => u32::try_from(text.len() / 3 + 1).unwrap_or(u32::MAX),
    }
}

/// Tokens per message for role and framing in the chat format.
const PER_MESSAGE: u32 = 4;
/// Tokens that prime the reply.
const PER_REPLY: u32 = 3;

/// Prompt tokens of a chat request: every string inside the messages (content text, tool-call
/// arguments, names), plus the tools' JSON, plus framing.
pub fn count_chat_prompt(messages: &[Value], tools: Option<&Value>) -> u32 {
    let mut total = PER_REPLY;
    for message in messages {
        total = total.saturating_add(PER_MESSAGE).saturating_add(count_strings(message));
    }
    if let Some(tools) = tools {
        total = total.saturating_add(count_text(&tools.to_string()));
    }
    total
}

/// Tokens of every string in a JSON value (object keys excluded).
pub fn count_strings(value: &Value) -> u32 {
    match value {
        Value::String(s) => count_text(s),
        Value::Array(items) => items.iter().fold(0u32, |acc, v| acc.saturating_add(count_strings(v))),
        Value::Object(map) => map.values().fold(0u32, |acc, v| acc.saturating_add(count_strings(v))),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_text_and_chat_framing() {
        assert_eq!(count_text("hello world"), 2);
        let messages = [json!({"role": "user", "content": "hello world"})];
        // "user" + "hello world" + framing.
        assert_eq!(count_chat_prompt(&messages, None), 1 + 2 + PER_MESSAGE + PER_REPLY);
        let parts = [json!({"role": "user", "content": [{"type": "text", "text": "hello world"}]})];
        assert!(count_chat_prompt(&parts, None) >= 2 + PER_MESSAGE + PER_REPLY);
    }
}
