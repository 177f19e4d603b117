//! The admin API's one error type and its one JSON body.
//!
//! Every failure answers `{"error": {"code", "message", "fields"?}}` with a stable, low-cardinality
//! `code`. Internal causes are logged once, with their chain, and replaced by a generic message:
//! nothing from the database, the OS or a secret reaches the client.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use sluice_store::StoreError;
use utoipa::ToSchema;

/// Error body of every admin API failure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation_failed`, `not_found`, `conflict`.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// Per-field problems (validation errors only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON path of the field, e.g. `amount_usd` or `document.matrix.pii.simple[0]`.
    pub field: String,
    pub message: String,
}

/// The message every authentication failure gets, whatever the cause (unknown user, wrong
/// password, bad or expired token, revoked session): the client learns nothing about which.
pub const UNAUTHORIZED_MESSAGE: &str = "authentication required: log in and send the access token as a bearer token";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Also used for other tenants' resources: they do not exist for the caller.
    #[error("not found")]
    NotFound,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    #[error("a request with this idempotency key is still in progress")]
    IdempotencyInProgress,
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("payload too large")]
    PayloadTooLarge,
    /// The database is unreachable or too slow; nothing was written.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// An internal failure: logged here with its cause, answered with a generic message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound => "not_found",
            Self::Validation(_) => "validation_failed",
            Self::Conflict(_) => "conflict",
            Self::IdempotencyMismatch => "idempotency_key_reused",
            Self::IdempotencyInProgress => "idempotency_key_in_progress",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Unauthorized => UNAUTHORIZED_MESSAGE.to_owned(),
            Self::Forbidden(what) => format!("your role does not allow this: {what}"),
            Self::NotFound => "not found".to_owned(),
            Self::Validation(fields) => match fields.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                _ => "the request has invalid fields".to_owned(),
            },
            Self::Conflict(message) => message.clone(),
            Self::IdempotencyMismatch => "this Idempotency-Key was already used with a different request".to_owned(),
            Self::IdempotencyInProgress => "a request with this Idempotency-Key is still being processed; retry later".to_owned(),
            Self::TooManyAttempts { .. } => "too many failed attempts; wait before trying again".to_owned(),
            Self::PayloadTooLarge => "the request body is too large".to_owned(),
            Self::Unavailable(_) => "the database is unavailable; nothing was changed, retry later".to_owned(),
            Self::Internal(_) => "internal error; the cause has been logged".to_owned(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Validation(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Self::IdempotencyInProgress => StatusCode::CONFLICT,
            Self::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(error.cause = %cause, "admin API request failed"),
            Self::Unavailable(cause) => tracing::warn!(error.cause = %cause, "admin API request failed: database unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        if let Self::TooManyAttempts { retry_after_secs } = self {
            response.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        if let Self::Unavailable(_) = self {
            response.insert_header(("Retry-After", "5"));
        }
        if let Self::Unauthorized = self {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        let fields = match self {
            Self::Validation(fields) => fields.clone(),
            _ => Vec::new(),
        };
        response.json(ErrorBody { error: ErrorDetail { code: self.code(), message: self.message(), fields } })
    }
}

/// Constraint names from the migrations, turned into errors a person can act on.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        if err.is_unavailable() {
            return ApiError::Unavailable(err.to_string());
        }
        let conflict = |m: &str| ApiError::Conflict(m.to_owned());
        match err.constraint() {
            Some("organizations_slug_key") => ApiError::field("slug", "is already taken"),
            Some("teams_org_slug_key") => ApiError::field("slug", "is already taken in this organization"),
            Some("users_email_key") => ApiError::field("email", "is already registered"),
            Some("org_memberships_pkey") => conflict("the user is already a member of this organization"),
            Some("team_memberships_pkey") => conflict("the user is already a member of this team"),
            Some("budgets_target_period_key") => conflict("a budget with this period already exists on this target"),
            Some("rate_limits_target_key") => conflict("rate limits already exist on this target; update them instead"),
            Some("routing_policies_target_key") => conflict("a routing policy already exists on this target; update it instead"),
            Some("providers_name_key") => ApiError::field("name", "is already taken"),
            Some("models_name_key") => ApiError::field("name", "is already taken"),
            Some("models_provider_upstream_key") => ApiError::field("upstream_name", "is already registered for this provider"),
            Some("model_prices_model_effective_key") => ApiError::field("effective_from", "a price with this date already exists"),
            Some("org_model_prices_org_model_effective_key") => ApiError::field("effective_from", "a negotiated price for this model with this date already exists"),
            Some("virtual_keys_team_id_fkey") => conflict("the team still has virtual keys; revoke them and move on, teams with keys cannot be deleted"),
            Some("models_provider_id_fkey") => conflict("the provider still has models; delete them first"),
            _ => ApiError::internal(err),
        }
    }
}

/// Reads a stored enum column back into its domain type.
pub fn stored<T: std::str::FromStr>(value: &str) -> Result<T, ApiError> {
    value.parse().map_err(|_| ApiError::internal(format!("unexpected stored value {value:?}")))
}
