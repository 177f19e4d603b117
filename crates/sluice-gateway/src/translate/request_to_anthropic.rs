//! OpenAI chat completions requests for Anthropic-dialect providers (Messages API).
//!
//! `system` and `developer` messages become the top-level `system`; user content parts become
//! text and image blocks (data URLs as base64 sources, http URLs as url sources); the
//! assistant's `tool_calls` become `tool_use` blocks and `tool` messages become `tool_result`
//! blocks in a user turn. Consecutive turns of one role are merged, because Anthropic expects
//! user and assistant to alternate. `max_completion_tokens`/`max_tokens` → `max_tokens` (which
//! Anthropic requires; the pipeline always sets it), `stop` → `stop_sequences`, `user` →
//! `metadata.user_id`, tools and `tool_choice` (with `parallel_tool_calls: false` as
//! `disable_parallel_tool_use`). `temperature` is clamped to Anthropic's 0–1.
//!
//! Refused, because the caller would get something other than what it asked for: `n` > 1,
//! logprobs, `response_format` other than text, audio, file parts, legacy `functions`.
//! Dropped, because they only tune sampling or bookkeeping: `seed`, penalties, `logit_bias`,
//! `stream_options` (Anthropic always streams usage), `store`, `metadata`, `reasoning_effort`.

use serde_json::{Map, Value, json};

use crate::api::errors::GatewayError;

fn refuse(what: impl std::fmt::Display, param: &str) -> GatewayError {
    GatewayError::invalid(format!("{what} cannot be sent to this model: its provider speaks the Anthropic Messages API."), Some(param))
}

fn invalid(message: impl Into<String>, param: &str) -> GatewayError {
    GatewayError::invalid(message, Some(param))
}

pub fn request(body: Map<String, Value>) -> Result<Map<String, Value>, GatewayError> {
    refuse_untranslatable(&body)?;
    let mut out = Map::new();
    if let Some(model) = body.get("model") {
        out.insert("model".to_owned(), model.clone());
    }
    let mut system = Vec::new();
    let mut turns = Turns::default();
    for (at, message) in body.get("messages").and_then(Value::as_array).into_iter().flatten().enumerate() {
        match message.get("role").and_then(Value::as_str).unwrap_or("") {
            "system" | "developer" => system.push(plain_text(message.get("content"), at)?),
            "user" => turns.push("user", user_blocks(message.get("content"), at)?),
            "assistant" => turns.push("assistant", assistant_blocks(message, at)?),
            "tool" => turns.push("user", vec![tool_result(message, at)?]),
            other => return Err(refuse(format!("A message with role `{other}` (messages[{at}])"), "messages")),
        }
    }
    system.retain(|s| !s.is_empty());
    if !system.is_empty() {
        out.insert("system".to_owned(), Value::from(system.join("\n\n")));
    }
    out.insert("messages".to_owned(), Value::Array(turns.0));
    let max_tokens = ["max_completion_tokens", "max_tokens"].iter().find_map(|k| body.get(*k).filter(|v| v.is_u64()));
    let max_tokens = max_tokens.ok_or_else(|| invalid("`max_tokens` is required by this model's provider.", "max_tokens"))?;
    out.insert("max_tokens".to_owned(), max_tokens.clone());
    if let Some(t) = body.get("temperature").and_then(Value::as_f64) {
        // OpenAI allows 0–2, Anthropic 0–1; the top of one range means "most varied" in both.
        out.insert("temperature".to_owned(), Value::from(t.clamp(0.0, 1.0)));
    }
    for field in ["top_p", "stream"] {
        if let Some(v) = body.get(field).filter(|v| !v.is_null()) {
            out.insert(field.to_owned(), v.clone());
        }
    }
    match body.get("stop") {
        Some(Value::String(s)) => {
            out.insert("stop_sequences".to_owned(), json!([s]));
        }
        Some(Value::Array(list)) if !list.is_empty() => {
            out.insert("stop_sequences".to_owned(), Value::Array(list.clone()));
        }
        _ => {}
    }
    if let Some(user) = body.get("user").and_then(Value::as_str) {
        out.insert("metadata".to_owned(), json!({"user_id": user}));
    }
    let tools: Vec<Value> = body.get("tools").and_then(Value::as_array).into_iter().flatten().map(convert_tool).collect::<Result<_, _>>()?;
    if !tools.is_empty() {
        out.insert("tools".to_owned(), Value::Array(tools));
        let mut choice = match body.get("tool_choice") {
            None | Some(Value::Null) => None,
            Some(choice) => Some(convert_tool_choice(choice)?),
        };
        if body.get("parallel_tool_calls").and_then(Value::as_bool) == Some(false) {
            choice.get_or_insert_with(|| json!({"type": "auto"}))["disable_parallel_tool_use"] = Value::Bool(true);
        }
        if let Some(choice) = choice {
            out.insert("tool_choice".to_owned(), choice);
        }
    }
    Ok(out)
}

fn refuse_untranslatable(body: &Map<String, Value>) -> Result<(), GatewayError> {
    if body.get("n").and_then(Value::as_u64).is_some_and(|n| n > 1) {
        return Err(refuse("`n` greater than 1 (several choices)", "n"));
    }
    if body.get("logprobs").and_then(Value::as_bool) == Some(true) || body.get("top_logprobs").is_some_and(|v| !v.is_null()) {
        return Err(refuse("`logprobs`", "logprobs"));
    }
    if let Some(kind) = body.get("response_format").and_then(|f| f.get("type")).and_then(Value::as_str).filter(|k| *k != "text") {
        return Err(refuse(format!("`response_format` of type `{kind}`"), "response_format"));
    }
    if body.contains_key("audio") || body.get("modalities").and_then(Value::as_array).is_some_and(|m| m.iter().any(|v| v == "audio")) {
        return Err(refuse("Audio output", "modalities"));
    }
    if let Some(field) = ["functions", "function_call"].into_iter().find(|f| body.contains_key(*f)) {
        return Err(refuse(format!("The legacy `{field}` parameter (use `tools`)"), field));
    }
    Ok(())
}

/// Anthropic turns, merging consecutive blocks of one role into one message.
#[derive(Default)]
struct Turns(Vec<Value>);

impl Turns {
    fn push(&mut self, role: &str, blocks: Vec<Value>) {
        if blocks.is_empty() {
            // Anthropic refuses empty turns (an assistant message with neither text nor tools).
            return;
        }
        if let Some(Value::Array(content)) = self.0.last_mut().filter(|m| m["role"] == role).and_then(|m| m.get_mut("content")) {
            content.extend(blocks);
            return;
        }
        self.0.push(json!({"role": role, "content": blocks}));
    }
}

/// The text of a string or of text parts (system, developer and tool messages).
fn plain_text(content: Option<&Value>, at: usize) -> Result<String, GatewayError> {
    match content {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(parts)) => parts
            .iter()
            .map(|p| p.get("text").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| invalid(format!("`messages[{at}]` may only hold text parts."), "messages")))
            .collect::<Result<Vec<_>, _>>()
            .map(|texts| texts.join("\n")),
        Some(_) => Err(invalid(format!("`messages[{at}].content` must be a string or an array of parts."), "messages")),
    }
}

fn text_block(text: &str) -> Option<Value> {
    // Anthropic refuses empty text blocks.
    (!text.is_empty()).then(|| json!({"type": "text", "text": text}))
}

fn user_blocks(content: Option<&Value>, at: usize) -> Result<Vec<Value>, GatewayError> {
    let parts = match content {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) => return Ok(text_block(s).into_iter().collect()),
        Some(Value::Array(parts)) => parts,
        Some(_) => return Err(invalid(format!("`messages[{at}].content` must be a string or an array of parts."), "messages")),
    };
    let mut blocks = Vec::new();
    for part in parts {
        match part.get("type").and_then(Value::as_str).unwrap_or("") {
            "text" => blocks.extend(text_block(part.get("text").and_then(Value::as_str).unwrap_or(""))),
            "image_url" => blocks.push(image_block(part, at)?),
            other => return Err(refuse(format!("A `{other}` content part (messages[{at}])"), "messages")),
        }
    }
    Ok(blocks)
}

fn image_block(part: &Value, at: usize) -> Result<Value, GatewayError> {
    let url = part.pointer("/image_url/url").or_else(|| part.get("image_url")).and_then(Value::as_str).unwrap_or("");
    if let Some(rest) = url.strip_prefix("data:") {
        if let Some((media_type, data)) = rest.split_once(";base64,") {
            return Ok(json!({"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}));
        }
    } else if url.starts_with("https://") || url.starts_with("http://") {
        return Ok(json!({"type": "image", "source": {"type": "url", "url": url}}));
    }
    Err(invalid(format!("`messages[{at}]`: an image must be a base64 data URL or an http(s) URL."), "messages"))
}

fn assistant_blocks(message: &Value, at: usize) -> Result<Vec<Value>, GatewayError> {
    let mut blocks = Vec::new();
    match message.get("content") {
        Some(Value::String(s)) => blocks.extend(text_block(s)),
        Some(Value::Array(parts)) => {
            for part in parts {
                // A `refusal` part is the model's own earlier answer; it reads as text.
                let text = part.get("text").or_else(|| part.get("refusal")).and_then(Value::as_str).unwrap_or("");
                blocks.extend(text_block(text));
            }
        }
        _ => {}
    }
    for (i, call) in message.get("tool_calls").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let arguments = call.pointer("/function/arguments").and_then(Value::as_str).unwrap_or("").trim();
        let input = if arguments.is_empty() {
            json!({})
        } else {
            serde_json::from_str::<Value>(arguments)
                .ok()
                .filter(Value::is_object)
                .ok_or_else(|| invalid(format!("`messages[{at}].tool_calls[{i}].function.arguments` must be a JSON object."), "messages"))?
        };
        blocks.push(json!({"type": "tool_use", "id": call.get("id"), "name": call.pointer("/function/name"), "input": input}));
    }
    Ok(blocks)
}

fn tool_result(message: &Value, at: usize) -> Result<Value, GatewayError> {
    let id = message.get("tool_call_id").and_then(Value::as_str).ok_or_else(|| invalid(format!("`messages[{at}].tool_call_id` is required."), "messages"))?;
    Ok(json!({"type": "tool_result", "tool_use_id": id, "content": plain_text(message.get("content"), at)?}))
}

fn convert_tool(tool: &Value) -> Result<Value, GatewayError> {
    if tool.get("type").and_then(Value::as_str) != Some("function") {
        return Err(refuse("A tool that is not a function", "tools"));
    }
    let function = tool.get("function").unwrap_or(&Value::Null);
    let name = function.get("name").and_then(Value::as_str).ok_or_else(|| invalid("Every tool function needs a `name`.", "tools"))?;
    // Anthropic requires an object schema; a function without parameters takes none.
    let schema = function.get("parameters").filter(|p| p.is_object()).cloned().unwrap_or_else(|| json!({"type": "object", "properties": {}}));
    let mut out = json!({"name": name, "input_schema": schema});
    if let Some(description) = function.get("description").and_then(Value::as_str) {
        out["description"] = Value::from(description);
    }
    Ok(out)
}

fn convert_tool_choice(choice: &Value) -> Result<Value, GatewayError> {
    match choice {
        Value::String(s) if s == "auto" => Ok(json!({"type": "auto"})),
        Value::String(s) if s == "required" => Ok(json!({"type": "any"})),
        Value::String(s) if s == "none" => Ok(json!({"type": "none"})),
        Value::Object(_) => match choice.pointer("/function/name").and_then(Value::as_str) {
            Some(name) => Ok(json!({"type": "tool", "name": name})),
            None => Err(invalid("`tool_choice` must name a function.", "tool_choice")),
        },
        _ => Err(invalid("`tool_choice` must be auto, required, none or a function.", "tool_choice")),
    }
}
