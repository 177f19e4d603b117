//! `POST /v1/chat/completions` requests: parsed once into a JSON object that is forwarded as is
//! (so new OpenAI parameters — tools, response_format, logprobs, seed… — pass through without a
//! gateway release), plus the few fields the gateway itself needs, validated up front.

use serde_json::{Map, Value};

use crate::api::errors::GatewayError;
use crate::config::GatewayConfig;
use crate::dialect::Dialect;
use crate::pipeline::chat::ChatRequest;
use crate::tokens;

/// Fields that would let a caller redirect the request or swap the credential; a gateway that
/// honoured them would be an open proxy.
const FORBIDDEN_FIELDS: &[&str] = &["api_base", "base_url", "api_key", "api_version", "custom_llm_provider", "extra_headers"];


fn invalid(message: impl Into<String>, param: &str) -> GatewayError {
    GatewayError::invalid(message, Some(param))
}

/// Parses an object body (size already checked) and rejects fields no caller may set.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, GatewayError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| GatewayError::invalid(format!("The body is not valid JSON: {}", strip_position(&e)), None))?;
    let Value::Object(body) = value else {
        return Err(GatewayError::invalid("The body must be a JSON object.", None));
    };
    if let Some(field) = FORBIDDEN_FIELDS.iter().find(|f| body.contains_key(**f)) {
        return Err(invalid(format!("`{field}` cannot be set through the gateway: providers and credentials are configured by your administrator."), field));
    }
    Ok(body)
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    text.split(" at line ").next().unwrap_or_default().to_owned()
}

/// A model name as it may appear in a response header: printable, no CR/LF.
pub fn model_name(body: &Map<String, Value>) -> Result<String, GatewayError> {
    let model = body.get("model").and_then(Value::as_str).ok_or_else(|| invalid("`model` is required and must be a string.", "model"))?;
    if model.is_empty() || model.len() > 200 || model.chars().any(char::is_control) {
        return Err(invalid("`model` must be 1-200 printable characters.", "model"));
    }
    Ok(model.to_owned())
}

pub fn positive(body: &Map<String, Value>, field: &str) -> Result<Option<u32>, GatewayError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .filter(|n| *n >= 1)
            .map(|n| Some(u32::try_from(n).unwrap_or(u32::MAX)))
            .ok_or_else(|| invalid(format!("`{field}` must be a positive integer."), field)),
    }
}

/// Parses and validates an OpenAI chat completions request.
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
    if let Some(i) = messages.iter().position(|m| m.get("role").and_then(Value::as_str).is_none()) {
        return Err(invalid(format!("`messages[{i}]` needs a string `role`."), "messages"));
    }
    let n = positive(&body, "n")?.unwrap_or(1);
    if n > config.max_n {
        return Err(invalid(format!("`n` may be at most {}.", config.max_n), "n"));
    }
    // The newer name wins; both are accepted because SDKs and servers still use either.
    let max_tokens = match positive(&body, "max_completion_tokens")? {
        Some(n) => Some(n),
        None => positive(&body, "max_tokens")?,
    };
    let stream = match body.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid("`stream` must be a boolean.", "stream")),
    };
    let wants_stream_usage = body.get("stream_options").and_then(|o| o.get("include_usage")).and_then(Value::as_bool).unwrap_or(false);
    let prompt_tokens = tokens::count_chat_prompt(messages, body.get("tools"));
    Ok(ChatRequest { dialect: Dialect::OpenAi, body, model, stream, wants_stream_usage, n, max_tokens, prompt_tokens })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> GatewayConfig {
        GatewayConfig::new("/tmp".into(), "t".into())
    }

    fn parse(body: &str) -> Result<ChatRequest, GatewayError> {
        super::parse(body.as_bytes(), &config())
    }

    #[test]
    fn parses_and_keeps_unknown_fields() {
        let r = parse(r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"},"seed":1}"#).unwrap();
        assert_eq!(r.model, "m");
        assert!(r.body.contains_key("response_format"));
        assert_eq!((r.n, r.max_tokens, r.stream), (1, None, false));
    }

    #[test]
    fn refuses_redirects_and_bad_limits() {
        let base = r#""model":"m","messages":[{"role":"user","content":"hi"}]"#;
        for (extra, param) in [(r#""api_base":"http://x""#, "api_base"), (r#""n":0"#, "n"), (r#""n":99"#, "n"), (r#""max_tokens":-1"#, "max_tokens"), (r#""stream":"yes""#, "stream")] {
            match parse(&format!("{{{base},{extra}}}")) {
                Err(GatewayError::InvalidRequest { param: Some(p), .. }) => assert_eq!(p, param),
                other => panic!("{extra}: {other:?}"),
            }
        }
        assert!(parse(r#"{"model":"a\r\nb","messages":[{"role":"user","content":"x"}]}"#).is_err());
        assert!(parse(r#"{"model":"m","messages":[]}"#).is_err());
        assert!(parse("[1]").is_err());
    }

    #[test]
    fn upstream_body_forces_stream_usage() {
        let mut r = parse(r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}"#).unwrap();
        assert!(!r.wants_stream_usage);
        r.set_max_tokens(7);
        let body = r.for_provider(Dialect::OpenAi, "gpt-x").unwrap();
        assert_eq!(body["model"], "gpt-x");
        assert_eq!(body["max_tokens"], 7);
        assert_eq!(body["stream_options"]["include_usage"], true);
    }
}
