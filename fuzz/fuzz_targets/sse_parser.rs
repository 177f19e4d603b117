//! The gateway's SSE parser on arbitrary bytes, as a provider (or anything between it and the
//! gateway) could send them. Beyond "no panic, bounded memory" (libFuzzer's `-rss_limit_mb`):
//! - chunking does not matter: the stream parsed whole, in chunks of a size taken from the first
//!   input byte, and one byte at a time (short inputs) gives the same events;
//! - the framer round-trips: every parsed event, encoded again with the gateway's encoder and
//!   parsed back, is the same event.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/sluice-gateway/src/providers/sse_parse.rs"]
mod sse_parse;

#[allow(dead_code)]
#[path = "../../crates/sluice-gateway/src/providers/sse.rs"]
mod sse;

use sse_parse::parse_all;

fuzz_target!(|data: &[u8]| {
    let Some((&seed, stream)) = data.split_first() else { return };
    let whole = parse_all([stream]);
    let chunk = usize::from(seed % 31) + 1;
    assert_eq!(whole, parse_all(stream.chunks(chunk)), "chunks of {chunk} bytes");
    if stream.len() <= 512 {
        assert_eq!(whole, parse_all(stream.chunks(1)), "byte by byte");
    }
    let Ok(events) = whole else { return };
    for event in events {
        let framed = sse::encode(event.event.as_deref(), &event.data);
        assert_eq!(parse_all([&framed[..]]), Ok(vec![event]), "encode then parse");
    }
});
