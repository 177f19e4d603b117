//! What the mock saw: every call, in arrival order, so tests can assert how the gateway called
//! it (which path, which credential, which body) — not only what it answered.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedCall {
    pub method: String,
    /// Path and query, e.g. `/v1/chat/completions`.
    pub path: String,
    /// Header names lower-cased, in arrival order (a name may repeat).
    pub headers: Vec<(String, String)>,
    /// The body as JSON, or as a JSON string when it was not JSON.
    pub body: Value,
}

impl RecordedCall {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The `Authorization` header, if any.
    pub fn authorization(&self) -> Option<&str> {
        self.header("authorization")
    }

    pub(crate) fn from_request(request: &actix_web::HttpRequest, body: &[u8]) -> Self {
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_ascii_lowercase(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        let body = serde_json::from_slice(body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()));
        let path = request.uri().path_and_query().map_or_else(|| request.path().to_owned(), |pq| pq.as_str().to_owned());
        Self { method: request.method().as_str().to_owned(), path, headers, body }
    }
}
