//! Routing-policy documents: the shape an org (and, as overrides, a team or key) stores, and
//! its validation. Evaluation lives in the router crate; this module only guarantees that a
//! stored document is well-formed, so the router never meets a malformed one at request time.
//!
//! Layering: the org document is complete (it must have a matrix); team and key documents are
//! overrides in which every field is optional. `overlay` applies an override: top-level fields
//! it sets replace the org's, except the matrix, which is merged cell by cell.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::provider::TrustTier;
use crate::roles::string_enum;

/// How sensitive a request's data is, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    Public,
    /// Matches the org's own confidential terms or patterns.
    Confidential,
    /// Personal data.
    Pii,
    /// Credentials, keys, tokens.
    Secret,
}

string_enum!(DataClass { Public => "public", Confidential => "confidential", Pii => "pii", Secret => "secret" }
    else "must be one of public, confidential, pii, secret");

/// How demanding a task is, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskTier {
    Simple,
    Medium,
    Complex,
    Reasoning,
}

string_enum!(TaskTier { Simple => "simple", Medium => "medium", Complex => "complex", Reasoning => "reasoning" }
    else "must be one of simple, medium, complex, reasoning");

/// What to do when a client names a model that the request's data class may not be sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExplicitModelRule {
    /// Route to the policy's pool for the class instead.
    Reroute,
    /// Refuse the request.
    Refuse,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    /// Mask detected entities before a request goes to a provider of trust tier `external`.
    pub enabled: bool,
    /// Entity types to mask (e.g. `email`, `phone`); empty = every detected entity.
    #[serde(default)]
    pub entities: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Degradation {
    /// Percentage of a budget spent after which requests are routed to `to_tier`.
    pub threshold_percent: u8,
    pub to_tier: TaskTier,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfidentialTerms {
    /// Case-insensitive words or phrases (project code names, customer names).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regular expressions (Rust regex syntax, no look-around).
    #[serde(default)]
    pub patterns: Vec<String>,
}

/// Ordered model pools per data class and task tier.
pub type Matrix = BTreeMap<DataClass, BTreeMap<TaskTier, Vec<String>>>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// The model every request would have gone to without Sluice; savings are measured against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_model: Option<String>,
    /// data class → task tier → ordered pool of model names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>, example = json!({"public": {"simple": ["gpt-4o-mini"], "complex": ["gpt-4o"]}}))]
    pub matrix: Option<Matrix>,
    /// trust tier → data classes a provider of that tier may receive. Missing = the defaults:
    /// local gets everything, private gets public/confidential/pii, external gets public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>, example = json!({"external": ["public"], "local": ["public", "confidential", "pii", "secret"]}))]
    pub trust: Option<BTreeMap<TrustTier, Vec<DataClass>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explicit_model: Option<ExplicitModelRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction: Option<Redaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degradation: Option<Degradation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidential: Option<ConfidentialTerms>,
    /// Complexity score in [0, 1] from which a request counts as `complex` (router default if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity_threshold: Option<f64>,
}

/// Whether a document is an org's base policy or a team/key override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyLevel {
    Org,
    Override,
}

/// A validation failure with the JSON path of the offending field (`matrix.pii.simple[0]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub path: String,
    pub reason: DomainError,
}

const MAX_POOL: usize = 16;
const MAX_TERMS: usize = 500;
const MAX_PATTERNS: usize = 100;
const MAX_PATTERN_LEN: usize = 1000;

impl PolicyDocument {
    pub fn validate(&self, level: PolicyLevel) -> Result<(), PolicyError> {
        let err = |path: String, reason: &str| PolicyError { path, reason: DomainError::new(reason) };
        if level == PolicyLevel::Org && self.matrix.is_none() {
            return Err(err("matrix".into(), "an org policy needs a matrix"));
        }
        if let Some(model) = &self.default_model {
            check_model_name(model).map_err(|reason| PolicyError { path: "default_model".into(), reason })?;
        }
        for (class, tiers) in self.matrix.iter().flatten() {
            if tiers.is_empty() {
                return Err(err(format!("matrix.{class}"), "must list at least one task tier"));
            }
            for (tier, pool) in tiers {
                let path = format!("matrix.{class}.{tier}");
                if pool.is_empty() || pool.len() > MAX_POOL {
                    return Err(err(path, "must list 1-16 models"));
                }
                for (i, model) in pool.iter().enumerate() {
                    check_model_name(model).map_err(|reason| PolicyError { path: format!("{path}[{i}]"), reason })?;
                }
            }
        }
        if let Some(degradation) = &self.degradation
            && !(1..=100).contains(&degradation.threshold_percent) {
                return Err(err("degradation.threshold_percent".into(), "must be between 1 and 100"));
            }
        if let Some(threshold) = self.complexity_threshold
            && !(0.0..=1.0).contains(&threshold) {
                return Err(err("complexity_threshold".into(), "must be between 0 and 1"));
            }
        if let Some(terms) = &self.confidential {
            if terms.keywords.len() > MAX_TERMS {
                return Err(err("confidential.keywords".into(), "at most 500 keywords"));
            }
            if let Some(i) = terms.keywords.iter().position(|k| k.trim().is_empty() || k.len() > 200) {
                return Err(err(format!("confidential.keywords[{i}]"), "must be 1-200 characters"));
            }
            if terms.patterns.len() > MAX_PATTERNS {
                return Err(err("confidential.patterns".into(), "at most 100 patterns"));
            }
            for (i, pattern) in terms.patterns.iter().enumerate() {
                let compiled = regex::RegexBuilder::new(pattern).size_limit(1 << 20).build();
                if pattern.len() > MAX_PATTERN_LEN || compiled.is_err() {
                    return Err(err(format!("confidential.patterns[{i}]"), "must be a valid regular expression of at most 1000 characters"));
                }
            }
        }
        Ok(())
    }

    /// Every model name the document refers to, with its JSON path, for existence checks.
    pub fn referenced_models(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = Vec::new();
        if let Some(model) = &self.default_model {
            out.push(("default_model".into(), model));
        }
        for (class, tiers) in self.matrix.iter().flatten() {
            for (tier, pool) in tiers {
                for (i, model) in pool.iter().enumerate() {
                    out.push((format!("matrix.{class}.{tier}[{i}]"), model));
                }
            }
        }
        out
    }

    /// The data classes a provider of `tier` may receive under this document.
    pub fn allowed_classes(&self, tier: TrustTier) -> Vec<DataClass> {
        match self.trust.as_ref().and_then(|t| t.get(&tier)) {
            Some(classes) => classes.clone(),
            None => default_trust(tier),
        }
    }

    /// Applies an override on top of this (org) document.
    pub fn overlay(&self, over: &PolicyDocument) -> PolicyDocument {
        let mut merged = self.clone();
        if let Some(over_matrix) = &over.matrix {
            let matrix = merged.matrix.get_or_insert_with(BTreeMap::new);
            for (class, tiers) in over_matrix {
                let row = matrix.entry(*class).or_default();
                for (tier, pool) in tiers {
                    row.insert(*tier, pool.clone());
                }
            }
        }
        macro_rules! replace {
            ($($field:ident),*) => {$(
                if over.$field.is_some() {
                    merged.$field = over.$field.clone();
                }
            )*};
        }
        replace!(default_model, trust, explicit_model, redaction, degradation, confidential, complexity_threshold);
        merged
    }
}

/// The data classes each trust tier may receive when a policy says nothing.
pub fn default_trust(tier: TrustTier) -> Vec<DataClass> {
    match tier {
        TrustTier::Local => vec![DataClass::Public, DataClass::Confidential, DataClass::Pii, DataClass::Secret],
        TrustTier::Private => vec![DataClass::Public, DataClass::Confidential, DataClass::Pii],
        TrustTier::External => vec![DataClass::Public],
    }
}

/// A model name or alias: 1-200 printable characters without whitespace.
pub fn check_model_name(name: &str) -> Result<(), DomainError> {
    if name.is_empty() || name.len() > 200 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::new("must be a model name of 1-200 characters without spaces"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<PolicyDocument, serde_json::Error> {
        serde_json::from_value(json)
    }

    #[test]
    fn org_policy_needs_a_matrix_and_unknown_fields_are_refused() {
        let doc = parse(serde_json::json!({"default_model": "gpt-4o"})).unwrap();
        assert_eq!(doc.validate(PolicyLevel::Org).map_err(|e| e.path), Err("matrix".to_owned()));
        assert!(doc.validate(PolicyLevel::Override).is_ok());
        assert!(parse(serde_json::json!({"matrx": {}})).is_err());
        assert!(parse(serde_json::json!({"matrix": {"toxic": {"simple": ["m"]}}})).is_err());
    }

    #[test]
    fn errors_name_the_path() {
        let doc = parse(serde_json::json!({"matrix": {"pii": {"simple": ["ok", "has space"]}}})).unwrap();
        assert_eq!(doc.validate(PolicyLevel::Org).map_err(|e| e.path), Err("matrix.pii.simple[1]".to_owned()));
        let doc = parse(serde_json::json!({"confidential": {"patterns": ["(unclosed"]}})).unwrap();
        assert_eq!(doc.validate(PolicyLevel::Override).map_err(|e| e.path), Err("confidential.patterns[0]".to_owned()));
    }

    #[test]
    fn overlay_merges_matrix_cells_and_replaces_other_fields() {
        let org = parse(serde_json::json!({
            "default_model": "big",
            "matrix": {"public": {"simple": ["small"], "complex": ["big"]}},
            "explicit_model": "reroute"
        }))
        .unwrap();
        let team = parse(serde_json::json!({"matrix": {"public": {"simple": ["tiny"]}}, "explicit_model": "refuse"})).unwrap();
        let merged = org.overlay(&team);
        let public = &merged.matrix.as_ref().unwrap()[&DataClass::Public];
        assert_eq!(public[&TaskTier::Simple], vec!["tiny".to_owned()]);
        assert_eq!(public[&TaskTier::Complex], vec!["big".to_owned()]);
        assert_eq!(merged.explicit_model, Some(ExplicitModelRule::Refuse));
        assert_eq!(merged.default_model.as_deref(), Some("big"));
    }

    #[test]
    fn default_trust_keeps_sensitive_data_off_external_providers() {
        let doc = PolicyDocument::default();
        assert_eq!(doc.allowed_classes(TrustTier::External), vec![DataClass::Public]);
        assert!(doc.allowed_classes(TrustTier::Local).contains(&DataClass::Secret));
        assert!(!doc.allowed_classes(TrustTier::Private).contains(&DataClass::Secret));
    }
}
