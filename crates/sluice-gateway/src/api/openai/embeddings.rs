//! `POST /v1/embeddings` requests.

use serde_json::{Map, Value};

use super::chat::{model_name, parse_object};
use crate::api::errors::GatewayError;

/// Largest number of inputs in one request.
pub const MAX_INPUTS: usize = 2048;

#[derive(Debug)]
pub struct EmbeddingsRequest {
    pub body: Map<String, Value>,
    pub model: String,
    pub inputs: Vec<String>,
}

impl EmbeddingsRequest {
    pub fn parse(bytes: &[u8]) -> Result<Self, GatewayError> {
        let body = parse_object(bytes)?;
        let model = model_name(&body)?;
        let invalid = || GatewayError::invalid("`input` must be a string or an array of 1-2048 strings.", Some("input"));
        let inputs = match body.get("input") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_INPUTS => {
                items.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>().ok_or_else(invalid)?
            }
            _ => return Err(invalid()),
        };
        Ok(Self { body, model, inputs })
    }
}
