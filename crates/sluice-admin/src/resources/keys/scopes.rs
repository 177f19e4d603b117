//! Validation of what a key may do and carry: model scopes, endpoint scopes, metadata, expiry.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sluice_domain::policy::check_model_name;
use sluice_domain::virtual_key::Endpoint;

use crate::error::ApiError;

const MAX_METADATA_BYTES: usize = 16 * 1024;
const MAX_SCOPE_ENTRIES: usize = 100;

pub fn check_models(models: &[String]) -> Result<(), ApiError> {
    if models.len() > MAX_SCOPE_ENTRIES {
        return Err(ApiError::field("allowed_models", "at most 100 entries"));
    }
    for (i, model) in models.iter().enumerate() {
        check_model_name(model).map_err(|e| ApiError::field(format!("allowed_models[{i}]"), e.0))?;
    }
    Ok(())
}

pub fn endpoint_names(endpoints: &[Endpoint]) -> Vec<String> {
    let mut names: Vec<String> = endpoints.iter().map(|e| e.as_str().to_owned()).collect();
    names.sort();
    names.dedup();
    names
}

pub fn check_metadata(metadata: &Value) -> Result<(), ApiError> {
    if !metadata.is_object() {
        return Err(ApiError::field("metadata", "must be a JSON object"));
    }
    if serde_json::to_vec(metadata).map_or(0, |v| v.len()) > MAX_METADATA_BYTES {
        return Err(ApiError::field("metadata", "must be at most 16 KiB"));
    }
    Ok(())
}

pub fn check_expiry(at: DateTime<Utc>) -> Result<(), ApiError> {
    if at <= Utc::now() { Err(ApiError::field("expires_at", "must be in the future")) } else { Ok(()) }
}
