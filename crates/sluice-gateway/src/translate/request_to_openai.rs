//! Anthropic Messages requests for OpenAI-dialect providers (chat completions).
//!
//! The OpenAI body is built from the fields that have an equivalent: `system` becomes the first
//! message; text and image blocks become content parts; `tool_use` blocks become the assistant's
//! `tool_calls` and `tool_result` blocks become `tool` messages (placed first, right after the
//! assistant turn that called them, as OpenAI requires); `tools`, `tool_choice`,
//! `stop_sequences`, `max_tokens`, `temperature`, `top_p`, `stream` and `metadata.user_id` map
//! one to one.
//!
//! What cannot be honoured is refused with a message naming it, never silently dropped, when it
//! changes what the caller gets: documents, file references, images inside tool results, server
//! tools, MCP servers. Hints without an OpenAI equivalent (`top_k`, `thinking`, `cache_control`,
//! `service_tier`) are dropped: the answer is still the one asked for. Earlier `thinking` blocks
//! in the history are dropped too — only Anthropic models can read them back.

use serde_json::{Map, Value, json};

use crate::api::errors::GatewayError;

fn refuse(what: impl std::fmt::Display, param: &str) -> GatewayError {
    GatewayError::invalid(format!("{what} cannot be sent to this model: its provider speaks the OpenAI chat completions API."), Some(param))
}

/// Fields whose effect would be lost, so the request is refused rather than answered differently.
const REFUSED_FIELDS: &[(&str, &str)] = &[("mcp_servers", "`mcp_servers` (MCP connector)"), ("container", "`container` (code execution)")];

/// Fields carried over unchanged.
const SAME_FIELDS: &[&str] = &["model", "max_tokens", "temperature", "top_p", "stream"];

pub fn request(body: Map<String, Value>) -> Result<Map<String, Value>, GatewayError> {
    if let Some((field, what)) = REFUSED_FIELDS.iter().find(|(f, _)| body.contains_key(*f)) {
        return Err(refuse(what, field));
    }
    let mut out = Map::new();
    for field in SAME_FIELDS {
        if let Some(v) = body.get(*field).filter(|v| !v.is_null()) {
            out.insert((*field).to_owned(), v.clone());
        }
    }
    let mut messages = Vec::new();
    if let Some(system) = body.get("system").filter(|v| !v.is_null()) {
        let text = system_text(system)?;
        if !text.is_empty() {
            messages.push(json!({"role": "system", "content": text}));
        }
    }
    for (at, message) in body.get("messages").and_then(Value::as_array).into_iter().flatten().enumerate() {
        convert_message(message, at, &mut messages)?;
    }
    out.insert("messages".to_owned(), Value::Array(messages));
    if let Some(stop) = body.get("stop_sequences").and_then(Value::as_array).filter(|s| !s.is_empty()) {
        out.insert("stop".to_owned(), Value::Array(stop.clone()));
    }
    if let Some(user) = body.get("metadata").and_then(|m| m.get("user_id")).and_then(Value::as_str) {
        out.insert("user".to_owned(), Value::from(user));
    }
    let tools: Vec<Value> = body.get("tools").and_then(Value::as_array).into_iter().flatten().map(convert_tool).collect::<Result<_, _>>()?;
    // OpenAI refuses `tool_choice` without tools; Anthropic callers may send it regardless.
    if !tools.is_empty() {
        out.insert("tools".to_owned(), Value::Array(tools));
        if let Some(choice) = body.get("tool_choice").filter(|v| !v.is_null()) {
            let (choice, parallel) = convert_tool_choice(choice)?;
            out.insert("tool_choice".to_owned(), choice);
            if !parallel {
                out.insert("parallel_tool_calls".to_owned(), Value::Bool(false));
            }
        }
    }
    Ok(out)
}

/// `system` as one string: Anthropic allows a list of text blocks (to mark cache breakpoints).
fn system_text(system: &Value) -> Result<String, GatewayError> {
    match system {
        Value::String(text) => Ok(text.clone()),
        Value::Array(blocks) => blocks
            .iter()
            .map(|b| match (b.get("type").and_then(Value::as_str), b.get("text").and_then(Value::as_str)) {
                (Some("text"), Some(text)) => Ok(text.to_owned()),
                _ => Err(refuse("A `system` block other than text", "system")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|texts| texts.join("\n\n")),
        _ => Err(GatewayError::invalid("`system` must be a string or an array of text blocks.", Some("system"))),
    }
}

fn block_type(block: &Value) -> &str {
    block.get("type").and_then(Value::as_str).unwrap_or("")
}

fn convert_message(message: &Value, at: usize, out: &mut Vec<Value>) -> Result<(), GatewayError> {
    let role = message.get("role").and_then(Value::as_str).unwrap_or("user");
    match (role, message.get("content")) {
        (_, Some(Value::String(text))) => out.push(json!({"role": role, "content": text})),
        ("assistant", Some(Value::Array(blocks))) => out.push(assistant_message(blocks, at)?),
        (_, Some(Value::Array(blocks))) => user_messages(blocks, at, out)?,
        _ => return Err(GatewayError::invalid(format!("`messages[{at}].content` must be a string or an array of content blocks."), Some("messages"))),
    }
    Ok(())
}

/// A user turn: its `tool_result` blocks become `tool` messages, the rest one user message after them.
fn user_messages(blocks: &[Value], at: usize, out: &mut Vec<Value>) -> Result<(), GatewayError> {
    let mut parts = Vec::new();
    for block in blocks {
        match block_type(block) {
            "text" => parts.push(json!({"type": "text", "text": block.get("text").and_then(Value::as_str).unwrap_or("")})),
            "image" => parts.push(image_part(block, at)?),
            "tool_result" => out.push(tool_message(block, at)?),
            other => return Err(refuse(format!("A `{other}` content block (messages[{at}])"), "messages")),
        }
    }
    match parts.as_slice() {
        [] => {}
        // A single text part as a plain string: every OpenAI-compatible server accepts that form.
        [only] if only["type"] == "text" => out.push(json!({"role": "user", "content": only["text"]})),
        _ => out.push(json!({"role": "user", "content": parts})),
    }
    Ok(())
}

fn image_part(block: &Value, at: usize) -> Result<Value, GatewayError> {
    let source = block.get("source").unwrap_or(&Value::Null);
    let str_field = |name: &str| source.get(name).and_then(Value::as_str);
    let url = match (str_field("type"), str_field("media_type"), str_field("data"), str_field("url")) {
        (Some("base64"), Some(media_type), Some(data), _) => format!("data:{media_type};base64,{data}"),
        (Some("url"), _, _, Some(url)) => url.to_owned(),
        _ => return Err(refuse(format!("An image from a file reference or an unknown source (messages[{at}])"), "messages")),
    };
    Ok(json!({"type": "image_url", "image_url": {"url": url}}))
}

fn tool_message(block: &Value, at: usize) -> Result<Value, GatewayError> {
    let id = block.get("tool_use_id").and_then(Value::as_str).unwrap_or_default();
    let mut text = match block.get("content") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match (block_type(item), item.get("text").and_then(Value::as_str)) {
                ("text", Some(t)) => Ok(t.to_owned()),
                (other, _) => Err(refuse(format!("A `{other}` block inside a tool result (messages[{at}])"), "messages")),
            })
            .collect::<Result<Vec<_>, _>>()?
            .join("\n"),
        Some(_) => return Err(GatewayError::invalid(format!("`messages[{at}]`: a tool result's content must be a string or blocks."), Some("messages"))),
    };
    // OpenAI has no error flag on tool results; the model still learns the call failed.
    if block.get("is_error").and_then(Value::as_bool) == Some(true) {
        text = format!("Error: {text}");
    }
    Ok(json!({"role": "tool", "tool_call_id": id, "content": text}))
}

fn assistant_message(blocks: &[Value], at: usize) -> Result<Value, GatewayError> {
    let mut text = String::new();
    let mut calls = Vec::new();
    for block in blocks {
        match block_type(block) {
            "text" => text.push_str(block.get("text").and_then(Value::as_str).unwrap_or("")),
            "tool_use" => {
                let arguments = block.get("input").map_or_else(|| "{}".to_owned(), Value::to_string);
                calls.push(json!({"id": block.get("id"), "type": "function", "function": {"name": block.get("name"), "arguments": arguments}}));
            }
            "thinking" | "redacted_thinking" => {}
            other => return Err(refuse(format!("A `{other}` content block (messages[{at}])"), "messages")),
        }
    }
    let mut message = json!({"role": "assistant", "content": if text.is_empty() && !calls.is_empty() { Value::Null } else { Value::from(text) }});
    if !calls.is_empty() {
        message["tool_calls"] = Value::Array(calls);
    }
    Ok(message)
}

fn convert_tool(tool: &Value) -> Result<Value, GatewayError> {
    match tool.get("type").and_then(Value::as_str) {
        None | Some("custom") => {}
        Some(kind) => return Err(refuse(format!("The server tool `{kind}`"), "tools")),
    }
    let name = tool.get("name").and_then(Value::as_str).ok_or_else(|| GatewayError::invalid("Every tool needs a `name`.", Some("tools")))?;
    let mut function = json!({"name": name, "parameters": tool.get("input_schema").cloned().unwrap_or_else(|| json!({"type": "object"}))});
    if let Some(description) = tool.get("description").and_then(Value::as_str) {
        function["description"] = Value::from(description);
    }
    Ok(json!({"type": "function", "function": function}))
}

/// The OpenAI `tool_choice`, and whether parallel tool calls stay allowed.
fn convert_tool_choice(choice: &Value) -> Result<(Value, bool), GatewayError> {
    let parallel = choice.get("disable_parallel_tool_use").and_then(Value::as_bool) != Some(true);
    let converted = match choice.get("type").and_then(Value::as_str) {
        Some("auto") => json!("auto"),
        Some("any") => json!("required"),
        Some("none") => json!("none"),
        Some("tool") => match choice.get("name").and_then(Value::as_str) {
            Some(name) => json!({"type": "function", "function": {"name": name}}),
            None => return Err(GatewayError::invalid("`tool_choice` of type `tool` needs a `name`.", Some("tool_choice"))),
        },
        _ => return Err(GatewayError::invalid("`tool_choice.type` must be one of auto, any, tool, none.", Some("tool_choice"))),
    };
    Ok((converted, parallel))
}
