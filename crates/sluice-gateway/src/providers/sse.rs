//! Encoding server-sent events for clients.

use bytes::Bytes;

/// `data: <json>\n\n`, or with an `event:` line for named events (Anthropic).
pub fn encode(event: Option<&str>, data: &str) -> Bytes {
    let mut out = String::with_capacity(data.len() + 32);
    if let Some(name) = event {
        out.push_str("event: ");
        out.push_str(name);
        out.push('\n');
    }
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

pub const DONE: &[u8] = b"data: [DONE]\n\n";
