//! Request bodies of the provider endpoints and their validation into domain values.
//!
//! The credential is the one secret here. It arrives as a plain string, becomes a
//! `PlainCredential` (whose `Debug` is redacted) as soon as it is validated, and leaves this
//! module only sealed. Validation messages never repeat the value they reject.

use serde::Deserialize;
use sluice_domain::credentials::PlainCredential;
use sluice_domain::provider::{DataTerms, ProviderKind, TrustTier};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::Patch;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProvider {
    /// 1-100 characters of a-z, 0-9, `-`, `_` and `.`; unique.
    pub name: String,
    pub kind: ProviderKind,
    /// Where the gateway sends requests. Must use https unless `trust_tier` is `local`; only
    /// `local` providers may point at loopback or private addresses, and nobody at link-local or
    /// metadata addresses.
    pub base_url: String,
    pub trust_tier: TrustTier,
    pub region: Option<String>,
    /// Defaults to unknown retention, no training on data, no zero-data-retention agreement.
    pub data_terms: Option<DataTermsInput>,
    /// The upstream API key. Write-only: stored encrypted and never returned.
    #[schema(write_only)]
    pub credentials: Option<String>,
    /// Defaults to true.
    pub enabled: Option<bool>,
}

/// A provider's kind cannot change: its models' upstream names and the gateway's request format
/// depend on it. Register a new provider instead.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProvider {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub name: Patch<String>,
    /// Checked again, with the resulting trust tier, whenever it or `trust_tier` changes.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub base_url: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<TrustTier>)]
    pub trust_tier: Patch<TrustTier>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub region: Patch<String>,
    /// Only the fields present change.
    #[serde(default)]
    #[schema(value_type = Option<DataTermsInput>)]
    pub data_terms: Patch<DataTermsInput>,
    /// A string replaces the stored API key, `null` removes it. Write-only.
    #[serde(default)]
    #[schema(value_type = Option<String>, write_only)]
    pub credentials: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub enabled: Patch<bool>,
}

impl UpdateProvider {
    /// Names of the fields this PATCH touches, for the audit row (names only, never values).
    pub fn touched_fields(&self) -> Vec<&'static str> {
        let fields = [
            ("name", self.name != Patch::Absent),
            ("base_url", self.base_url != Patch::Absent),
            ("trust_tier", self.trust_tier != Patch::Absent),
            ("region", self.region != Patch::Absent),
            ("data_terms", !matches!(self.data_terms, Patch::Absent)),
            ("credentials", self.credentials != Patch::Absent),
            ("enabled", self.enabled != Patch::Absent),
        ];
        fields.into_iter().filter(|(_, touched)| *touched).map(|(name, _)| name).collect()
    }
}

/// Data terms in a request: absent fields keep their current (or default) value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataTermsInput {
    /// Days the provider keeps prompts and outputs; `null` when unknown.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub retention_days: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub trains_on_data: Patch<bool>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub zero_data_retention: Patch<bool>,
}

impl DataTermsInput {
    pub fn apply_to(self, current: DataTerms) -> Result<DataTerms, ApiError> {
        let retention_days = self.retention_days.apply_to(current.retention_days);
        if retention_days.is_some_and(|days| days < 0) {
            return Err(ApiError::field("data_terms.retention_days", "must not be negative"));
        }
        Ok(DataTerms {
            retention_days,
            trains_on_data: self.trains_on_data.required("data_terms.trains_on_data")?.unwrap_or(current.trains_on_data),
            zero_data_retention: self.zero_data_retention.required("data_terms.zero_data_retention")?.unwrap_or(current.zero_data_retention),
        })
    }
}

/// Provider names show up in model listings, logs and metric labels, so they keep to a small
/// alphabet that needs no quoting anywhere.
pub fn provider_name(raw: &str) -> Result<String, ApiError> {
    let valid = (1..=100).contains(&raw.len())
        && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
    if valid { Ok(raw.to_owned()) } else { Err(ApiError::field("name", "must be 1-100 characters of a-z, 0-9, '-', '_' and '.'")) }
}

pub fn valid_region(raw: String) -> Result<String, ApiError> {
    let valid = (1..=100).contains(&raw.chars().count()) && !raw.chars().any(char::is_control) && raw.trim() == raw;
    if valid { Ok(raw) } else { Err(ApiError::field("region", "must be 1-100 characters without control characters or surrounding spaces")) }
}

pub fn plain_credential(raw: String) -> Result<PlainCredential, ApiError> {
    PlainCredential::new(raw).map_err(|e| ApiError::field("credentials", e.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_keep_to_their_alphabet() {
        for ok in ["openai", "azure-eu.west_2", "a", &"x".repeat(100)] {
            assert!(provider_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "OpenAI", "open ai", "open/ai", "ünicode", &"x".repeat(101)] {
            assert!(provider_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn data_terms_apply_only_what_is_present() {
        let current = DataTerms { retention_days: Some(30), trains_on_data: true, zero_data_retention: false };
        let parse = |s: &str| serde_json::from_str::<DataTermsInput>(s).unwrap();
        assert_eq!(parse("{}").apply_to(current.clone()).unwrap(), current);
        let cleared = parse(r#"{"retention_days": null, "zero_data_retention": true}"#).apply_to(current.clone()).unwrap();
        assert_eq!(cleared, DataTerms { retention_days: None, trains_on_data: true, zero_data_retention: true });
        assert!(parse(r#"{"trains_on_data": null}"#).apply_to(current.clone()).is_err());
        assert!(parse(r#"{"retention_days": -1}"#).apply_to(current).is_err());
    }

    #[test]
    fn touched_fields_name_fields_not_values() {
        let body: UpdateProvider = serde_json::from_str(r#"{"credentials": "sk-secret", "region": null}"#).unwrap();
        assert_eq!(body.touched_fields(), vec!["region", "credentials"]);
    }
}
