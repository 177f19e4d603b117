//! One HTTP exchange with a provider over the shared [`Upstream`] client: the request (URL,
//! credential in the provider's own header, body), the first-byte timeout around the response
//! headers, the idle timeout around each body chunk, and turning failures into
//! [`UpstreamError`]s. OpenAI-shaped and Anthropic providers differ here only in how the
//! credential is sent.
//!
//! What reaches the caller is chosen here: a provider's error message is passed on for request
//! errors (it explains what was wrong with *their* request), but never for 401/403 — those are
//! about the gateway's credential, and providers echo part of the key in them. Transport errors
//! become fixed phrases; their causes (which name internal hosts) are only logged.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use serde_json::Value;
use sluice_domain::provider::{ProviderKind, TrustTier};

use crate::providers::UpstreamError;
use crate::providers::ssrf;
use crate::providers::upstream::Upstream;
use crate::snapshot::ProviderEntry;

/// Longest provider error message passed on to a caller.
const MAX_MESSAGE_CHARS: usize = 1000;
/// Largest error body read from a provider.
const MAX_ERROR_BODY: usize = 64 << 10;

/// The API version of Anthropic's request and response shapes this gateway follows; pinned
/// here so a caller's headers never choose what is sent upstream.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// How the provider wants its credential.
enum Auth<'a> {
    None,
    /// `Authorization: Bearer` (OpenAI and compatible servers).
    Bearer(&'a str),
    /// `x-api-key` with a pinned `anthropic-version`.
    Anthropic(&'a str),
}

/// A request ready to be sent, as often as the retries need.
pub struct Prepared<'a> {
    url: reqwest::Url,
    tier: TrustTier,
    provider: &'a str,
    auth: Auth<'a>,
    body: Bytes,
    stream: bool,
}

impl<'a> Prepared<'a> {
    /// Checks what can be checked before any connection: the URL, the credential, literal
    /// addresses against the trust tier.
    pub fn new(provider: &'a ProviderEntry, path: &str, body: &serde_json::Map<String, Value>, stream: bool) -> Result<Self, UpstreamError> {
        let raw = format!("{}/{path}", provider.base_url.trim_end_matches('/'));
        let invalid = || UpstreamError::Unavailable(format!("the provider {} has an invalid base URL", provider.name));
        let url = reqwest::Url::parse(&raw).map_err(|_| invalid())?;
        ssrf::check_literal_host(&url, provider.trust_tier).map_err(|refused| refusal(provider.name.as_str(), &refused))?;
        let credential = provider.credential.as_ref().map(|c| c.expose());
        let missing = || UpstreamError::Unavailable(format!("the provider {} has no credential configured", provider.name));
        let auth = match (provider.kind, credential) {
            (ProviderKind::Anthropic, Some(key)) => Auth::Anthropic(key),
            (ProviderKind::Anthropic | ProviderKind::Openai, None) => return Err(missing()),
            (_, Some(key)) => Auth::Bearer(key),
            (_, None) => Auth::None,
        };
        let body = serde_json::to_vec(body).map(Bytes::from).map_err(|_| UpstreamError::Unavailable("the request could not be encoded".into()))?;
        Ok(Self { url, tier: provider.trust_tier, provider: &provider.name, auth, body, stream })
    }
}

fn refusal(provider: &str, refused: &ssrf::AddressRefused) -> UpstreamError {
    tracing::warn!(provider, host = %refused.host, reason = %refused.reason, "provider address refused");
    UpstreamError::Unavailable(format!("the provider {provider} points to an address its trust tier may not reach"))
}

/// Sends the request and waits (at most the first-byte timeout) for a successful response.
pub async fn send(upstream: &Upstream, prepared: &Prepared<'_>) -> Result<reqwest::Response, UpstreamError> {
    let accept = if prepared.stream { "text/event-stream" } else { "application/json" };
    let mut request = upstream
        .client(prepared.tier)
        .post(prepared.url.clone())
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, accept)
        .body(prepared.body.clone());
    match prepared.auth {
        Auth::None => {}
        Auth::Bearer(key) => request = request.bearer_auth(key),
        Auth::Anthropic(key) => request = request.header("x-api-key", key).header("anthropic-version", ANTHROPIC_VERSION),
    }
    let response = match tokio::time::timeout(upstream.settings.first_byte_timeout, request.send()).await {
        Err(_) => {
            let timeout_ms = upstream.settings.first_byte_timeout.as_millis() as u64;
            tracing::warn!(provider = prepared.provider, timeout_ms, "provider first-byte timeout");
            return Err(UpstreamError::Timeout);
        }
        Ok(Err(err)) => return Err(send_error(prepared.provider, &err)),
        Ok(Ok(response)) => response,
    };
    if response.status().is_success() {
        return Ok(response);
    }
    Err(status_error(prepared.provider, response, upstream.settings.idle_timeout).await)
}

fn send_error(provider: &str, err: &reqwest::Error) -> UpstreamError {
    if let Some(refused) = ssrf::refusal_in(err) {
        return refusal(provider, refused);
    }
    tracing::warn!(provider, error = %redacted(err), cause = ?std::error::Error::source(err), "provider request failed");
    if err.is_connect() {
        UpstreamError::Connect("could not connect to the provider".into())
    } else if err.is_timeout() {
        UpstreamError::Timeout
    } else if err.is_builder() {
        UpstreamError::Unavailable(format!("the request to the provider {provider} could not be built (check its credential)"))
    } else {
        UpstreamError::Broken("the provider closed the connection before answering".into())
    }
}

/// The error's text without the URL (which names an internal host), for logs.
fn redacted(err: &reqwest::Error) -> String {
    let text = err.to_string();
    match err.url() {
        Some(url) => text.replace(url.as_str(), "<provider>"),
        None => text,
    }
}

async fn status_error(provider: &str, response: reqwest::Response, idle: Duration) -> UpstreamError {
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    let body = read_body(response, idle, MAX_ERROR_BODY).await.unwrap_or_default();
    let message = match status {
        401 | 403 => {
            tracing::error!(provider, status, "the provider refused the gateway's credential");
            "the provider refused the gateway's credentials for it; an administrator must update them".to_owned()
        }
        _ => provider_message(&body).unwrap_or_else(|| "no details given".to_owned()),
    };
    tracing::debug!(provider, status, "provider answered with an error");
    UpstreamError::Status { status, message, retry_after }
}

/// `error.message` (OpenAI and most compatible servers), `message` or `detail`, or the text.
fn provider_message(body: &[u8]) -> Option<String> {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(json) => ["/error/message", "/message", "/detail", "/error"].iter().find_map(|p| json.pointer(p).and_then(Value::as_str))?.to_owned(),
        Err(_) => String::from_utf8_lossy(body).trim().to_owned(),
    };
    (!text.is_empty()).then(|| text.chars().take(MAX_MESSAGE_CHARS).collect())
}

/// A complete JSON response (at most the configured size, with the idle timeout per chunk).
pub async fn json(upstream: &Upstream, prepared: &Prepared<'_>) -> Result<Value, UpstreamError> {
    let response = send(upstream, prepared).await?;
    let bytes = read_body(response, upstream.settings.idle_timeout, upstream.settings.max_response_bytes).await?;
    serde_json::from_slice(&bytes).map_err(|_| UpstreamError::Broken("the provider's response is not valid JSON".into()))
}

/// Only the `usage` member of a response; everything else is checked to be JSON and skipped
/// without being built, because the body itself is passed on as the provider sent it.
#[derive(serde::Deserialize)]
struct UsageOnly {
    #[serde(default)]
    usage: Option<Value>,
}

/// A complete JSON response as the provider's bytes (forwarded untouched when the caller speaks
/// the provider's dialect) and its `usage` object, if it has one.
pub async fn json_with_usage(upstream: &Upstream, prepared: &Prepared<'_>) -> Result<(Bytes, Option<Value>), UpstreamError> {
    let response = send(upstream, prepared).await?;
    let bytes = read_body(response, upstream.settings.idle_timeout, upstream.settings.max_response_bytes).await?;
    let envelope: UsageOnly = serde_json::from_slice(&bytes).map_err(|_| UpstreamError::Broken("the provider's response is not a JSON object".into()))?;
    Ok((bytes, envelope.usage.filter(|u| !u.is_null())))
}

/// `retry-after-ms` (OpenAI), else `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()).filter(|ms| ms.is_finite() && *ms >= 0.0) {
        return Some(Duration::from_secs_f64(ms.min(86_400_000.0) / 1000.0));
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO))
}

/// Reads a whole body, allowing at most `idle` between chunks and `limit` bytes in all.
pub async fn read_body(response: reqwest::Response, idle: Duration, limit: usize) -> Result<Bytes, UpstreamError> {
    let mut chunks = response.bytes_stream();
    let mut body = BytesMut::new();
    loop {
        match tokio::time::timeout(idle, chunks.next()).await {
            Err(_) => return Err(UpstreamError::Timeout),
            Ok(None) => return Ok(body.freeze()),
            Ok(Some(Err(err))) => {
                tracing::warn!(error = %redacted(&err), "provider response body broke");
                return Err(UpstreamError::Broken("the provider's response broke off".into()));
            }
            Ok(Some(Ok(chunk))) => {
                if body.len() + chunk.len() > limit {
                    return Err(UpstreamError::Broken("the provider's response is too large".into()));
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_its_three_forms() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::ZERO), "a date in the past means now");
        headers.insert("retry-after-ms", "1500".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn provider_messages_in_common_shapes() {
        assert_eq!(provider_message(br#"{"error": {"message": "bad tools"}}"#).as_deref(), Some("bad tools"));
        assert_eq!(provider_message(br#"{"detail": "nope"}"#).as_deref(), Some("nope"));
        assert_eq!(provider_message(br#"{"error": "flat"}"#).as_deref(), Some("flat"));
        assert_eq!(provider_message(b" plain text ").as_deref(), Some("plain text"));
        assert_eq!(provider_message(b""), None);
    }
}
