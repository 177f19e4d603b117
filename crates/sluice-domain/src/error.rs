//! The one error type of the domain: a value failed to parse or validate.

/// Why a value was rejected, phrased for the person who sent it (the API layer adds the field
/// name). Never contains the rejected value itself, because that value may be a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DomainError(pub String);

impl DomainError {
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}
