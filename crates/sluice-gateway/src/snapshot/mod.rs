//! The gateway's view of the configuration: every live key, limit, budget, policy, provider and
//! priced model, in memory, replaced atomically as a whole.
//!
//! Requests read it through an `ArcSwap` (a pointer load, no lock); the refresher builds a new
//! snapshot from PostgreSQL on every change notification and periodically, then swaps it in.
//! A request therefore sees one consistent configuration from start to end, and the request path
//! never waits for the database.

mod build;
mod refresh;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sluice_domain::budget::QuotaFailureMode;
use sluice_domain::credentials::PlainCredential;
use sluice_domain::ids::{BudgetId, KeyId, ModelId, OrgId, ProviderId, TeamId, UserId};
use sluice_domain::period::{BudgetPeriod, OrgTimeZone};
use sluice_domain::provider::{CapabilityTier, DataTerms, ModelMode, ProviderKind, TrustTier};
use sluice_domain::virtual_key::Endpoint;
use sluice_domain::{Money, PricePerMTok};

pub use build::build_snapshot;
pub use refresh::{BeforeSwap, SnapshotHandle, spawn_refresher};

/// One accepted secret of a key, with everything authentication needs.
#[derive(Debug)]
pub struct KeyEntry {
    pub key_id: KeyId,
    pub org_id: OrgId,
    pub team_id: TeamId,
    pub user_id: Option<UserId>,
    pub name: String,
    /// Empty = any model.
    pub allowed_models: Vec<String>,
    /// Empty = every endpoint.
    pub allowed_endpoints: Vec<Endpoint>,
    /// The earlier of the key's and this secret's expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

impl KeyEntry {
    pub fn may_use_endpoint(&self, endpoint: Endpoint) -> bool {
        self.allowed_endpoints.is_empty() || self.allowed_endpoints.contains(&endpoint)
    }

    pub fn may_use_model(&self, name: &str) -> bool {
        self.allowed_models.is_empty() || self.allowed_models.iter().any(|m| m == name)
    }
}

#[derive(Debug, Clone)]
pub struct BudgetEntry {
    pub id: BudgetId,
    pub amount: Money,
    pub period: BudgetPeriod,
    pub hard: bool,
    /// Percentages of the amount at which an alert is raised (100 is always one).
    pub alert_thresholds: Vec<u8>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LimitEntry {
    pub rpm: Option<u32>,
    pub tpm: Option<u32>,
    pub max_parallel: Option<u32>,
}

/// Budgets and limits set on one org, team or key.
#[derive(Debug, Clone, Default)]
pub struct Controls {
    pub budgets: Vec<BudgetEntry>,
    pub limits: Option<LimitEntry>,
}

#[derive(Debug)]
pub struct ProviderEntry {
    pub id: ProviderId,
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: String,
    pub trust_tier: TrustTier,
    pub region: Option<String>,
    pub data_terms: DataTerms,
    /// None when no credential is set (or it could not be opened with the configured key).
    pub credential: Option<PlainCredential>,
}

#[derive(Debug, Clone, Copy)]
pub struct Price {
    pub input: PricePerMTok,
    pub output: PricePerMTok,
    pub cached_input: Option<PricePerMTok>,
    /// Anthropic-style prompt-cache writes; None = charged at the input price.
    pub cache_write: Option<PricePerMTok>,
}

impl Price {
    /// From a price row's columns (nano-USD per million tokens); None without input and output.
    pub fn from_columns(input: Option<i64>, output: Option<i64>, cached_input: Option<i64>, cache_write: Option<i64>) -> Option<Self> {
        let per_mtok = |n: i64| PricePerMTok::from_nanos(n).ok();
        Some(Self {
            input: per_mtok(input?).unwrap_or_default(),
            output: per_mtok(output?).unwrap_or_default(),
            cached_input: cached_input.and_then(per_mtok),
            cache_write: cache_write.and_then(per_mtok),
        })
    }
}

#[derive(Debug)]
pub struct ModelEntry {
    pub id: ModelId,
    pub name: String,
    pub upstream_name: String,
    pub capability_tier: CapabilityTier,
    pub mode: ModelMode,
    pub context_window: Option<u32>,
    pub max_output_tokens: Option<u32>,
    pub price: Option<Price>,
    pub provider: Arc<ProviderEntry>,
}

impl ModelEntry {
    /// Whether the gateway can call this model now: providers that need an API key must have one.
    pub fn servable(&self) -> bool {
        match self.provider.kind {
            ProviderKind::Openai | ProviderKind::Anthropic => self.provider.credential.is_some(),
            ProviderKind::OpenaiCompatible | ProviderKind::Demo => true,
        }
    }
}

#[derive(Debug, Default)]
pub struct Snapshot {
    pub loaded_at: Option<DateTime<Utc>>,
    /// By SHA-256 of the secret.
    pub keys: HashMap<[u8; 32], Arc<KeyEntry>>,
    pub org_zones: HashMap<OrgId, OrgTimeZone>,
    pub org_failure_modes: HashMap<OrgId, QuotaFailureMode>,
    /// Orgs that turned prompt logging on.
    pub orgs_logging_prompts: HashSet<OrgId>,
    pub org_controls: HashMap<OrgId, Controls>,
    pub team_controls: HashMap<TeamId, Controls>,
    pub key_controls: HashMap<KeyId, Controls>,
    /// Which org a team or key with budgets belongs to (for rebuilding counters).
    pub team_orgs: HashMap<TeamId, OrgId>,
    pub key_orgs: HashMap<KeyId, OrgId>,
    /// Alert thresholds by budget.
    pub alert_thresholds: HashMap<BudgetId, Vec<u8>>,
    /// By public name.
    pub models: HashMap<String, Arc<ModelEntry>>,
    /// Effective routing policies, compiled.
    pub policies: crate::routing::policies::RoutingPolicies,
    /// Negotiated prices, for the orgs that have any.
    pub org_prices: HashMap<OrgId, OrgPrices>,
}

/// An org's negotiated prices by model: they replace the price book's for that org, in the
/// reservation as in the charge, so a discounted org's budget buys what the invoice will say.
pub type OrgPrices = Arc<HashMap<ModelId, Price>>;

/// The price a model is charged at for an org with these negotiated prices.
pub fn price_for(org_prices: Option<&OrgPrices>, model: &ModelEntry) -> Option<Price> {
    org_prices.and_then(|p| p.get(&model.id)).copied().or(model.price)
}

impl Snapshot {
    pub fn model(&self, name: &str) -> Option<&Arc<ModelEntry>> {
        self.models.get(name)
    }

    /// A budget's alert thresholds (empty if the budget is unknown).
    pub fn budget_thresholds(&self, budget: BudgetId) -> &[u8] {
        self.alert_thresholds.get(&budget).map_or(&[], Vec::as_slice)
    }

    pub fn failure_mode(&self, org: OrgId) -> QuotaFailureMode {
        self.org_failure_modes.get(&org).copied().unwrap_or_default()
    }

    pub fn logs_prompts(&self, org: OrgId) -> bool {
        self.orgs_logging_prompts.contains(&org)
    }

    pub fn org_prices(&self, org: OrgId) -> Option<&OrgPrices> {
        self.org_prices.get(&org)
    }

    pub fn zone(&self, org: OrgId) -> OrgTimeZone {
        self.org_zones.get(&org).copied().unwrap_or(OrgTimeZone::UTC)
    }
}
