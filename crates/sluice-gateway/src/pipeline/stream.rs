//! Streaming responses: upstream SSE events pass through to the client as they arrive, while the
//! wrapper watches them for the usage chunk and counts the text delivered.
//!
//! However the stream ends, the guard is finished exactly once: with the provider's usage after
//! a clean end; with the delivered-text estimate (flagged) when the provider cut the stream —
//! the client then gets an SSE `error` event, never a fake `[DONE]` — or when the client went
//! away (the body is dropped, and `Drop` settles).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use serde_json::{Value, json};

use super::guard::{End, ReservationGuard};
use crate::providers::{EventStream, TokenUsage, sse};
use crate::tokens;

pub struct ChatStream {
    events: EventStream,
    guard: Option<ReservationGuard>,
    prompt_estimate: u32,
    delivered_tokens: u32,
    usage: Option<TokenUsage>,
    /// The caller asked for the usage chunk; otherwise it is consumed here and not forwarded.
    forward_usage: bool,
    finished: bool,
}

impl ChatStream {
    pub fn new(events: EventStream, guard: ReservationGuard, prompt_estimate: u32, forward_usage: bool) -> Self {
        Self { events, guard: Some(guard), prompt_estimate, delivered_tokens: 0, usage: None, forward_usage, finished: false }
    }

    fn estimate(&self) -> TokenUsage {
        TokenUsage { prompt: self.prompt_estimate, completion: self.delivered_tokens, cached: 0 }
    }

    fn finish(&mut self, end: End) {
        if let Some(guard) = self.guard.take() {
            guard.finish(end);
        }
    }

    /// Inspects one upstream event; returns the bytes to send, if any.
    fn on_event(&mut self, data: &str) -> Option<Bytes> {
        if data.trim() == "[DONE]" {
            // Sent once, by us, after settling (below).
            return None;
        }
        let Ok(chunk) = serde_json::from_str::<Value>(data) else {
            return Some(sse::encode(None, data));
        };
        if let Some(usage) = chunk.get("usage").filter(|u| !u.is_null()).and_then(TokenUsage::from_openai) {
            self.usage = Some(usage);
        }
        if let Some(choices) = chunk.get("choices").and_then(Value::as_array) {
            for choice in choices {
                if let Some(delta) = choice.get("delta") {
                    self.delivered_tokens = self.delivered_tokens.saturating_add(tokens::count_strings(delta));
                }
            }
            if choices.is_empty() && chunk.get("usage").is_some_and(|u| !u.is_null()) && !self.forward_usage {
                return None;
            }
        }
        Some(sse::encode(None, data))
    }
}

impl Stream for ChatStream {
    type Item = Result<Bytes, actix_web::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.finished {
                return Poll::Ready(None);
            }
            match self.events.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(event))) => {
                    if let Some(bytes) = self.on_event(&event.data) {
                        return Poll::Ready(Some(Ok(bytes)));
                    }
                }
                Poll::Ready(Some(Err(err))) => {
                    self.finished = true;
                    let usage = self.usage.unwrap_or_else(|| self.estimate());
                    let estimated = self.usage.is_none();
                    self.finish(End::Completed { usage, estimated, status: "upstream_stream_broken", error_code: Some(err.to_string()) });
                    let body = json!({"error": {"message": "The provider's stream ended abruptly; the response is incomplete.", "type": "server_error", "code": "upstream_stream_broken", "param": null}});
                    return Poll::Ready(Some(Ok(sse::encode(Some("error"), &body.to_string()))));
                }
                Poll::Ready(None) => {
                    self.finished = true;
                    let (usage, estimated) = match self.usage {
                        Some(u) => (u, false),
                        None => (self.estimate(), true),
                    };
                    self.finish(End::Completed { usage, estimated, status: "ok", error_code: None });
                    return Poll::Ready(Some(Ok(Bytes::from_static(sse::DONE))));
                }
            }
        }
    }
}

impl Drop for ChatStream {
    fn drop(&mut self) {
        if self.guard.is_some() {
            // The client went away mid-stream: charge what was delivered (or the provider's
            // count if it already arrived). The upstream request is cancelled with this stream.
            let usage = self.usage.unwrap_or_else(|| self.estimate());
            self.finish(End::Completed { usage, estimated: self.usage.is_none(), status: "client_disconnected", error_code: None });
        }
    }
}
