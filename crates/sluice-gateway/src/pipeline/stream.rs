//! Streaming responses: provider events pass through to the caller as they arrive — translated
//! if the caller speaks another dialect — while a tap reads usage and counts the text delivered.
//!
//! However the stream ends, the guard is finished exactly once: with the provider's usage after
//! a clean end; with the delivered-text estimate (flagged) when the provider cut the stream —
//! the caller then gets an SSE `error` event, never a fake end-of-stream — or when the caller
//! went away (the body is dropped, and `Drop` settles).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;

use super::guard::{End, ReservationGuard};
use crate::api::errors::GatewayError;
use crate::dialect::Dialect;
use crate::providers::{EventStream, SseEvent, TokenUsage, sse};
use crate::translate::tap::{self, UsageTap};
use crate::translate::{self, StreamTranslator};

pub struct ChatStream {
    events: EventStream,
    guard: Option<ReservationGuard>,
    prompt_estimate: u32,
    surface: Dialect,
    tap: Box<dyn UsageTap>,
    translator: Box<dyn StreamTranslator>,
    /// OpenAI: forward the usage-only chunk the gateway asked the provider for.
    forward_usage_chunk: bool,
    pending: VecDeque<Bytes>,
    finished: bool,
}

impl ChatStream {
    pub fn new(events: EventStream, guard: ReservationGuard, prompt_estimate: u32, native: Dialect, surface: Dialect, forward_usage_chunk: bool) -> Self {
        Self {
            events,
            guard: Some(guard),
            prompt_estimate,
            surface,
            tap: tap::for_dialect(native),
            translator: translate::stream_translator(native, surface),
            forward_usage_chunk,
            pending: VecDeque::new(),
            finished: false,
        }
    }

    fn measured(&self) -> (TokenUsage, bool) {
        match self.tap.usage() {
            Some(usage) => (usage, false),
            None => (TokenUsage { prompt: self.prompt_estimate, completion: self.tap.delivered_tokens(), ..TokenUsage::default() }, true),
        }
    }

    fn finish(&mut self, end: End) {
        if let Some(guard) = self.guard.take() {
            guard.finish(end);
        }
    }

    fn queue(&mut self, events: Vec<SseEvent>) {
        for e in events {
            // The usage-only chunk is filtered after translation: an OpenAI provider's is needed by
            // a translator to Anthropic events, and a translator from Anthropic emits one itself.
            if self.surface == Dialect::OpenAi && !self.forward_usage_chunk && tap::is_openai_usage_only(&e) {
                continue;
            }
            self.pending.push_back(sse::encode(e.event.as_deref(), &e.data));
        }
    }

    fn on_event(&mut self, event: SseEvent) {
        self.tap.observe(&event);
        let out = self.translator.translate(event);
        self.queue(out);
    }
}

impl Stream for ChatStream {
    type Item = Result<Bytes, actix_web::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(bytes) = self.pending.pop_front() {
                return Poll::Ready(Some(Ok(bytes)));
            }
            if self.finished {
                return Poll::Ready(None);
            }
            match self.events.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(event))) => self.on_event(event),
                Poll::Ready(Some(Err(err))) => {
                    self.finished = true;
                    let (usage, estimated) = self.measured();
                    self.finish(End::Completed { usage, estimated, status: "upstream_stream_broken", error_code: Some(err.to_string()) });
                    let error = GatewayError::Upstream { status: 502, message: "the provider's stream ended abruptly; the response is incomplete".into() };
                    let body = error.body(self.surface).to_string();
                    self.pending.push_back(sse::encode(Some("error"), &body));
                }
                Poll::Ready(None) => {
                    self.finished = true;
                    let (usage, estimated) = self.measured();
                    self.finish(End::Completed { usage, estimated, status: "ok", error_code: None });
                    let tail = self.translator.finish();
                    self.queue(tail);
                }
            }
        }
    }
}

impl Drop for ChatStream {
    fn drop(&mut self) {
        if self.guard.is_some() {
            // The caller went away mid-stream: charge what was delivered (or the provider's
            // count if it already arrived). The upstream request is cancelled with this stream.
            let (usage, estimated) = self.measured();
            self.finish(End::Completed { usage, estimated, status: "client_disconnected", error_code: None });
        }
    }
}
