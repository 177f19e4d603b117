use serde_json::{Value, json};

use super::{anthropic_event, openai_chunk, payloads};
use crate::dialect::Dialect;
use crate::providers::{SseEvent, TokenUsage};
use crate::translate::{self, tap};

fn chunk(choices: Value, usage: Value) -> SseEvent {
    openai_chunk(json!({"id": "chatcmpl-7", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini", "choices": choices, "usage": usage}))
}

fn delta(delta: Value, finish: Value) -> SseEvent {
    chunk(json!([{"index": 0, "delta": delta, "finish_reason": finish}]), Value::Null)
}

/// An OpenAI stream with text, then two parallel tool calls, then the usage chunk and `[DONE]`.
fn openai_stream() -> Vec<SseEvent> {
    vec![
        delta(json!({"role": "assistant", "content": ""}), Value::Null),
        delta(json!({"content": "Checking"}), Value::Null),
        delta(json!({"content": " both."}), Value::Null),
        delta(json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}), Value::Null),
        delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}), Value::Null),
        delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}), Value::Null),
        delta(json!({"tool_calls": [{"index": 1, "id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]}), Value::Null),
        delta(json!({}), json!("tool_calls")),
        chunk(json!([]), json!({"prompt_tokens": 1200, "completion_tokens": 40, "total_tokens": 1240, "prompt_tokens_details": {"cached_tokens": 1024}})),
        SseEvent { event: None, data: "[DONE]".to_owned() },
    ]
}

#[test]
fn an_openai_stream_becomes_the_full_anthropic_event_sequence() {
    let mut translator = translate::stream_translator(Dialect::OpenAi, Dialect::Anthropic);
    let mut events: Vec<SseEvent> = openai_stream().into_iter().flat_map(|e| translator.translate(e)).collect();
    events.extend(translator.finish());
    for e in &events {
        let data: Value = serde_json::from_str(&e.data).unwrap();
        assert_eq!(e.event.as_deref(), data["type"].as_str(), "the SSE event name matches the payload type");
    }
    let got = payloads(&events);
    let expected = vec![
        json!({"type": "message_start", "message": {"id": "msg_7", "type": "message", "role": "assistant", "model": "gpt-4o-mini", "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 0, "output_tokens": 0}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Checking"}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " both."}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {}}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"city\":"}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "\"Paris\"}"}}),
        json!({"type": "content_block_stop", "index": 1}),
        json!({"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "call_2", "name": "get_weather", "input": {}}}),
        json!({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "{\"city\":\"Rome\"}"}}),
        json!({"type": "content_block_stop", "index": 2}),
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null}, "usage": {"input_tokens": 176, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1024, "output_tokens": 40}}),
        json!({"type": "message_stop"}),
    ];
    assert_eq!(got, expected);
}

#[test]
fn reasoning_then_text_opens_a_thinking_block_first() {
    let mut translator = translate::stream_translator(Dialect::OpenAi, Dialect::Anthropic);
    let mut events = Vec::new();
    for e in [delta(json!({"reasoning_content": "Hmm."}), Value::Null), delta(json!({"content": "Yes."}), json!("stop"))] {
        events.extend(translator.translate(e));
    }
    events.extend(translator.finish());
    let kinds: Vec<String> = payloads(&events).iter().map(|p| format!("{}:{}", p["type"].as_str().unwrap(), p.pointer("/delta/type").or(p.pointer("/content_block/type")).and_then(Value::as_str).unwrap_or(""))).collect();
    assert_eq!(kinds, [
        "message_start:", "content_block_start:thinking", "content_block_delta:thinking_delta", "content_block_stop:",
        "content_block_start:text", "content_block_delta:text_delta", "content_block_stop:", "message_delta:", "message_stop:",
    ]);
    assert_eq!(payloads(&events)[7]["delta"]["stop_reason"], "end_turn");
}

#[test]
fn an_openai_error_chunk_ends_the_anthropic_stream_with_an_error_event() {
    let mut translator = translate::stream_translator(Dialect::OpenAi, Dialect::Anthropic);
    let mut events = translator.translate(delta(json!({"content": "Hel"}), Value::Null));
    events.extend(translator.translate(openai_chunk(json!({"error": {"message": "The server had an error", "type": "server_error"}}))));
    events.extend(translator.finish());
    let last = events.last().unwrap();
    assert_eq!(last.event.as_deref(), Some("error"));
    assert!(!payloads(&events).iter().any(|p| p["type"] == "message_stop"), "a failure never looks complete");
}

/// An Anthropic stream with a thinking block, text and a tool call, as the API sends it.
fn anthropic_stream() -> Vec<SseEvent> {
    [
        json!({"type": "message_start", "message": {"id": "msg_014p7gG3wDgGV9EUtLvnow3U", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 472, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 2048, "output_tokens": 2}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Need the weather tool."}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "ping"}),
        json!({"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Okay, let's check"}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": " the weather."}}),
        json!({"type": "content_block_stop", "index": 1}),
        json!({"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather", "input": {}}}),
        json!({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": ""}}),
        json!({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "{\"location\": \"San Fra"}}),
        json!({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "ncisco, CA\"}"}}),
        json!({"type": "content_block_stop", "index": 2}),
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null}, "usage": {"output_tokens": 89}}),
        json!({"type": "message_stop"}),
    ]
    .into_iter()
    .map(anthropic_event)
    .collect()
}

#[test]
fn an_anthropic_stream_becomes_openai_chunks_ending_in_done() {
    let mut translator = translate::stream_translator(Dialect::Anthropic, Dialect::OpenAi);
    let mut events: Vec<SseEvent> = anthropic_stream().into_iter().flat_map(|e| translator.translate(e)).collect();
    events.extend(translator.finish());
    assert!(events.iter().all(|e| e.event.is_none()), "OpenAI chunks are unnamed data lines");
    let got = payloads(&events);
    let deltas: Vec<Value> = got.iter().filter_map(|c| c.pointer("/choices/0/delta").cloned()).collect();
    assert_eq!(deltas, vec![
        json!({"role": "assistant", "content": ""}),
        json!({"content": "Okay, let's check"}),
        json!({"content": " the weather."}),
        json!({"tool_calls": [{"index": 0, "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
        json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"location\": \"San Fra"}}]}),
        json!({"tool_calls": [{"index": 0, "function": {"arguments": "ncisco, CA\"}"}}]}),
        json!({}),
    ]);
    let first = &got[0];
    assert_eq!((first["id"].as_str(), first["object"].as_str(), first["model"].as_str()), (Some("chatcmpl-014p7gG3wDgGV9EUtLvnow3U"), Some("chat.completion.chunk"), Some("claude-sonnet-4-5")));
    let n = got.len();
    assert_eq!(got[n - 3]["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(got[n - 2]["choices"], json!([]));
    assert_eq!(got[n - 2]["usage"], json!({"prompt_tokens": 2520, "completion_tokens": 89, "total_tokens": 2609, "prompt_tokens_details": {"cached_tokens": 2048}}));
    assert_eq!(got[n - 1], json!("[DONE]"));
}

#[test]
fn an_anthropic_error_event_becomes_an_openai_error_and_no_done() {
    let mut translator = translate::stream_translator(Dialect::Anthropic, Dialect::OpenAi);
    let mut events: Vec<SseEvent> = anthropic_stream().into_iter().take(8).flat_map(|e| translator.translate(e)).collect();
    events.extend(translator.translate(anthropic_event(json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))));
    events.extend(translator.finish());
    let got = payloads(&events);
    assert_eq!(got.last().unwrap()["error"]["type"], "overloaded_error");
    assert!(!got.contains(&json!("[DONE]")));
}

#[test]
fn the_anthropic_tap_reads_input_at_start_and_output_at_the_end() {
    let mut tap = tap::for_dialect(Dialect::Anthropic);
    let events = anthropic_stream();
    for e in &events[..8] {
        tap.observe(e);
    }
    assert_eq!(tap.usage(), None, "not final before message_delta");
    assert!(tap.delivered_tokens() > 0, "delivered thinking and text are counted for estimates");
    for e in &events[8..] {
        tap.observe(e);
    }
    // 472 uncached + 2048 read from the cache; output from message_delta (cumulative).
    assert_eq!(tap.usage(), Some(TokenUsage { prompt: 2520, completion: 89, cached: 2048, cache_write: 0 }));

    // Newer API versions repeat (and may correct) the input counts in message_delta.
    let mut tap = tap::for_dialect(Dialect::Anthropic);
    tap.observe(&events[0]);
    tap.observe(&anthropic_event(json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"input_tokens": 500, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 0, "output_tokens": 12}})));
    assert_eq!(tap.usage(), Some(TokenUsage { prompt: 600, completion: 12, cached: 0, cache_write: 100 }));
}
