//! Gateway errors, answered in the caller's API shape.
//!
//! OpenAI: `{"error": {"message", "type", "param", "code"}}`. Anthropic:
//! `{"type": "error", "error": {"type", "message"}}`. Status codes follow what the official
//! SDKs map to typed exceptions (401, 403, 404, 429, 400…). A spent budget is 402, not 429, so
//! SDKs do not retry it in a loop. Messages never contain a key, a credential or prompt text.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

pub use crate::dialect::Dialect;

#[derive(Debug, Clone, thiserror::Error)]
pub enum GatewayError {
    #[error("invalid API key")]
    InvalidKey,
    #[error("API key expired")]
    ExpiredKey,
    #[error("key not allowed on this endpoint")]
    EndpointNotAllowed,
    #[error("model not found")]
    ModelNotFound(String),
    #[error("model not allowed for this key")]
    ModelNotAllowed(String),
    #[error("invalid request: {message}")]
    InvalidRequest { message: String, param: Option<String> },
    #[error("request too large")]
    PayloadTooLarge,
    #[error("rate limited")]
    RateLimited { retry_after: Duration, what: String },
    #[error("budget exceeded")]
    BudgetExceeded { level: String },
    #[error("model has no price")]
    Unpriced(String),
    #[error("limiter unavailable")]
    LimiterUnavailable,
    #[error("configuration unavailable")]
    ConfigurationStale,
    #[error("provider unavailable: {0}")]
    ProviderUnavailable(String),
    #[error("upstream error {status}: {message}")]
    Upstream { status: u16, message: String },
    #[error("upstream timeout")]
    UpstreamTimeout,
    /// The routing policy does not let this request go anywhere (`data_policy_violation`:
    /// its data may not reach any permitted model; `no_route`: no policy cell covers it).
    #[error("refused by the routing policy: {code}")]
    PolicyRefused { code: &'static str, message: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl GatewayError {
    pub fn invalid(message: impl Into<String>, param: Option<&str>) -> Self {
        Self::InvalidRequest { message: message.into(), param: param.map(str::to_owned) }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidKey | Self::ExpiredKey => StatusCode::UNAUTHORIZED,
            Self::EndpointNotAllowed | Self::ModelNotAllowed(_) => StatusCode::FORBIDDEN,
            Self::ModelNotFound(_) => StatusCode::NOT_FOUND,
            Self::InvalidRequest { .. } | Self::Unpriced(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BudgetExceeded { .. } => StatusCode::PAYMENT_REQUIRED,
            Self::LimiterUnavailable | Self::ConfigurationStale | Self::ProviderUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Upstream { status, .. } => upstream_status(*status),
            Self::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::PolicyRefused { code: "data_policy_violation", .. } => StatusCode::FORBIDDEN,
            Self::PolicyRefused { code: "model_not_found", .. } => StatusCode::NOT_FOUND,
            Self::PolicyRefused { .. } => StatusCode::BAD_REQUEST,
        }
    }

    /// Stable code for clients, metrics and the ledger.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidKey => "invalid_api_key",
            Self::ExpiredKey => "expired_api_key",
            Self::EndpointNotAllowed => "endpoint_not_allowed",
            Self::ModelNotFound(_) => "model_not_found",
            Self::ModelNotAllowed(_) => "model_not_allowed",
            Self::InvalidRequest { .. } => "invalid_request",
            Self::PayloadTooLarge => "request_too_large",
            Self::RateLimited { .. } => "rate_limit_exceeded",
            Self::BudgetExceeded { .. } => "budget_exceeded",
            Self::Unpriced(_) => "model_not_priced",
            Self::LimiterUnavailable => "limiter_unavailable",
            Self::ConfigurationStale => "configuration_unavailable",
            Self::ProviderUnavailable(_) => "provider_unavailable",
            Self::Upstream { .. } => "upstream_error",
            Self::UpstreamTimeout => "upstream_timeout",
            Self::Internal(_) => "internal_error",
            Self::PolicyRefused { code, .. } => code,
        }
    }

    fn openai_type(&self) -> &'static str {
        match self {
            Self::InvalidKey | Self::ExpiredKey => "authentication_error",
            Self::EndpointNotAllowed | Self::ModelNotAllowed(_) => "permission_error",
            Self::ModelNotFound(_) => "not_found_error",
            Self::PolicyRefused { code: "data_policy_violation", .. } => "permission_error",
            Self::PolicyRefused { code: "model_not_found", .. } => "not_found_error",
            Self::InvalidRequest { .. } | Self::Unpriced(_) | Self::PayloadTooLarge | Self::PolicyRefused { .. } => "invalid_request_error",
            Self::RateLimited { .. } => "rate_limit_error",
            Self::BudgetExceeded { .. } => "insufficient_quota",
            Self::Upstream { status, .. } if upstream_status(*status).is_client_error() => "invalid_request_error",
            _ => "server_error",
        }
    }

    fn anthropic_type(&self) -> &'static str {
        match self {
            Self::InvalidKey | Self::ExpiredKey => "authentication_error",
            Self::EndpointNotAllowed | Self::ModelNotAllowed(_) => "permission_error",
            // Anthropic's own type for 402; its SDKs surface it without retrying.
            Self::BudgetExceeded { .. } => "billing_error",
            Self::ModelNotFound(_) => "not_found_error",
            Self::PolicyRefused { code: "data_policy_violation", .. } => "permission_error",
            Self::PolicyRefused { code: "model_not_found", .. } => "not_found_error",
            Self::InvalidRequest { .. } | Self::Unpriced(_) | Self::PolicyRefused { .. } => "invalid_request_error",
            Self::PayloadTooLarge => "request_too_large",
            Self::RateLimited { .. } => "rate_limit_error",
            Self::LimiterUnavailable | Self::ProviderUnavailable(_) => "overloaded_error",
            Self::Upstream { status, .. } if upstream_status(*status).is_client_error() => "invalid_request_error",
            _ => "api_error",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::InvalidKey => "Invalid API key. Use a Sluice virtual key (sk-sluice-…) as the bearer token or x-api-key.".into(),
            Self::ExpiredKey => "This API key has expired.".into(),
            Self::EndpointNotAllowed => "This API key may not call this endpoint.".into(),
            Self::ModelNotFound(m) => format!("The model `{m}` does not exist or is not enabled."),
            Self::ModelNotAllowed(m) => format!("This API key may not use the model `{m}`."),
            Self::InvalidRequest { message, .. } => message.clone(),
            Self::PayloadTooLarge => "The request body is too large.".into(),
            Self::RateLimited { what, .. } => format!("Rate limit reached ({what}). Retry after the time in the Retry-After header."),
            Self::BudgetExceeded { level } => format!("The {level} budget does not cover this request."),
            Self::Unpriced(m) => format!("The model `{m}` has no price, and unpriced models are refused."),
            Self::LimiterUnavailable => "The rate limiter is unavailable; the request was not sent.".into(),
            Self::ConfigurationStale => "The gateway's configuration is too old to serve requests; try again shortly.".into(),
            Self::ProviderUnavailable(why) => format!("No provider can serve this request right now: {why}."),
            Self::Upstream { status, message } => format!("The provider returned an error ({status}): {message}"),
            Self::UpstreamTimeout => "The provider did not answer in time.".into(),
            Self::Internal(_) => "Internal gateway error; it has been logged.".into(),
            Self::PolicyRefused { message, .. } => format!("Refused by your organisation's routing policy: {message}."),
        }
    }

    fn param(&self) -> Option<String> {
        match self {
            Self::InvalidRequest { param, .. } => param.clone(),
            Self::ModelNotFound(_) | Self::ModelNotAllowed(_) | Self::Unpriced(_) | Self::PolicyRefused { .. } => Some("model".into()),
            _ => None,
        }
    }

    /// The JSON error body in the caller's dialect.
    pub fn body(&self, dialect: Dialect) -> serde_json::Value {
        match dialect {
            Dialect::OpenAi => json!({"error": {"message": self.message(), "type": self.openai_type(), "param": self.param(), "code": self.code()}}),
            Dialect::Anthropic => json!({"type": "error", "error": {"type": self.anthropic_type(), "message": self.message()}}),
        }
    }

    pub fn respond(&self, dialect: Dialect, request_id: &str) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(request_id, error.cause = %cause, "gateway request failed");
        }
        let mut response = HttpResponse::build(self.status());
        response.insert_header(("x-request-id", request_id.to_owned()));
        if let Self::RateLimited { retry_after, .. } = self {
            response.insert_header(("retry-after", retry_after.as_secs().max(1).to_string()));
        }
        if let Self::InvalidKey | Self::ExpiredKey = self {
            response.insert_header(("www-authenticate", "Bearer"));
        }
        response.json(self.body(dialect))
    }
}

/// The status a caller gets for a provider's error. A provider's refusal of the request itself
/// (400, 404, 413, 422…) keeps its status, so callers and SDKs see the real problem; everything
/// else is a 502: server errors, rate limits that outlasted the retries, and 401/403, which are
/// about the gateway's credential — a caller told "401" would think their own key is bad.
fn upstream_status(status: u16) -> StatusCode {
    match status {
        401 | 403 | 407 | 408 | 429 => StatusCode::BAD_GATEWAY,
        400..=499 => StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
        _ => StatusCode::BAD_GATEWAY,
    }
}
