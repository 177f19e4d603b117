//! The policy file of `sluice route classify|eval --policy FILE`: a routing-policy document
//! (exactly as the admin API stores it) plus the models it names, with their providers' trust
//! tiers and, optionally, prices for cost estimates. Without `--policy` a built-in example is
//! used: public traffic to gpt-4o-mini / gpt-4o, everything sensitive to a local model.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use sluice_domain::policy::{PolicyDocument, PolicyLevel};
use sluice_domain::provider::TrustTier;
use sluice_router::policy::{ModelCatalog, RoutePolicy};

const DEFAULT: &str = include_str!("default_policy.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    policy: PolicyDocument,
    models: BTreeMap<String, ModelSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ModelSpec {
    /// Just the trust tier: `"gpt-4o": "external"`.
    Tier(TrustTier),
    Full(ModelDetails),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelDetails {
    trust_tier: TrustTier,
    #[serde(default)]
    input_usd_per_mtok: f64,
    #[serde(default)]
    output_usd_per_mtok: f64,
}

/// A loaded policy with its model catalogue.
pub struct LoadedPolicy {
    pub policy: RoutePolicy,
    pub models: BTreeMap<String, ModelDetailsView>,
}

#[derive(Debug, Clone, Copy)]
pub struct ModelDetailsView {
    pub trust_tier: TrustTier,
    pub input_usd_per_mtok: f64,
    pub output_usd_per_mtok: f64,
}

impl ModelCatalog for LoadedPolicy {
    fn trust_tier(&self, model: &str) -> Option<TrustTier> {
        self.models.get(model).map(|m| m.trust_tier)
    }
}

impl LoadedPolicy {
    pub fn load(path: Option<&Path>) -> anyhow::Result<LoadedPolicy> {
        let (text, origin) = match path {
            Some(p) => (std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?, p.display().to_string()),
            None => (DEFAULT.to_owned(), "the built-in example policy".to_owned()),
        };
        Self::parse(&text).with_context(|| format!("invalid policy file {origin}"))
    }

    fn parse(text: &str) -> anyhow::Result<LoadedPolicy> {
        let file: PolicyFile = serde_json::from_str(text)?;
        file.policy.validate(PolicyLevel::Org).map_err(|e| anyhow::anyhow!("policy.{}: {}", e.path, e.reason))?;
        for (path, model) in file.policy.referenced_models() {
            if !file.models.contains_key(model) {
                anyhow::bail!("policy.{path}: model '{model}' is not listed under \"models\"");
            }
        }
        let models = file
            .models
            .into_iter()
            .map(|(name, spec)| {
                let view = match spec {
                    ModelSpec::Tier(trust_tier) => ModelDetailsView { trust_tier, input_usd_per_mtok: 0.0, output_usd_per_mtok: 0.0 },
                    ModelSpec::Full(d) => ModelDetailsView { trust_tier: d.trust_tier, input_usd_per_mtok: d.input_usd_per_mtok, output_usd_per_mtok: d.output_usd_per_mtok },
                };
                (name, view)
            })
            .collect();
        let policy = RoutePolicy::compile(file.policy).context("policy.confidential.patterns")?;
        Ok(LoadedPolicy { policy, models })
    }

    /// Estimated USD cost of a request on `model`.
    pub fn cost(&self, model: &str, input_tokens: f64, output_tokens: f64) -> Option<f64> {
        let m = self.models.get(model)?;
        Some((input_tokens * m.input_usd_per_mtok + output_tokens * m.output_usd_per_mtok) / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_policy_loads_and_unknown_models_are_named() {
        let loaded = LoadedPolicy::load(None).unwrap();
        assert_eq!(loaded.trust_tier("local-llm"), Some(TrustTier::Local));
        let err = LoadedPolicy::parse(r#"{"policy": {"matrix": {"public": {"simple": ["ghost"]}}}, "models": {"m": "local"}}"#).err().unwrap();
        assert!(err.to_string().contains("policy.matrix.public.simple[0]: model 'ghost'"), "{err}");
        let err = LoadedPolicy::parse(r#"{"policy": {"default_model": "m"}, "models": {"m": "local"}}"#).err().unwrap();
        assert!(err.to_string().contains("policy.matrix"), "{err}");
    }
}
