//! Reading Anthropic's server-sent events from a response body.
//!
//! Frames end with a blank line; `event:` names the event and `data:` lines carry its JSON
//! (several are joined with newlines); lines starting with `:` are comments. Bytes are buffered
//! until a frame is complete, so a UTF-8 character split across network reads is never cut.
//!
//! A stream that ends before `message_stop` (or an `error` event) was cut short, even if the
//! connection closed cleanly: that is reported as broken, so the caller gets an error event
//! and the request is charged what was delivered — never a truncated answer that looks whole.

use bytes::Bytes;
use futures_util::{Stream, StreamExt, stream};

use crate::providers::{EventStream, SseEvent, UpstreamError};

struct Reader<S> {
    bytes: S,
    buffer: Vec<u8>,
    ended: bool,
    terminal_seen: bool,
}

impl<S> Reader<S> {
    /// The next complete frame in the buffer that carries data.
    fn next_event(&mut self) -> Option<SseEvent> {
        while let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
            let frame: Vec<u8> = self.buffer.drain(..end + 2).collect();
            if let Some(event) = parse_frame(&String::from_utf8_lossy(&frame)) {
                if matches!(event.event.as_deref(), Some("message_stop" | "error")) {
                    self.terminal_seen = true;
                }
                return Some(event);
            }
        }
        None
    }
}

fn parse_frame(frame: &str) -> Option<SseEvent> {
    let mut event = None;
    let mut data: Vec<&str> = Vec::new();
    for line in frame.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event = Some(value.to_owned()),
            "data" => data.push(value),
            _ => {}
        }
    }
    (!data.is_empty()).then(|| SseEvent { event, data: data.join("\n") })
}

pub fn read<S>(bytes: S) -> EventStream
where
    S: Stream<Item = reqwest::Result<Bytes>> + Send + Unpin + 'static,
{
    let reader = Reader { bytes, buffer: Vec::new(), ended: false, terminal_seen: false };
    Box::pin(stream::unfold(reader, |mut r| async move {
        loop {
            if let Some(event) = r.next_event() {
                return Some((Ok(event), r));
            }
            if r.ended {
                return None;
            }
            match r.bytes.next().await {
                // Line endings are normalised to `\n`; JSON escapes a carriage return inside strings.
                Some(Ok(chunk)) => r.buffer.extend(chunk.iter().copied().filter(|b| *b != b'\r')),
                Some(Err(err)) => {
                    r.ended = true;
                    let err = if err.is_timeout() { UpstreamError::Timeout } else { UpstreamError::Broken("the provider's stream was interrupted".into()) };
                    return Some((Err(err), r));
                }
                // A frame without its closing blank line is incomplete and, as SSE says, dropped.
                None => {
                    r.ended = true;
                    if !r.terminal_seen {
                        return Some((Err(UpstreamError::Broken("the provider's stream ended before message_stop".into())), r));
                    }
                    return None;
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = reqwest::Result<Bytes>> + Send + Unpin + 'static {
        stream::iter(parts.iter().map(|p| Ok(Bytes::from_static(p))).collect::<Vec<_>>())
    }

    #[tokio::test]
    async fn frames_split_anywhere_are_reassembled() {
        let body: &[&'static [u8]] = &[
            b"event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n: keep-alive\n\nevent: content_block_delta\ndata: {\"text\":\"caf\xc3",
            b"\xa9\"}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n",
            b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ];
        let events: Vec<_> = read(chunks(body)).collect().await;
        let events: Vec<SseEvent> = events.into_iter().map(Result::unwrap).collect();
        let names: Vec<_> = events.iter().map(|e| e.event.as_deref().unwrap()).collect();
        assert_eq!(names, ["message_start", "content_block_delta", "ping", "message_stop"]);
        assert_eq!(events[1].data, "{\"text\":\"café\"}");
    }

    #[tokio::test]
    async fn a_stream_cut_before_message_stop_is_broken() {
        let body: &[&'static [u8]] = &[b"event: message_start\ndata: {}\n\nevent: content_block_delta\ndata: {\"a\":"];
        let events: Vec<_> = read(chunks(body)).collect().await;
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events[0].is_ok());
        assert!(matches!(events[1], Err(UpstreamError::Broken(_))));
    }
}
