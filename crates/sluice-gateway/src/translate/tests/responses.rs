use serde_json::json;

use crate::dialect::Dialect;
use crate::translate;

#[test]
fn an_openai_completion_with_tool_calls_becomes_an_anthropic_message() {
    let completion = json!({
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion",
        "created": 1741570283,
        "model": "gpt-4o-2024-08-06",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": "Checking both cities.", "refusal": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}
            ]},
            "logprobs": null,
            "finish_reason": "tool_calls"
        }],
        "usage": {"prompt_tokens": 1117, "completion_tokens": 46, "total_tokens": 1163, "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0}},
        "system_fingerprint": "fp_fc9f1d7035"
    });
    let message = translate::response(completion, Dialect::OpenAi, Dialect::Anthropic);
    assert_eq!(message, json!({
        "id": "msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "type": "message",
        "role": "assistant",
        "model": "gpt-4o-2024-08-06",
        "content": [
            {"type": "text", "text": "Checking both cities."},
            {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
            {"type": "tool_use", "id": "call_2", "name": "get_weather", "input": {"city": "Rome"}}
        ],
        "stop_reason": "tool_use",
        "stop_sequence": null,
        "usage": {"input_tokens": 93, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1024, "output_tokens": 46}
    }));
}

#[test]
fn openai_finish_reasons_and_refusals_map_to_stop_reasons() {
    let completion = |message: serde_json::Value, finish: &str| {
        json!({"id": "chatcmpl-1", "model": "m", "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": {"prompt_tokens": 3, "completion_tokens": 2}})
    };
    let cut = translate::response(completion(json!({"role": "assistant", "content": "Once upon"}), "length"), Dialect::OpenAi, Dialect::Anthropic);
    assert_eq!((cut["stop_reason"].as_str(), cut["content"][0]["text"].as_str()), (Some("max_tokens"), Some("Once upon")));
    let refused = translate::response(completion(json!({"role": "assistant", "content": null, "refusal": "I can't help with that."}), "stop"), Dialect::OpenAi, Dialect::Anthropic);
    assert_eq!(refused["stop_reason"], "refusal");
    assert_eq!(refused["content"], json!([{"type": "text", "text": "I can't help with that."}]));
    let empty = translate::response(completion(json!({"role": "assistant", "content": ""}), "stop"), Dialect::OpenAi, Dialect::Anthropic);
    assert_eq!((empty["content"].clone(), empty["stop_reason"].clone()), (json!([]), json!("end_turn")));
}

#[test]
fn an_anthropic_message_with_thinking_and_tool_use_becomes_an_openai_completion() {
    let message = json!({
        "id": "msg_01Aq9w938a90dw8q",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [
            {"type": "thinking", "thinking": "The user wants the weather.", "signature": "EqQBCgIYAhIM"},
            {"type": "text", "text": "I'll look that up."},
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"location": "San Francisco, CA", "unit": "celsius"}}
        ],
        "stop_reason": "tool_use",
        "stop_sequence": null,
        "usage": {"input_tokens": 472, "cache_creation_input_tokens": 200, "cache_read_input_tokens": 1800, "output_tokens": 91, "service_tier": "standard"}
    });
    let completion = translate::response(message, Dialect::Anthropic, Dialect::OpenAi);
    assert_eq!(completion["id"], "chatcmpl-01Aq9w938a90dw8q");
    assert_eq!(completion["object"], "chat.completion");
    assert_eq!(completion["model"], "claude-sonnet-4-5-20250929");
    assert_eq!(completion["choices"], json!([{
        "index": 0,
        "message": {"role": "assistant", "content": "I'll look that up.", "tool_calls": [
            {"id": "toolu_01A09q90qw90lq917835lq9", "type": "function", "function": {"name": "get_weather", "arguments": "{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"}}
        ]},
        "finish_reason": "tool_calls",
        "logprobs": null
    }]));
    // Input = uncached + cache writes + cache reads; the reads are the cached part.
    assert_eq!(completion["usage"], json!({"prompt_tokens": 2472, "completion_tokens": 91, "total_tokens": 2563, "prompt_tokens_details": {"cached_tokens": 1800}}));
}

#[test]
fn anthropic_stop_reasons_map_to_finish_reasons() {
    for (stop, finish) in [("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"), ("refusal", "content_filter"), ("pause_turn", "stop")] {
        let message = json!({"id": "msg_1", "model": "m", "content": [{"type": "text", "text": "hi"}], "stop_reason": stop, "usage": {"input_tokens": 1, "output_tokens": 1}});
        let completion = translate::response(message, Dialect::Anthropic, Dialect::OpenAi);
        assert_eq!(completion["choices"][0]["finish_reason"], finish, "{stop}");
        assert_eq!(completion["choices"][0]["message"]["content"], "hi");
    }
}
