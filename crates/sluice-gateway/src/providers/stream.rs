//! A provider's SSE response as a stream of events: bytes from the connection, parsed
//! incrementally, with the idle timeout between chunks.
//!
//! The first event is awaited before the stream is handed to the pipeline ([`first_event`]), so
//! a provider that sends its headers and then fails or stalls is still a failed *attempt* — the
//! retry loop may try again, because the caller has received nothing yet. After that, any
//! failure is an item of the stream (the pipeline ends the caller's stream with an SSE error
//! event and records an estimate); a stream is never retried once an event went out.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};

use crate::providers::sse_parse::SseParser;
use crate::providers::{EventStream, SseEvent, UpstreamError};

struct Reading<S> {
    bytes: S,
    parser: SseParser,
    ready: VecDeque<SseEvent>,
    idle: Duration,
    done: bool,
    /// Providers whose streams end with a known event (Anthropic's `message_stop`): a stream
    /// that closes cleanly without it was cut short and is reported as broken, so the caller
    /// gets an error event instead of a truncated answer that looks whole.
    terminal: Option<fn(&SseEvent) -> bool>,
    terminal_seen: bool,
    /// The connection closed cleanly (not broken or stalled, which are reported already).
    closed_cleanly: bool,
}

/// The response body as events; ends with an error item on a broken or stalled connection.
pub fn events(response: reqwest::Response, idle: Duration, terminal: Option<fn(&SseEvent) -> bool>) -> EventStream {
    let reading = Reading { bytes: response.bytes_stream(), parser: SseParser::new(), ready: VecDeque::new(), idle, done: false, terminal, terminal_seen: false, closed_cleanly: false };
    Box::pin(stream::unfold(reading, |mut r| async move {
        loop {
            if let Some(event) = r.ready.pop_front() {
                if r.terminal.is_some_and(|is_terminal| is_terminal(&event)) {
                    r.terminal_seen = true;
                }
                return Some((Ok(event), r));
            }
            if r.done {
                if r.closed_cleanly && r.terminal.is_some() && !r.terminal_seen {
                    r.closed_cleanly = false; // report it once
                    return Some((Err(UpstreamError::Broken("the provider's stream ended before its final event".into())), r));
                }
                return None;
            }
            match tokio::time::timeout(r.idle, r.bytes.next()).await {
                Err(_) => {
                    r.done = true;
                    tracing::warn!(idle_ms = r.idle.as_millis() as u64, "provider stream idle timeout");
                    return Some((Err(UpstreamError::Timeout), r));
                }
                Ok(None) => {
                    r.done = true;
                    r.closed_cleanly = true;
                    let tail = r.parser.finish();
                    r.ready.extend(tail);
                }
                Ok(Some(Err(err))) => {
                    r.done = true;
                    tracing::warn!(error = %err.without_url(), "provider stream broke");
                    return Some((Err(UpstreamError::Broken("the provider's connection broke mid-stream".into())), r));
                }
                Ok(Some(Ok(chunk))) => match r.parser.feed(&chunk) {
                    Ok(events) => r.ready.extend(events),
                    Err(err) => {
                        r.done = true;
                        return Some((Err(UpstreamError::Broken(err.to_string())), r));
                    }
                },
            }
        }
    }))
}

/// Waits for the stream's first event and hands back the whole stream, that event included.
pub async fn first_event(mut events: EventStream) -> Result<EventStream, UpstreamError> {
    match events.next().await {
        Some(Ok(first)) => Ok(Box::pin(stream::once(std::future::ready(Ok(first))).chain(events))),
        Some(Err(err)) => Err(err),
        None => Err(UpstreamError::Broken("the provider ended the stream without any event".into())),
    }
}
