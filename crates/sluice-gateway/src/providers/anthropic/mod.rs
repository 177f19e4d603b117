//! Anthropic's Messages API as an upstream (provider kind `anthropic`): `POST
//! {base_url}/v1/messages` with the provider's key in `x-api-key` and a pinned
//! `anthropic-version`, so a caller's headers never choose what is sent upstream.
//!
//! Deliberately minimal and self-contained for now: its own HTTP client (no redirects, bounded
//! connect and idle-read times), one attempt per request. Retries, fallbacks and the shared
//! client come with the common upstream layer; this file then only keeps what is Anthropic's:
//! the URL, the headers, and where usage and error messages are found.

mod events;

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use super::{ChatCall, ChatOutcome, TokenUsage, UpstreamError};

/// The API version the request and response shapes of this gateway follow.
const API_VERSION: &str = "2023-06-01";

fn client() -> Result<&'static reqwest::Client, UpstreamError> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                // A redirect could lead a request (and its credential) to an address the
                // provider's base URL was never checked against.
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(Duration::from_secs(10))
                // Between bytes, not in total: a long answer may stream for many minutes.
                .read_timeout(Duration::from_secs(300))
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| UpstreamError::Unavailable("the HTTP client could not be created".into()))
}

fn request_error(err: &reqwest::Error) -> UpstreamError {
    if err.is_timeout() {
        UpstreamError::Timeout
    } else if err.is_connect() {
        UpstreamError::Connect("could not connect to the provider".into())
    } else {
        UpstreamError::Broken("the provider's answer could not be read".into())
    }
}

pub async fn chat(call: &ChatCall<'_>) -> Result<ChatOutcome, UpstreamError> {
    let provider = &call.model.provider;
    let key = provider.credential.as_ref().ok_or_else(|| UpstreamError::Unavailable(format!("the provider `{}` has no usable credential", provider.name)))?;
    let url = format!("{}/v1/messages", provider.base_url.trim_end_matches('/'));
    let mut body = call.body.clone();
    body.insert("stream".to_owned(), Value::Bool(call.stream));
    let response = client()?
        .post(url)
        .header("x-api-key", key.expose())
        .header("anthropic-version", API_VERSION)
        .json(&body)
        .send()
        .await
        .map_err(|e| request_error(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(status_error(response).await);
    }
    if call.stream {
        return Ok(ChatOutcome::Stream(events::read(response.bytes_stream())));
    }
    let body: Value = response.json().await.map_err(|e| request_error(&e))?;
    let usage = body.get("usage").and_then(TokenUsage::from_anthropic);
    Ok(ChatOutcome::Complete { body, usage })
}

/// A refusal from the provider, with its own message (Anthropic's `error.message`), which names
/// the problem without echoing the request, and its `retry-after`.
async fn status_error(response: reqwest::Response) -> UpstreamError {
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok()).map(Duration::from_secs);
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let message = body.pointer("/error/message").and_then(Value::as_str).map_or_else(|| format!("HTTP {status}"), |m| m.chars().take(500).collect());
    UpstreamError::Status { status, message, retry_after }
}
