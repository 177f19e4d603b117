//! The parts of a chat request the router reads, whatever dialect it arrived in: every piece of
//! text a provider would see (system prompt, messages, tool-call arguments and results) plus the
//! structural facts that hint at task complexity (turns, tools, structured output, reasoning).
//!
//! Tool *definitions* are counted but not scanned: they are the developer's schema, not data.

use std::borrow::Cow;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    System,
    User,
    Assistant,
    /// Arguments the model passed to a tool (OpenAI `tool_calls[].function.arguments`,
    /// Anthropic `tool_use.input`).
    ToolArguments,
    /// What a tool returned (OpenAI `role: tool`, Anthropic `tool_result`).
    ToolResult,
}

#[derive(Debug, Clone)]
pub struct Segment<'a> {
    pub kind: SegmentKind,
    pub text: Cow<'a, str>,
}

#[derive(Debug, Clone, Default)]
pub struct RequestView<'a> {
    pub segments: Vec<Segment<'a>>,
    /// Messages in the conversation (system prompt excluded).
    pub turns: usize,
    /// Tools the model may call.
    pub tools: usize,
    /// The caller asked for JSON output (`response_format` json_object/json_schema).
    pub structured_output: bool,
    /// The caller asked for extended reasoning (`reasoning_effort`, Anthropic `thinking`).
    pub reasoning_requested: bool,
    /// The output cap the caller set, if any.
    pub max_tokens: Option<u64>,
}

impl<'a> RequestView<'a> {
    /// A bare prompt, as one user message.
    pub fn from_prompt(prompt: &'a str) -> Self {
        RequestView { segments: vec![Segment { kind: SegmentKind::User, text: Cow::Borrowed(prompt) }], turns: 1, ..Default::default() }
    }

    /// An OpenAI chat-completions body.
    pub fn from_openai(body: &'a Map<String, Value>) -> Self {
        let mut view = RequestView::default();
        for message in body.get("messages").and_then(Value::as_array).into_iter().flatten() {
            let kind = match message.get("role").and_then(Value::as_str) {
                Some("system" | "developer") => SegmentKind::System,
                Some("assistant") => SegmentKind::Assistant,
                Some("tool" | "function") => SegmentKind::ToolResult,
                _ => SegmentKind::User,
            };
            if kind != SegmentKind::System {
                view.turns += 1;
            }
            if let Some(content) = message.get("content") {
                view.push_content(kind, content);
            }
            for call in message.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
                if let Some(args) = call.pointer("/function/arguments") {
                    view.push_value(SegmentKind::ToolArguments, args);
                }
            }
            if let Some(args) = message.pointer("/function_call/arguments") {
                view.push_value(SegmentKind::ToolArguments, args);
            }
        }
        view.tools = count(body.get("tools")) + count(body.get("functions"));
        view.structured_output = matches!(body.pointer_str("response_format", "type"), Some("json_object" | "json_schema"));
        view.reasoning_requested = body.get("reasoning_effort").and_then(Value::as_str).is_some_and(|e| e != "minimal" && e != "none");
        view.max_tokens = body.get("max_completion_tokens").or_else(|| body.get("max_tokens")).and_then(Value::as_u64);
        view
    }

    /// An Anthropic messages body.
    pub fn from_anthropic(body: &'a Map<String, Value>) -> Self {
        let mut view = RequestView::default();
        if let Some(system) = body.get("system") {
            view.push_content(SegmentKind::System, system);
        }
        for message in body.get("messages").and_then(Value::as_array).into_iter().flatten() {
            view.turns += 1;
            let kind = match message.get("role").and_then(Value::as_str) {
                Some("assistant") => SegmentKind::Assistant,
                _ => SegmentKind::User,
            };
            if let Some(content) = message.get("content") {
                view.push_content(kind, content);
            }
        }
        view.tools = count(body.get("tools"));
        view.reasoning_requested = body.pointer_str("thinking", "type") == Some("enabled");
        view.max_tokens = body.get("max_tokens").and_then(Value::as_u64);
        view
    }

    /// Total bytes of text.
    pub fn text_len(&self) -> usize {
        self.segments.iter().map(|s| s.text.len()).sum()
    }

    /// Text content in either dialect: a string, or a list of blocks of which `text`,
    /// `tool_use` and `tool_result` carry text.
    fn push_content(&mut self, kind: SegmentKind, content: &'a Value) {
        match content {
            Value::String(text) => self.push(kind, Cow::Borrowed(text)),
            Value::Array(blocks) => {
                for block in blocks {
                    match block.get("type").and_then(Value::as_str) {
                        Some("tool_use") => {
                            if let Some(input) = block.get("input") {
                                self.push_value(SegmentKind::ToolArguments, input);
                            }
                        }
                        Some("tool_result") => {
                            if let Some(inner) = block.get("content") {
                                self.push_content(SegmentKind::ToolResult, inner);
                            }
                        }
                        _ => {
                            if let Some(Value::String(text)) = block.get("text") {
                                self.push(kind, Cow::Borrowed(text));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A string as is; any other JSON (tool input objects) as its compact serialisation.
    fn push_value(&mut self, kind: SegmentKind, value: &'a Value) {
        match value {
            Value::String(text) => self.push(kind, Cow::Borrowed(text)),
            Value::Null => {}
            other => self.push(kind, Cow::Owned(other.to_string())),
        }
    }

    fn push(&mut self, kind: SegmentKind, text: Cow<'a, str>) {
        if !text.is_empty() {
            self.segments.push(Segment { kind, text });
        }
    }
}

fn count(value: Option<&Value>) -> usize {
    value.and_then(Value::as_array).map_or(0, Vec::len)
}

trait PointerStr {
    fn pointer_str(&self, outer: &str, inner: &str) -> Option<&str>;
}

impl PointerStr for Map<String, Value> {
    fn pointer_str(&self, outer: &str, inner: &str) -> Option<&str> {
        self.get(outer)?.get(inner)?.as_str()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn openai_request_yields_every_text_the_provider_sees() {
        let body = map(json!({
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": [{"type": "text", "text": "hello"}, {"type": "image_url", "image_url": {"url": "x"}}]},
                {"role": "assistant", "content": null, "tool_calls": [{"function": {"name": "f", "arguments": "{\"k\":\"AKIA\"}"}}]},
                {"role": "tool", "content": "result"}
            ],
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "response_format": {"type": "json_schema"},
            "reasoning_effort": "high",
            "max_completion_tokens": 50
        }));
        let view = RequestView::from_openai(&body);
        let texts: Vec<(SegmentKind, &str)> = view.segments.iter().map(|s| (s.kind, s.text.as_ref())).collect();
        assert_eq!(texts, vec![
            (SegmentKind::System, "be brief"),
            (SegmentKind::User, "hello"),
            (SegmentKind::ToolArguments, "{\"k\":\"AKIA\"}"),
            (SegmentKind::ToolResult, "result"),
        ]);
        assert_eq!((view.turns, view.tools, view.structured_output, view.reasoning_requested, view.max_tokens), (3, 1, true, true, Some(50)));
    }

    #[test]
    fn anthropic_request_yields_system_blocks_tool_input_and_results() {
        let body = map(json!({
            "system": [{"type": "text", "text": "sys"}],
            "messages": [
                {"role": "user", "content": "q"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {"password": "hunter2"}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": "ok"}]}]}
            ],
            "thinking": {"type": "enabled", "budget_tokens": 1024},
            "max_tokens": 10
        }));
        let view = RequestView::from_anthropic(&body);
        let texts: Vec<(SegmentKind, &str)> = view.segments.iter().map(|s| (s.kind, s.text.as_ref())).collect();
        assert_eq!(texts, vec![
            (SegmentKind::System, "sys"),
            (SegmentKind::User, "q"),
            (SegmentKind::ToolArguments, "{\"password\":\"hunter2\"}"),
            (SegmentKind::ToolResult, "ok"),
        ]);
        assert_eq!((view.turns, view.reasoning_requested, view.max_tokens), (3, true, Some(10)));
    }
}
