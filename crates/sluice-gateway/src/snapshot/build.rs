//! Building a snapshot from the store's bulk reads (one repeatable-read transaction).

use std::collections::HashMap;
use std::sync::Arc;

use sluice_domain::credentials::CredentialCipher;
use sluice_domain::ids::{BudgetId, KeyId, ModelId, OrgId, ProviderId, TeamId, UserId};
use sluice_domain::period::OrgTimeZone;
use sluice_domain::provider::DataTerms;
use sluice_domain::Money;
use sluice_store::{Db, StoreError, snapshot as rows};

use crate::routing::policies::{RoutingPolicies, StoredPolicy};

use super::{BudgetEntry, Controls, KeyEntry, LimitEntry, ModelEntry, Price, ProviderEntry, Snapshot};

pub async fn build_snapshot(db: &Db, cipher: &CredentialCipher) -> Result<Snapshot, StoreError> {
    let mut tx = rows::begin_consistent_read(db).await?;
    let keys = rows::key_secrets(&mut tx).await?;
    let orgs = rows::orgs(&mut tx).await?;
    let budgets = rows::budgets(&mut tx).await?;
    let limits = rows::rate_limits(&mut tx).await?;
    let providers = rows::providers(&mut tx).await?;
    let models = rows::models(&mut tx).await?;
    let org_prices = rows::org_prices(&mut tx).await?;
    let policies = rows::policies(&mut tx).await?;
    tx.commit().await?;

    let mut snapshot = Snapshot { loaded_at: Some(chrono::Utc::now()), ..Snapshot::default() };
    let key_teams: HashMap<KeyId, TeamId> = keys.iter().map(|k| (KeyId::from(k.key_id), TeamId::from(k.team_id))).collect();
    let stored = policies
        .into_iter()
        .map(|p| StoredPolicy { org: OrgId::from(p.org_id), team: p.team_id.map(TeamId::from), key: p.key_id.map(KeyId::from), document: p.document })
        .collect();
    snapshot.policies = RoutingPolicies::build(stored, &key_teams);
    for row in keys {
        let Ok(hash) = <[u8; 32]>::try_from(row.secret_hash.as_slice()) else { continue };
        let expires_at = match (row.key_expires_at, row.secret_expires_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let entry = KeyEntry {
            key_id: KeyId::from(row.key_id),
            org_id: OrgId::from(row.org_id),
            team_id: TeamId::from(row.team_id),
            user_id: row.user_id.map(UserId::from),
            name: row.name,
            allowed_models: row.allowed_models,
            allowed_endpoints: row.allowed_endpoints.iter().filter_map(|e| e.parse().ok()).collect(),
            expires_at,
        };
        snapshot.keys.insert(hash, Arc::new(entry));
    }
    for org in orgs {
        let zone = org.time_zone.parse().unwrap_or(OrgTimeZone::UTC);
        snapshot.org_zones.insert(OrgId::from(org.id), zone);
        snapshot.org_failure_modes.insert(OrgId::from(org.id), org.quota_failure_mode.parse().unwrap_or_default());
        if org.prompt_logging {
            snapshot.orgs_logging_prompts.insert(OrgId::from(org.id));
        }
    }
    for row in budgets {
        let (Ok(period), Ok(amount)) = (row.period.parse(), Ok::<_, ()>(Money::from_nanos(row.amount_nano))) else { continue };
        let alert_thresholds: Vec<u8> = row.alert_thresholds.iter().filter_map(|t| u8::try_from(*t).ok()).collect();
        snapshot.alert_thresholds.insert(BudgetId::from(row.id), alert_thresholds.clone());
        let entry = BudgetEntry { id: BudgetId::from(row.id), amount, period, hard: row.hard, alert_thresholds };
        controls_of(&mut snapshot, row.org_id, row.team_id, row.key_id).budgets.push(entry);
    }
    for row in limits {
        let to_u32 = |v: Option<i32>| v.and_then(|n| u32::try_from(n).ok());
        let entry = LimitEntry { rpm: to_u32(row.rpm), tpm: to_u32(row.tpm), max_parallel: to_u32(row.max_parallel) };
        controls_of(&mut snapshot, row.org_id, row.team_id, row.key_id).limits = Some(entry);
    }
    let mut by_id: HashMap<uuid::Uuid, Arc<ProviderEntry>> = HashMap::new();
    for row in providers {
        let Ok(kind) = row.kind.parse() else { continue };
        let Ok(trust_tier) = row.trust_tier.parse() else { continue };
        let provider_id = ProviderId::from(row.id);
        let credential = match (row.credentials_ciphertext, row.credentials_key_id) {
            (Some(sealed), Some(key_id)) if key_id == cipher.key_id() => match cipher.open(provider_id, &sealed) {
                Ok(credential) => Some(credential),
                Err(_) => {
                    tracing::error!(provider = %row.name, "provider credential cannot be decrypted with the configured key");
                    None
                }
            },
            (Some(_), Some(key_id)) => {
                tracing::error!(provider = %row.name, credential_key_id = %key_id, "provider credential sealed with a key that is not configured");
                None
            }
            _ => None,
        };
        let entry = ProviderEntry {
            id: provider_id,
            name: row.name,
            kind,
            base_url: row.base_url,
            trust_tier,
            region: row.region,
            data_terms: DataTerms { retention_days: row.retention_days, trains_on_data: row.trains_on_data, zero_data_retention: row.zero_data_retention },
            credential,
        };
        by_id.insert(row.id, Arc::new(entry));
    }
    for row in models {
        let Some(provider) = by_id.get(&row.provider_id).cloned() else { continue };
        let (Ok(capability_tier), Ok(mode)) = (row.capability_tier.parse(), row.mode.parse()) else { continue };
        let price = Price::from_columns(row.input_nano_per_mtok, row.output_nano_per_mtok, row.cached_input_nano_per_mtok, row.cache_write_nano_per_mtok);
        let entry = ModelEntry {
            id: ModelId::from(row.id),
            name: row.name.clone(),
            upstream_name: row.upstream_name,
            capability_tier,
            mode,
            context_window: row.context_window.and_then(|n| u32::try_from(n).ok()),
            max_output_tokens: row.max_output_tokens.and_then(|n| u32::try_from(n).ok()),
            price,
            provider,
        };
        snapshot.models.insert(row.name, Arc::new(entry));
    }
    let mut negotiated: HashMap<OrgId, HashMap<ModelId, Price>> = HashMap::new();
    for row in org_prices {
        let price = Price::from_columns(Some(row.input_nano_per_mtok), Some(row.output_nano_per_mtok), row.cached_input_nano_per_mtok, row.cache_write_nano_per_mtok);
        if let Some(price) = price {
            negotiated.entry(OrgId::from(row.org_id)).or_default().insert(ModelId::from(row.model_id), price);
        }
    }
    snapshot.org_prices = negotiated.into_iter().map(|(org, prices)| (org, Arc::new(prices))).collect();
    Ok(snapshot)
}

fn controls_of(snapshot: &mut Snapshot, org: uuid::Uuid, team: Option<uuid::Uuid>, key: Option<uuid::Uuid>) -> &mut Controls {
    match (team, key) {
        (_, Some(key)) => {
            snapshot.key_orgs.insert(KeyId::from(key), OrgId::from(org));
            snapshot.key_controls.entry(KeyId::from(key)).or_default()
        }
        (Some(team), None) => {
            snapshot.team_orgs.insert(TeamId::from(team), OrgId::from(org));
            snapshot.team_controls.entry(TeamId::from(team)).or_default()
        }
        (None, None) => snapshot.org_controls.entry(OrgId::from(org)).or_default(),
    }
}
