use serde_json::json;

use super::object;
use crate::api::errors::GatewayError;
use crate::dialect::Dialect;
use crate::translate;

/// A weather-tool conversation as the Anthropic SDK sends it: system blocks with a cache mark,
/// an image, a tool call and its (failed, then retried) result.
fn anthropic_tool_conversation() -> serde_json::Value {
    json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": [{"type": "text", "text": "You are a weather bot.", "cache_control": {"type": "ephemeral"}}, {"type": "text", "text": "Answer in Celsius."}],
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "What is the weather where this photo was taken?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
            ]},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "The photo shows the Eiffel tower.", "signature": "sig"},
                {"type": "text", "text": "Let me check Paris."},
                {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01A", "content": [{"type": "text", "text": "18°C, sunny"}]},
                {"type": "text", "text": "Thanks! And tomorrow?"}
            ]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01B", "name": "get_weather", "input": {"city": "Paris", "day": "tomorrow"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01B", "content": "service down", "is_error": true}]}
        ],
        "tools": [{"name": "get_weather", "description": "Current weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}],
        "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
        "stop_sequences": ["\n\nHuman:"],
        "temperature": 0.2,
        "top_p": 0.9,
        "top_k": 40,
        "metadata": {"user_id": "user-42"},
        "stream": true
    })
}

#[test]
fn an_anthropic_tool_conversation_becomes_openai_chat() {
    let out = translate::request(object(anthropic_tool_conversation()), Dialect::Anthropic, Dialect::OpenAi).unwrap();
    let expected = json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "temperature": 0.2,
        "top_p": 0.9,
        "stream": true,
        "stop": ["\n\nHuman:"],
        "user": "user-42",
        "messages": [
            {"role": "system", "content": "You are a weather bot.\n\nAnswer in Celsius."},
            {"role": "user", "content": [
                {"type": "text", "text": "What is the weather where this photo was taken?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
            ]},
            {"role": "assistant", "content": "Let me check Paris.", "tool_calls": [
                {"id": "toolu_01A", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "toolu_01A", "content": "18°C, sunny"},
            {"role": "user", "content": "Thanks! And tomorrow?"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "toolu_01B", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\",\"day\":\"tomorrow\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "toolu_01B", "content": "Error: service down"}
        ],
        "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
        "tool_choice": "auto",
        "parallel_tool_calls": false
    });
    assert_eq!(serde_json::Value::Object(out), expected);
}

#[test]
fn anthropic_tool_choices_map_to_openai() {
    let tools = json!([{"name": "f", "input_schema": {"type": "object"}}]);
    for (choice, expected) in [
        (json!({"type": "any"}), json!("required")),
        (json!({"type": "none"}), json!("none")),
        (json!({"type": "tool", "name": "f"}), json!({"type": "function", "function": {"name": "f"}})),
    ] {
        let body = json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}], "tools": tools, "tool_choice": choice});
        let out = translate::request(object(body), Dialect::Anthropic, Dialect::OpenAi).unwrap();
        assert_eq!(out["tool_choice"], expected);
        assert!(!out.contains_key("parallel_tool_calls"));
    }
}

#[test]
fn what_openai_providers_cannot_do_is_refused_by_name() {
    let base = |messages: serde_json::Value| json!({"model": "m", "max_tokens": 5, "messages": messages});
    let cases = [
        base(json!([{"role": "user", "content": [{"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBER"}}]}])),
        base(json!([{"role": "user", "content": [{"type": "image", "source": {"type": "file", "file_id": "file_1"}}]}])),
        base(json!([{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [{"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}]}]}])),
        json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "web_search_20250305", "name": "web_search"}]}),
        json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}], "mcp_servers": [{"type": "url", "url": "https://mcp"}]}),
    ];
    for body in cases {
        match translate::request(object(body.clone()), Dialect::Anthropic, Dialect::OpenAi) {
            Err(GatewayError::InvalidRequest { message, .. }) => assert!(message.contains("OpenAI"), "{message}"),
            other => panic!("{body}: {other:?}"),
        }
    }
}

/// The same conversation as the OpenAI SDK sends it.
fn openai_tool_conversation() -> serde_json::Value {
    json!({
        "model": "gpt-4o",
        "max_completion_tokens": 512,
        "messages": [
            {"role": "system", "content": "You are a weather bot."},
            {"role": "developer", "content": [{"type": "text", "text": "Answer in Celsius."}]},
            {"role": "user", "content": [
                {"type": "text", "text": "Weather in these two cities?"},
                {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQ", "detail": "low"}},
                {"type": "image_url", "image_url": {"url": "https://example.com/map.png"}}
            ]},
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "18°C"},
            {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "25°C"}]},
            {"role": "user", "content": "Which is warmer?"}
        ],
        "tools": [
            {"type": "function", "function": {"name": "get_weather", "description": "Current weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
            {"type": "function", "function": {"name": "now"}}
        ],
        "tool_choice": "required",
        "parallel_tool_calls": false,
        "stop": "END",
        "temperature": 1.5,
        "user": "user-42",
        "seed": 7,
        "stream": true,
        "stream_options": {"include_usage": true}
    })
}

#[test]
fn an_openai_tool_conversation_becomes_anthropic_messages() {
    let out = translate::request(object(openai_tool_conversation()), Dialect::OpenAi, Dialect::Anthropic).unwrap();
    let expected = json!({
        "model": "gpt-4o",
        "max_tokens": 512,
        "system": "You are a weather bot.\n\nAnswer in Celsius.",
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "Weather in these two cities?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/map.png"}}
            ]},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "call_2", "name": "get_weather", "input": {"city": "Rome"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "call_1", "content": "18°C"},
                {"type": "tool_result", "tool_use_id": "call_2", "content": "25°C"},
                {"type": "text", "text": "Which is warmer?"}
            ]}
        ],
        "tools": [
            {"name": "get_weather", "description": "Current weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}},
            {"name": "now", "input_schema": {"type": "object", "properties": {}}}
        ],
        "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
        "stop_sequences": ["END"],
        "temperature": 1.0,
        "metadata": {"user_id": "user-42"},
        "stream": true
    });
    assert_eq!(serde_json::Value::Object(out), expected);
}

#[test]
fn what_anthropic_providers_cannot_do_is_refused_by_name() {
    let base = json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let with = |field: &str, value: serde_json::Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("n", json!(2)), "n"),
        (with("logprobs", json!(true)), "logprobs"),
        (with("response_format", json!({"type": "json_object"})), "response_format"),
        (with("modalities", json!(["text", "audio"])), "modalities"),
        (with("functions", json!([{"name": "f"}])), "functions"),
        (with("messages", json!([{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "x", "format": "wav"}}]}])), "messages"),
        (with("messages", json!([{"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{oops"}}]}])), "messages"),
    ];
    for (body, param) in cases {
        match translate::request(object(body.clone()), Dialect::OpenAi, Dialect::Anthropic) {
            Err(GatewayError::InvalidRequest { param: Some(p), .. }) => assert_eq!(p, param, "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
    // One choice is what Anthropic gives anyway.
    assert!(translate::request(object(with("n", json!(1))), Dialect::OpenAi, Dialect::Anthropic).is_ok());
}

#[test]
fn same_dialect_is_untouched() {
    let body = object(json!({"model": "m", "max_tokens": 5, "messages": [], "vendor_extension": {"x": 1}}));
    assert_eq!(translate::request(body.clone(), Dialect::Anthropic, Dialect::Anthropic).unwrap(), body);
    assert_eq!(translate::request(body.clone(), Dialect::OpenAi, Dialect::OpenAi).unwrap(), body);
}
