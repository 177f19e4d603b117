//! Translation tests over realistic fixtures: the shapes the official SDKs send and the
//! providers return, including tool use, images, cached tokens and parallel tool calls.

mod requests;
mod responses;
mod streams;

use serde_json::{Map, Value};

use crate::providers::SseEvent;

pub fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

pub fn openai_chunk(data: Value) -> SseEvent {
    SseEvent { event: None, data: data.to_string() }
}

pub fn anthropic_event(data: Value) -> SseEvent {
    let kind = data["type"].as_str().unwrap().to_owned();
    SseEvent { event: Some(kind), data: data.to_string() }
}

/// The events' JSON payloads (and `[DONE]` as a string).
pub fn payloads(events: &[SseEvent]) -> Vec<Value> {
    events.iter().map(|e| serde_json::from_str(&e.data).unwrap_or_else(|_| Value::from(e.data.clone()))).collect()
}
