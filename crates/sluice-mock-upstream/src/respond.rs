//! Turning a [`Behaviour`] into an HTTP answer: OpenAI-shaped JSON, SSE streams with scripted
//! timing, error bodies with `Retry-After`, hangs, stalls and mid-body cuts.
//!
//! A cut is a body stream that fails after N chunks: actix-web then drops the connection without
//! the terminating chunk, which is what a client sees when a provider's connection breaks. The
//! stream pauses briefly before failing so the chunks already written reach the socket first
//! (actix-web discards its unflushed buffer when the body fails).

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use serde_json::{Value, json};

use crate::script::{Behaviour, MockUsage};

/// Long enough to outlive any test; the server's shutdown drops the waiting future.
const FOREVER: Duration = Duration::from_secs(3600);
/// Lets actix-web flush the chunks written so far before a cut.
const FLUSH_PAUSE: Duration = Duration::from_millis(25);

pub async fn wait_for_headers(behaviour: &Behaviour) {
    if behaviour.hang {
        tokio::time::sleep(FOREVER).await;
    }
    if behaviour.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(behaviour.latency_ms)).await;
    }
}

/// An OpenAI-shaped error answer, with `Retry-After` when scripted.
pub fn error(behaviour: &Behaviour) -> HttpResponse {
    let status = StatusCode::from_u16(behaviour.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = match behaviour.status {
        400 | 404 | 422 => "invalid_request_error",
        401 | 403 => "authentication_error",
        429 => "rate_limit_error",
        _ => "server_error",
    };
    let message = behaviour.error_message.clone().unwrap_or_else(|| format!("mock upstream error {}", behaviour.status));
    let mut response = HttpResponse::build(status);
    if let Some(value) = &behaviour.retry_after {
        response.insert_header(("retry-after", value.as_str()));
    }
    response.json(json!({"error": {"message": message, "type": kind, "param": null, "code": null}}))
}

pub fn usage_json(usage: MockUsage) -> Option<Value> {
    match usage {
        MockUsage::Report { prompt_tokens, completion_tokens, cached_tokens } => Some(json!({
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
        })),
        MockUsage::Omit => None,
    }
}

/// A complete JSON answer, or its first half and a cut when scripted.
pub fn json_body(behaviour: &Behaviour, body: &Value) -> HttpResponse {
    let bytes = Bytes::from(body.to_string());
    match behaviour.cut_after_chunks.or(behaviour.stall_after_chunks) {
        None => HttpResponse::Ok().content_type("application/json").body(bytes),
        Some(_) => {
            let half = bytes.slice(..bytes.len() / 2);
            sse_like(behaviour, vec![half], "application/json")
        }
    }
}

/// An SSE answer: `data:` events then `[DONE]`, paced, stalled or cut as scripted.
pub fn event_stream(behaviour: &Behaviour, events: Vec<String>) -> HttpResponse {
    let chunks = events.into_iter().chain(std::iter::once("[DONE]".to_owned())).map(|data| Bytes::from(format!("data: {data}\n\n"))).collect();
    sse_like(behaviour, chunks, "text/event-stream")
}

fn sse_like(behaviour: &Behaviour, mut chunks: Vec<Bytes>, content_type: &str) -> HttpResponse {
    let interval = Duration::from_millis(behaviour.chunk_interval_ms);
    let ending = match (behaviour.cut_after_chunks, behaviour.stall_after_chunks) {
        (Some(n), _) => {
            chunks.truncate(n);
            Ending::Cut
        }
        (None, Some(n)) => {
            chunks.truncate(n);
            Ending::Stall
        }
        (None, None) => Ending::Clean,
    };
    let paced = stream::iter(chunks.into_iter().enumerate()).then(move |(i, chunk)| async move {
        if i > 0 && !interval.is_zero() {
            tokio::time::sleep(interval).await;
        }
        Ok::<_, std::io::Error>(chunk)
    });
    let tail = stream::once(async move {
        match ending {
            Ending::Clean => None,
            Ending::Stall => {
                tokio::time::sleep(FOREVER).await;
                None
            }
            Ending::Cut => {
                tokio::time::sleep(FLUSH_PAUSE).await;
                Some(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "scripted cut")))
            }
        }
    })
    .filter_map(std::future::ready);
    HttpResponse::Ok().content_type(content_type.to_owned()).insert_header(("cache-control", "no-cache")).streaming(paced.chain(tail))
}

#[derive(Clone, Copy)]
enum Ending {
    Clean,
    Stall,
    Cut,
}
