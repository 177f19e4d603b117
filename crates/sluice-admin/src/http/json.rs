//! `ValidJson<T>`: a JSON body extractor whose errors name the offending field.
//!
//! Input DTOs all use `deny_unknown_fields`; `serde_path_to_error` reports where deserialising
//! failed (`budget.amount_usd`, `document.matrix.pii`), which becomes the `field` of the 400.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
        let limit = req.app_data::<web::Data<AppState>>().map_or(1 << 20, |s| s.config.max_body_bytes);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::field("body", "send a JSON body with Content-Type: application/json"));
            }
            let bytes = body.await.map_err(|_| ApiError::PayloadTooLarge)?;
            if bytes.len() > limit {
                return Err(ApiError::PayloadTooLarge);
            }
            parse(&bytes).map(ValidJson)
        })
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        // "." is the document itself; "?" is a position serde could not name (a syntax error).
        let field = if path == "." || path.starts_with('?') { "body".to_owned() } else { path };
        ApiError::field(field, describe(&inner))
    })
}

/// serde's message without the line/column suffix (which means nothing to an API client) and
/// without the rejected value: `invalid type: string "sk-…", expected u32` would otherwise
/// echo whatever was sent — possibly a secret pasted into the wrong field — into the response.
fn describe(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if text.starts_with(prefix) {
            return match text.rsplit_once(", expected ") {
                Some((_, expected)) => format!("{}, expected {expected}", prefix.trim_end_matches([':', ' '])),
                None => prefix.trim_end_matches([':', ' ']).to_owned(),
            };
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        limit: u32,
        name: Option<String>,
    }

    fn error_of(json: &str) -> String {
        match parse::<Body>(json.as_bytes()) {
            Err(ApiError::Validation(fields)) => format!("{}: {}", fields[0].field, fields[0].message),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field_without_echoing_values() {
        let e = error_of(r#"{"limit": "sk-sluice-SECRETVALUE"}"#);
        assert_eq!(e, "limit: invalid type, expected u32");
        assert!(!e.contains("SECRETVALUE"));
        assert!(error_of(r#"{"limit": 1, "colour": 2}"#).contains("unknown field `colour`"));
        assert_eq!(error_of(r#"{"name": "x"}"#), "body: missing field `limit`");
        let syntax = error_of("{not json");
        assert!(syntax.starts_with("body: "), "{syntax}");
    }
}
