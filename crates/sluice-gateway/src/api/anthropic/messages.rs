//! `POST /v1/messages` requests (Anthropic Messages API): parsed once into a JSON object that is
//! forwarded as is to Anthropic providers (so new parameters pass through without a gateway
//! release) or translated for OpenAI-dialect ones, plus the few fields the gateway needs,
//! validated up front with the same rules as the OpenAI surface where they overlap.

use serde_json::{Map, Value};

use crate::api::errors::GatewayError;
use crate::api::openai::chat::{model_name, parse_object, positive};
use crate::config::GatewayConfig;
use crate::dialect::Dialect;
use crate::pipeline::chat::ChatRequest;
use crate::tokens;

fn invalid(message: impl Into<String>, param: &str) -> GatewayError {
    GatewayError::invalid(message, Some(param))
}

/// Parses and validates an Anthropic Messages request.
pub fn parse(bytes: &[u8], config: &GatewayConfig) -> Result<ChatRequest, GatewayError> {
    let body = parse_object(bytes)?;
    let model = model_name(&body)?;
    let messages = body.get("messages").and_then(Value::as_array).ok_or_else(|| invalid("`messages` is required and must be an array.", "messages"))?;
    if messages.is_empty() {
        return Err(invalid("`messages` must not be empty.", "messages"));
    }
    if messages.len() > config.max_messages {
        return Err(invalid(format!("`messages` may hold at most {} messages.", config.max_messages), "messages"));
    }
    for (i, message) in messages.iter().enumerate() {
        check_message(message, i)?;
    }
    // Anthropic requires max_tokens; the gateway still clamps it to the model and the budget.
    let max_tokens = positive(&body, "max_tokens")?.ok_or_else(|| invalid("`max_tokens` is required.", "max_tokens"))?;
    let stream = match body.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid("`stream` must be a boolean.", "stream")),
    };
    check_optional_fields(&body)?;
    let system_tokens = body.get("system").map_or(0, tokens::count_strings);
    let prompt_tokens = tokens::count_chat_prompt(messages, body.get("tools")).saturating_add(system_tokens);
    Ok(ChatRequest { dialect: Dialect::Anthropic, body, model, stream, wants_stream_usage: false, n: 1, max_tokens: Some(max_tokens), prompt_tokens })
}

fn check_message(message: &Value, i: usize) -> Result<(), GatewayError> {
    match message.get("role").and_then(Value::as_str) {
        Some("user" | "assistant") => {}
        // Anthropic has no system role in `messages`; saying so is more helpful than "bad role".
        Some("system") => return Err(invalid(format!("`messages[{i}]`: use the top-level `system` field for system prompts."), "messages")),
        _ => return Err(invalid(format!("`messages[{i}].role` must be `user` or `assistant`."), "messages")),
    }
    match message.get("content") {
        Some(Value::String(_)) => Ok(()),
        Some(Value::Array(blocks)) if blocks.iter().all(|b| b.get("type").and_then(Value::as_str).is_some()) => Ok(()),
        _ => Err(invalid(format!("`messages[{i}].content` must be a string or an array of content blocks with a `type`."), "messages")),
    }
}

fn check_optional_fields(body: &Map<String, Value>) -> Result<(), GatewayError> {
    let present = |field: &str| body.get(field).filter(|v| !v.is_null());
    if let Some(system) = present("system") {
        let blocks_ok = system.as_array().is_some_and(|bs| bs.iter().all(|b| b.get("type").and_then(Value::as_str) == Some("text") && b.get("text").is_some_and(Value::is_string)));
        if !system.is_string() && !blocks_ok {
            return Err(invalid("`system` must be a string or an array of text blocks.", "system"));
        }
    }
    if present("stop_sequences").is_some_and(|s| !s.as_array().is_some_and(|items| items.iter().all(Value::is_string))) {
        return Err(invalid("`stop_sequences` must be an array of strings.", "stop_sequences"));
    }
    for field in ["temperature", "top_p"] {
        if present(field).is_some_and(|v| !v.is_number()) {
            return Err(invalid(format!("`{field}` must be a number."), field));
        }
    }
    if present("top_k").is_some_and(|v| !v.is_u64()) {
        return Err(invalid("`top_k` must be a non-negative integer.", "top_k"));
    }
    if present("tools").is_some_and(|v| !v.as_array().is_some_and(|tools| tools.iter().all(Value::is_object))) {
        return Err(invalid("`tools` must be an array of tool objects.", "tools"));
    }
    if present("tool_choice").is_some_and(|v| v.get("type").and_then(Value::as_str).is_none()) {
        return Err(invalid("`tool_choice` must be an object with a `type`.", "tool_choice"));
    }
    if present("metadata").is_some_and(|v| !v.is_object()) {
        return Err(invalid("`metadata` must be an object.", "metadata"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<ChatRequest, GatewayError> {
        super::parse(body.as_bytes(), &GatewayConfig::new("/tmp".into(), "t".into()))
    }

    const BASE: &str = r#""model":"m","max_tokens":64,"messages":[{"role":"user","content":"hi"}]"#;

    #[test]
    fn parses_and_keeps_unknown_fields() {
        let r = parse(&format!(r#"{{{BASE},"system":[{{"type":"text","text":"Be brief.","cache_control":{{"type":"ephemeral"}}}}],"top_k":5,"thinking":{{"type":"enabled","budget_tokens":1024}}}}"#)).unwrap();
        assert_eq!((r.dialect, r.model.as_str(), r.n, r.max_tokens, r.stream), (Dialect::Anthropic, "m", 1, Some(64), false));
        assert!(r.body.contains_key("thinking") && r.body.contains_key("top_k"));
        let without_system = parse(&format!("{{{BASE}}}")).unwrap();
        assert!(r.prompt_tokens > without_system.prompt_tokens, "the system prompt is counted");
    }

    #[test]
    fn refuses_what_anthropic_refuses_and_redirects() {
        let cases = [
            (r#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#, "max_tokens"),
            (&*format!(r#"{{{BASE},"max_tokens":0}}"#), "max_tokens"),
            (r#"{"model":"m","max_tokens":5,"messages":[]}"#, "messages"),
            (r#"{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]}"#, "messages"),
            (r#"{"model":"m","max_tokens":5,"messages":[{"role":"user"}]}"#, "messages"),
            (r#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"text":"no type"}]}]}"#, "messages"),
            (&*format!(r#"{{{BASE},"api_key":"sk-x"}}"#), "api_key"),
            (&*format!(r#"{{{BASE},"base_url":"http://x"}}"#), "base_url"),
            (&*format!(r#"{{{BASE},"stream":"yes"}}"#), "stream"),
            (&*format!(r#"{{{BASE},"system":42}}"#), "system"),
            (&*format!(r#"{{{BASE},"stop_sequences":"END"}}"#), "stop_sequences"),
            (&*format!(r#"{{{BASE},"tool_choice":"auto"}}"#), "tool_choice"),
        ];
        for (body, param) in cases {
            match parse(body) {
                Err(GatewayError::InvalidRequest { param: Some(p), .. }) => assert_eq!(p, param, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_streaming_request_for_an_openai_provider_asks_for_usage() {
        let mut r = parse(&format!(r#"{{{BASE},"stream":true,"stop_sequences":["END"]}}"#)).unwrap();
        assert!(r.stream);
        r.set_max_tokens(7);
        let body = r.for_provider(Dialect::OpenAi, "gpt-x").unwrap();
        assert_eq!(body["model"], "gpt-x");
        assert_eq!(body["max_tokens"], 7);
        assert_eq!(body["stop"], serde_json::json!(["END"]));
        assert_eq!(body["stream_options"]["include_usage"], true);
    }
}
