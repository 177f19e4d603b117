//! An incremental parser for server-sent events, as providers send them.
//!
//! It follows the WHATWG event-stream rules that matter for LLM APIs: lines end in `\n`, `\r\n`
//! or a lone `\r` (also when a `\r\n` pair is split across two network chunks); `data:` lines
//! of one event are joined with `\n`; `event:` names the event; lines starting with `:` are
//! comments (keep-alives) and are ignored, as are `id:` and `retry:`; a blank line dispatches
//! the event, and an event without data is dropped. One space after the colon is removed.
//!
//! Bytes are buffered until a line is complete, so a multi-byte UTF-8 character split across
//! chunks is decoded whole. A line or event larger than [`MAX_EVENT_BYTES`] is an error: a
//! provider that never sends a newline must not make the gateway buffer without limit.
//!
//! The parser is a plain state machine over byte slices — no I/O, no async, no crate but
//! `thiserror` — so the fuzz target `sse_parser` includes this file directly (see [`parse_all`]).

/// One server-sent event from upstream, as the data line(s) it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
}

/// Largest line or event (data included) the parser buffers.
pub const MAX_EVENT_BYTES: usize = 8 << 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an event-stream line or event exceeded {MAX_EVENT_BYTES} bytes")]
pub struct EventTooLarge;

#[derive(Debug, Default)]
pub struct SseParser {
    /// The current, incomplete line.
    line: Vec<u8>,
    /// The previous chunk ended in `\r`: a `\n` starting the next chunk belongs to it.
    after_cr: bool,
    /// No line completed yet (a byte-order mark at its start is skipped).
    at_start: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
}

impl SseParser {
    pub fn new() -> Self {
        Self { at_start: true, ..Self::default() }
    }

    /// Feeds the next chunk of bytes; returns the events it completed.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<Vec<SseEvent>, EventTooLarge> {
        let mut out = Vec::new();
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            chunk = chunk.strip_prefix(b"\n").unwrap_or(chunk);
        }
        while let Some(end) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&chunk[..end]);
            self.check_size()?;
            let line = self.take_line();
            self.process_line(&line, &mut out);
            let ended_by_cr = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            if ended_by_cr {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.line.extend_from_slice(chunk);
        self.check_size()?;
        Ok(out)
    }

    /// The clean end of the stream. Unlike a browser, which discards an event whose closing
    /// blank line never came, the parser still delivers it: some OpenAI-compatible servers end
    /// their stream that way, and dropping a final usage chunk would turn the provider's count
    /// into an estimate. (A broken connection never reaches here; the caller reports the error.)
    pub fn finish(&mut self) -> Vec<SseEvent> {
        let mut out = Vec::new();
        if !self.line.is_empty() {
            let line = self.take_line();
            self.process_line(&line, &mut out);
        }
        self.dispatch(&mut out);
        out
    }

    /// The completed line. A byte-order mark is skipped at the start of the stream only — and it
    /// is stripped from the whole first line, not the first chunk, because the network may split
    /// its three bytes (found by the `sse_parser` fuzz target).
    fn take_line(&mut self) -> Vec<u8> {
        let line = std::mem::take(&mut self.line);
        if std::mem::take(&mut self.at_start)
            && let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF")
        {
            return rest.to_vec();
        }
        line
    }

    fn check_size(&self) -> Result<(), EventTooLarge> {
        if self.line.len() + self.data.len() > MAX_EVENT_BYTES { Err(EventTooLarge) } else { Ok(()) }
    }

    fn process_line(&mut self, line: &[u8], out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (name, value) = match line.iter().position(|b| *b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        let value = String::from_utf8_lossy(value);
        match name {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            b"event" => self.event = Some(value.into_owned()),
            // `id` and `retry` matter for browser reconnection, not for a proxied request.
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        let data = std::mem::take(&mut self.data);
        out.push(SseEvent { event: event.filter(|e| !e.is_empty() && e != "message"), data });
    }
}

/// Parses a whole stream given as chunks; the entry point for fuzzing and property tests.
pub fn parse_all<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<SseEvent>, EventTooLarge> {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(parser.feed(chunk)?);
    }
    events.extend(parser.finish());
    Ok(events)
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    use super::*;

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent { event: event.map(str::to_owned), data: data.to_owned() }
    }

    fn whole(text: &str) -> Vec<SseEvent> {
        parse_all([text.as_bytes()]).unwrap()
    }

    #[test]
    fn openai_style_data_events() {
        assert_eq!(whole("data: {\"a\":1}\n\ndata: [DONE]\n\n"), [ev(None, "{\"a\":1}"), ev(None, "[DONE]")]);
    }

    #[test]
    fn crlf_cr_and_lf_line_endings() {
        let expected = [ev(Some("ping"), "x"), ev(None, "y")];
        assert_eq!(whole("event: ping\r\ndata: x\r\n\r\ndata: y\r\n\r\n"), expected);
        assert_eq!(whole("event: ping\rdata: x\r\rdata: y\r\r"), expected);
        assert_eq!(whole("event: ping\ndata: x\n\ndata: y\n\n"), expected);
    }

    #[test]
    fn multi_line_data_comments_and_unknown_fields() {
        let text = ": keep-alive\nid: 7\nretry: 100\ndata: line one\ndata:line two\ndata\nfoo: bar\n\n";
        assert_eq!(whole(text), [ev(None, "line one\nline two\n")]);
    }

    #[test]
    fn events_without_data_are_dropped_and_a_final_event_is_kept() {
        assert_eq!(whole("event: empty\n\n: only a comment\n\n"), []);
        assert_eq!(whole("data: [DONE]\n"), [ev(None, "[DONE]")], "a final event missing its blank line still counts");
        assert_eq!(whole("data: last"), [ev(None, "last")]);
        assert_eq!(whole("event: message\ndata: x\n\n"), [ev(None, "x")], "`message` is the default name");
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        assert_eq!(whole("\u{feff}data: x\n\n"), [ev(None, "x")]);
        // Also when the network splits its three bytes (a crash the fuzz target found).
        let stream = "\u{feff}data: x\n\n".as_bytes();
        assert_eq!(parse_all([&stream[..2], &stream[2..]]).unwrap(), [ev(None, "x")]);
        assert_eq!(parse_all(stream.chunks(1)).unwrap(), [ev(None, "x")]);
    }

    #[test]
    fn any_split_of_the_bytes_gives_the_same_events() {
        let text = "event: a\r\ndata: h\u{e9}llo \u{1f600}\r\n\r\n: c\r\rdata: 2\n\n".as_bytes();
        let expected = parse_all([text]).unwrap();
        assert_eq!(expected.len(), 2);
        for cut in 0..=text.len() {
            assert_eq!(parse_all([&text[..cut], &text[cut..]]).unwrap(), expected, "split at {cut}");
        }
        let bytewise: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(parse_all(bytewise).unwrap(), expected);
    }

    #[test]
    fn a_split_crlf_is_one_line_end() {
        assert_eq!(parse_all([&b"data: x\r"[..], b"\n\r", b"\n"]).unwrap(), [ev(None, "x")]);
    }

    proptest::proptest! {
        /// However the network splits a stream, the parser sees the same events.
        #[test]
        fn splitting_never_changes_the_events(
            text in proptest::collection::vec(proptest::sample::select(vec![b'\r', b'\n', b':', b' ', b'a', b'd', b't', 0xC3, 0xA9]), 0..200)
                .prop_map(|mut bytes| { bytes.splice(0..0, b"data: x\n\n".iter().copied()); bytes }),
            cuts in proptest::collection::vec(0usize..250, 0..6),
        ) {
            let whole = parse_all([text.as_slice()]).unwrap();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(text.len())).collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut from = 0;
            for cut in cuts.into_iter().chain([text.len()]) {
                pieces.push(&text[from..cut]);
                from = cut;
            }
            proptest::prop_assert_eq!(parse_all(pieces).unwrap(), whole);
        }
    }

    #[test]
    fn endless_lines_are_refused() {
        let mut parser = SseParser::new();
        let big = vec![b'a'; 1 << 20];
        let mut result = Ok(Vec::new());
        for _ in 0..9 {
            result = parser.feed(&big);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(EventTooLarge));
    }
}
