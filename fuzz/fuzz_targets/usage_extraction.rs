//! Reading token counts from providers' `usage` objects (OpenAI and Anthropic), on arbitrary
//! JSON — negative, huge, fractional, string or missing numbers — given either as one JSON
//! document or as an SSE stream whose events carry JSON (as streaming responses do).
//! Must hold: no panic; a count is only ever read from a non-negative integer and saturates at
//! `u32::MAX`; Anthropic's prompt total covers its cache reads and writes; an explicit zero
//! stays zero.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[allow(dead_code)]
#[path = "../../crates/sluice-gateway/src/providers/usage.rs"]
mod usage;

#[allow(dead_code)]
#[path = "../../crates/sluice-gateway/src/providers/sse_parse.rs"]
mod sse_parse;

use usage::TokenUsage;

fn saturated(v: Option<&Value>) -> Option<u32> {
    v.and_then(Value::as_u64).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

fn check(value: &Value) {
    let candidates = [Some(value), value.get("usage"), value.pointer("/message/usage"), value.pointer("/response/usage")];
    for usage in candidates.into_iter().flatten() {
        match TokenUsage::from_openai(usage) {
            Some(u) => {
                assert_eq!(Some(u.prompt), saturated(usage.get("prompt_tokens")));
                assert_eq!(u.completion, saturated(usage.get("completion_tokens")).unwrap_or(0));
            }
            None => assert!(usage.get("prompt_tokens").and_then(Value::as_u64).is_none()),
        }
        match TokenUsage::from_anthropic(usage) {
            Some(u) => {
                assert!(u.prompt >= u.cached && u.prompt >= u.cache_write, "{u:?}");
                assert!(u.prompt >= saturated(usage.get("input_tokens")).unwrap_or(0));
                assert_eq!(u.completion, saturated(usage.get("output_tokens")).unwrap_or(0));
            }
            None => assert!(usage.get("input_tokens").and_then(Value::as_u64).is_none()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        check(&value);
    }
    if let Ok(events) = sse_parse::parse_all([data]) {
        for event in events {
            if let Ok(value) = serde_json::from_str::<Value>(&event.data) {
                check(&value);
            }
        }
    }
});
